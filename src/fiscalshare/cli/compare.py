"""``fiscalshare compare``: solve, compute today's baseline, and write them side by side."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import SECONDS, case_argument, echo, print_warnings, resolve_case


@click.command("compare")
@case_argument
@click.option("--model", "model", default="default", show_default=True,
              help="Model configuration: a name in models/ or a YAML path.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Output folder (default results/compare-<case>-<UTC time>).")
@click.option("--force", is_flag=True, help="Replace an existing output folder.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of compare.xlsx, the plots and the printed summary.")
@click.option("--time-limit", type=SECONDS, help="Solver time limit in seconds, per solve.")
@click.option("--verbose", is_flag=True, help="Also show the solver's banner.")
def command(case, model, out, force, lang, time_limit, verbose):
    """Compare the optimised allocation of CASE with the status quo (default: the packaged example).

    Writes compare.xlsx (provincial money, shortfall by item and tier, equity metrics, each
    unit's transfer under both, the price of equity) and plots, plots/compare.png first.
    """
    from fiscalshare.cli.common import silence_solver_banner
    from fiscalshare.report.compare import compare_lines, displayed_story
    from fiscalshare.report.labels import label
    from fiscalshare.workflows import CompareRequest, run_compare

    if not verbose:  # the console shows only our own lines, as for solve
        silence_solver_banner()
    run = run_compare(CompareRequest(resolve_case(case), model, out=out, force=force, lang=lang,
                                     time_limit=time_limit))
    print_warnings(run.warnings, lang)
    from fiscalshare.report.story import headline

    for sentence in headline(displayed_story(run.result), lang):
        click.echo(sentence)
    for line in compare_lines(run.result, lang):
        click.echo(line)
    echo(label("cmp_written", lang).format(run.folder))
    return 0
