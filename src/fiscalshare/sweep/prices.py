"""``fiscalshare sweep --prices``: the price of each standard and the value of each unit's
capacity as sheets of sweep.xlsx and a plot, from the baseline's duals
(:mod:`fiscalshare.analysis.prices` computes them).  Labels from the catalogue, money in 万元 or
yuan per yuan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.analysis import prices
from fiscalshare.quantities import WAN
from fiscalshare.report.labels import label, text_of


def price_sheets(results: xr.Dataset, lang: str = "zh") -> list[tuple[str, pd.DataFrame]]:
    """The two ranked tables with the run's column labels (one line of text where z1 > 0)."""
    if not prices.available(results):
        note = pd.DataFrame({"": [label("prices_unavailable", lang)]})
        return [(label("sheet_prices_items", lang), note)]
    items = prices.standard_prices(results)
    items = pd.DataFrame({
        label("item", lang): items["item"], label("item_name", lang): items["item_name"],
        label("domain", lang): [text_of(d, lang) for d in items["domain"]],
        label("price_rise", lang): items["z2_for_one_percent"] / WAN,
        label("price_per_yuan", lang): items["province_per_yuan"]})
    units = prices.capacity_prices(results)
    shown = pd.DataFrame({label("unit", lang): units["unit"],
                          label("unit_name", lang): units["unit_name"]})
    for year in results["year"].values:
        shown[label("price_capacity_year", lang).format(int(year))] = units[int(year)]
    shown[label("price_capacity_total", lang)] = units["every_year"]
    return [(label("sheet_prices_items", lang), items), (label("sheet_prices_units", lang), shown)]


def write_plot(results: xr.Dataset, folder: Path, lang: str = "zh") -> Path | None:
    """Two ranked bar charts: items by price per yuan of standard, units by value of capacity."""
    if not prices.available(results):
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fiscalshare.report.plots import cjk_font, plot_language, plot_text

    lang = plot_language(lang)
    style = {"font.family": "sans-serif", "axes.unicode_minus": False}
    if cjk_font():  # Chinese text (names, domains in keys) draws in English plots too
        style["font.sans-serif"] = ([cjk_font(), "DejaVu Sans"] if lang == "zh"
                                    else ["DejaVu Sans", cjk_font()])
    items = prices.standard_prices(results)
    units = prices.capacity_prices(results).head(20)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "prices.png"
    with plt.rc_context(style):
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, max(4.0, 0.3 * max(len(items),
                                                                               len(units)) + 2)),
                                          dpi=110)
        shown = items.iloc[::-1]
        left.barh(range(len(shown)), np.nan_to_num(shown["province_per_yuan"]), color="#4472c4")
        left.set_yticks(range(len(shown)), [plot_text(f"{c} {n}" if lang == "zh" else c)
                                            for c, n in zip(shown["item"], shown["item_name"],
                                                            strict=True)], fontsize=7)
        left.set_xlabel(label("price_per_yuan", lang))
        left.set_title(label("plot_prices_items_title", lang), fontsize=9)
        shown = units.iloc[::-1]
        right.barh(range(len(shown)), shown["every_year"], color="#ed7d31")
        right.set_yticks(range(len(shown)), [plot_text(n if lang == "zh" else c) for c, n in
                                             zip(shown["unit"], shown["unit_name"], strict=True)],
                         fontsize=7)
        right.set_xlabel(label("price_capacity_total", lang))
        right.set_title(label("plot_prices_units_title", lang), fontsize=9)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
    return path
