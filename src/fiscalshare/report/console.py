"""The console summary of a run (rich): the figures an official looks at first, in the run's
language, with the same displayed money as the workbooks.
Input text (names, paths) is printed with control characters escaped and without markup.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from fiscalshare.errors import printable
from fiscalshare.report.labels import label, scenario_text


def summary_lines(results: xr.Dataset, lang: str = "zh") -> list[str]:
    """The summary's sentences (without the table), for the console and for tests."""
    from fiscalshare.report.amounts import PARTS, fen_of, wan
    from fiscalshare.report.tables import run_config

    attrs = results.attrs
    fen = fen_of(results)
    lines = [label("console_head", lang).format(
        case=attrs.get("case", ""), province=attrs.get("province", ""),
        scenario=scenario_text(run_config(results), lang), eta=f"{float(attrs.get('eta', 0)):g}")]
    lines.append(label("console_z", lang).format(
        z1=float(attrs.get("objective_shortfall", 0)) / 1e4,
        z2=float(attrs.get("objective_cost", 0)) / 1e4))
    equal = fen.equalisation.sum(axis=1)
    names = results["unit_name"].values
    sep = "、" if lang == "zh" else ", "
    received = results["equalisation"].transpose("unit", "year").values.sum(axis=1)
    recipients = [f"{names[a]} {wan(equal[a]):,.2f}" for a in np.flatnonzero(received > 0)]
    if recipients:
        more = label("console_more", lang).format(len(recipients) - 12) \
            if len(recipients) > 12 else ""
        lines.append(label("console_recipients", lang).format(
            n=len(recipients), shown=sep.join(recipients[:12]), more=more))
    else:
        lines.append(label("console_no_recipients", lang))
    short = fen.parts[..., PARTS.index("shortfall")]
    hard = results["binding"].values == "hard"
    lines.append(label("hard_met" if not short[:, hard].any() else "hard_short", lang))
    by_item = short.sum(axis=(0, 2))
    items = [f"{results['item_name'].values[i]} {wan(by_item[i]):,.2f}"
             for i in np.argsort(-by_item, kind="stable")[:12] if by_item[i] > 0]
    if items:
        lines.append(label("console_shortfall", lang).format(sep.join(items)))
    return lines


def print_summary(results: xr.Dataset, *, run_dir: Path | None = None, console=None,
                  lang: str = "zh") -> None:
    from rich.console import Console
    from rich.table import Table

    from fiscalshare.report.amounts import PARTS, fen_of, wan

    console = console or Console()
    lines = summary_lines(results, lang)
    for line in lines[:2]:
        console.print(printable(line), markup=False)
    fen = fen_of(results)
    table = Table(title=label("console_table", lang))
    for key in ("year", "cofinancing", "equalisation", "transfer", "shortfall"):
        table.add_column(label(key, lang), justify="right")
    cofinancing = fen.parts[..., PARTS.index("province")].sum(axis=(0, 1))
    equalisation = fen.equalisation.sum(axis=0)
    shortfall = fen.parts[..., PARTS.index("shortfall")].sum(axis=(0, 1))
    for k, year in enumerate(results["year"].values):
        table.add_row(str(int(year)), f"{wan(cofinancing[k]):,.2f}",
                      f"{wan(equalisation[k]):,.2f}",
                      f"{wan(cofinancing[k] + equalisation[k]):,.2f}",
                      f"{wan(shortfall[k]):,.2f}")
    console.print(table)
    for line in lines[2:]:
        console.print(printable(line), markup=False)
    if run_dir is not None:
        console.print(printable(label("console_results", lang).format(run_dir)), markup=False)


def print_diagnosis(outcome, console, lang: str = "zh", config=None) -> None:
    """A solve that found no allocation meeting the hard items (exit 3): what would help, in
    words and 万元 (the same account as diagnosis.xlsx)."""
    from fiscalshare.report.diagnosis import render_diagnosis

    console.print(printable(render_diagnosis(outcome.diagnosis or {}, lang, config)), markup=False)
    if outcome.run_dir is not None:
        console.print(printable(label("diag_written", lang).format(outcome.run_dir)), markup=False)
