"""``fiscalshare sweep``: what-if scenarios over ratios, budgets and standards."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import SECONDS, case_argument, console, resolve_case


def _progress_factory(total: int):
    """One rich progress bar: done, failed, ETA.  Returns a callback per finished scenario."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("[bold]sweep"), BarColumn(), TextColumn("{task.completed}/"
                   "{task.total}"), TextColumn("done {task.fields[done]} failed "
                   "{task.fields[failed]}"), TimeRemainingColumn(), console=console())
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
              help="e.g. budget=x0.9,x1.0 or province_max:t3=0.8,1.0 (repeatable).")
@click.option("--zip", "paired", is_flag=True, help="Pair the i-th values instead of a grid.")
@click.option("--file", "file", type=click.Path(path_type=Path, exists=True),
              help="A sweep file (YAML): vary: {key: [values]} or named scenarios:.")
@click.option("--model", default="default", show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Local dask workers (processes on 127.0.0.1).")
@click.option("--scheduler", help="Use an existing dask cluster, tcp://HOST:PORT.")
@click.option("--serial", is_flag=True, help="Run in this process, without dask.")
@click.option("--no-reuse", is_flag=True, help="Rebuild the model for every scenario.")
@click.option("--out", type=click.Path(path_type=Path), help="Sweep folder.")
@click.option("--resume", type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="Finish an interrupted sweep folder.")
@click.option("--tornado", is_flag=True, help="Also plot z2 for ±10 % on each ratio and standard.")
@click.option("--time-limit", type=SECONDS, help="Solver time limit per scenario (seconds).")
@click.option("--force", is_flag=True)
def command(case, vary, paired, file, model, workers, scheduler, serial, no_reuse, out, resume,
            tornado, time_limit, force):
    """Solve CASE under every scenario and compare them with the baseline."""
    from fiscalshare.runs.folder import utc_stamp
    from fiscalshare.sweep import run_sweep

    target = resume or out or Path("results") / f"{utc_stamp()}-sweep"
    if resume is None:
        _check_out(target, resolve_case(case), force)
    try:
        outcome = run_sweep(resolve_case(case), model, target, vary=list(vary), paired=paired,
                            file=file, workers=workers, scheduler=scheduler, serial=serial,
                            force=force, resume=resume is not None, reuse=not no_reuse,
                            time_limit=time_limit, tornado=tornado,
                            progress_factory=_progress_factory)
    except KeyboardInterrupt:
        click.echo(f"Interrupted: finished scenarios are kept; continue with "
                   f"fiscalshare sweep --resume {target}", err=True)
        return 130
    counts = outcome.counts
    click.echo(f"{outcome.total} scenarios: {counts['done']} solved, {counts['failed']} "
               f"infeasible or failed, {counts['skipped']} already done. Results in {target}")
    return 0


def _check_out(target: Path, case: Path, force: bool) -> None:
    """Refuse, before anything runs, an --out that is the input, holds it, is the current folder
    or an ancestor of it, or is a non-empty folder that fiscalshare did not write (exit 2).

    A sweep folder is recognised by our marker or, for sweeps written before the marker, by its
    plan.json (the sweep package may mark its folders with runs.folder.mark_run_folder)."""
    from fiscalshare.runs.folder import check_out_path, is_run_folder
    from fiscalshare.sweep import PLAN

    check_out_path(target, inputs=[case], force=force,
                   owned=lambda folder: is_run_folder(folder) or (folder / PLAN).is_file())
