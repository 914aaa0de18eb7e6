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
    result = compared(name)
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


_COMPARED: dict = {}


def compared(name: str):
    """``compare`` of a packaged example under the default model, solved once per module."""
    if name not in _COMPARED:
        _COMPARED[name] = compare_case(load_case(example_path(name)), load_config("default"))
    return _COMPARED[name]


@pytest.mark.parametrize("name", ["gansu", "guizhou"])
def test_a_figure_is_the_same_to_the_fen_on_every_sheet_and_in_the_words(name):
    """Each money figure that compare.xlsx shows on several sheets (the shortfall by item, by
    tier, of all regions, in the overview; the provincial money by year, by unit, by tier, in
    the overview) is the same to the fen on each, and the printed lines quote it so.  Each
    sheet rounding its own rows from the exact yuan gave 17,435.05, .06 and .04 on Gansu."""
    from fiscalshare.report.compare import (
        SHEETS,
        compare_lines,
        displayed_story,
        displayed_tables,
        shown_table,
    )
    from fiscalshare.report.labels import label
    from fiscalshare.report.story import headline

    result = compared(name)
    shown = {n: shown_table(result, n, "zh").frame for n in SHEETS if n != "equity"}
    overview = displayed_tables(result)["overview"].set_index("figure")

    def fen(wan) -> int:
        return round(float(wan) * 100)

    def total(sheet: str, column: str) -> int:
        return sum(fen(v) for v in shown[sheet][column])

    hard = shown["shortfall_by_item"]["binding"] == label("binding_hard", "zh")
    for allocation in ("baseline", "optimised"):
        short = fen(overview.loc["shortfall", allocation] / 1e4)
        assert total("shortfall_by_item", allocation) == short
        assert total("shortfall_by_tier", allocation) == short
        assert fen(shown["shortfall_by_flag"][allocation].iloc[-1]) == short  # all regions
        assert sum(fen(v) for v in shown["shortfall_by_item"][allocation][hard]) == \
            fen(overview.loc["hard_shortfall", allocation] / 1e4)
        for part in ("co_financing", "equalisation", "total"):
            figure = "provincial_money" if part == "total" else part
            money = fen(overview.loc[figure, allocation] / 1e4)
            for sheet in ("provincial_money", "transfers", "transfer_by_tier"):
                assert total(sheet, f"{allocation}_{part}") == money, (sheet, part)
    # the standard cost as the optimum's own workbooks add it up (and on every sheet)
    from fiscalshare.report.amounts import fen_of

    cost = int(fen_of(result.optimised).cost.sum())
    for sheet in ("shortfall_by_item", "shortfall_by_tier"):
        assert total(sheet, "standard_cost") == cost, sheet
    assert fen(shown["shortfall_by_flag"]["standard_cost"].iloc[-1]) == cost
    assert fen(overview.loc["cost_at_eta_zero", "optimised"] / 1e4) + \
        fen(overview.loc["price_of_equity", "optimised"] / 1e4) == \
        fen(overview.loc["provincial_money", "optimised"] / 1e4)
    words = "\n".join(headline(displayed_story(result), "zh") + compare_lines(result, "zh"))
    for figure in ("provincial_money", "shortfall"):
        for allocation in ("baseline", "optimised"):
            amount = overview.loc[figure, allocation] / 1e4
            if amount > 0:
                assert f"{amount:,.2f}" in words, (figure, allocation)


@pytest.mark.parametrize("name, opening", [
    ("gansu", "It prints:\n\n```\n"), ("guizhou", "and `compare` says so:\n\n```\n")])
def test_the_readme_shows_what_compare_prints(name, opening):
    """The README's worked example quotes `fiscalshare compare` (Chinese, the default) line by
    line: every line it shows is what the command prints on that example today."""
    from pathlib import Path

    from fiscalshare.report.compare import compare_lines, displayed_story
    from fiscalshare.report.story import headline

    result = compared(name)
    printed = headline(displayed_story(result), "zh") + compare_lines(result, "zh")
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    shown = readme.split(opening, 1)[1].split("```", 1)[0].splitlines()
    shown = [line for line in shown if not line.startswith("已写入")]
    assert shown == printed[:len(shown)] and len(shown) >= 2


@pytest.mark.parametrize("name", ["gansu", "guizhou", "guizhou-lowbudget"])
def test_the_money_shown_is_within_a_fen_of_the_exact_and_its_totals_are_the_exact_rounded(name):
    """The displayed money (report.amounts.fen_of) of both allocations: every cell's cost and
    parts within a fen of the exact figures and the parts adding up to the cost; every
    part's and the transfers' totals within a fen of the exact ones each year and, over the
    period, the exact totals rounded; each unit's equalisation within a fen and none where
    there is none.  (Rounded cell by cell, Gansu's optimum showed 1,363,449.16 万元 of
    provincial money for a budget of 1,363,449.00 spent in full.)"""
    from tests.displayed import assert_money_shown_is_faithful

    result = compared(name)
    for allocation in (result.baseline, result.optimised):
        assert_money_shown_is_faithful(allocation)
