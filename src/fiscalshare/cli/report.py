"""``fiscalshare report RUN_DIR``: regenerate every report of a run from its allocation.nc."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import echo


@click.command("report")
@click.argument("run_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def command(run_dir, lang):
    """Rewrite the workbooks and plots of RUN_DIR (the run folder is replaced atomically)."""
    from fiscalshare.runs.regenerate import regenerate_reports

    written = regenerate_reports(run_dir, lang=lang)
    echo(f"{len(written)} files written in {run_dir}")
