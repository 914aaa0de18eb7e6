"""``fiscalshare report RUN_DIR``: regenerate every report of a run from its allocation.nc."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import echo


@click.command("report")
@click.argument("run_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the reports.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Write a copy of the run with the new reports here instead of replacing "
                   "RUN_DIR's (e.g. to keep the Chinese and English reports side by side).")
@click.option("--force", is_flag=True, help="Replace an existing --out folder.")
def command(run_dir, lang, out, force):
    """Rewrite the workbooks and plots of RUN_DIR (the run folder is replaced atomically)."""
    from fiscalshare.report.labels import label
    from fiscalshare.runs.regenerate import regenerate_reports

    written = regenerate_reports(run_dir, lang=lang, out=out, force=force)
    echo(label("files_written", lang).format(n=len(written), folder=out or run_dir))
