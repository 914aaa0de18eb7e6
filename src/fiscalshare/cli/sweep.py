"""``fiscalshare sweep``: what-if scenarios over ratios, budgets and standards."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import SECONDS, case_argument, console, resolve_case


def _progress_factory(total: int, lang: str = "zh"):
    """One rich progress bar: done, failed, ETA.  Returns a callback per finished scenario."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from fiscalshare.report.labels import label

    done, failed = label("status_optimal", lang), label("status_infeasible", lang)
    bar = Progress(TextColumn(f"[bold]{label('sweep_sheet_scenarios', lang)}"), BarColumn(),
                   TextColumn("{task.completed}/{task.total}"),
                   TextColumn(f"{done} {{task.fields[done]}} {failed} {{task.fields[failed]}}"),
                   TimeRemainingColumn(), console=console())
    task = bar.add_task("sweep", total=total, done=0, failed=0)
    counts = {"done": 0, "failed": 0}
    bar.start()

    def advance(status):
        if status is None:
            bar.stop()
            return
        counts["done" if status == "optimal" else "failed"] += 1
        bar.update(task, advance=1, **counts)

    return advance


@click.command("sweep")
@case_argument
@click.option("--vary", "vary", multiple=True, metavar="KEY=VALUES",
              help="e.g. budget=x0.9,x1.0, capacity=x0.9,x0.95 or province_max:t3=0.8,1.0 "
                   "(repeatable, one key each).")
@click.option("--zip", "paired", is_flag=True, help="Pair the i-th values instead of a grid.")
@click.option("--file", "file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="A sweep file (YAML): vary: {key: [values]} or named scenarios:.")
@click.option("--model", default="default", show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local dask workers (processes on 127.0.0.1) [default: 2].")
@click.option("--scheduler", help="Use an existing dask cluster, tcp://HOST:PORT.")
@click.option("--serial", is_flag=True, default=None,
              help="Run in this process, without dask.")
@click.option("--no-reuse", is_flag=True, help="Build a model for every scenario.")
@click.option("--out", type=click.Path(path_type=Path), help="Sweep folder.")
@click.option("--resume", type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="Finish an interrupted sweep folder (same case, settings and workers).")
@click.option("--tornado", is_flag=True,
              help="Also solve ±10 % on each tier's shares, each standard and the budget.")
@click.option("--prices", is_flag=True,
              help="Also rank items by what one more yuan of standard costs the province and "
                   "units by what one more yuan of capacity saves it (from the baseline's duals).")
@click.option("--time-limit", type=SECONDS,
              help="Solver time limit per scenario (seconds).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of sweep.xlsx, the plots and this output [default: zh].")
@click.option("--force", is_flag=True)
@click.option("--verbose", is_flag=True, help="Also show the solver's banner.")
def command(case, vary, paired, file, model, workers, scheduler, serial, no_reuse, out, resume,
            tornado, prices, time_limit, lang, force, verbose):
    """Solve CASE under every scenario and compare them with the baseline."""
    from fiscalshare.runs.folder import utc_stamp
    from fiscalshare.workflows import SweepRequest, run_sweep

    if not resume and workers is None and scheduler is None and not serial:
        workers = 2
    target = resume or out or Path("results") / f"{utc_stamp()}-sweep"
    if resume is None:
        _check_out(target, resolve_case(case), force)
    if not verbose:
        from fiscalshare.cli.common import silence_solver_banner

        silence_solver_banner()
    try:
        outcome = run_sweep(SweepRequest(
            None if resume else resolve_case(case), target, model, vary=list(vary),
            paired=paired, file=file, workers=workers, scheduler=scheduler, serial=serial,
            force=force, resume=resume is not None, reuse=not no_reuse, time_limit=time_limit,
            tornado=tornado, prices=prices, lang=lang,
            progress_factory=lambda total: _progress_factory(total, lang or "zh"),
            echo=click.echo))
    except KeyboardInterrupt:
        from fiscalshare.report.labels import label

        click.echo(label("sweep_interrupted", lang or "zh").format(target), err=True)
        return 130
    from fiscalshare.report.labels import label

    counts = outcome.counts
    click.echo(label("sweep_summary", outcome.lang).format(
        outcome.total, counts["done"], counts["failed"], counts["skipped"], target))
    return 0


def _check_out(target: Path, case: Path, force: bool) -> None:
    """Refuse, before anything runs, an --out that is the input, holds it, is the current folder
    or an ancestor of it, or is a non-empty folder that fiscalshare did not write (exit 2).

    A sweep folder is recognised by our marker or, for sweeps written before the marker, by its
    plan.json (the sweep package may mark its folders with runs.folder.mark_run_folder)."""
    from fiscalshare.runs.folder import check_out_path, is_run_folder
    from fiscalshare.sweep.folder import PLAN

    check_out_path(target, inputs=[case], force=force,
                   owned=lambda folder: is_run_folder(folder) or (folder / PLAN).is_file())
