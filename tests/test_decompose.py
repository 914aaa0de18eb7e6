"""The decomposed solve (Benders over σ, boxed stage 1, stage 2 on the optimal face) gives the
plain two-stage solve's z1 and z2 and a solution the independent check accepts."""

from __future__ import annotations

import numpy as np
import pytest

from fiscalshare.analysis.verify import check_solution
from fiscalshare.config import load_config
from fiscalshare.examples.synthetic import generate, hard_regime
from fiscalshare.io.dataset import build_inputs
from fiscalshare.model import build
from fiscalshare.quantities import by_region_tier, remainder
from fiscalshare.solve import decompose, solve_case
from fiscalshare.solve.highs import Solver, solver_options
from fiscalshare.solve.stages import _Clock, route, zero_shortfall_evident
from hand_cases import two_years_two_items


def _hard(regions, items, years, seed):
    tables = generate(regions, items, years, seed)
    inputs = build_inputs(tables)
    unlimited = solve_case(inputs, load_config("default"))
    floor = by_region_tier(inputs, inputs["province_min"])
    obligation = (floor * remainder(inputs)).sum(("region", "item")).values
    return build_inputs(hard_regime(tables, unlimited["equalisation"].sum("unit").values,
                                    unlimited["transfer"].sum("unit").values, obligation))


def _budgeted(regions, items, years, seed, factor):
    return build_inputs(generate(regions, items, years, seed, budget_factor=factor))


def _hand_tight():
    inputs = two_years_two_items()
    inputs["provincial_budget"][:] = [9000.0, 9500.0]
    inputs["equalisation_pool"][:] = [800.0, 900.0]
    return inputs


CASES = {
    "hand, two years": two_years_two_items,
    "hand, tight budget and pool": _hand_tight,
    "synthetic, no limits": lambda: build_inputs(generate(40, 8, 3, 2)),
    "synthetic, budget 0.5": lambda: _budgeted(60, 10, 3, 3, 0.5),
    "synthetic, budget 0.2": lambda: _budgeted(50, 12, 4, 5, 0.2),
    "synthetic, hard regime": lambda: _hard(80, 16, 3, 1),
    "synthetic, hard regime, other seed": lambda: _hard(60, 20, 5, 4),
}


def _relative(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1.0)


@pytest.mark.parametrize("name", list(CASES))
def test_the_decomposed_and_face_solves_give_the_plain_optimum(name):
    inputs = CASES[name]()
    plain = solve_case(inputs, load_config("default", {"method": "plain"}))
    assert plain.attrs["decomposed"] == 0 and plain.attrs["stage2_on_face"] == 0
    for method in ("face", "decomposed"):
        other = solve_case(inputs, load_config("default", {"method": method}))
        assert other.attrs["decomposed"] == (method == "decomposed")
        assert other.attrs["stage2_on_face"] == (plain.attrs["objective_shortfall"] > 0)
        assert _relative(plain.attrs["objective_shortfall"],
                         other.attrs["objective_shortfall"]) < 1e-6, method
        assert _relative(plain.attrs["objective_cost"], other.attrs["objective_cost"]) < 1e-6, \
            method
        assert check_solution(inputs, other) == [], method


def test_the_hard_regime_has_shortfalls_and_binding_limits():
    inputs = _hard(80, 16, 3, 1)
    results = solve_case(inputs, load_config("default", {"method": "decomposed"}))
    assert results.attrs["objective_shortfall"] > 0
    spent = results["transfer"].sum("unit").values
    assert np.all(spent <= inputs["provincial_budget"].values * (1 + 1e-9))
    assert np.any(spent >= inputs["provincial_budget"].values * (1 - 1e-6))


def test_a_box_far_from_the_optimum_is_widened_until_no_bound_binds():
    inputs = _hard(80, 16, 3, 1)
    config = load_config("default")
    form = build(inputs, config)
    options = solver_options(config)
    plain = Solver(options)
    plain.load(form, form.costs["shortfall"])
    z1 = plain.run().objective
    solver = Solver(options)
    solver.load(form, form.costs["shortfall"])
    sigma = form.columns.positions("sigma")
    far = form.col_upper[sigma]  # every share at its top: the budget cannot pay that
    outcome, boxes = decompose.boxed_stage_one(solver, form, far, _Clock(None))
    assert boxes > 1
    assert _relative(outcome.objective, z1) < 1e-9


def test_benders_bounds_enclose_stage_one():
    inputs = _budgeted(60, 10, 3, 3, 0.5)
    config = load_config("default")
    form = build(inputs, config)
    options = solver_options(config)
    plain = Solver(options)
    plain.load(form, form.costs["shortfall"])
    z1 = plain.run().objective
    centre = decompose.benders(form, options)
    assert centre.lower_bound <= z1 * (1 + 1e-9) + 1e-9
    if centre.x is not None:  # a point without slack is feasible: its value bounds z1 above
        assert z1 <= centre.upper_bound * (1 + 1e-9) + 1e-9


def test_auto_takes_the_plain_route_for_small_models_and_menu_mode():
    inputs = _budgeted(20, 5, 2, 1, 0.5)
    assert route(build(inputs, load_config("default")), "auto") == "plain"
    menu = build(inputs, load_config("ratio-menu"))
    assert route(menu, "decomposed") == "plain"  # integers: no decomposition
    assert route(menu, "face") == "plain"  # a MIP has no duals to find a face with


def test_stage_one_is_skipped_only_where_untied_money_closes_every_gap():
    unlimited = build_inputs(generate(40, 8, 3, 2))
    form = build(unlimited, load_config("default"))
    assert zero_shortfall_evident(form)
    results = solve_case(unlimited, load_config("default"))
    assert results.attrs["stage1_skipped"] == 1 and results.attrs["objective_shortfall"] == 0.0
    # the same optimum as solving stage 1 first: z1 = 0, then the least money without shortfall
    options = solver_options(load_config("default"))
    solver = Solver(options)
    solver.load(form, form.costs["shortfall"])
    assert solver.run().objective <= 1e-9
    u = form.columns.positions("shortfall")
    solver.set_costs(form.costs["provincial_money"])
    solver.set_column_bounds(u, np.zeros(u.size), np.zeros(u.size))
    solver.forget_solution()
    z2 = solver.run().objective * 1e4
    assert _relative(results.attrs["objective_cost"], z2) < 1e-9
    assert check_solution(unlimited, results) == []
    budgeted = build(_budgeted(40, 8, 3, 2, 0.5), load_config("default"))
    assert not zero_shortfall_evident(budgeted)
    no_equalisation = build(unlimited, load_config("no-equalisation"))
    assert not zero_shortfall_evident(no_equalisation)
