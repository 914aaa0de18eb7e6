"""The built model: which variables and rows exist, the two backends, the generated docs."""

from __future__ import annotations

import numpy as np
import pytest
from tests.factories import two_region_case
from tests.hand_cases import prefecture_with_counties, three_regions, two_years_two_items

from fiscalshare.config import load_config
from fiscalshare.model import MONEY_UNIT, build
from fiscalshare.model.constraints import FAMILIES
from fiscalshare.model.formulation import family_title, formulation_markdown

MODELS = ("default", "fixed-ratios", "no-equalisation", "ratio-menu")


def built(ds, model="default", **overrides):
    return build(ds, load_config(model, overrides), keep_pyomo=True)


def test_the_two_region_model_row_by_row():
    """Two regions, D = 5 000 yuan = 0.5 model units each, capacities 1 and 0.1 (万元).

    Columns σ1, σ2, u_A, u_B, e_A, e_B.  Rows: constraint 1 for u_A and u_B
    (u + 0.5σ ≤ 0.5), affordability (−0.5σ − u − e ≤ Cap − D: 0.5 for A, −0.4 for B), and the
    priority σ2 − σ1 ≥ 0.  Stage 1 prices u by the weights: m = 11 000 / 200 = 55, c_A = 100,
    c_B = 10, so ω_A = 0.55 and ω_B = 5.5; stage 2 prices σ by its tier's remainder, e by 1."""
    form = built(two_region_case())
    assert form.shape == (5, 6)
    np.testing.assert_array_equal(form.matrix.toarray(), [
        [0.5, 0.0, 1.0, 0.0, 0.0, 0.0],
        [0.0, 0.5, 0.0, 1.0, 0.0, 0.0],
        [-0.5, 0.0, -1.0, 0.0, -1.0, 0.0],
        [0.0, -0.5, 0.0, -1.0, 0.0, -1.0],
        [-1.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    ])
    np.testing.assert_allclose(form.row_upper, [0.5, 0.5, 0.5, -0.4, np.inf])
    np.testing.assert_allclose(form.row_lower, [-np.inf] * 4 + [0.0])
    np.testing.assert_allclose(form.col_upper, [1.0, 1.0, 0.5, 0.5, np.inf, np.inf])
    np.testing.assert_allclose(form.costs["provincial_money"], [0.5, 0.5, 0, 0, 1, 1])
    np.testing.assert_allclose(form.costs["shortfall"], [0, 0, 0.55, 5.5, 0, 0])
    assert [rows.name for rows in form.blocks if rows.size] == [
        "local_part", "affordability", "priority"]


def test_variables_only_where_they_can_be_non_zero():
    ds = two_years_two_items()  # X soft, H hard; 3 regions, 2 tiers, 2 years
    optimise = built(ds).columns
    assert optimise.size("sigma") == 4  # every (tier, item) with a sharing row
    assert optimise.size("shortfall") == 3 * 2  # soft X only: 3 regions × 2 years
    assert optimise.size("equalisation") == 3 * 2
    fixed = built(ds, "fixed-ratios").columns
    assert fixed.size("sigma") == 0  # σ is data
    assert built(ds, "no-equalisation").columns.size("equalisation") == 0
    no_rest = ds.copy(deep=True)
    no_rest["beneficiaries"].loc[{"region": "A", "item": "X"}] = 0.0
    assert built(no_rest).columns.size("shortfall") == 2 * 2  # no remainder, no shortfall


def test_fixed_mode_turns_constraint_one_into_bounds():
    """σ = s0 = (0.2, 0.5): u ≤ (1 − s0)·D = 0.4 and 0.25 (万元); no local_part rows."""
    form = built(three_regions(), "fixed-ratios")
    assert form.family("local_part").size == 0
    u = form.columns.span("shortfall")
    np.testing.assert_allclose(form.col_upper[u], [0.4, 0.25, 0.25])
    # affordability right-hand side: Cap − (1 − s0)·D = 1 − 0.4, 0.1 − 0.25, 1 − 0.25
    np.testing.assert_allclose(form.family("affordability").upper, [0.6, -0.15, 0.75])


def test_menu_mode_adds_one_binary_per_allowed_share():
    """Menu {0.2, 0.5, 0.8, 1} inside [0, 1] for both tiers: 8 binaries, 2 + 2 link rows."""
    form = built(three_regions(menu=(0.2, 0.5, 0.8, 1.0)), "ratio-menu")
    assert form.columns.size("choice") == 8
    assert form.integer_columns.tolist() == form.columns.positions("choice").tolist()
    assert form.family("menu_share").size == 2 and form.family("menu_choice").size == 2
    np.testing.assert_array_equal(form.family("menu_choice").upper, [1.0, 1.0])


def test_counties_charge_their_prefecture_row():
    """π = 0.5: each county's u enters its own row with −0.5 and P's row with −0.5."""
    form = built(prefecture_with_counties())
    rows = form.family("affordability")
    dense = rows.matrix.toarray()
    u = form.columns.positions("shortfall")  # C1, C2, C3
    assert dense[:, u].tolist() == [[-0.5, -0.5, -0.5], [-0.5, 0, 0], [0, -0.5, 0],
                                    [0, 0, -0.5]]


def test_money_is_scaled_inside_the_model():
    form = built(three_regions(budget=6000.0))
    assert form.family("budget").upper.tolist() == [6000.0 / MONEY_UNIT]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("case", [three_regions, prefecture_with_counties, two_years_two_items])
def test_the_pyomo_and_matrix_backends_build_the_same_matrix(model, case):
    overrides = {}
    ds = case()
    if model == "ratio-menu":
        ds = ds.assign(ratio_menu=("menu", np.array([0.0, 0.2, 0.5, 0.8, 1.0])))
    pyomo = build(ds, load_config(model, {**overrides, "backend": "pyomo"}))
    matrix = build(ds, load_config(model, {**overrides, "backend": "matrix"}))
    for name in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(pyomo.matrix, name), getattr(matrix.matrix, name))
    for name in ("row_lower", "row_upper", "col_lower", "col_upper"):
        np.testing.assert_array_equal(getattr(pyomo, name), getattr(matrix, name))
    assert "pyomo_seconds" in pyomo.seconds and "stack_seconds" in matrix.seconds


def test_the_pyomo_model_names_its_components_after_the_families():
    model = built(three_regions(), "default").pyomo_model
    names = {c.local_name for c in model.component_objects()}
    assert {"sigma", "shortfall", "equalisation", "local_part", "affordability", "priority",
            "shortfall_objective", "provincial_money_objective"} <= names


@pytest.mark.parametrize("family", FAMILIES, ids=family_title)
def test_every_constraint_family_states_its_mathematics(family):
    assert family.__doc__ and ".. math::" in family.__doc__
    assert f"### `{family_title(family)}`" in formulation_markdown()

