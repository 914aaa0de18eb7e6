"""``fiscalshare compare``: the optimised allocation beside today's status quo.

Officials ask two questions of an optimised allocation: what does it cost the province compared
with what it does today, and is it fairer?  :func:`compare_case` answers them on one case: it
solves the model, computes the status-quo baseline (``fiscalshare.analysis.baseline``), solves once more
with ``eta = 0`` to price equity, and returns the side-by-side tables; :func:`fiscalshare.runs.compare.write_compare`
writes them (``compare.xlsx`` and plots by ``fiscalshare.report.compare``) in a folder that appears
whole or not at all; this module only computes.

The price of equity is ``z2(η) − z2(η = 0)``: the provincial money the priority for poorer areas
costs (Bertsimas et al., policy.md §5.1).  It is 0 where every standard is met (then the
shortfall weights, the only place η enters, do not matter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.analysis.baseline import baseline_allocation
from fiscalshare.analysis.equity import METRIC_LABELS, summary_metrics

ALLOCATIONS = ("baseline", "optimised")


@dataclass
class CompareResult:
    """The two allocations of one case and what sets them apart."""

    optimised: xr.Dataset
    baseline: xr.Dataset
    equal_weight_cost: float  # z2 of the optimised model solved with η = 0
    config: dict = field(default_factory=dict)
    _tables: dict | None = field(default=None, repr=False)

    @property
    def price_of_equity(self) -> float:
        """Provincial yuan that the priority for poorer areas costs: ``z2(η) − z2(0)``."""
        return float(self.optimised.attrs["objective_cost"]) - self.equal_weight_cost

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every comparison table by name (money in yuan), computed once."""
        if self._tables is None:
            self._tables = {
                "overview": overview(self),
                "provincial_money": provincial_money(self.baseline, self.optimised),
                "shortfall_by_item": shortfall_by_item(self.baseline, self.optimised),
                "shortfall_by_tier": shortfall_by_tier(self.baseline, self.optimised),
                "equity": equity_table(self.baseline, self.optimised),
                "transfers": transfers_by_unit(self.baseline, self.optimised),
            }
        return self._tables


def compare_case(
    inputs: xr.Dataset,
    config: dict,
    *,
    time_limit: float | None = None,
    threads: int | None = None,
) -> CompareResult:
    """Solve ``inputs`` with ``config``, again with ``eta = 0``, and build the baseline.

    Raises what ``solve_case`` raises (no solution meeting the hard items: ``InfeasibleError``).
    """
    from fiscalshare.solve import solve_case

    options = {"time_limit": time_limit, "threads": threads}
    options = {key: value for key, value in options.items() if value is not None}
    optimised = solve_case(inputs, config, **options)
    if float(config.get("eta", 1.0)) == 0.0:
        equal_weight_cost = float(optimised.attrs["objective_cost"])
    else:
        equal_weight = solve_case(inputs, {**config, "eta": 0.0}, **options)
        equal_weight_cost = float(equal_weight.attrs["objective_cost"])
    baseline = baseline_allocation(inputs, config)
    return CompareResult(optimised, baseline, equal_weight_cost, dict(config))


# --- tables (money in yuan; the workbook converts to 万元) ------------------------------------


def _co_financing(results: xr.Dataset) -> xr.DataArray:
    """Provincial co-financing ``Σ_i P`` per unit and year (0 for a prefecture with counties)."""
    return results["transfer"] - results["equalisation"]


def provincial_money(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Per year and in total: co-financing, equalisation and all provincial money under both."""
    table = pd.DataFrame({"year": [int(y) for y in baseline["year"].values]})
    for name, results in zip(ALLOCATIONS, (baseline, optimised), strict=True):
        table[f"{name}_co_financing"] = _co_financing(results).sum("unit").values
        table[f"{name}_equalisation"] = results["equalisation"].sum("unit").values
        table[f"{name}_total"] = results["transfer"].sum("unit").values
    table["difference"] = table["optimised_total"] - table["baseline_total"]
    total = table.drop(columns="year").sum().to_frame().T
    total.insert(0, "year", "total")
    return pd.concat([table.astype({"year": object}), total], ignore_index=True)


def shortfall_by_item(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Shortfall of each item, all regions and years, under both allocations."""
    return pd.DataFrame(
        {
            "item": baseline["item"].values,
            "item_name": baseline["item_name"].values,
            "binding": baseline["binding"].values,
            "standard_cost": baseline["standard_cost"].sum(["region", "year"]).values,
            "baseline": baseline["shortfall"].sum(["region", "year"]).values,
            "optimised": optimised["shortfall"].sum(["region", "year"]).values,
        }
    )


def shortfall_by_tier(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Shortfall of each provincial tier's regions, all items and years, under both."""
    def by_tier(results: xr.Dataset, name: str) -> xr.DataArray:
        return results[name].sum(["item", "year"]).groupby(results["region_tier"]).sum()

    cost = by_tier(baseline, "standard_cost")
    return pd.DataFrame(
        {
            "tier": cost["region_tier"].values.astype(int),
            "standard_cost": cost.values,
            "baseline": by_tier(baseline, "shortfall").values,
            "optimised": by_tier(optimised, "shortfall").values,
        }
    )


def equity_table(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """The equity metrics (``equity.summary_metrics``) of both allocations, side by side."""
    table = pd.DataFrame({"metric": list(METRIC_LABELS)})
    for name, results in zip(ALLOCATIONS, (baseline, optimised), strict=True):
        metrics = summary_metrics(results).set_index("metric")
        table[f"{name}_before"] = metrics.loc[table["metric"], "before"].values
        table[f"{name}_after"] = metrics.loc[table["metric"], "after"].values
    with np.errstate(invalid="ignore"):
        table["difference_after"] = table["optimised_after"] - table["baseline_after"]
    return table


def transfers_by_unit(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Each spending unit's provincial money over all years under both allocations."""
    table = pd.DataFrame(
        {
            "unit": baseline["unit"].values,
            "unit_name": baseline["unit_name"].values,
            "unit_level": baseline["unit_level"].values,
            "tier": baseline["unit_tier"].values.astype(int),
            "population": baseline["unit_population"].values,
            "fiscal_capacity": baseline["fiscal_capacity"].sum("year").values,
        }
    )
    for name, results in zip(ALLOCATIONS, (baseline, optimised), strict=True):
        table[f"{name}_co_financing"] = _co_financing(results).sum("year").values
        table[f"{name}_equalisation"] = results["equalisation"].sum("year").values
        table[f"{name}_total"] = results["transfer"].sum("year").values
    table["difference"] = table["optimised_total"] - table["baseline_total"]
    return table


def overview(result: CompareResult) -> pd.DataFrame:
    """Headline figures: provincial money, shortfalls, hard items, the price of equity."""
    rows = []
    for key, unit, getter in (
        ("provincial_money", "yuan", lambda r: float(r["transfer"].sum())),
        ("co_financing", "yuan", lambda r: float(_co_financing(r).sum())),
        ("equalisation", "yuan", lambda r: float(r["equalisation"].sum())),
        ("shortfall", "yuan", lambda r: float(r["shortfall"].sum())),
        ("hard_shortfall", "yuan", _hard_shortfall),
        ("weighted_shortfall", "weighted", lambda r: float(r.attrs["objective_shortfall"])),
    ):
        before, after = getter(result.baseline), getter(result.optimised)
        rows.append((key, unit, before, after, after - before))
    z2 = float(result.optimised.attrs["objective_cost"])
    rows.append(("cost_at_eta_zero", "yuan", math.nan, result.equal_weight_cost, math.nan))
    rows.append(("price_of_equity", "yuan", math.nan, z2 - result.equal_weight_cost, math.nan))
    return pd.DataFrame(rows, columns=["figure", "unit", "baseline", "optimised", "difference"])


def _hard_shortfall(results: xr.Dataset) -> float:
    hard = results["binding"] == "hard"
    return float(results["shortfall"].where(hard, 0.0).sum())
