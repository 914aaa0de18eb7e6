"""Which plan indicators belong to an item or a region — for the 清单 and the prefecture workbooks.

An indicator with no ``regions`` is province-wide and belongs everywhere.  One that names regions
belongs to each region named, to the prefecture of each county named, and to the counties of each
prefecture named: a prefecture's workbook shows what was set for it or for any of its counties,
and never what was set for another prefecture.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

COLUMNS = ("indicator", "name", "domain", "unit", "baseline_year", "baseline", "target_year",
           "comparator", "target", "target_text", "nature", "item", "regions")


def _values(results: xr.Dataset, name: str, n: int, fill):
    key = f"indicator_{name}"
    return results[key].values if key in results else np.full(n, fill, dtype=object)


def linked_to_items(results: xr.Dataset) -> bool:
    """Whether some indicator names an item (``indicator_table(results)["item"]`` not all
    blank), read without building the table: every workbook asks."""
    n = results.sizes.get("indicator", 0)
    return bool(n and "indicator_item" in results
                and (results["indicator_item"].values.astype(str) != "").any())


def indicator_table(results: xr.Dataset) -> pd.DataFrame:
    """Every indicator of a results (or inputs) Dataset, one row each, in input order."""
    n = results.sizes.get("indicator", 0)
    if n == 0:
        return pd.DataFrame(columns=list(COLUMNS))
    baseline = _values(results, "baseline_text", n, "")
    table = pd.DataFrame({
        "indicator": results["indicator"].values.astype(str),
        "name": _values(results, "name", n, ""),
        "domain": _values(results, "domain", n, ""),
        "unit": _values(results, "unit", n, ""),
        "baseline_year": _values(results, "baseline_year", n, np.nan).astype(float),
        "baseline": baseline,
        "target_year": _values(results, "target_year", n, np.nan).astype(float),
        "comparator": _values(results, "comparator", n, ""),
        "target": _values(results, "target", n, np.nan).astype(float),
        "target_text": _values(results, "target_text", n, ""),
        "nature": _values(results, "nature", n, ""),
        "item": _values(results, "item", n, ""),
        "regions": _values(results, "regions", n, ""),
    })
    return table


def _family(results: xr.Dataset, region: str) -> set[str]:
    """The region, its prefecture (for a county) and its counties (for a prefecture)."""
    units = results["unit"].values.astype(str)
    parents = results["unit_parent"].values.astype(str)
    parent_of = dict(zip(units, parents, strict=True))
    family = {region}
    if parent_of.get(region):
        family.add(parent_of[region])
    family.update(u for u, p in zip(units, parents, strict=True) if p == region)
    return family


def indicators_for(results: xr.Dataset, item: str | None = None,
                   region: str | None = None) -> pd.DataFrame:
    """The indicators linked to ``item`` (when given) that apply to ``region`` (when given).

    ``region`` is a unit code (prefecture or county); province-wide indicators always apply.
    """
    table = indicator_table(results)
    if table.empty:
        return table
    keep = np.ones(len(table), dtype=bool)
    if item is not None:
        keep &= (table["item"] == str(item)).to_numpy()
    if region is not None:
        family = _family(results, str(region))
        named = table["regions"].map(lambda text: {c for c in str(text).split(",") if c})
        keep &= named.map(lambda codes: not codes or bool(codes & family)).to_numpy(dtype=bool)
    return table[keep].reset_index(drop=True)
