"""Exact optima of hand-solvable cases (worked out in tests/hand_cases.py and below)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from tests.hand_cases import prefecture_with_counties, three_regions, two_years_two_items

from fiscalshare.config import load_config
from fiscalshare.errors import InfeasibleError
from fiscalshare.solve import AllocationModel, solve_case
from fiscalshare.verify import check_solution

MENU = (0.2, 0.5, 0.8, 1.0)


def solve(ds, **overrides):
    results = solve_case(ds, load_config("default", overrides))
    assert check_solution(ds, results) == []
    return results


def shares(results):
    return results["provincial_share"].sel(item="X").values.tolist()


def transfers(results):
    return dict(zip(results["unit"].values, results["equalisation"].sum("year").values,
                    strict=True))


def test_optimise_pays_equalisation_to_the_poor_region_only():
    """σ = 0 everywhere and e_B = 4 000 (cheaper than σ2, which also pays B2): z1 = 0, z2 = 4 000."""
    results = solve(three_regions())
    assert results.attrs["objective_shortfall"] == 0.0
    assert results.attrs["objective_cost"] == pytest.approx(4000.0, abs=1e-6)
    assert shares(results) == pytest.approx([0.0, 0.0], abs=1e-9)
    assert transfers(results) == pytest.approx({"A": 0.0, "B": 4000.0, "B2": 0.0}, abs=1e-6)


def test_without_equalisation_the_poor_tier_share_rises():
    """No e: B needs (1 − σ2)·5 000 ≤ 1 000, so σ2 = 0.8 and z2 = 0.8·10 000 = 8 000."""
    results = solve(three_regions(), equalisation="off")
    assert results.attrs["objective_cost"] == pytest.approx(8000.0, abs=1e-6)
    assert shares(results) == pytest.approx([0.0, 0.8], abs=1e-9)
    assert float(results["equalisation"].sum()) == 0.0


def test_fixed_ratios_cost_the_table_and_top_up_the_rest():
    """σ = (0.2, 0.5): P = 1 000 + 0.5·10 000 = 6 000; B's local part 2 500 − 1 000 → e_B = 1 500."""
    results = solve(three_regions(), ratio_mode="fixed")
    assert results.attrs["objective_cost"] == pytest.approx(7500.0, abs=1e-6)
    assert shares(results) == pytest.approx([0.2, 0.5])
    assert transfers(results)["B"] == pytest.approx(1500.0, abs=1e-6)


def test_menu_mode_picks_the_cheapest_allowed_shares():
    """Menu {0.2, 0.5, 0.8, 1}, no e: σ1 ≥ 0.2 (0 is not on the menu), σ2 ≥ 0.8 for B.
    z2 = 0.2·5 000 + 0.8·10 000 = 9 000."""
    results = solve(three_regions(menu=MENU), ratio_mode="menu", equalisation="off")
    assert results.attrs["objective_cost"] == pytest.approx(9000.0, abs=1e-6)
    assert shares(results) == pytest.approx([0.2, 0.8])


def test_a_binding_budget_makes_the_poor_region_fall_short():
    """No e, budget 6 000: σ2 ≤ 0.6 so B's shortfall is at least 4 000 − 5 000·0.6 = 1 000.
    z1 = ω_B·1 000 = 7·1 000 = 7 000 (σ1 = 0).  Stage 2 may use stage 1's slack of
    1e-7·z1 = 7e-4: u_B rises by 1e-4, σ2 falls by 2e-8, so z2 = 6 000 − 2e-4.
    One more yuan of budget raises σ2 by 1e-4 and cuts u_B by 0.5: budget_value = 3.5."""
    results = solve(three_regions(budget=6000.0), equalisation="off")
    assert results.attrs["objective_shortfall"] == pytest.approx(7000.0, rel=1e-9)
    assert results.attrs["objective_cost"] == pytest.approx(6000.0 - 2e-4, abs=1e-7)
    assert shares(results) == pytest.approx([0.0, 0.6], abs=1e-7)
    assert float(results["shortfall"].sel(region="B").sum()) == pytest.approx(1000.0, abs=1e-3)
    assert float(results["budget_value"].sel(year=2021)) == pytest.approx(3.5, rel=1e-9)
    assert np.isnan(results["marginal_cost"]).all()


def test_a_pool_cap_splits_the_gap_between_equalisation_and_shares():
    """Pool 3 000: e_B = 3 000 and σ2 closes the last 1 000 of B's gap (σ2 = 0.2, costing
    0.2·10 000 = 2 000): z2 = 5 000.  Using less e would cost 2 yuan of σ per yuan of gap."""
    results = solve(three_regions(pool=3000.0))
    assert results.attrs["objective_cost"] == pytest.approx(5000.0, abs=1e-6)
    assert shares(results) == pytest.approx([0.0, 0.2], abs=1e-9)
    assert transfers(results)["B"] == pytest.approx(3000.0, abs=1e-6)


def test_counties_share_their_local_part_with_the_prefecture():
    """See hand_cases.prefecture_with_counties: e_C2 = 1 500, e_P = 6 500, z2 = 8 000."""
    ds = prefecture_with_counties()
    results = solve(ds)
    assert results.attrs["objective_cost"] == pytest.approx(8000.0, abs=1e-6)
    assert shares(results) == pytest.approx([0.0, 0.0], abs=1e-9)
    assert transfers(results) == pytest.approx({"P": 6500.0, "C1": 0.0, "C2": 1500.0, "C3": 0.0},
                                               abs=1e-6)
    funding = results["funding"].sel(item="X", year=2021)
    assert funding.sel(region="C2", level="county") == pytest.approx(2500.0)
    assert funding.sel(region="C2", level="prefecture") == pytest.approx(2500.0)
    burden = results["burden"].sel(year=2021)
    assert float(burden.sel(unit="P")) == pytest.approx(7500.0)


def test_funding_adds_up_to_the_standard_cost_in_every_mode():
    ds = two_years_two_items()
    for overrides in ({}, {"ratio_mode": "fixed"}, {"eta": 0.0}):
        results = solve(ds, **overrides)
        total = results["funding"].sum("level") + results["shortfall"]
        np.testing.assert_allclose(total, results["standard_cost"], rtol=1e-12)
        assert float(results["shortfall"].sel(item="H").sum()) == 0.0


def test_two_solves_give_identical_results():
    ds = two_years_two_items()
    first, second = solve(ds), solve(ds)
    xr.testing.assert_identical(first.drop_attrs(), second.drop_attrs())


def test_an_updated_model_equals_a_fresh_one():
    """Changing the budget in place gives the same numbers as building with that budget."""
    config = load_config("default", {"equalisation": "off"})
    model = AllocationModel(three_regions(budget=9000.0), config)
    model.update(budget=np.array([6000.0]))
    updated = model.solve()
    fresh = solve_case(three_regions(budget=6000.0), config)
    for name in ("shortfall", "provincial_share", "funding", "equalisation"):
        np.testing.assert_allclose(updated[name], fresh[name], atol=1e-9)
    assert updated.attrs["objective_shortfall"] == pytest.approx(7000.0, rel=1e-9)


def test_hard_items_that_money_can_cover_report_the_least_extra_budget():
    """Hard item, budget 1 000: the province must pay B's 4 000 gap, so 3 000 more is needed;
    given back (rounded up to whole yuan), the case solves with z2 = 4 000."""
    with pytest.raises(InfeasibleError) as caught:
        solve(three_regions(binding="hard", budget=1000.0))
    diagnosis = caught.value.diagnosis
    assert diagnosis["money_helps"] is True
    assert diagnosis["least_extra_money"] == pytest.approx(3000.0, abs=1.0)
    budget = diagnosis["split"][0]["budget"]
    assert 4000.0 <= budget <= 4002.0
    assert diagnosis["least_budget_each_year_alone"][0]["least_budget"] == budget
    results = solve(three_regions(binding="hard", budget=budget))
    assert results.attrs["objective_cost"] == pytest.approx(4000.0, abs=1e-6)
    rows = diagnosis["short_if_hard_were_soft"]["rows"]
    assert [(r["region"], r["item"]) for r in rows] == [("B", "X")]


def test_when_no_money_helps_the_units_and_items_are_named():
    """No e and σ2 ≤ 0.5: B's local part is at least 2 500 > 1 000 whatever the budget."""
    with pytest.raises(InfeasibleError) as caught:
        solve(three_regions(binding="hard", smax=0.5), equalisation="off")
    diagnosis = caught.value.diagnosis
    assert diagnosis["money_helps"] is False
    assert diagnosis["units_short"] == [{
        "unit": "B", "name": "乙市", "year": 2021, "hard_local_part": 2500.0,
        "capacity": 1000.0, "items": ["X"],
    }]
    assert any("equalisation" in advice for advice in diagnosis["what_would_help"])
