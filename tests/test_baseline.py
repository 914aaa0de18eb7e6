"""The status-quo baseline (fixed table + factor-method equalisation) on cases worked out by hand.

Three-region case (``three_regions``): prefecture-level regions A, B, C of tiers 1, 2, 3, one soft
item with C = 10000 and F = 5000 each (N = 100, q = 100, θ = 0.5), so D = 5000 each.  Fixed shares
0.2, 0.4, 0.6 give P = 1000, 2000, 3000 and local parts L⁰ = 4000, 3000, 2000.  Capacities
5000, 2000, 1000 give gaps 0, 1000, 1000 (Σ = 2000).

- pool 1000: θ = 1000 / 2000 = 1/2, T = 0, 500, 500 (the pool spent exactly; A, whose revenue
  5000 ≥ its expenditure 4000, gets nothing).  B still needs 3000 − 2000 − 500 = 500 → shortfall
  500; C needs 2000 − 1000 − 500 = 500 → shortfall 500.  Provincial money 6000 + 1000 = 7000.
- no pool: θ = 1, T = 0, 1000, 1000, no shortfall, provincial money 8000.
- pool 3000: θ = 3/2, T = 0, 1500, 1500: the pool is still spent exactly.
- pool 1000 and budget 6500: room 6500 − 6000 = 500 → θ = 1/4, T = 250 each, spending = 6500.
- budget 5000 < co-financing 6000: excess 1000, θ = 0, shortfalls 1000 and 1000.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.factories import case

from fiscalshare.analysis.baseline import baseline_allocation


def three_regions(pool=None, budget=None):
    rows = None
    if pool is not None or budget is not None:
        rows = [{"year": 2021, "provincial_budget": budget, "equalisation_pool": pool}]
    return case(
        regions=[
            {"code": code, "name": code, "parent": "", "tier": tier, "population": 100.0}
            for code, tier in (("A", 1), ("B", 2), ("C", 3))
        ],
        items=[{"code": "X", "name": "项目", "domain": "病有所医", "rule": "ratio",
                "binding": "soft"}],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "central_share": 0.5}],
        beneficiaries=[{"region": r, "item": "X", "year": 2021, "units": 100.0} for r in "ABC"],
        capacity=[{"region": r, "year": 2021, "fiscal_capacity": cap}
                  for r, cap in (("A", 5000.0), ("B", 2000.0), ("C", 1000.0))],
        sharing=[{"tier": t, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": share, "prefecture_share": 0.0}
                 for t, share in ((1, 0.2), (2, 0.4), (3, 0.6))],
        budget=rows,
    )


def values(results, name):
    return results[name].values.ravel().tolist()


def test_pool_is_spent_exactly_and_the_rest_falls_short():
    results = baseline_allocation(three_regions(pool=1000.0), {})
    assert float(results["transfer_coefficient"].item()) == pytest.approx(0.5)
    assert values(results, "standard_expenditure") == [4000.0, 3000.0, 2000.0]
    assert values(results, "standard_gap") == [0.0, 1000.0, 1000.0]
    assert values(results, "equalisation") == pytest.approx([0.0, 500.0, 500.0])
    assert float(results["equalisation"].sum()) == pytest.approx(1000.0)
    assert values(results, "shortfall") == pytest.approx([0.0, 500.0, 500.0])
    assert values(results, "burden") == pytest.approx([4000.0, 2500.0, 1500.0])
    assert values(results, "transfer") == pytest.approx([1000.0, 2500.0, 3500.0])
    assert results.attrs["objective_cost"] == pytest.approx(7000.0)
    funding = results["funding"].sel(item="X", year=2021)
    assert funding.sel(level="province").values.tolist() == [1000.0, 2000.0, 3000.0]
    assert funding.sel(level="prefecture").values.tolist() == pytest.approx([4000.0, 2500.0, 1500.0])
    assert funding.sel(level="county").values.tolist() == [0.0, 0.0, 0.0]
    # the provincial share is the fixed table
    assert results["provincial_share"].sel(item="X").values.tolist() == [0.2, 0.4, 0.6]


def test_without_a_pool_every_gap_is_closed():
    results = baseline_allocation(three_regions(), {})
    assert float(results["transfer_coefficient"].item()) == 1.0
    assert values(results, "equalisation") == [0.0, 1000.0, 1000.0]
    assert float(results["shortfall"].sum()) == 0.0
    assert results.attrs["objective_cost"] == pytest.approx(8000.0)


def test_a_pool_larger_than_the_gaps_is_still_spent_exactly():
    results = baseline_allocation(three_regions(pool=3000.0), {})
    assert float(results["transfer_coefficient"].item()) == pytest.approx(1.5)
    assert values(results, "equalisation") == pytest.approx([0.0, 1500.0, 1500.0])
    assert float(results["shortfall"].sum()) == 0.0


def test_a_binding_budget_cuts_equalisation_first():
    results = baseline_allocation(three_regions(pool=1000.0, budget=6500.0), {})
    assert float(results["transfer_coefficient"].item()) == pytest.approx(0.25)
    assert values(results, "equalisation") == pytest.approx([0.0, 250.0, 250.0])
    assert results.attrs["objective_cost"] == pytest.approx(6500.0)
    assert float(results["budget_excess"].item()) == 0.0


def test_co_financing_above_the_budget_is_reported_not_cut():
    results = baseline_allocation(three_regions(budget=5000.0), {})
    assert float(results["budget_excess"].item()) == pytest.approx(1000.0)
    assert float(results["equalisation"].sum()) == 0.0
    assert values(results, "shortfall") == pytest.approx([0.0, 1000.0, 1000.0])
    assert float(results["funding"].sel(level="province").sum()) == pytest.approx(6000.0)


def test_equalisation_off_pays_nothing():
    results = baseline_allocation(three_regions(), {"equalisation": "off"})
    assert float(results["equalisation"].sum()) == 0.0
    assert values(results, "shortfall") == pytest.approx([0.0, 1000.0, 1000.0])


def test_shortfall_is_valued_with_the_configured_priority_weights():
    """η = 1: m = 8000/300, ω = m / c: B (c = 20) → 4/3, C (c = 10) → 8/3; z1 = 500·4/3 + 500·8/3."""
    results = baseline_allocation(three_regions(pool=1000.0), {"eta": 1.0})
    assert results.attrs["objective_shortfall"] == pytest.approx(2000.0)
    flat = baseline_allocation(three_regions(pool=1000.0), {"eta": 0.0})
    assert flat.attrs["objective_shortfall"] == pytest.approx(1000.0)


def county_case(county_capacity, pool):
    """Prefecture P with counties K1 (tier 1) and K2 (tier 2); items S (soft) and H (hard), local.

    Each county has L⁰ = 1000 per item (N = 10, q = 100, θ = 0, σ = 0) split π = 1/2: the county
    and the prefecture each bear 500 per item.  Standard expenditures: P 2000, K1 1000, K2 1000.
    """
    return case(
        regions=[
            {"code": "P", "name": "市", "parent": "", "tier": 1, "population": 100.0},
            {"code": "K1", "name": "县一", "parent": "P", "tier": 1, "population": 50.0},
            {"code": "K2", "name": "县二", "parent": "P", "tier": 2, "population": 50.0},
        ],
        items=[
            {"code": "S", "name": "软", "domain": "学有所教", "rule": "local", "binding": "soft"},
            {"code": "H", "name": "硬", "domain": "学有所教", "rule": "local", "binding": "hard"},
        ],
        standards=[{"item": i, "year": 2021, "unit_cost": 100.0, "central_share": 0.0}
                   for i in "SH"],
        beneficiaries=[{"region": r, "item": i, "year": 2021, "units": 10.0}
                       for r in ("K1", "K2") for i in "SH"],
        capacity=[{"region": r, "year": 2021, "fiscal_capacity": cap}
                  for r, cap in (("P", 2000.0), ("K1", 1000.0), ("K2", county_capacity))],
        sharing=[{"tier": t, "item": i, "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.0, "prefecture_share": 0.5}
                 for t in (1, 2) for i in "SH"],
        budget=[{"year": 2021, "equalisation_pool": pool}],
    )


def test_soft_items_fall_short_first():
    """K2 (capacity 200) has the only gap, 800; pool 400 → θ = 1/2, T = 400, need 400.

    K2's soft share is 500: it cuts S by 400/500 = 4/5, u[K2,S] = 4/5 · 1000 = 800, which also
    lowers P's part of it to 100.  Burdens: K2 100 + 500 = 600 = 200 + 400; P 500 + 500 + 100 +
    500 = 1600.  The hard item is met.
    """
    results = baseline_allocation(county_case(200.0, 400.0), {})
    assert results["standard_expenditure"].values.ravel().tolist() == [2000.0, 1000.0, 1000.0]
    assert results["equalisation"].values.ravel().tolist() == pytest.approx([0.0, 0.0, 400.0])
    shortfall = results["shortfall"].sel(year=2021)
    assert float(shortfall.sel(region="K2", item="S")) == pytest.approx(800.0)
    assert float(shortfall.sel(region="K2", item="H")) == 0.0
    assert float(shortfall.sel(region="K1").sum()) == 0.0
    assert results["burden"].values.ravel().tolist() == pytest.approx([1600.0, 1000.0, 600.0])
    funding = results["funding"].sel(region="K2", item="S", year=2021)
    assert funding.sel(level=["prefecture", "county"]).values.tolist() == pytest.approx([100, 100])
    assert results.attrs["hard_items_met"] == "yes"


def test_a_hard_shortfall_is_reported_when_soft_items_cannot_absorb_the_need():
    """K2 capacity 200, pool 0 (θ = 0): need 800 > soft share 500, so S is cut whole and H by
    (800 − 500)/500 = 3/5: u[K2,H] = 600.  K2's burden is then 0 + 1/2 · 400 = 200 = its capacity.
    """
    results = baseline_allocation(county_case(200.0, 0.0), {})
    shortfall = results["shortfall"].sel(year=2021)
    assert float(shortfall.sel(region="K2", item="S")) == pytest.approx(1000.0)
    assert float(shortfall.sel(region="K2", item="H")) == pytest.approx(600.0)
    assert results.attrs["hard_items_met"] == "no"
    assert results.attrs["hard_shortfall"] == pytest.approx(600.0)
    assert float(results["burden"].sel(unit="K2").item()) == pytest.approx(200.0)


def test_results_keep_the_contract_of_a_solve():
    """Funding plus shortfall is the standard cost; burdens fit capacity plus equalisation."""
    for inputs in (three_regions(pool=1000.0), county_case(200.0, 0.0), county_case(200.0, 400.0)):
        results = baseline_allocation(inputs, {})
        balance = results["funding"].sum("level") + results["shortfall"]
        np.testing.assert_allclose(balance.values, results["standard_cost"].values, rtol=1e-12)
        room = results["fiscal_capacity"] + results["equalisation"] - results["burden"]
        assert float(room.min()) >= -1e-6
        for name in ("standard_cost", "funding", "shortfall", "provincial_share", "equalisation",
                     "burden", "fiscal_capacity", "transfer", "marginal_cost", "capacity_value",
                     "budget_value", "population", "unit_population", "central_funding",
                     "priority_weight", "provincial_budget", "equalisation_pool"):
            assert name in results, name
        assert results["funding"].dims == ("region", "item", "year", "level")
        assert float(results["transfer"].sum()) == pytest.approx(results.attrs["objective_cost"])


@st.composite
def random_cases(draw):
    """A prefecture with two counties plus a prefecture-level region, two items, two years."""
    money = st.floats(min_value=0.0, max_value=5000.0, allow_nan=False)
    share = st.sampled_from([0.0, 0.2, 0.5, 0.8, 1.0])
    regions = [
        {"code": "P", "name": "市", "parent": "", "tier": 1, "population": 100.0},
        {"code": "K1", "name": "县一", "parent": "P", "tier": 1, "population": 40.0},
        {"code": "K2", "name": "县二", "parent": "P", "tier": 2, "population": 60.0},
        {"code": "Q", "name": "州", "parent": "", "tier": 2, "population": 80.0},
    ]
    items = [
        {"code": "S", "name": "软", "domain": "学有所教", "rule": "ratio", "binding": "soft"},
        {"code": "H", "name": "硬", "domain": "病有所医", "rule": "ratio", "binding": "hard"},
    ]
    years = (2021, 2022)
    pool = draw(st.one_of(st.none(), money))
    budget = draw(st.one_of(st.none(), st.floats(min_value=0.0, max_value=20000.0)))
    return case(
        regions=regions,
        items=items,
        standards=[{"item": i, "year": y, "unit_cost": 100.0, "central_share": draw(share),
                    "topup": 1.2} for i in "SH" for y in years],
        beneficiaries=[{"region": r, "item": i, "year": y,
                        "units": draw(st.floats(min_value=0.0, max_value=20.0))}
                       for r in ("K1", "K2", "Q") for i in "SH" for y in years],
        capacity=[{"region": r, "year": y, "fiscal_capacity": draw(money)}
                  for r in ("P", "K1", "K2", "Q") for y in years],
        sharing=[{"tier": t, "item": i, "province_min": 0.0, "province_max": 1.0,
                  "province_share": draw(share), "prefecture_share": draw(share)}
                 for t in (1, 2) for i in "SH"],
        budget=[{"year": y, "equalisation_pool": pool, "provincial_budget": budget}
                for y in years],
        years=years,
    )


@settings(max_examples=40, deadline=None)
@given(random_cases())
def test_the_rules_hold_on_any_case(inputs):
    """Funding + shortfall = cost; burden ≤ Cap + T; u ≤ L⁰; soft items are cut before hard ones;
    a pool is spent exactly unless there is no gap or the budget cuts it; co-financing is whole."""
    results = baseline_allocation(inputs, {})
    balance = results["funding"].sum("level") + results["shortfall"]
    np.testing.assert_allclose(balance.values, results["standard_cost"].values, atol=1e-9)
    room = results["fiscal_capacity"] + results["equalisation"] - results["burden"]
    assert float(room.min()) >= -1e-6
    assert float(results["funding"].min()) >= -1e-9
    province = results["funding"].sel(level="province").sum(["region", "item"])
    for year in results["year"].values:
        gap = float(results["standard_gap"].sel(year=year).sum())
        paid = float(results["equalisation"].sel(year=year).sum())
        pool = float(results["equalisation_pool"].sel(year=year))
        budget = float(results["provincial_budget"].sel(year=year))
        room_left = budget - float(province.sel(year=year)) if not np.isnan(budget) else np.inf
        if gap > 0 and not np.isnan(pool) and pool <= room_left:
            assert paid == pytest.approx(pool, rel=1e-9, abs=1e-9)
        if not np.isnan(budget):
            excess = float(results["budget_excess"].sel(year=year))
            assert float(province.sel(year=year)) + paid <= budget + excess + 1e-6
    # Q is a prefecture-level region, its own only payer: it cuts its hard item only after its
    # soft item's whole local part
    short = results["shortfall"].sel(region="Q")
    local_soft = (results["standard_cost"] - results["central_funding"]
                  - results["funding"].sel(level="province")).sel(region="Q", item="S")
    for year in results["year"].values:
        if float(short.sel(item="H", year=year)) > 1e-9:
            assert float(short.sel(item="S", year=year)) == pytest.approx(
                float(local_soft.sel(year=year)), abs=1e-6)


def test_the_independent_verifier_accepts_a_feasible_baseline_and_flags_the_rest():
    """The hand cases above: a baseline within the model's rules passes every constraint of
    spec/model.md; the hard shortfall of 600 and the budget overrun of 1000 are what it flags."""
    from fiscalshare.analysis.verify import check_solution

    for inputs in (three_regions(pool=1000.0), county_case(200.0, 400.0)):
        assert check_solution(inputs, baseline_allocation(inputs, {})) == []
    hard = check_solution(county_case(200.0, 0.0), baseline_allocation(county_case(200.0, 0.0), {}))
    assert len(hard) == 1 and "hard items" in hard[0] and "599.99" in hard[0]
    overrun = baseline_allocation(three_regions(budget=5000.0), {})
    found = check_solution(three_regions(budget=5000.0), overrun)
    assert len(found) == 1 and "budget" in found[0]


def test_a_pool_over_a_subnormal_gap_is_paid_without_overflow():
    """E / Σ G overflows when the gaps are subnormal (hypothesis found one): the pool is still
    handed out by each unit's part of the gaps, cut to the budget's room, and no NaN appears."""
    from fiscalshare.analysis.baseline import _equalisation, _transfer_total

    gap = np.array([[5e-324, 1.0], [0.0, 3.0]])
    pool, room = np.array([1.0, 2.0]), np.array([np.nan, np.nan])
    theta, paid = _equalisation(_transfer_total(gap.sum(axis=0), pool, room, True), gap)
    np.testing.assert_array_equal(theta, [np.inf, 0.5])
    np.testing.assert_array_equal(paid, [[1.0, 0.5], [0.0, 1.5]])
    _, cut = _equalisation(_transfer_total(gap.sum(axis=0), pool, np.array([0.25, np.nan]),
                                           True), gap)
    np.testing.assert_array_equal(cut[:, 0], [0.25, 0.0])
