"""``fiscalshare verify RUN_DIR``: audit a run folder (files, input hash, every constraint)."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import echo, lang_option
from fiscalshare.errors import VerificationError


@click.command("verify")
@click.argument("run_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--case", type=click.Path(path_type=Path, exists=True),
              help="The input case, when it is no longer where the run found it.")
@lang_option
def command(run_dir, case, lang):
    """Recompute the input hash, check every file against manifest.json, re-check the allocation
    (of a sweep folder: its scenarios, records, and a few of them solved again; of a compare
    folder: the optimum, the status quo and compare.xlsx)."""
    from fiscalshare.messages import translate
    from fiscalshare.report.labels import label
    from fiscalshare.runs.audit import audit_run, is_compare_folder
    from fiscalshare.sweep.audit import audit_sweep, is_sweep_folder

    sweep = is_sweep_folder(run_dir)
    findings = audit_sweep(run_dir, case) if sweep else audit_run(run_dir, case)
    if findings:
        raise VerificationError(
            label("verify_fails", lang).format(run=run_dir, n=len(findings)) + "\n  "
            + "\n  ".join(translate(finding, lang) for finding in findings))
    kind = "sweep" if sweep else "compare" if is_compare_folder(run_dir) else "run"
    echo(label(f"verify_ok_{kind}", lang).format(run=run_dir))
