"""``fiscalshare solve``: load, check, solve, verify, write the run folder, summarise."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import (
    SECONDS,
    case_argument,
    console,
    echo,
    print_warnings,
    resolve_case,
    thread_range,
)
from fiscalshare.config import RATIO_MODES
from fiscalshare.workflows import SolveRequest, plots_ahead, run_solve


@click.command("solve")
@case_argument
@click.option("--model", "model", default="default", show_default=True,
              help="Model configuration: a name in models/ or a YAML path.")
@click.option("--ratio-mode", type=click.Choice(RATIO_MODES),
              help="Override the configuration's ratio_mode.")
@click.option("--equalisation", type=click.Choice(["on", "off"]),
              help="Override the configuration's equalisation.")
@click.option("--eta", type=float, help="Override η, the priority strength for poorer areas.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Run folder (default results/<UTC time>-<case>-<model>).")
@click.option("--time-limit", type=SECONDS, help="Solver time limit in seconds (exit 4 when hit).")
@click.option("--threads", type=thread_range(), help="Solver threads (1 to the number of processors).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the Excel reports.")
@click.option("--write-mps", type=click.Path(path_type=Path),
              help="Also write both stage models as MPS files (for solver-alone timing).")
@click.option("--no-reports", is_flag=True, help="Write allocation.nc and the manifest only "
              "(national scale: run `fiscalshare report RUN_DIR` later).")
@click.option("--force", is_flag=True, help="Replace an existing run folder.")
@click.option("--quiet", is_flag=True, help="Print only the run folder.")
@click.option("--verbose", is_flag=True, help="Also show the solver's banner.")
def command(case, model, ratio_mode, equalisation, eta, out, time_limit, threads, lang,
            write_mps, no_reports, force, quiet, verbose):
    """Solve CASE (a workbook or CSV folder; default: the packaged Guizhou example)."""
    overrides = {
        key: value
        for key, value in {"ratio_mode": ratio_mode, "equalisation": equalisation, "eta": eta}.items()
        if value is not None
    }
    request = SolveRequest(
        case=resolve_case(case),
        model=model,
        overrides=overrides,
        out=out,
        force=force,
        time_limit=time_limit,
        threads=threads,
        lang=lang,
        write_mps=write_mps,
        reports=not no_reports,
        live_progress=_terminal(quiet),
    )
    with plots_ahead(request.reports) as plotter:  # forked before pandas and xarray load
        if not verbose:
            from fiscalshare.cli.common import silence_solver_banner

            silence_solver_banner()
        outcome = run_solve(request, plotter=plotter)
    print_warnings(outcome.warnings, lang)
    if quiet:
        echo(str(outcome.run_dir))
        return outcome.exit_code
    if outcome.results is not None:
        from fiscalshare.report import print_summary
        from fiscalshare.report.labels import LABELS, label

        print_summary(outcome.results, run_dir=outcome.run_dir, console=console(), lang=lang)
        timing = ", ".join(f"{label('timing_' + k, lang) if 'timing_' + k in LABELS else k} "
                           f"{v:.2f} s" for k, v in outcome.timings.items())
        console().print(label("console_timing", lang).format(timing), style="dim", markup=False)
    else:
        from fiscalshare.config import load_config
        from fiscalshare.report.console import print_diagnosis

        print_diagnosis(outcome, console(), lang, load_config(model, overrides))
    return outcome.exit_code


def _terminal(quiet: bool):
    """stderr when it is an interactive terminal (for the live progress line), else None."""
    import sys

    return None if quiet or not sys.stderr.isatty() else sys.stderr
