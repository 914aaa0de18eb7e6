"""The price of each standard and the value of each unit's capacity, from a solve's duals.

Officials ask where money buys most.  The results already hold the sensitivities of the
lexicographic optimum (docs/results.md): ``marginal_cost[i,y]`` (the rise of z2 for a 1 % rise of
the national standard of item ``i`` in year ``y``) and ``capacity_value[a,y]`` (provincial yuan
saved per extra yuan of unit ``a``'s capacity).  Here they become two rankings:

- items by what one more yuan of standard spending costs the province:
  ``Σ_y marginal_cost[i,y] / (1 % of Σ_{r,y} C[r,i,y])`` — a 1 % higher standard raises the
  standard cost ``C`` by 1 %, so the ratio is provincial yuan per yuan of standard;
- units by what one more yuan of capacity saves the province, in every year and in total.

Both hold to first order, while the optimal basis does not change; they exist only where nothing
falls short (z1 = 0), because there z2 is the objective the duals belong to.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr


def available(results: xr.Dataset) -> bool:
    """Whether the results carry the stage-2 duals the prices come from."""
    return bool(np.isfinite(results["marginal_cost"].values).any())


def standard_prices(results: xr.Dataset) -> pd.DataFrame:
    """One row per item, the dearest first: z2 for +1 % of its standard (yuan) and provincial
    yuan per extra yuan of its standard cost."""
    rise = results["marginal_cost"].sum("year").values
    one_percent = 0.01 * results["standard_cost"].sum(("region", "year")).values
    with np.errstate(divide="ignore", invalid="ignore"):
        per_yuan = np.where(one_percent > 0, rise / one_percent, np.nan)
    frame = pd.DataFrame({
        "item": results["item"].values.astype(str),
        "item_name": results["item_name"].values.astype(str),
        "domain": results["domain"].values.astype(str),
        "z2_for_one_percent": rise,
        "province_per_yuan": per_yuan,
    })
    order = np.argsort(-np.nan_to_num(per_yuan, nan=-np.inf), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def capacity_prices(results: xr.Dataset) -> pd.DataFrame:
    """One row per spending unit, the most valuable first: provincial yuan saved per extra
    yuan of its capacity in each year, and over all years (one more yuan in every year)."""
    value = results["capacity_value"].transpose("unit", "year").values
    frame = pd.DataFrame({"unit": results["unit"].values.astype(str),
                          "unit_name": results["unit_name"].values.astype(str)})
    for k, year in enumerate(results["year"].values):
        frame[int(year)] = value[:, k]
    frame["every_year"] = value.sum(axis=1)
    order = np.argsort(-frame["every_year"].to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True)
