"""Each sensitivity agrees with a one-sided finite-difference re-solve (relative 1e-6).

The hand cases are those of ``tests/hand_cases.py`` (see ``test_solve_hand.py``).  The signs are
pinned: a yuan of budget or of capacity never makes things worse, so ``budget_value`` and
``capacity_value`` are ≥ 0, and a dearer standard never saves the province money.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.hand_cases import prefecture_with_counties, three_regions, two_years_two_items
from tests.test_solve_hand import two_years

from fiscalshare.config import load_config
from fiscalshare.solve import solve_case

REL = 1e-6
MENU = (0.2, 0.5, 0.8, 1.0)


def solve(ds, model="default", **overrides):
    return solve_case(ds, load_config(model, overrides))


def z2(ds, model="default", **overrides) -> float:
    return solve(ds, model, **overrides).attrs["objective_cost"]


def z1(ds, model="default", **overrides) -> float:
    return solve(ds, model, **overrides).attrs["objective_shortfall"]


def with_unit_cost(ds, item, year, factor):
    changed = ds.copy(deep=True)
    changed["unit_cost"].loc[{"item": item, "year": year}] *= factor
    return changed


def one_sided_slope(ds, item, year, base, model="default", h=1e-3, **overrides):
    """``q·∂z2/∂q`` from re-solves at q·(1 + h) and q·(1 + 2h), extrapolated (Richardson) so
    that the curvature of z2 in q cancels (σ multiplies q where a share closes a gap)."""
    def rise(step):
        return (z2(with_unit_cost(ds, item, year, 1.0 + step), model, **overrides) - base) / step

    return 2.0 * rise(h) - rise(2.0 * h)


def test_marginal_cost_where_equalisation_closes_the_gap():
    """A 1 % rise of q adds 50 to each remainder; only B's gap grows, by 50, paid as e_B.
    z2 is linear in q here, so the 1 % re-solve gives the same 50."""
    ds = three_regions()
    results = solve(ds)
    assert float(results["marginal_cost"].sel(item="X", year=2021)) == pytest.approx(50.0,
                                                                                    rel=REL)
    step = z2(with_unit_cost(ds, "X", 2021, 1.01)) - results.attrs["objective_cost"]
    assert step == pytest.approx(50.0, rel=REL)


def test_marginal_cost_where_a_share_closes_the_gap():
    """No e: σ2 = 1 − Cap_B / D and σ2 pays B and B2, so z2 = 2D·σ2 = 2D − 2 Cap_B.  With D
    scaled by (1 + p), dz2/dp = 2D = 10 000: a 1 % rise costs 100."""
    ds = three_regions()
    results = solve(ds, equalisation="off")
    reported = float(results["marginal_cost"].sel(item="X", year=2021))
    assert reported == pytest.approx(100.0, rel=REL)
    base = results.attrs["objective_cost"]
    assert reported == pytest.approx(0.01 * one_sided_slope(ds, "X", 2021, base,
                                                            equalisation="off"), rel=REL)


def test_marginal_cost_of_counties_and_their_prefecture():
    """A 1 % rise adds 50 to each county's remainder: C2 pays (1 − π)·50 = 25 more through e_C2
    and P bears 0.5·150 = 75 more through e_P; C1 and C3 can afford theirs: 100 in all."""
    ds = prefecture_with_counties()
    results = solve(ds)
    assert float(results["marginal_cost"].sel(item="X", year=2021)) == pytest.approx(100.0,
                                                                                     rel=REL)
    step = z2(with_unit_cost(ds, "X", 2021, 1.01)) - results.attrs["objective_cost"]
    assert step == pytest.approx(100.0, rel=REL)


@pytest.mark.parametrize("model", ["default", "fixed-ratios"])
def test_marginal_cost_by_item_and_year_against_re_solves(model):
    """Two items (one hard) over two years, shares bounded in [0.1·(t − 1), 0.6]."""
    ds = two_years_two_items()
    results = solve(ds, model)
    assert results.attrs["objective_shortfall"] == 0.0
    base = results.attrs["objective_cost"]
    for item in ds["item"].values:
        for year in ds["year"].values:
            reported = float(results["marginal_cost"].sel(item=item, year=year))
            assert reported >= 0.0
            expected = 0.01 * one_sided_slope(ds, item, year, base, model)
            assert reported == pytest.approx(expected, rel=REL, abs=1e-6), (item, year)


def test_capacity_value_is_the_provincial_money_saved_per_yuan():
    """Only B is short: a yuan more of its capacity saves a yuan of e_B; A and B2 save 0."""
    ds = three_regions()
    results = solve(ds)
    base = results.attrs["objective_cost"]
    for unit, expected in (("A", 0.0), ("B", 1.0), ("B2", 0.0)):
        reported = float(results["capacity_value"].sel(unit=unit, year=2021))
        assert reported == pytest.approx(expected, abs=1e-9)
        richer = ds.copy(deep=True)
        richer["fiscal_capacity"].loc[{"unit": unit, "year": 2021}] += 1.0
        assert base - z2(richer) == pytest.approx(expected, rel=REL, abs=1e-7)


def test_capacity_value_of_a_prefecture_and_its_counties():
    """P and C2 are topped up (a yuan of capacity saves a yuan); C1 and C3 are not."""
    ds = prefecture_with_counties()
    results = solve(ds)
    values = results["capacity_value"].sel(year=2021)
    assert values.values.tolist() == pytest.approx([1.0, 0.0, 1.0, 0.0], abs=1e-9)
    richer = ds.copy(deep=True)
    richer["fiscal_capacity"].loc[{"unit": "P", "year": 2021}] += 1.0
    assert results.attrs["objective_cost"] - z2(richer) == pytest.approx(1.0, rel=REL)


def test_capacity_value_where_a_share_closes_the_gap():
    """No e, σ2 = 1 − Cap_B/5 000: a yuan of B's capacity lowers σ2 by 1/5 000, saving
    10 000/5 000 = 2 yuan (σ2 pays B2 too)."""
    ds = three_regions()
    results = solve(ds, equalisation="off")
    assert float(results["capacity_value"].sel(unit="B", year=2021)) == pytest.approx(2.0,
                                                                                      rel=REL)
    richer = ds.copy(deep=True)
    richer["fiscal_capacity"].loc[{"unit": "B", "year": 2021}] += 1.0
    assert results.attrs["objective_cost"] - z2(richer, equalisation="off") == pytest.approx(
        2.0, rel=REL)


def test_budget_value_is_the_weighted_shortfall_removed_per_yuan():
    """Budget 6 000, no e: a yuan more lifts σ2 by 1e-4 and cuts u_B by 0.5 (ω_B = 7): 3.5."""
    results = solve(three_regions(budget=6000.0), equalisation="off")
    reported = float(results["budget_value"].sel(year=2021))
    assert reported == pytest.approx(3.5, rel=REL)
    step = results.attrs["objective_shortfall"] - z1(three_regions(budget=6001.0),
                                                     equalisation="off")
    assert step == pytest.approx(reported, rel=REL)
    assert np.isnan(results["capacity_value"]).all() and np.isnan(results["marginal_cost"]).all()


def test_budget_value_of_a_year_carries_the_shared_share():
    """Two years, budget only in 2022 (6 000): a yuan more in 2022 lifts σ2 by 1e-4, which cuts
    B's shortfall by 0.5 in both years (ω_B = 7): budget_value is 7 in 2022, 0 in 2021."""
    results = solve(two_years(6000.0), equalisation="off")
    assert results["budget_value"].values.tolist() == pytest.approx([0.0, 7.0], abs=1e-9)
    step = results.attrs["objective_shortfall"] - z1(two_years(6001.0), equalisation="off")
    assert step == pytest.approx(7.0, rel=REL)


def test_menu_mode_sensitivities_at_the_chosen_shares():
    """Menu, e on: σ = (0.2, 0.2), e_B = 3 000 (test_solve_hand).  A 1 % rise of q adds
    0.2·50 + 0.2·100 = 30 of co-financing and 0.8·50 = 40 of e_B: 70; the MIP re-solved
    keeps its shares.  A yuan of B's capacity saves a yuan of e_B."""
    ds = three_regions(menu=MENU)
    results = solve(ds, "ratio-menu")
    assert float(results["marginal_cost"].sel(item="X", year=2021)) == pytest.approx(70.0,
                                                                                    rel=REL)
    step = z2(with_unit_cost(ds, "X", 2021, 1.01), "ratio-menu") - results.attrs["objective_cost"]
    assert step == pytest.approx(70.0, rel=REL)
    assert results["capacity_value"].sel(year=2021).values.tolist() == pytest.approx(
        [0.0, 1.0, 0.0], abs=1e-9)


def test_menu_mode_budget_value_at_the_chosen_shares():
    """Menu, budget 4 000: σ = (0.2, 0.2) costs 3 000, leaving e_B = 1 000 of B's 4 000 local
    part against 1 000 of capacity: u_B = 2 000, z1 = 14 000.  A yuan more pays a yuan of e_B:
    budget_value = ω_B = 7."""
    results = solve(three_regions(budget=4000.0, menu=MENU), "ratio-menu")
    assert results.attrs["objective_shortfall"] == pytest.approx(14000.0, rel=1e-9)
    assert float(results["budget_value"].sel(year=2021)) == pytest.approx(7.0, rel=REL)
    more = z1(three_regions(budget=4001.0, menu=MENU), "ratio-menu")
    assert results.attrs["objective_shortfall"] - more == pytest.approx(7.0, rel=REL)
