"""The console summary of a run (rich): the figures an official looks at first.

Every string that comes from the input (case, province, names, paths) goes through
:func:`data_text`: control characters escaped and rich markup neutralised, so ``[/]`` in a name
cannot crash the print and ``[link=…]`` cannot make a hyperlink.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from fiscalshare.errors import printable
from fiscalshare.quantities import WAN


def data_text(value) -> str:
    """Input text to print through rich: no control characters, no markup."""
    from rich.markup import escape

    return escape(printable(value))


def print_summary(results: xr.Dataset, *, run_dir: Path | None = None, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    attrs = results.attrs
    console.print(f"[bold]{data_text(attrs.get('case', ''))}[/bold] "
                  f"({data_text(attrs.get('province', ''))}) — "
                  f"ratio mode {data_text(attrs.get('ratio_mode'))}, equalisation "
                  f"{data_text(attrs.get('equalisation'))}, η = {data_text(attrs.get('eta'))}")
    console.print(f"z1 (weighted shortfall) = {attrs.get('objective_shortfall', 0):,.2f}; "
                  f"z2 (provincial money) = {attrs.get('objective_cost', 0) / WAN:,.2f} 万元")
    table = Table(title="Provincial money by year (万元)")
    for name in ("year", "co-financing", "equalisation", "total", "shortfall"):
        table.add_column(name, justify="right")
    cofinancing = results["funding"].sel(level="province").sum(("region", "item")).values
    equalisation = results["equalisation"].sum("unit").values
    shortfall = results["shortfall"].sum(("region", "item")).values
    for k, year in enumerate(results["year"].values):
        table.add_row(str(int(year)), f"{cofinancing[k] / WAN:,.2f}",
                      f"{equalisation[k] / WAN:,.2f}",
                      f"{(cofinancing[k] + equalisation[k]) / WAN:,.2f}",
                      f"{shortfall[k] / WAN:,.2f}")
    console.print(table)
    received = results["equalisation"].sum("year")
    recipients = [(data_text(n), float(v)) for n, v in zip(results["unit_name"].values, received.values,
                                                     strict=True) if v > 0]
    if recipients:
        shown = ", ".join(f"{n} {v / WAN:,.2f}" for n, v in recipients[:12])
        more = f" (+{len(recipients) - 12} more)" if len(recipients) > 12 else ""
        console.print(f"Equalisation to {len(recipients)} unit(s), 万元: {shown}{more}")
    else:
        console.print("No unit needs equalisation.")
    by_item = results["shortfall"].sum(("region", "year"))
    short_items = [(data_text(n), float(v)) for n, v in zip(results["item_name"].values,
                                                      by_item.values, strict=True) if v > 0.5]
    hard = results["binding"].values == "hard"
    hard_short = float(results["shortfall"].isel(item=np.flatnonzero(hard)).sum()) if hard.any() \
        else 0.0
    console.print("Every hard (约束性) item is met in full." if hard_short == 0
                  else "[red]A hard item falls short.[/red]")
    if short_items:
        console.print("Shortfall (万元): " + ", ".join(f"{n} {v / WAN:,.2f}"
                                                       for n, v in short_items[:12]))
    if run_dir is not None:
        console.print(f"Results in {data_text(run_dir)}")


def print_diagnosis(outcome, console) -> None:
    """A solve that found no allocation meeting the hard items (exit 3): what would help."""
    from fiscalshare.report.diagnosis import render_diagnosis

    console.print(f"[bold red]{data_text(outcome.message)}[/bold red]")
    console.print(data_text(render_diagnosis(outcome.diagnosis or {})))
    if outcome.run_dir is not None:
        console.print(f"Diagnosis written to {data_text(outcome.run_dir)}")
