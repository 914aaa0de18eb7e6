"""``compare`` on the packaged Guizhou examples: the optimum never does worse than the status quo.

Where the baseline is itself a feasible allocation of the model (the fixed shares within their
bounds and never lower for poorer tiers, every hard item met, the budget not overrun), the
model's stage-1 optimum z1 is at most the baseline's weighted shortfall, and where they tie its
stage-2 cost z2 is at most the baseline's provincial money.
"""

import numpy as np
import pytest

from fiscalshare.analysis.compare import compare_case
from fiscalshare.analysis.verify import check_solution
from fiscalshare.config import load_config
from fiscalshare.examples import example_path
from fiscalshare.io import load_case


def baseline_is_feasible(baseline) -> bool:
    shares = baseline["provincial_share"]
    within = bool(((shares >= baseline["province_min"] - 1e-12)
                   & (shares <= baseline["province_max"] + 1e-12)).all())
    monotone = bool((shares.diff("tier") >= -1e-12).all())
    return (within and monotone and baseline.attrs["hard_items_met"] == "yes"
            and float(baseline["budget_excess"].sum()) == 0.0)


@pytest.mark.parametrize("name", ["guizhou", "guizhou-lowbudget"])
def test_the_optimum_is_no_worse_than_the_status_quo(name):
    inputs = load_case(example_path(name))
    result = compare_case(inputs, load_config("default"))
    baseline, optimised = result.baseline, result.optimised
    assert baseline_is_feasible(baseline)
    assert check_solution(inputs, baseline) == []  # the independent verifier agrees
    z1, z1_base = optimised.attrs["objective_shortfall"], baseline.attrs["objective_shortfall"]
    assert z1 <= z1_base * (1 + 1e-7) + 1e-3
    if z1_base <= z1 * (1 + 1e-6) + 1e-3:  # a tie in stage 1
        cost, cost_base = optimised.attrs["objective_cost"], baseline.attrs["objective_cost"]
        assert cost <= cost_base * (1 + 1e-7)
    # the status quo's own identities
    balance = baseline["funding"].sum("level") + baseline["shortfall"]
    np.testing.assert_allclose(balance.values, baseline["standard_cost"].values, rtol=1e-12)
    spent = baseline["transfer"].sum("unit")
    budget = baseline["provincial_budget"]
    assert bool(((spent <= budget * (1 + 1e-12)) | budget.isnull()).all())


def test_low_budget_example_spends_the_budget_and_shifts_shortfall_to_poorer_priority():
    """The budget binds in every year under both allocations, so both spend it exactly; the
    optimum then only chooses where the unavoidable shortfall falls, and its priority-weighted
    shortfall is strictly below the status quo's pro-rata cut."""
    inputs = load_case(example_path("guizhou-lowbudget"))
    result = compare_case(inputs, load_config("default"))
    budget = result.baseline["provincial_budget"].values
    for allocation in (result.baseline, result.optimised):
        np.testing.assert_allclose(allocation["transfer"].sum("unit").values, budget, rtol=1e-7)
    assert (result.optimised.attrs["objective_shortfall"]
            < 0.9 * result.baseline.attrs["objective_shortfall"])
    # z2 = Σ B whatever η is: the price of equity is 0 up to the solver's tolerance (1e-7 of z2)
    z2 = result.optimised.attrs["objective_cost"]
    assert abs(result.price_of_equity) <= 1e-7 * z2


@pytest.mark.parametrize("name, opening", [
    ("gansu", "It prints:\n\n```\n"), ("guizhou", "and `compare` says so:\n\n```\n")])
def test_the_readme_shows_what_compare_prints(name, opening):
    """The README's worked example quotes `fiscalshare compare` (Chinese, the default) line by
    line: every line it shows is what the command prints on that example today."""
    from pathlib import Path

    from fiscalshare.report.compare import compare_lines
    from fiscalshare.report.story import headline

    result = compare_case(load_case(example_path(name)), load_config("default"))
    printed = headline(result.story, "zh") + compare_lines(result, "zh")
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    shown = readme.split(opening, 1)[1].split("```", 1)[0].splitlines()
    shown = [line for line in shown if not line.startswith("已写入")]
    assert shown == printed[:len(shown)] and len(shown) >= 2
