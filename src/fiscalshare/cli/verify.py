"""``fiscalshare verify RUN_DIR``: audit a run folder (files, input hash, every constraint)."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import echo
from fiscalshare.errors import VerificationError


@click.command("verify")
@click.argument("run_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--case", type=click.Path(path_type=Path, exists=True),
              help="The input case, when it is no longer where the run found it.")
def command(run_dir, case):
    """Recompute the input hash, check every file against manifest.json, re-check the allocation
    (of a sweep folder: its scenarios, records, and a few of them solved again; of a compare
    folder: the optimum, the status quo and compare.xlsx)."""
    from fiscalshare.runs.audit import audit_run, is_compare_folder
    from fiscalshare.sweep.audit import audit_sweep, is_sweep_folder

    if is_sweep_folder(run_dir):
        findings = audit_sweep(run_dir, case)
        if findings:
            raise VerificationError(f"{run_dir} fails the audit ({len(findings)} finding(s)):\n  "
                                    + "\n  ".join(findings))
        click.echo(f"{run_dir}: sweep files, input, scenarios and the figures solved again "
                   "check out.")
        return
    findings = audit_run(run_dir, case)
    if findings:
        raise VerificationError(
            f"{run_dir} fails the audit ({len(findings)} finding(s)):\n  " + "\n  ".join(findings)
        )
    if is_compare_folder(run_dir):
        echo(f"{run_dir}: files, input, the optimum's constraints, the status quo and "
             "compare.xlsx check out.")
        return
    echo(f"{run_dir}: files, input and every constraint check out.")
