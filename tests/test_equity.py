"""Equity metrics (policy.md §5.2) against values worked out by hand.

The three-region case used throughout: per-capita money ``x = [1, 2, 4]``, populations
``P = [1, 2, 1]`` (P = 4), tiers ``[1, 2, 2]``.

- ``μ = (1·1 + 2·2 + 1·4) / 4 = 9/4``.
- CV: deviations −5/4, −1/4, 7/4; weighted variance (25/16 + 2/16 + 49/16) / 4 = 19/16;
  CV = sqrt(19/16) / (9/4) = sqrt(19) / 9 ≈ 0.48432.
- Gini: unordered pairs P_r P_s |x_r − x_s|: (1,2) 1·2·1 = 2, (1,4) 1·1·3 = 3, (2,4) 2·1·2 = 4;
  ordered sum 18; G = 18 / (2 · 16 · 9/4) = 0.25.
- Theil: T = (1 / (Pμ)) Σ P_r x_r ln(x_r/μ) = [ln(4/9) + 4 ln(8/9) + 4 ln(16/9)] / 9 ≈ 0.113266.
  Tier 1 holds money 1 (s₁ = 1/9, μ₁ = 1, T₁ = 0); tier 2 holds 8 (s₂ = 8/9, μ₂ = 8/3,
  T₂ = [4 ln(3/4) + 4 ln(3/2)] / 8 = ln(9/8)/2).  Between = ln(4/9)/9 + 8/9·ln(32/27) ≈ 0.060918;
  within = 8/9 · ln(9/8)/2 ≈ 0.052349; they add up to the total.
- max/min = 4.
"""

import math

import numpy as np
import pytest
import xarray as xr

from fiscalshare.analysis import equity

X = [1.0, 2.0, 4.0]
POP = [1.0, 2.0, 1.0]
TIERS = [1, 2, 2]
THEIL_TOTAL = (math.log(4 / 9) + 4 * math.log(8 / 9) + 4 * math.log(16 / 9)) / 9
THEIL_BETWEEN = math.log(4 / 9) / 9 + 8 / 9 * math.log(32 / 27)
THEIL_WITHIN = 8 / 9 * math.log(9 / 8) / 2


def test_indices_on_the_three_region_case():
    assert equity.weighted_mean(X, POP) == pytest.approx(9 / 4)
    assert equity.cv(X, POP) == pytest.approx(math.sqrt(19) / 9)
    assert equity.gini(X, POP) == pytest.approx(0.25)
    assert equity.max_min_ratio(X) == pytest.approx(4.0)
    split = equity.theil(X, POP, TIERS)
    assert split.total == pytest.approx(THEIL_TOTAL)
    assert split.total == pytest.approx(0.113266, abs=1e-6)
    assert split.between == pytest.approx(THEIL_BETWEEN)
    assert split.within == pytest.approx(THEIL_WITHIN)


def test_theil_between_and_within_add_up_to_the_total():
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 50.0, size=40)
    x[3] = 0.0  # a region with nothing: its term is 0, and the split still adds up
    pop = rng.uniform(1.0, 100.0, size=40)
    groups = rng.integers(1, 5, size=40)
    split = equity.theil(x, pop, groups)
    assert split.between + split.within == pytest.approx(split.total, rel=1e-12)
    assert split.between > 0 and split.within > 0
    alone = equity.theil(x, pop)  # one group: nothing between
    assert alone.between == 0.0 and alone.within == pytest.approx(alone.total)


def test_indices_are_scale_invariant():
    scaled = [10_000 * v for v in X]
    assert equity.cv(scaled, POP) == pytest.approx(equity.cv(X, POP))
    assert equity.gini(scaled, POP) == pytest.approx(0.25)
    assert equity.theil(scaled, POP, TIERS).total == pytest.approx(THEIL_TOTAL)
    assert equity.max_min_ratio(scaled) == pytest.approx(4.0)


def test_population_weighting_equals_repeating_a_region():
    """A region of population 2 counts like two regions of population 1 with the same x."""
    repeated, ones = [1.0, 2.0, 2.0, 4.0], [1.0, 1.0, 1.0, 1.0]
    assert equity.cv(X, POP) == pytest.approx(equity.cv(repeated, ones))
    assert equity.gini(X, POP) == pytest.approx(equity.gini(repeated, ones))
    assert equity.theil(X, POP, TIERS).total == pytest.approx(
        equity.theil(repeated, ones, [1, 2, 2, 2]).total
    )
    # and the weights matter: unweighted x = [1, 2, 4] gives μ = 7/3, Gini = 2·6 / (2·9·7/3) = 2/7
    assert equity.gini(X, [1, 1, 1]) == pytest.approx(2 / 7)


def test_equal_values_are_perfectly_equal_and_edge_cases():
    assert equity.cv([3, 3, 3], POP) == 0.0
    assert equity.gini([3, 3, 3], POP) == 0.0
    assert equity.theil([3, 3, 3], POP, TIERS) == (0.0, 0.0, 0.0)
    assert math.isnan(equity.cv([0, 0, 0], POP))
    assert math.isnan(equity.theil([0, 0, 0], POP).total)
    assert equity.max_min_ratio([0, 1]) == math.inf
    with pytest.raises(ValueError):
        equity.theil([-1, 2, 3], POP)
    with pytest.raises(ValueError):
        equity.cv([1, 2], POP)
    with pytest.raises(ValueError):
        equity.gini([1, 2, 3], [1, 0, 1])


def hand_results() -> xr.Dataset:
    """Three prefecture-level regions, one item, one year, populations 100, 200, 100.

    | region | tier | C   | central | province | prefecture | shortfall | e   | Cap |
    |--------|------|-----|---------|----------|------------|-----------|-----|-----|
    | A      | 1    | 100 | 50      | 0        | 50         | 0         | 0   | 100 |
    | B      | 2    | 400 | 100     | 100      | 200        | 0         | 100 | 100 |
    | C      | 2    | 500 | 100     | 200      | 100        | 100       | 0   | 100 |

    After: all funding 100, 400, 400 → per capita [1, 2, 4] (the case of the module docstring).
    Before: B pays 100 of its burden 200 from its own capacity (own fraction 1/2), so before =
    [50 + 50, 100 + 200/2, 100 + 100] = [100, 200, 200] → per capita [1, 1, 2]: μ = 5/4,
    CV = sqrt(3/16)/(5/4) = sqrt(3)/5, Gini = 6 / (2·16·5/4) = 0.15, max/min 2.
    Standard met before [1, 1/2, 2/5] (weighted mean 2.4/4 = 0.6, min 0.4), after [1, 1, 4/5]
    (mean 3.8/4 = 0.95, min 0.8).  Burden ratio before [1/2, 2, 1] (mean 7/6, max 2), after
    [1/2, 1, 1] (mean 5/6, max 1).
    """
    levels = ["central", "province", "prefecture", "county"]
    funding = np.array([[50, 0, 50, 0], [100, 100, 200, 0], [100, 200, 100, 0]], dtype=float)
    regions = ["A", "B", "C"]
    return xr.Dataset(
        {
            "standard_cost": (("region", "item", "year"), np.array([100.0, 400, 500])[:, None, None]),
            "funding": (("region", "item", "year", "level"), funding[:, None, None, :]),
            "shortfall": (("region", "item", "year"), np.array([0.0, 0, 100])[:, None, None]),
            "burden": (("unit", "year"), np.array([[50.0], [200], [100]])),
            "equalisation": (("unit", "year"), np.array([[0.0], [100], [0]])),
            "fiscal_capacity": (("unit", "year"), np.full((3, 1), 100.0)),
            "transfer": (("unit", "year"), np.array([[0.0], [200], [200]])),
            "population": ("region", np.array([100.0, 200, 100])),
        },
        coords={
            "region": regions,
            "unit": regions,
            "item": ["X"],
            "year": [2021],
            "level": levels,
            "region_tier": ("region", np.array(TIERS)),
            "region_prefecture": ("region", regions),
        },
    )


def test_summary_metrics_on_the_hand_results():
    table = equity.summary_metrics(hand_results())
    assert list(table.columns) == ["metric", "before", "after", "change"]
    assert list(table["metric"]) == list(equity.METRIC_LABELS)
    row = table.set_index("metric")
    expected = {
        "per_capita_mean": (1.25, 2.25),
        "per_capita_min": (1.0, 1.0),
        "per_capita_max": (2.0, 4.0),
        "cv": (math.sqrt(3) / 5, math.sqrt(19) / 9),
        "gini": (0.15, 0.25),
        "max_min_ratio": (2.0, 4.0),
        "theil": (None, THEIL_TOTAL),
        "theil_between": (None, THEIL_BETWEEN),
        "theil_within": (None, THEIL_WITHIN),
        "standard_met_mean": (0.6, 0.95),
        "standard_met_min": (0.4, 0.8),
        "burden_ratio_mean": (7 / 6, 5 / 6),
        "burden_ratio_max": (2.0, 1.0),
    }
    for metric, (before, after) in expected.items():
        if before is not None:
            assert row.loc[metric, "before"] == pytest.approx(before), metric
        assert row.loc[metric, "after"] == pytest.approx(after), metric
    assert row.loc["gini", "change"] == pytest.approx(0.10)
    # before: x = [1, 1, 2]: tier 1 has money 1, tier 2 money 4 (μ₂ = 4/3); split adds up
    before_split = row.loc[["theil_between", "theil_within"], "before"].sum()
    assert before_split == pytest.approx(row.loc["theil", "before"])


def test_per_capita_funding_and_burden_ratio_by_stage():
    results = hand_results()
    per_capita = equity.per_capita_funding(results)
    assert per_capita.sel(stage="before").values.tolist() == [1.0, 1.0, 2.0]
    assert per_capita.sel(stage="after").values.tolist() == [1.0, 2.0, 4.0]
    ratio = equity.burden_ratio(results)
    assert ratio.sel(stage="after").values.tolist() == [0.5, 1.0, 1.0]


def test_county_funding_before_transfers_uses_each_paying_units_own_fraction():
    """County K (parent P) has local part 300: county 200, prefecture 100.

    K receives e = 50 on its burden 200 (own fraction 3/4); P receives e = 100 on its burden 100
    (own fraction 0).  Before = central 100 + 200·3/4 + 100·0 = 250; after = 100 + 0 + 300 = 400.
    """
    results = xr.Dataset(
        {
            "standard_cost": (("region", "item", "year"), np.array([[[400.0]]])),
            "funding": (("region", "item", "year", "level"), np.array([[[[100.0, 0, 100, 200]]]])),
            "burden": (("unit", "year"), np.array([[100.0], [200.0]])),
            "equalisation": (("unit", "year"), np.array([[100.0], [50.0]])),
            "fiscal_capacity": (("unit", "year"), np.array([[0.0], [150.0]])),
            "population": ("region", np.array([10.0])),
        },
        coords={
            "region": ["K"], "unit": ["P", "K"], "item": ["X"], "year": [2021],
            "level": ["central", "province", "prefecture", "county"],
            "region_tier": ("region", [1]), "region_prefecture": ("region", ["P"]),
        },
    )
    funding = equity.funding_before_after(results)
    assert float(funding.sel(stage="before").sum()) == pytest.approx(250.0)
    assert float(funding.sel(stage="after").sum()) == pytest.approx(400.0)
    ratio = equity.burden_ratio(results)
    # P has no capacity but bears 100 before equalisation: inf; after equalisation nothing is left
    assert ratio.sel(stage="before", unit="P") == math.inf
    assert float(ratio.sel(stage="after", unit="P")) == 0.0
    table = equity.summary_metrics(results).set_index("metric")
    assert table.loc["burden_ratio_max", "before"] == math.inf
    assert table.loc["burden_ratio_mean", "before"] == math.inf


@pytest.mark.parametrize("seed", range(5))
def test_gini_equals_its_double_sum_definition(seed):
    """The sorted O(n log n) form against Σ_r Σ_s P_r P_s |x_r − x_s| / (2 P² μ) itself, ties
    included."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    x = rng.lognormal(size=n) * 1000
    x[rng.random(n) < 0.3] = x[0]
    population = rng.integers(1, 10**6, size=n).astype(float)
    pairs = population[:, None] * population[None, :] * np.abs(x[:, None] - x[None, :])
    mean = np.sum(population * x) / population.sum()
    expected = pairs.sum() / (2 * population.sum() ** 2 * mean)
    assert equity.gini(x, population) == pytest.approx(expected, rel=1e-12)
