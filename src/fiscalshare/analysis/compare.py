"""``fiscalshare compare``: the optimised allocation beside today's status quo.

Officials ask two questions of an optimised allocation: what does it cost the province compared
with what it does today, and is it fairer?  :func:`compare_case` answers them on one case: it
solves the model, computes the status-quo baseline (``fiscalshare.analysis.baseline``), solves once more
with ``eta = 0`` to price equity, and returns the side-by-side tables; :func:`write_compare`
writes them as ``compare.xlsx`` with plots, in a folder that appears whole or not at all.

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
from fiscalshare.config import as_config

ALLOCATIONS = ("baseline", "optimised")


@dataclass
class CompareResult:
    """The two allocations of one case and what sets them apart."""

    optimised: xr.Dataset
    baseline: xr.Dataset
    equal_weight_cost: float  # z2 of the optimised model solved with η = 0
    config: dict = field(default_factory=dict)
    _tables: dict | None = field(default=None, repr=False)
    # what a report derives from the result (its displayed money), kept by it once computed
    derived: dict = field(default_factory=dict, repr=False, compare=False)

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
                "shortfall_by_flag": shortfall_by_flag(self.baseline, self.optimised),
                "transfer_by_tier": transfer_by_tier(self.baseline, self.optimised),
            }
        return self._tables

    @property
    def story(self) -> Story:
        """The headline facts: what the optimum changes against the status quo, or why not."""
        return tell_story(self)


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
    config = as_config(config)
    if config.eta == 0.0:
        equal_weight_cost = float(optimised.attrs["objective_cost"])
    else:
        equal_weight = solve_case(inputs, config.with_changes(eta=0.0), **options)
        equal_weight_cost = float(equal_weight.attrs["objective_cost"])
    baseline = baseline_allocation(inputs, config)
    return CompareResult(optimised, baseline, equal_weight_cost, config.as_dict())


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


FLAG_GROUPS = ("poverty_exited", "ethnic", "border", "old_revolutionary", "no_flag", "all")


def shortfall_by_flag(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Shortfall of the regions of each flag group (脱贫县, 民族地区, 边境, 革命老区, none of
    them, all), all items and years, under both allocations; a region may be in several groups."""
    masks = flag_masks(baseline)
    cost = baseline["standard_cost"].sum(["item", "year"]).values
    before = baseline["shortfall"].sum(["item", "year"]).values
    after = optimised["shortfall"].sum(["item", "year"]).values
    population = baseline["population"].values
    rows = [(group, int(mask.sum()), float(population[mask].sum()), float(cost[mask].sum()),
             float(before[mask].sum()), float(after[mask].sum()))
            for group, mask in zip(FLAG_GROUPS, masks, strict=True)]
    table = pd.DataFrame(rows, columns=["group", "regions", "population", "standard_cost",
                                        "baseline", "optimised"])
    table["difference"] = table["optimised"] - table["baseline"]
    return table


def flag_masks(results: xr.Dataset) -> list[np.ndarray]:
    """The receiving regions of each of :data:`FLAG_GROUPS`, in that order."""
    flags = [results[f].values.astype(bool) for f in FLAG_GROUPS[:4]]
    return [*flags, ~np.any(flags, axis=0), np.ones(results.sizes["region"], dtype=bool)]


def _transfer_to_regions(results: xr.Dataset) -> tuple[np.ndarray, np.ndarray, float]:
    """Provincial money over the years reaching each receiving region — its co-financing and
    its own equalisation — and the equalisation of prefectures that have counties."""
    co_financing = results["funding"].sel(level="province").sum(["item", "year"]).values
    equalisation = results["equalisation"].sum("year")
    receives = results["unit_receives"].values.astype(bool)
    own = equalisation.sel(unit=results["region"].values).values
    return co_financing, own, float(equalisation.values[~receives].sum())


def transfer_by_tier(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Provincial money (co-financing and equalisation, all years) reaching each tier's regions,
    and the prefectures above counties, under both allocations, with each row's share."""
    tiers = baseline["region_tier"].values.astype(int)
    levels = sorted(set(tiers))
    table = pd.DataFrame({"tier": [*levels, "prefecture"]}, dtype=object)
    table["population"] = [float(baseline["population"].values[tiers == t].sum())
                           for t in levels] + [math.nan]
    for name, results in zip(ALLOCATIONS, (baseline, optimised), strict=True):
        co_financing, own, prefectures = _transfer_to_regions(results)
        table[f"{name}_co_financing"] = [float(co_financing[tiers == t].sum())
                                         for t in levels] + [0.0]
        table[f"{name}_equalisation"] = [float(own[tiers == t].sum())
                                         for t in levels] + [prefectures]
        money = table[f"{name}_co_financing"] + table[f"{name}_equalisation"]
        total = float(money.sum())
        table[f"{name}_total"] = money
        table[f"{name}_share"] = [m / total if total > 0 else math.nan for m in money]
    table["difference"] = table["optimised_total"] - table["baseline_total"]
    return table


@dataclass(frozen=True)
class Story:
    """What the optimum changes against the status quo, as numbers (money in yuan).

    ``coincide`` is true when both allocations spend the same and fall short by the same; then
    ``reasons`` names why (keys of the label catalogue's ``why_*`` entries, without the prefix).
    """

    money: tuple[float, float]  # (status quo, optimised)
    shortfall: tuple[float, float]
    hard_shortfall: tuple[float, float]
    weighted_shortfall: tuple[float, float]
    poorest_tier: int
    poorest_tier_shortfall: tuple[float, float]
    poorest_tier_share: tuple[float, float]  # share of provincial money reaching that tier
    flag_shortfall: dict  # flag group → (status quo, optimised)
    gini_after: tuple[float, float]
    coincide: bool
    reasons: tuple[str, ...] = ()

    @property
    def money_saved(self) -> float:
        return self.money[0] - self.money[1]

    @property
    def shortfall_reduction(self) -> float:
        return self.shortfall[0] - self.shortfall[1]


def _same(a: float, b: float) -> bool:
    """Equal up to solver noise: 1e-6 relative, and a yuan."""
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 1.0


def tell_story(result: CompareResult) -> Story:
    """The headline facts of a comparison (the console and compare.xlsx render them)."""
    figures = result.tables["overview"].set_index("figure")

    def pair(name: str) -> tuple[float, float]:
        return float(figures.loc[name, "baseline"]), float(figures.loc[name, "optimised"])

    by_tier = result.tables["shortfall_by_tier"].set_index("tier")
    poorest = int(by_tier.index.max())
    shares = result.tables["transfer_by_tier"].set_index("tier")
    flags = result.tables["shortfall_by_flag"].set_index("group")
    equity = result.tables["equity"].set_index("metric")
    money, shortfall = pair("provincial_money"), pair("shortfall")
    weighted = pair("weighted_shortfall")
    coincide = _same(*money) and _same(*shortfall) and _same(*weighted)
    return Story(
        money=money, shortfall=shortfall, hard_shortfall=pair("hard_shortfall"),
        weighted_shortfall=weighted, poorest_tier=poorest,
        poorest_tier_shortfall=(float(by_tier.loc[poorest, "baseline"]),
                                float(by_tier.loc[poorest, "optimised"])),
        poorest_tier_share=(float(shares.loc[poorest, "baseline_share"]),
                            float(shares.loc[poorest, "optimised_share"])),
        flag_shortfall={g: (float(flags.loc[g, "baseline"]), float(flags.loc[g, "optimised"]))
                        for g in FLAG_GROUPS if flags.loc[g, "regions"] > 0},
        gini_after=(float(equity.loc["gini", "baseline_after"]),
                    float(equity.loc["gini", "optimised_after"])),
        coincide=coincide,
        reasons=why_they_coincide(result) if coincide else (),
    )


def why_they_coincide(result: CompareResult) -> tuple[str, ...]:
    """Why the optimum cannot improve on the status quo, from the case and the configuration."""
    config, inputs = result.config, result.baseline
    reasons = []
    if float(result.baseline["shortfall"].sum()) <= 1.0:
        reasons.append("no_shortfall")
    mode = str(config.get("ratio_mode", "optimise"))
    if mode == "fixed":
        reasons.append("fixed")
    else:  # the status quo's shares are the sharing sheet's province_share
        table = inputs["provincial_share"].transpose("tier", "item").values
        floor = inputs["province_min"].transpose("tier", "item").values
        if np.allclose(table, floor, atol=1e-9):
            reasons.append("lower_bounds")
    if str(config.get("equalisation", "on")) != "on":
        reasons.append("equalisation_off")
    elif np.all(np.isnan(inputs["equalisation_pool"].values)):
        reasons.append("no_pool")
    return tuple(reasons) or ("same_choice",)


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
