"""Exact optima of hand-solvable cases, in every ratio mode, with and without equalisation.

The cases of ``tests/hand_cases.py``: ``three_regions`` has A (tier 1), B and B2 (tier 2), one
item, one year, every region N = 100, q = 100, θ = 0.5, so C = 10 000, F = 5 000, D = 5 000;
capacities A 10 000, B 1 000, B2 10 000.  Only B cannot afford its local part at σ = 0 (a gap
of 4 000).  Closing it with e_B costs 4 000; with σ2 it costs 2 yuan per yuan of gap, because
σ2 also pays B2's remainder.  Priority weights (η = 1): m = 21 000 / 300 = 70, so ω_B = 7 and
ω_A = ω_B2 = 0.7.  Every solution must also pass the independent verifier.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.factories import case
from tests.hand_cases import ITEM, prefecture_with_counties, solve, three_regions, z

MENU = (0.2, 0.5, 0.8, 1.0)


def shares(results, item="X"):
    return results["provincial_share"].sel(item=item).values.tolist()


def equalisation(results):
    return dict(zip(results["unit"].values.tolist(),
                    results["equalisation"].sum("year").values.tolist(), strict=True))


def test_optimise_with_equalisation_tops_up_the_poor_region_only():
    """σ = (0, 0) and e_B = 4 000, cheaper than σ2: z1 = 0, z2 = 4 000."""
    results = solve(three_regions())
    assert z(results) == (0.0, pytest.approx(4000.0, abs=1e-6))
    assert shares(results) == pytest.approx([0.0, 0.0], abs=1e-9)
    assert equalisation(results) == pytest.approx({"A": 0.0, "B": 4000.0, "B2": 0.0}, abs=1e-6)
    assert results.attrs["termination"] == "Optimal"


def test_optimise_without_equalisation_raises_the_poor_tiers_share():
    """No e: B needs (1 − σ2)·5 000 ≤ 1 000, so σ2 = 0.8 and z2 = 0.8·(5 000 + 5 000) = 8 000."""
    results = solve(three_regions(), equalisation="off")
    assert z(results) == (0.0, pytest.approx(8000.0, abs=1e-6))
    assert shares(results) == pytest.approx([0.0, 0.8], abs=1e-9)
    assert float(results["equalisation"].sum()) == 0.0


def test_fixed_ratios_cost_the_table_and_top_up_the_rest():
    """σ = s0 = (0.2, 0.5): P = 0.2·5 000 + 0.5·10 000 = 6 000; B's local part is 2 500 against a
    capacity of 1 000, so e_B = 1 500 and z2 = 7 500."""
    results = solve(three_regions(), "fixed-ratios")
    assert z(results) == (0.0, pytest.approx(7500.0, abs=1e-6))
    assert shares(results) == [0.2, 0.5]
    assert equalisation(results) == pytest.approx({"A": 0.0, "B": 1500.0, "B2": 0.0}, abs=1e-6)


def test_fixed_ratios_without_equalisation_leave_a_shortfall():
    """σ = (0.2, 0.5), no e: B can pay 1 000 of its 2 500 local part, u_B = 1 500,
    z1 = ω_B·1 500 = 10 500; z2 = P = 6 000 whatever u is."""
    results = solve(three_regions(), "fixed-ratios", equalisation="off")
    assert z(results) == (pytest.approx(10500.0, rel=1e-9), pytest.approx(6000.0, abs=1e-6))
    assert float(results["shortfall"].sel(region="B").sum()) == pytest.approx(1500.0, abs=1e-3)
    funding = results["funding"].sel(region="B", item="X", year=2021)
    assert funding.sel(level="prefecture") == pytest.approx(1000.0, abs=1e-3)


def test_menu_mode_without_equalisation_takes_the_cheapest_allowed_shares():
    """Menu {0.2, 0.5, 0.8, 1}: σ1 = 0.2 (0 is not on the menu), B needs σ2 ≥ 0.8.
    z2 = 0.2·5 000 + 0.8·10 000 = 9 000."""
    results = solve(three_regions(menu=MENU), "ratio-menu", equalisation="off")
    assert z(results) == (0.0, pytest.approx(9000.0, abs=1e-6))
    assert shares(results) == [0.2, 0.8]


def test_menu_mode_with_equalisation():
    """σ = (0.2, 0.2) costs 1 000 + 2 000 and leaves B a local part of 4 000: e_B = 3 000,
    z2 = 6 000.  σ2 = 0.5 would cost 5 000 + e_B 1 500 + 1 000 = 7 500."""
    results = solve(three_regions(menu=MENU), "ratio-menu")
    assert z(results) == (0.0, pytest.approx(6000.0, abs=1e-6))
    assert shares(results) == [0.2, 0.2]
    assert equalisation(results)["B"] == pytest.approx(3000.0, abs=1e-6)


def test_a_binding_budget_makes_the_poor_region_fall_short():
    """No e, budget 6 000: 5 000σ1 + 10 000σ2 ≤ 6 000 caps σ2 at 0.6, so B falls short by at
    least 4 000 − 5 000·0.6 = 1 000: z1 = ω_B·1 000 = 7 000, σ1 = 0.  Stage 2 may use stage 1's
    slack 1e-7·7 000 = 7e-4 (u_B up by 1e-4, σ2 down by 2e-8): z2 = 6 000 − 2e-4."""
    results = solve(three_regions(budget=6000.0), equalisation="off")
    assert results.attrs["objective_shortfall"] == pytest.approx(7000.0, rel=1e-9)
    assert results.attrs["objective_cost"] == pytest.approx(6000.0 - 2e-4, abs=1e-7)
    assert shares(results) == pytest.approx([0.0, 0.6], abs=1e-7)
    assert float(results["shortfall"].sel(region="B").sum()) == pytest.approx(1000.0, abs=1e-3)
    assert float(results["shortfall"].sel(region=["A", "B2"]).sum()) == 0.0


def test_a_pool_cap_splits_the_gap_between_equalisation_and_shares():
    """Pool 3 000: e_B = 3 000, and σ2 = 0.2 closes the last 1 000 of B's gap at a cost of
    0.2·10 000 = 2 000: z2 = 5 000."""
    results = solve(three_regions(pool=3000.0))
    assert z(results) == (0.0, pytest.approx(5000.0, abs=1e-6))
    assert shares(results) == pytest.approx([0.0, 0.2], abs=1e-9)
    assert equalisation(results)["B"] == pytest.approx(3000.0, abs=1e-6)


def test_counties_share_their_local_part_with_the_prefecture():
    """Prefecture P over counties C1 (tier 1), C2, C3 (tier 2), π = 0.5, each D = 5 000.  At
    σ = 0 each county bears 2 500 and P bears 0.5·15 000 = 7 500: e_C2 = 2 500 − 1 000 = 1 500,
    e_P = 7 500 − 1 000 = 6 500, z2 = 8 000.  A point of σ2 costs 10 000 but saves only
    2 500 (C2) + 5 000 (P); a point of σ1 costs 5 000 and saves 2 500: σ = (0, 0)."""
    results = solve(prefecture_with_counties())
    assert z(results) == (0.0, pytest.approx(8000.0, abs=1e-6))
    assert shares(results) == pytest.approx([0.0, 0.0], abs=1e-9)
    assert equalisation(results) == pytest.approx(
        {"P": 6500.0, "C1": 0.0, "C2": 1500.0, "C3": 0.0}, abs=1e-6)
    funding = results["funding"].sel(item="X", year=2021)
    assert funding.sel(region="C2").values.tolist() == pytest.approx([5000.0, 0.0, 2500.0, 2500.0])
    assert results["burden"].sel(year=2021).values.tolist() == pytest.approx(
        [7500.0, 2500.0, 2500.0, 2500.0])
    assert results["transfer"].sel(unit="P", year=2021) == pytest.approx(6500.0)


def test_a_prefecture_share_moves_with_the_county_share():
    """Same counties with σ fixed at (0.2, 0.5): county parts (1 − π)(1 − σ)D = 2 000, 1 250,
    1 250 and P bears 0.5·(4 000 + 2 500 + 2 500) = 4 500.  e_C2 = 250, e_P = 3 500;
    P = 0.2·5 000 + 0.5·10 000 = 6 000, so z2 = 9 750."""
    results = solve(prefecture_with_counties(), "fixed-ratios")
    assert z(results) == (0.0, pytest.approx(9750.0, abs=1e-6))
    assert equalisation(results) == pytest.approx(
        {"P": 3500.0, "C1": 0.0, "C2": 250.0, "C3": 0.0}, abs=1e-6)


def two_years(budget_2022: float):
    """Three regions as above over 2021–2022 with a budget only in 2022, no equalisation."""
    regions = [
        {"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 100.0},
        {"code": "B", "name": "乙市", "parent": "", "tier": 2, "population": 100.0},
        {"code": "B2", "name": "丙市", "parent": "", "tier": 2, "population": 100.0},
    ]
    capacity = {"A": 10000.0, "B": 1000.0, "B2": 10000.0}
    years = (2021, 2022)
    return case(
        regions=regions, items=[ITEM],
        standards=[{"item": "X", "year": y, "unit_cost": 100.0, "topup": 1.0,
                    "central_share": 0.5} for y in years],
        beneficiaries=[{"region": r, "item": "X", "year": y, "units": 100.0}
                       for r in capacity for y in years],
        capacity=[{"region": r, "year": y, "fiscal_capacity": c}
                  for r, c in capacity.items() for y in years],
        sharing=[{"tier": t, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.5, "prefecture_share": 0.0} for t in (1, 2)],
        budget=[{"year": 2022, "provincial_budget": budget_2022}],
        years=years,
    )


def test_one_share_for_all_years_carries_a_budget_limit_into_every_year():
    """A 2022 budget of 6 000 caps σ2 at 0.6, and σ is the same in 2021, so B falls short by
    1 000 in both years: z1 = 7·2 000 = 14 000.  Stage 2: 7(u21 + u22) ≤ 14 000.0014 lets
    σ2 = 0.6 − 2e-8: z2 = 2·10 000·σ2 = 12 000 − 4e-4."""
    results = solve(two_years(6000.0), equalisation="off")
    assert results.attrs["objective_shortfall"] == pytest.approx(14000.0, rel=1e-9)
    assert results.attrs["objective_cost"] == pytest.approx(12000.0 - 4e-4, abs=1e-6)
    assert shares(results) == pytest.approx([0.0, 0.6], abs=1e-7)
    by_year = results["shortfall"].sel(region="B", item="X").values
    assert by_year == pytest.approx([1000.0, 1000.0], abs=1e-3)


def test_hard_items_are_met_first_and_the_soft_ones_absorb_the_budget():
    """Soft X as above; hard H only in B (D = 5 000), so a point of σ2_H costs 5 000 and frees
    5 000 of B's capacity, twice what σ2_X does.  Budget 9 000, no e: σ2_H = 1 (5 000), the
    remaining 4 000 buys σ2_X = 0.4 (σ1_X = 0), B's X local part 3 000 exceeds its capacity by
    2 000: u_B,X = 2 000, z1 = 7·2 000 = 14 000.  Stage 2 uses the slack 1.4e-3 / 7 on u:
    σ2_X = 0.4 − 4e-8, z2 = 5 000 + 4 000 − 4e-4."""
    regions = (("A", 1), ("B", 2), ("B2", 2))
    ds = case(
        regions=[{"code": r, "name": r, "parent": "", "tier": t, "population": 100.0}
                 for r, t in regions],
        items=[ITEM, {**ITEM, "code": "H", "binding": "hard"}],
        standards=[{"item": i, "year": 2021, "unit_cost": 100.0, "topup": 1.0,
                    "central_share": 0.5} for i in ("X", "H")],
        beneficiaries=[{"region": r, "item": "X", "year": 2021, "units": 100.0}
                       for r, _ in regions]
        + [{"region": "B", "item": "H", "year": 2021, "units": 100.0}],
        capacity=[{"region": r, "year": 2021, "fiscal_capacity": c}
                  for r, c in (("A", 10000.0), ("B", 1000.0), ("B2", 10000.0))],
        sharing=[{"tier": t, "item": i, "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.5, "prefecture_share": 0.0}
                 for t in (1, 2) for i in ("X", "H")],
        budget=[{"year": 2021, "provincial_budget": 9000.0}],
    )
    results = solve(ds, equalisation="off")
    assert results.attrs["objective_shortfall"] == pytest.approx(14000.0, rel=1e-9)
    assert results.attrs["objective_cost"] == pytest.approx(9000.0 - 4e-4, abs=1e-6)
    assert shares(results, "H")[1] == pytest.approx(1.0, abs=1e-9)
    assert shares(results, "X") == pytest.approx([0.0, 0.4], abs=1e-7)
    assert float(results["shortfall"].sel(item="H").sum()) == 0.0
    assert float(results["shortfall"].sel(region="B", item="X").sum()) == pytest.approx(2000.0,
                                                                                  abs=1e-3)


def test_every_money_variable_is_in_yuan_and_adds_up():
    """Funding by level plus shortfall is the standard cost, per region, item and year."""
    results = solve(three_regions(budget=6000.0), equalisation="off")
    total = results["funding"].sum("level") + results["shortfall"]
    np.testing.assert_allclose(total, results["standard_cost"], rtol=1e-12)
    for name in ("standard_cost", "funding", "shortfall", "equalisation", "transfer", "burden"):
        assert results[name].attrs["units"] == "yuan", name
