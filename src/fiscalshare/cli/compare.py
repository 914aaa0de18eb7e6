"""``fiscalshare compare``: solve, compute today's baseline, and write them side by side."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import SECONDS, case_argument, echo, print_warnings, resolve_case
from fiscalshare.quantities import WAN


def _wan(yuan: float) -> str:
    """Yuan as 万元 with two decimals, never "-0.00"."""
    return f"{round(yuan / WAN, 2) + 0.0:,.2f}"


@click.command("compare")
@case_argument
@click.option("--model", "model", default="default", show_default=True,
              help="Model configuration: a name in models/ or a YAML path.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Output folder (default results/compare-<case>-<UTC time>).")
@click.option("--force", is_flag=True, help="Replace an existing output folder.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of compare.xlsx.")
@click.option("--time-limit", type=SECONDS, help="Solver time limit in seconds, per solve.")
def command(case, model, out, force, lang, time_limit):
    """Compare the optimised allocation of CASE with the status quo (default: the packaged example).

    Writes compare.xlsx (provincial money, shortfall by item and tier, equity metrics, each
    unit's transfer under both, the price of equity) and plots.
    """
    from fiscalshare.workflows import CompareRequest, run_compare

    run = run_compare(CompareRequest(resolve_case(case), model, out=out, force=force, lang=lang,
                                     time_limit=time_limit))
    print_warnings(run.warnings)
    result = run.result
    from fiscalshare.report.story import headline

    for sentence in headline(result.story, lang):
        click.echo(sentence)
    optimised = float(result.optimised.attrs["objective_cost"])
    baseline = float(result.baseline.attrs["objective_cost"])
    equity = result.tables["equity"].set_index("metric")
    lines = [
        f"provincial money (万元): status quo {_wan(baseline)}, optimised {_wan(optimised)}, "
        f"difference {_wan(optimised - baseline)}",
        f"shortfall (万元): status quo {_wan(float(result.baseline['shortfall'].sum()))}, "
        f"optimised {_wan(float(result.optimised['shortfall'].sum()))}",
        f"priority-weighted shortfall z1 (万元): status quo "
        f"{_wan(float(result.baseline.attrs['objective_shortfall']))}, optimised "
        f"{_wan(float(result.optimised.attrs['objective_shortfall']))}",
        f"Gini of per-capita funding after transfers: status quo "
        f"{equity.loc['gini', 'baseline_after']:.4f}, optimised "
        f"{equity.loc['gini', 'optimised_after']:.4f} "
        f"(before transfers {equity.loc['gini', 'baseline_before']:.4f})",
        f"price of equity (万元): {_wan(result.price_of_equity)}",
    ]
    if result.baseline.attrs.get("hard_items_met") == "no":
        lines.append("status quo: some hard (约束性) items fall short; see compare.xlsx")
    for line in lines:
        click.echo(line)
    echo(f"written to {run.folder}")
    return 0
