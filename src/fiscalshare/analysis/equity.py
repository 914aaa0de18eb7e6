"""Equity of an allocation: how evenly basic-service money reaches people (policy.md §5.2).

The four indices are population-weighted: a region of a million people counts a million times,
so splitting a region in two equal halves leaves every index unchanged.  With ``x_r`` a per-capita
quantity, ``P_r`` the population, ``P = Σ P_r`` and ``μ = Σ P_r x_r / P``:

- coefficient of variation ``CV = sqrt(Σ (P_r/P)(x_r − μ)²) / μ``;
- Theil index ``T = Σ (P_r/P)(x_r/μ) ln(x_r/μ)`` (a zero ``x_r`` contributes 0, its limit), split
  over groups ``g`` (the provincial tiers) as ``T = T_between + Σ_g s_g T_g`` with
  ``s_g = P_g μ_g / (P μ)`` the group's share of the money, ``T_between = Σ_g s_g ln(μ_g / μ)``
  and ``T_g`` the Theil index inside the group;
- Gini ``G = Σ_r Σ_s P_r P_s |x_r − x_s| / (2 P² μ)``;
- max/min ratio ``max_r x_r / min_r x_r`` (population plays no part; ``inf`` when the minimum is 0).

Every index is scale invariant (doubling every ``x_r`` changes none of them) and is NaN where the
mean is 0, since "how unequal is nothing" has no answer.

:func:`summary_metrics` applies them to a results Dataset (docs/datasets.md), before and after the
province's transfers; its table goes into the summary sheet of every solve and into ``compare``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import xarray as xr

SUMMARY_COLUMNS = ("metric", "before", "after", "change")

# Row labels of summary_metrics, for reports: metric -> (Chinese, English).
METRIC_LABELS = {
    "per_capita_mean": ("人均基本公共服务资金（元/人/年，人口加权均值）",
                        "Per-capita funding, population-weighted mean (yuan/person/year)"),
    "per_capita_min": ("人均资金最低值（元/人/年）", "Per-capita funding, lowest region (yuan/person/year)"),
    "per_capita_max": ("人均资金最高值（元/人/年）", "Per-capita funding, highest region (yuan/person/year)"),
    "cv": ("变异系数", "Coefficient of variation"),
    "theil": ("泰尔指数", "Theil index"),
    "theil_between": ("泰尔指数：档间", "Theil index, between tiers"),
    "theil_within": ("泰尔指数：档内", "Theil index, within tiers"),
    "gini": ("基尼系数", "Gini coefficient"),
    "max_min_ratio": ("最高/最低比", "Max/min ratio"),
    "standard_met_mean": ("标准保障率（人口加权均值）", "Share of standard cost met, population-weighted mean"),
    "standard_met_min": ("标准保障率最低值", "Share of standard cost met, lowest region"),
    "burden_ratio_mean": ("支出负担率（负担/财力，均值）", "Burden ÷ capacity, mean over spending units"),
    "burden_ratio_max": ("支出负担率最高值", "Burden ÷ capacity, highest spending unit"),
}

_LOCAL_LEVELS = ("prefecture", "county")


class TheilIndex(NamedTuple):
    """The Theil index and its exact split: ``between + within == total``."""

    total: float
    between: float
    within: float


def _weighted(x, population) -> tuple[np.ndarray, np.ndarray]:
    """Validated 1-d float arrays; population weights must be positive."""
    values = np.asarray(x, dtype=float).ravel()
    weights = np.asarray(population, dtype=float).ravel()
    if values.shape != weights.shape:
        raise ValueError(f"{values.size} values but {weights.size} populations")
    if values.size == 0:
        raise ValueError("no regions to measure")
    if not np.all(np.isfinite(values)) or not np.all(np.isfinite(weights)):
        raise ValueError("values and populations must be finite")
    if np.any(weights <= 0):
        raise ValueError("populations must be positive")
    return values, weights


def weighted_mean(x, population) -> float:
    """``μ = Σ P_r x_r / Σ P_r``."""
    values, weights = _weighted(x, population)
    return float(np.sum(weights * values) / np.sum(weights))


def cv(x, population) -> float:
    """Population-weighted coefficient of variation (standard deviation over mean)."""
    values, weights = _weighted(x, population)
    mean = np.sum(weights * values) / np.sum(weights)
    if mean == 0:
        return float("nan")
    variance = np.sum(weights * (values - mean) ** 2) / np.sum(weights)
    return float(np.sqrt(variance) / abs(mean))


def _theil_total(values: np.ndarray, weights: np.ndarray) -> float:
    mean = np.sum(weights * values) / np.sum(weights)
    ratio = values / mean
    safe = np.where(ratio > 0, ratio, 1.0)  # x ln x → 0 as x → 0
    return float(np.sum(weights * ratio * np.log(safe)) / np.sum(weights))


def theil(x, population, groups=None) -> TheilIndex:
    """Population-weighted Theil T index and its between/within-group decomposition.

    ``groups`` labels each region (the tier); without it everything is "within" one group.  Needs
    ``x ≥ 0``: the logarithm has no meaning for negative money.
    """
    values, weights = _weighted(x, population)
    if np.any(values < 0):
        raise ValueError("the Theil index needs non-negative values")
    total_money = np.sum(weights * values)
    if total_money == 0:
        nan = float("nan")
        return TheilIndex(nan, nan, nan)
    total = _theil_total(values, weights)
    labels = np.zeros(values.size) if groups is None else np.asarray(groups).ravel()
    if labels.shape != values.shape:
        raise ValueError(f"{values.size} values but {labels.size} group labels")
    mean = total_money / np.sum(weights)
    between = within = 0.0
    for label in pd.unique(labels):
        member = labels == label
        money = np.sum(weights[member] * values[member])
        if money == 0:
            continue  # a group with no money holds no share of it: contributes nothing
        share = money / total_money
        group_mean = money / np.sum(weights[member])
        between += share * np.log(group_mean / mean)
        within += share * _theil_total(values[member], weights[member])
    return TheilIndex(total, float(between), float(within))


def gini(x, population) -> float:
    """Population-weighted Gini coefficient, ``Σ_r Σ_s P_r P_s |x_r − x_s| / (2 P² μ)``."""
    values, weights = _weighted(x, population)
    total = np.sum(weights)
    mean = np.sum(weights * values) / total
    if mean == 0:
        return float("nan")
    if values.min() == values.max():
        return 0.0
    # in ascending order the double sum is 2 Σ_k P_k (x_k W_k − S_k), with W_k and S_k the
    # population and the money of the regions before k: O(n log n), not an n × n matrix
    order = np.argsort(values, kind="stable")
    values, weights = values[order], weights[order]
    before = np.cumsum(weights) - weights
    money_before = np.cumsum(weights * values) - weights * values
    return float(np.sum(weights * (values * before - money_before)) / (total**2 * mean))


def max_min_ratio(x) -> float:
    """Highest over lowest value: ``inf`` if the lowest is 0 and the highest not, NaN if both are."""
    values = np.asarray(x, dtype=float).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("max/min ratio needs finite values")
    low, high = values.min(), values.max()
    if low == 0:
        return float("nan") if high == 0 else float("inf")
    return float(high / low)


# --- quantities of a results Dataset -------------------------------------------------------------


def own_financed_fraction(results: xr.Dataset) -> xr.DataArray:
    """Per ``(unit, year)``: the part of the unit's burden paid from its own capacity.

    The equalisation transfer ``e`` is untied money that the unit puts into its share of local
    parts, so of its burden ``b`` the amount ``max(b − e, 0)`` is its own money; the fraction is
    that over ``b`` (1 where the unit bears nothing).
    """
    burden = results["burden"]
    own = (burden - results["equalisation"]).clip(min=0.0)
    fraction = xr.where(burden > 0, own / burden.where(burden > 0), 1.0)
    return fraction.clip(max=1.0).rename("own_financed_fraction")


def _unit_to_region(values: xr.DataArray, units, results: xr.Dataset) -> xr.DataArray:
    """A ``(unit, year)`` array read at one spending unit per receiving region."""
    picked = values.sel(unit=list(units)).transpose("unit", "year").values
    return xr.DataArray(
        picked,
        dims=("region", "year"),
        coords={"region": results["region"].values, "year": results["year"].values},
    )


def funding_before_after(results: xr.Dataset) -> xr.DataArray:
    """Funding of each receiving region's basic services, by ``stage`` (before, after), in yuan.

    - **after** provincial transfers: all money that reaches the region's items, every level
      together, ``Σ_level funding = C − u``;
    - **before** provincial transfers: what the centre and the region's own levels would put in
      without the province, ``F + county part · o[county] + prefecture part · o[g(r)]``, where
      ``o`` is :func:`own_financed_fraction`: the province's co-financing ``P`` is left out and
      the equalisation-financed part of each unit's local spending is taken out too.

    Dims ``stage, region, item, year``.
    """
    funding = results["funding"]
    own = own_financed_fraction(results)
    own_county = _unit_to_region(own, results["region"].values, results)
    own_prefecture = _unit_to_region(own, results["region_prefecture"].values, results)
    before = (
        funding.sel(level="central", drop=True)
        + funding.sel(level="county", drop=True) * own_county
        + funding.sel(level="prefecture", drop=True) * own_prefecture
    )
    after = funding.sum("level")
    stacked = xr.concat([before, after], dim=pd.Index(["before", "after"], name="stage"))
    return stacked.transpose("stage", "region", "item", "year").rename("funding_by_stage")


def funding_by_region(results: xr.Dataset) -> xr.DataArray:
    """:func:`funding_before_after` over all items and years, by ``stage`` and ``region``."""
    return funding_before_after(results).sum(["item", "year"])


def per_capita_funding(results: xr.Dataset,
                       funding: xr.DataArray | None = None) -> xr.DataArray:
    """Basic-service funding per resident per year (yuan), by ``stage`` and ``region``.

    Money summed over items and years (``funding``: :func:`funding_by_region`, when it is at
    hand), divided by population and the number of years.
    """
    if funding is None:
        funding = funding_by_region(results)
    years = results.sizes["year"]
    return (funding / (results["population"] * years)).rename("per_capita_funding")


def standard_met(results: xr.Dataset, funding: xr.DataArray | None = None) -> xr.DataArray:
    """Share of each region's standard cost (all items and years) that is funded, by ``stage``
    (``funding`` as for :func:`per_capita_funding`).

    NaN for a region without any standard cost.
    """
    if funding is None:
        funding = funding_by_region(results)
    cost = results["standard_cost"].sum(["item", "year"])
    return (funding / cost.where(cost > 0)).rename("standard_met")


def burden_ratio(results: xr.Dataset) -> xr.DataArray:
    """Each spending unit's burden over its capacity, all years together, by ``stage``.

    - before: ``Σ_y b / Σ_y Cap``, the load of its share of local parts on its own capacity;
    - after: ``Σ_y max(b − e, 0) / Σ_y Cap``, what is left on its capacity once the equalisation
      transfer has paid its part.

    ``inf`` for a unit without capacity that bears something; 0 for one that bears nothing.
    """
    burden = results["burden"]
    own = (burden - results["equalisation"]).clip(min=0.0)
    capacity = results["fiscal_capacity"].sum("year")
    loads = xr.concat(
        [burden.sum("year"), own.sum("year")], dim=pd.Index(["before", "after"], name="stage")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = xr.where(loads > 0, loads / capacity, 0.0)
    return ratio.transpose("stage", "unit").rename("burden_ratio")


def _indices(x: np.ndarray, population: np.ndarray, tiers: np.ndarray) -> dict[str, float]:
    split = theil(x, population, tiers)
    return {
        "per_capita_mean": weighted_mean(x, population),
        "per_capita_min": float(np.min(x)),
        "per_capita_max": float(np.max(x)),
        "cv": cv(x, population),
        "theil": split.total,
        "theil_between": split.between,
        "theil_within": split.within,
        "gini": gini(x, population),
        "max_min_ratio": max_min_ratio(x),
    }


def _finite_mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    if finite.size < values.size:
        return float("inf")
    return float(finite.mean()) if finite.size else float("nan")


def summary_metrics(results: xr.Dataset) -> pd.DataFrame:
    """The equity table of an allocation: columns ``metric, before, after, change``.

    ``x_r`` is the basic-service funding per resident per year of receiving region ``r``
    (:func:`per_capita_funding`): **before** = central funding plus what the region's own
    prefecture and county pay out of their own capacity; **after** = all funding that reaches the
    region (central, provincial co-financing, and local parts including those the equalisation
    transfer pays for).  Rows (stable names, labels in ``METRIC_LABELS``):

    - ``per_capita_mean``, ``per_capita_min``, ``per_capita_max``: of ``x_r`` (yuan/person/year);
    - ``cv``, ``theil``, ``theil_between``, ``theil_within`` (tiers as groups), ``gini``,
      ``max_min_ratio``: the indices of the module docstring on ``x_r``;
    - ``standard_met_mean`` (population-weighted), ``standard_met_min``: the share of standard
      cost funded per region (:func:`standard_met`), over regions that have a standard cost;
    - ``burden_ratio_mean`` (plain mean over spending units), ``burden_ratio_max``: burden over
      capacity per spending unit (:func:`burden_ratio`), before and after equalisation.

    ``change = after − before``.
    """
    funding = funding_by_region(results)  # once for both measures
    per_capita = per_capita_funding(results, funding)
    population = results["population"].values
    tiers = results["region_tier"].values
    rows = {stage: _indices(per_capita.sel(stage=stage).values, population, tiers)
            for stage in ("before", "after")}

    met = standard_met(results, funding)
    has_cost = np.isfinite(met.sel(stage="after").values)
    ratios = burden_ratio(results)
    for stage in ("before", "after"):
        shares = met.sel(stage=stage).values[has_cost]
        if shares.size:
            rows[stage]["standard_met_mean"] = weighted_mean(shares, population[has_cost])
            rows[stage]["standard_met_min"] = float(shares.min())
        else:
            rows[stage]["standard_met_mean"] = rows[stage]["standard_met_min"] = float("nan")
        loads = ratios.sel(stage=stage).values
        rows[stage]["burden_ratio_mean"] = _finite_mean(loads)
        rows[stage]["burden_ratio_max"] = float(loads.max()) if loads.size else float("nan")

    table = pd.DataFrame(
        {
            "metric": list(METRIC_LABELS),
            "before": [rows["before"][name] for name in METRIC_LABELS],
            "after": [rows["after"][name] for name in METRIC_LABELS],
        }
    )
    with np.errstate(invalid="ignore"):
        table["change"] = table["after"] - table["before"]
    return table[list(SUMMARY_COLUMNS)]
