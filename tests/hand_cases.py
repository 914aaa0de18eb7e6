"""Cases small enough to solve by hand; each docstring works out its optimum.

Shared by the model, sensitivity, diagnosis and sweep tests.
"""

from __future__ import annotations

from tests.factories import case

ITEM = {"code": "X", "name": "项目", "domain": "病有所医", "unit": "元/人/年", "rule": "ratio",
        "binding": "soft", "weight": 1.0}


def _sharing(tiers, smin=0.0, smax=1.0, fixed=None, prefecture_share=0.0):
    fixed = fixed or {1: 0.2, 2: 0.5}
    return [{"tier": t, "item": "X", "province_min": smin, "province_max": smax,
             "province_share": fixed[t], "prefecture_share": prefecture_share} for t in tiers]


def three_regions(*, binding="soft", smax=1.0, budget=None, pool=None, menu=None):
    """A (tier 1, rich), B (tier 2, poor), B2 (tier 2, rich); one item, one year.

    Every region: N = 100, q = 100, θ = 0.5, so C = 10 000, F = 5 000 and D = 5 000.
    Capacities A 10 000, B 1 000, B2 10 000.  At σ = 0 only B cannot afford its local part:
    5 000 > 1 000, a gap of 4 000.  Closing it with e_B costs 4 000; with σ2 it costs
    2 yuan per yuan of gap (σ2 also pays B2's remainder), so the optimum is unique.
    Priority weights (η = 1): m = 21 000 / 300 = 70, c_B = 10, so ω_B = 7; ω_A = ω_B2 = 0.7.
    """
    regions = [
        {"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 100.0},
        {"code": "B", "name": "乙市", "parent": "", "tier": 2, "population": 100.0},
        {"code": "B2", "name": "丙市", "parent": "", "tier": 2, "population": 100.0},
    ]
    capacity = {"A": 10000.0, "B": 1000.0, "B2": 10000.0}
    budget_rows = None
    if budget is not None or pool is not None:
        budget_rows = [{"year": 2021, "provincial_budget": budget, "equalisation_pool": pool}]
    return case(
        regions=regions,
        items=[{**ITEM, "binding": binding}],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "topup": 1.0,
                    "central_share": 0.5}],
        beneficiaries=[{"region": r, "item": "X", "year": 2021, "units": 100.0}
                       for r in capacity],
        capacity=[{"region": r, "year": 2021, "fiscal_capacity": c} for r, c in capacity.items()],
        sharing=_sharing((1, 2), smax=smax),
        budget=budget_rows,
        ratio_menu=menu,
    )


def prefecture_with_counties():
    """Prefecture P (capacity 1 000) with counties C1 (tier 1), C2 and C3 (tier 2); π = 0.5.

    Each county: D = 5 000 (N 100, q 100, θ 0.5).  Capacities C1 10 000, C2 1 000, C3 10 000.
    At σ = 0 each county bears (1 − π)·5 000 = 2 500 and P bears 0.5·15 000 = 7 500:
    C2 is short by 1 500 and P by 6 500, so e_C2 = 1 500 and e_P = 6 500, z2 = 8 000.
    Raising σ2 by δ costs 10 000δ but saves only 2 500δ (C2) + 5 000δ (P): not worth it.
    """
    regions = [
        {"code": "P", "name": "某市", "parent": "", "tier": 1, "population": 300.0},
        {"code": "C1", "name": "一县", "parent": "P", "tier": 1, "population": 100.0},
        {"code": "C2", "name": "二县", "parent": "P", "tier": 2, "population": 100.0},
        {"code": "C3", "name": "三县", "parent": "P", "tier": 2, "population": 100.0},
    ]
    capacity = {"P": 1000.0, "C1": 10000.0, "C2": 1000.0, "C3": 10000.0}
    return case(
        regions=regions,
        items=[ITEM],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "topup": 1.0,
                    "central_share": 0.5}],
        beneficiaries=[{"region": r, "item": "X", "year": 2021, "units": 100.0}
                       for r in ("C1", "C2", "C3")],
        capacity=[{"region": r, "year": 2021, "fiscal_capacity": c} for r, c in capacity.items()],
        sharing=_sharing((1, 2), prefecture_share=0.5),
    )


def two_years_two_items():
    """Two items (X soft, H hard), two years; used where the structure matters more than values.

    Year 2022 standards are 10 % higher.  B is poor as in :func:`three_regions`.
    """
    regions = [
        {"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 100.0},
        {"code": "B", "name": "乙市", "parent": "", "tier": 2, "population": 120.0,
         "poverty_exited": 1},
        {"code": "B2", "name": "丙市", "parent": "", "tier": 2, "population": 80.0},
    ]
    capacity = {"A": 12000.0, "B": 1500.0, "B2": 9000.0}
    items = [ITEM, {**ITEM, "code": "H", "name": "硬项", "binding": "hard", "weight": 2.0}]
    standards = [
        {"item": i, "year": y, "unit_cost": q * (1.1 if y == 2022 else 1.0), "topup": lam,
         "central_share": 0.5}
        for i, q, lam in (("X", 100.0, 1.0), ("H", 60.0, 1.2)) for y in (2021, 2022)
    ]
    return case(
        regions=regions,
        items=items,
        standards=standards,
        beneficiaries=[{"region": r, "item": i, "year": y, "units": n}
                       for r, n in (("A", 90.0), ("B", 110.0), ("B2", 70.0))
                       for i in ("X", "H") for y in (2021, 2022)],
        capacity=[{"region": r, "year": y, "fiscal_capacity": c * (1.05 if y == 2022 else 1)}
                  for r, c in capacity.items() for y in (2021, 2022)],
        sharing=[{"tier": t, "item": i, "province_min": 0.1 * t - 0.1, "province_max": 0.6,
                  "province_share": 0.3, "prefecture_share": 0.0}
                 for t in (1, 2) for i in ("X", "H")],
        years=(2021, 2022),
    )


def solve(ds, model="default", **overrides):
    """Solve with a packaged configuration and hold the result to the independent check."""
    from fiscalshare.analysis.verify import check_solution
    from fiscalshare.config import load_config
    from fiscalshare.solve import solve_case

    results = solve_case(ds, load_config(model, overrides))
    assert check_solution(ds, results) == []
    return results


def z(results):
    """``(z1, z2)``: the weighted shortfall and the provincial money, in yuan."""
    return results.attrs["objective_shortfall"], results.attrs["objective_cost"]
