"""Golden rows: every constraint family's rows for one small case, written out by hand.

The case: prefecture P (tier 2, capacity 3 000) with counties C1 (tier 1, capacity 10 000) and
C2 (tier 2, capacity 2 000); items X (soft) and H (hard); one year, 2021.  Every county has
N = 100 of each item; q_X = 100, q_H = 50, θ = 0.5, λ = κ = 1, so the remainder is
D_X = 5 000 yuan = 0.5 万元 and D_H = 2 500 yuan = 0.25 万元 (the model counts money in 万元).
Sharing rows for both tiers and items: smin 0.2 (tier 1) / 0.3 (tier 2), smax 0.8, s0 0.5,
π = 0.4 (the prefecture's part of a county's local part).  Budget 20 000, pool 5 000; menu
0.25 / 0.5 / 0.75.

Each row is compared by variable name, bounds and coefficient, so a change to one family shows
up as a readable difference in that family's test.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.factories import case

from fiscalshare.config import load_config
from fiscalshare.model import build

INF = float("inf")


def golden_case():
    regions = [
        {"code": "P", "name": "地区", "parent": "", "tier": 2, "population": 200.0},
        {"code": "C1", "name": "县一", "parent": "P", "tier": 1, "population": 100.0},
        {"code": "C2", "name": "县二", "parent": "P", "tier": 2, "population": 100.0},
    ]
    items = [
        {"code": "X", "name": "软项", "domain": "病有所医", "unit": "元/人/年", "rule": "ratio",
         "binding": "soft", "weight": 1.0},
        {"code": "H", "name": "硬项", "domain": "学有所教", "unit": "元/人/年", "rule": "ratio",
         "binding": "hard", "weight": 2.0},
    ]
    return case(
        regions=regions,
        items=items,
        standards=[{"item": i, "year": 2021, "unit_cost": q, "topup": 1.0, "central_share": 0.5}
                   for i, q in (("X", 100.0), ("H", 50.0))],
        beneficiaries=[{"region": r, "item": i, "year": 2021, "units": 100.0}
                       for r in ("C1", "C2") for i in ("X", "H")],
        capacity=[{"region": r, "year": 2021, "fiscal_capacity": c}
                  for r, c in (("P", 3000.0), ("C1", 10000.0), ("C2", 2000.0))],
        sharing=[{"tier": t, "item": i, "province_min": smin, "province_max": 0.8,
                  "province_share": 0.5, "prefecture_share": 0.4}
                 for t, smin in ((1, 0.2), (2, 0.3)) for i in ("X", "H")],
        budget=[{"year": 2021, "provincial_budget": 20000.0, "equalisation_pool": 5000.0}],
        ratio_menu=(0.25, 0.5, 0.75),
    )


def _column_names(form, inputs) -> list[str]:
    """``sigma[1,X]``, ``shortfall[C1,X,2021]``, ``equalisation[P,2021]``, ``choice[1,X,0.25]``."""
    cols = form.columns
    tiers = [int(t) for t in inputs["tier"].values]
    items = [str(i) for i in inputs["item"].values]
    regions = [str(r) for r in inputs["region"].values]
    units = [str(u) for u in inputs["unit"].values]
    years = [int(y) for y in inputs["year"].values]
    names = [""] * cols.count
    for k, flat in zip(cols.positions("sigma"), cols.sigma_pairs, strict=True):
        t, i = divmod(int(flat), len(items))
        names[k] = f"sigma[{tiers[t]},{items[i]}]"
    for k, flat in zip(cols.positions("shortfall"), cols.shortfall_keys, strict=True):
        r, i, y = np.unravel_index(int(flat), (len(regions), len(items), len(years)))
        names[k] = f"shortfall[{regions[r]},{items[i]},{years[y]}]"
    for k, flat in zip(cols.positions("equalisation"), cols.equalisation_keys, strict=True):
        a, y = divmod(int(flat), len(years))
        names[k] = f"equalisation[{units[a]},{years[y]}]"
    for k, flat, share in zip(cols.positions("choice"), cols.choice_pairs, cols.choice_share,
                              strict=True):
        t, i = divmod(int(flat), len(items))
        names[k] = f"choice[{tiers[t]},{items[i]},{share:g}]"
    return names


def _labels(inputs, dim: str) -> list[str]:
    return [str(int(v)) if dim in ("tier", "year") else str(v) for v in inputs[dim].values]


def family_rows(mode: str, family: str) -> dict[str, tuple[float, dict[str, float], float]]:
    """``{row key: (lower, {column: coefficient}, upper)}`` of one family as built."""
    inputs = golden_case()
    form = build(inputs, load_config(overrides={"ratio_mode": mode}))
    names = _column_names(form, inputs)
    rows = {}
    block = form.family(family)
    positions = block.key_positions()
    for k in range(block.size):
        key = ",".join(_labels(inputs, dim)[positions[d][k]]
                       for d, dim in enumerate(block.key_dims))
        row = block.matrix.getrow(k)
        coefficients = {names[j]: float(v) for j, v in zip(row.indices, row.data, strict=True)}
        rows[key] = (float(block.lower[k]), coefficients, float(block.upper[k]))
    return rows


def assert_rows(actual, expected):
    assert sorted(actual) == sorted(expected), "the family's rows are keyed differently"
    for key, (lower, coefficients, upper) in expected.items():
        got_lower, got_coefficients, got_upper = actual[key]
        assert got_coefficients == pytest.approx(coefficients), key
        assert (got_lower, got_upper) == pytest.approx((lower, upper)), key


def families(mode: str) -> set[str]:
    form = build(golden_case(), load_config(overrides={"ratio_mode": mode}))
    return {block.name for block in form.blocks if block.size}


S1X, S1H, S2X, S2H = "sigma[1,X]", "sigma[1,H]", "sigma[2,X]", "sigma[2,H]"
U1, U2 = "shortfall[C1,X,2021]", "shortfall[C2,X,2021]"
EP, E1, E2 = "equalisation[P,2021]", "equalisation[C1,2021]", "equalisation[C2,2021]"
E_ALL = {EP: 1.0, E1: 1.0, E2: 1.0}


@pytest.mark.parametrize(("mode", "expected"), [
    ("optimise", {"local_part", "affordability", "budget", "pool", "priority"}),
    ("menu", {"local_part", "affordability", "budget", "pool", "priority", "menu_share",
              "menu_choice"}),
    ("fixed", {"affordability", "budget", "pool"}),
])
def test_the_families_that_have_rows(mode, expected):
    assert families(mode) == expected


@pytest.mark.parametrize("mode", ["optimise", "menu"])
def test_local_part(mode):
    """u + D·σ ≤ D for each shortfall column (only X is soft): D_X = 0.5."""
    assert_rows(family_rows(mode, "local_part"), {
        "C1,X,2021": (-INF, {U1: 1.0, S1X: 0.5}, 0.5),
        "C2,X,2021": (-INF, {U2: 1.0, S2X: 0.5}, 0.5),
    })


@pytest.mark.parametrize("mode", ["optimise", "menu"])
def test_affordability(mode):
    """−Σ α·D·σ − Σ α·u − e ≤ Cap − Σ α·D, with α = 1 − π = 0.6 for a county's own unit and
    π = 0.4 for P.  C1: 0.6·(0.5 + 0.25) = 0.45 of remainder, Cap 1.0 → 0.55; C2: Cap 0.2 → −0.25;
    P: 0.4 of both counties' 0.75 = 0.6, Cap 0.3 → −0.3."""
    assert_rows(family_rows(mode, "affordability"), {
        "P,2021": (-INF, {S1X: -0.2, S1H: -0.1, S2X: -0.2, S2H: -0.1, U1: -0.4, U2: -0.4,
                          EP: -1.0}, -0.3),
        "C1,2021": (-INF, {S1X: -0.3, S1H: -0.15, U1: -0.6, E1: -1.0}, 0.55),
        "C2,2021": (-INF, {S2X: -0.3, S2H: -0.15, U2: -0.6, E2: -1.0}, -0.25),
    })


def test_affordability_with_fixed_shares():
    """σ = s0 = 0.5 is data: the local part before shortfall is 0.5·0.75 = 0.375 per county.
    C1: 1.0 − 0.6·0.375 = 0.775; C2: 0.2 − 0.225 = −0.025; P: 0.3 − 0.4·0.75 = 0."""
    assert_rows(family_rows("fixed", "affordability"), {
        "P,2021": (-INF, {U1: -0.4, U2: -0.4, EP: -1.0}, 0.0),
        "C1,2021": (-INF, {U1: -0.6, E1: -1.0}, 0.775),
        "C2,2021": (-INF, {U2: -0.6, E2: -1.0}, -0.025),
    })


@pytest.mark.parametrize("mode", ["optimise", "menu"])
def test_budget(mode):
    """Σ_t,i (Σ_r D)·σ + Σ e ≤ B = 2.0: each tier has one county, so σ_X weighs 0.5, σ_H 0.25."""
    assert_rows(family_rows(mode, "budget"), {
        "2021": (-INF, {S1X: 0.5, S1H: 0.25, S2X: 0.5, S2H: 0.25, **E_ALL}, 2.0),
    })


def test_budget_with_fixed_shares():
    """The co-financing 0.5·(0.5 + 0.25)·2 = 0.75 moves to the right: Σ e ≤ 2.0 − 0.75."""
    assert_rows(family_rows("fixed", "budget"), {"2021": (-INF, E_ALL, 1.25)})


@pytest.mark.parametrize("mode", ["optimise", "menu", "fixed"])
def test_pool(mode):
    """Σ e ≤ E = 0.5."""
    assert_rows(family_rows(mode, "pool"), {"2021": (-INF, E_ALL, 0.5)})


@pytest.mark.parametrize("mode", ["optimise", "menu"])
def test_priority(mode):
    """σ[2,i] − σ[1,i] ≥ 0, keyed by the richer tier."""
    assert_rows(family_rows(mode, "priority"), {
        "1,X": (0.0, {S1X: -1.0, S2X: 1.0}, INF),
        "1,H": (0.0, {S1H: -1.0, S2H: 1.0}, INF),
    })


def test_menu_share():
    """σ = Σ m_k·z_k over the menu shares in [smin, smax]: all three for tier 1 ([0.2, 0.8]),
    0.5 and 0.75 for tier 2 ([0.3, 0.8])."""
    assert_rows(family_rows("menu", "menu_share"), {
        "1,X": (0.0, {S1X: 1.0, "choice[1,X,0.25]": -0.25, "choice[1,X,0.5]": -0.5,
                      "choice[1,X,0.75]": -0.75}, 0.0),
        "1,H": (0.0, {S1H: 1.0, "choice[1,H,0.25]": -0.25, "choice[1,H,0.5]": -0.5,
                      "choice[1,H,0.75]": -0.75}, 0.0),
        "2,X": (0.0, {S2X: 1.0, "choice[2,X,0.5]": -0.5, "choice[2,X,0.75]": -0.75}, 0.0),
        "2,H": (0.0, {S2H: 1.0, "choice[2,H,0.5]": -0.5, "choice[2,H,0.75]": -0.75}, 0.0),
    })


def test_menu_choice():
    """Σ_k z_k = 1 for every (tier, item) pair."""
    assert_rows(family_rows("menu", "menu_choice"), {
        "1,X": (1.0, {"choice[1,X,0.25]": 1.0, "choice[1,X,0.5]": 1.0,
                      "choice[1,X,0.75]": 1.0}, 1.0),
        "1,H": (1.0, {"choice[1,H,0.25]": 1.0, "choice[1,H,0.5]": 1.0,
                      "choice[1,H,0.75]": 1.0}, 1.0),
        "2,X": (1.0, {"choice[2,X,0.5]": 1.0, "choice[2,X,0.75]": 1.0}, 1.0),
        "2,H": (1.0, {"choice[2,H,0.5]": 1.0, "choice[2,H,0.75]": 1.0}, 1.0),
    })
