"""Each sensitivity agrees with a one-sided finite-difference re-solve (relative 1e-6)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.hand_cases import three_regions, two_years_two_items

from fiscalshare.config import load_config
from fiscalshare.solve import solve_case

REL = 1e-6


def z(ds, key, **overrides):
    return solve_case(ds, load_config("default", overrides)).attrs[key]


def test_marginal_cost_matches_a_one_percent_rise_of_the_standard():
    """Three regions: a 1 % rise of q raises B's gap by 50, all paid as e_B: marginal cost 50."""
    ds = three_regions()
    results = solve_case(ds, load_config("default"))
    assert float(results["marginal_cost"].sel(item="X", year=2021)) == pytest.approx(50.0, rel=REL)
    raised = ds.copy(deep=True)
    raised["unit_cost"].loc[{"item": "X", "year": 2021}] *= 1.01
    step = z(raised, "objective_cost") - results.attrs["objective_cost"]
    assert step == pytest.approx(50.0, rel=REL)


def one_sided_slope(ds, item, year, base, overrides, h=1e-3):
    """``q·∂z2/∂q`` from one-sided re-solves at +h and +2h, extrapolated (Richardson) so that
    the curvature of z2 in q (σ multiplies q where a share, not e, closes a gap) cancels."""
    def rise(step):
        raised = ds.copy(deep=True)
        raised["unit_cost"].loc[{"item": item, "year": year}] *= 1.0 + step
        return (z(raised, "objective_cost", **overrides) - base) / step

    return 2.0 * rise(h) - rise(2.0 * h)


@pytest.mark.parametrize("overrides", [{}, {"ratio_mode": "fixed"}])
def test_marginal_cost_by_item_and_year_against_re_solves(overrides):
    """marginal_cost = 0.01·q·∂z2/∂q from the stage-2 duals (the rise for a 1 % rise, to first
    order); compared with one-sided re-solves of small increases of q."""
    ds = two_years_two_items()
    results = solve_case(ds, load_config("default", overrides))
    assert results.attrs["objective_shortfall"] == 0.0
    base = results.attrs["objective_cost"]
    for item in ds["item"].values:
        for year in ds["year"].values:
            step = 0.01 * one_sided_slope(ds, item, year, base, overrides)
            reported = float(results["marginal_cost"].sel(item=item, year=year))
            assert reported == pytest.approx(step, rel=REL, abs=1e-6), (item, year)


def test_marginal_cost_where_a_share_closes_the_gap():
    """No e: σ2 = 1 − Cap_B / D_B closes B's gap, so z2 = σ2·(D_B + D_B2) is curved in q.
    Derivative: ∂z2/∂D-scale = σ2·10 000 + (1 − σ2)·10 000 = 10 000 → marginal cost 100."""
    ds = three_regions()
    results = solve_case(ds, load_config("default", {"equalisation": "off"}))
    reported = float(results["marginal_cost"].sel(item="X", year=2021))
    assert reported == pytest.approx(100.0, rel=REL)
    slope = one_sided_slope(ds, "X", 2021, results.attrs["objective_cost"],
                            {"equalisation": "off"})
    assert reported == pytest.approx(0.01 * slope, rel=REL)


def test_capacity_value_is_the_provincial_money_saved_per_yuan():
    """Only B is short: one more yuan of its capacity saves one yuan of e_B; A and B2 save 0."""
    ds = three_regions()
    results = solve_case(ds, load_config("default"))
    base = results.attrs["objective_cost"]
    for unit, expected in (("A", 0.0), ("B", 1.0), ("B2", 0.0)):
        reported = float(results["capacity_value"].sel(unit=unit, year=2021))
        assert reported == pytest.approx(expected, abs=1e-9)
        richer = ds.copy(deep=True)
        richer["fiscal_capacity"].loc[{"unit": unit, "year": 2021}] += 1.0
        assert base - z(richer, "objective_cost") == pytest.approx(expected, rel=REL, abs=1e-7)


def test_budget_value_is_the_weighted_shortfall_removed_per_yuan():
    """Budget 6 000, no e: a yuan of budget lifts σ2 by 1e-4 and cuts u_B by 0.5 (ω_B = 7)."""
    ds = three_regions(budget=6000.0)
    results = solve_case(ds, load_config("default", {"equalisation": "off"}))
    reported = float(results["budget_value"].sel(year=2021))
    more = three_regions(budget=6001.0)
    step = results.attrs["objective_shortfall"] - z(more, "objective_shortfall",
                                                     equalisation="off")
    assert reported == pytest.approx(3.5, rel=REL)
    assert step == pytest.approx(reported, rel=REL)
    assert np.isnan(results["capacity_value"]).all()
