"""Cases that no allocation can meet: the diagnosis, and that its figures really help.

Uses ``three_regions`` of ``tests/hand_cases.py`` (see ``test_solve_hand.py``): B's local part
is 5 000 at σ = 0 against a capacity of 1 000; one point of σ2 costs 10 000 and covers 5 000.
"""

from __future__ import annotations

import json

import pytest
from tests.hand_cases import three_regions
from tests.test_solve_hand import two_years

from fiscalshare.analysis.verify import check_solution
from fiscalshare.config import load_config
from fiscalshare.errors import InfeasibleError
from fiscalshare.solve import solve_case


def diagnosis_of(ds, model="default", **overrides) -> dict:
    with pytest.raises(InfeasibleError) as caught:
        solve_case(ds, load_config(model, overrides))
    assert caught.value.exit_code == 3
    diagnosis = caught.value.diagnosis
    json.dumps(diagnosis)  # written to the run folder as JSON
    assert diagnosis["summary"] in str(caught.value)
    return diagnosis


def solves(ds, model="default", **overrides):
    results = solve_case(ds, load_config(model, overrides))
    assert check_solution(ds, results) == []
    return results


def test_the_least_extra_budget_given_back_solves():
    """Hard X, budget 1 000: B's gap of 4 000 costs at least 4 000 (all e), so 3 000 more is
    needed; given back as 4 001 (rounded up, one yuan to spare) it solves with z2 = 4 000."""
    diagnosis = diagnosis_of(three_regions(binding="hard", budget=1000.0))
    assert diagnosis["money_helps"] is True
    assert diagnosis["least_extra_money"] == pytest.approx(3000.0, abs=1e-3)
    (split,) = diagnosis["split"]
    assert split["extra_budget"] == pytest.approx(3000.0, abs=1e-3)
    assert split["extra_pool"] == 0.0 and split["pool"] is None
    assert split["budget"] == 4001.0
    assert diagnosis["least_budget_each_year_alone"] == [
        {"year": 2021, "least_budget": 4001.0, "least_pool": None}]
    results = solves(three_regions(binding="hard", budget=split["budget"]))
    assert results.attrs["objective_cost"] == pytest.approx(4000.0, abs=1e-6)


def test_pool_money_counts_as_budget_money_too():
    """Hard X, budget 5 000, pool 1 000.  With pool p more, e_B = 1 000 + p and σ2 closes the
    rest at 2 yuan per yuan: spending 7 000 − p ≤ 5 000 + b + p, so b + p = 2 000 − p for
    p ≤ 1 000: least extra money 1 000, all of it pool (which raises the budget as well).
    Given back: budget 6 001, pool 2 001, and the case solves."""
    diagnosis = diagnosis_of(three_regions(binding="hard", budget=5000.0, pool=1000.0))
    assert diagnosis["least_extra_money"] == pytest.approx(1000.0, abs=1e-3)
    (split,) = diagnosis["split"]
    assert split["extra_pool"] == pytest.approx(1000.0, abs=1e-3)
    assert split["extra_budget"] == pytest.approx(1000.0, abs=1e-3)
    assert (split["budget"], split["pool"]) == (6001.0, 2001.0)
    results = solves(three_regions(binding="hard", budget=split["budget"], pool=split["pool"]))
    assert results.attrs["objective_cost"] <= split["budget"]


def test_each_year_alone_and_together():
    """Two years, hard X, no e, a budget only in 2022 (6 000): B needs σ2 ≥ 0.8, one share for
    both years, which costs 8 000 in 2022: 2 000 more, all in 2022.  Given back, it solves
    with z2 = 2·8 000."""
    ds = two_years(6000.0)
    ds["binding"][:] = "hard"
    diagnosis = diagnosis_of(ds, equalisation="off")
    assert diagnosis["money_helps"] is True
    assert diagnosis["least_extra_money"] == pytest.approx(2000.0, abs=1e-3)
    assert [row["budget"] for row in diagnosis["split"]] == [None, 8001.0]
    assert diagnosis["least_budget_each_year_alone"] == [
        {"year": 2022, "least_budget": 8001.0, "least_pool": None}]
    given = two_years(8001.0)
    given["binding"][:] = "hard"
    assert solves(given, equalisation="off").attrs["objective_cost"] == pytest.approx(16000.0)


def test_when_no_money_helps_the_units_years_and_items_are_named():
    """No e and σ2 ≤ 0.5: B's hard local part is at least 2 500 > 1 000 whatever the budget."""
    diagnosis = diagnosis_of(three_regions(binding="hard", smax=0.5), equalisation="off")
    assert diagnosis["money_helps"] is False
    assert diagnosis["units_short"] == [{"unit": "B", "name": "乙市", "year": 2021,
                                         "hard_local_part": 2500.0, "capacity": 1000.0,
                                         "items": ["X"]}]
    assert diagnosis["units_short_count"] == 1
    help_ = " ".join(diagnosis["what_would_help"])
    assert "equalisation" in help_ and "province_max" in help_ and "tiers 2" in help_
    assert "B" in diagnosis["summary"]


def test_a_fixed_table_without_equalisation_fails_by_its_data_alone():
    """Fixed σ2 = 0.5, no e, hard X: B's row has no variable left and 2 500 > 1 000."""
    diagnosis = diagnosis_of(three_regions(binding="hard"), "fixed-ratios", equalisation="off")
    assert diagnosis["money_helps"] is False
    assert [u["unit"] for u in diagnosis["units_short"]] == ["B"]
    assert any("province_share" in advice for advice in diagnosis["what_would_help"])


def test_a_fixed_table_above_the_budget_needs_that_much_more():
    """Fixed σ = (0.2, 0.5): the co-financing is 6 000 whatever happens; budget 5 000, so
    1 000 more (the budget row has no variable without equalisation)."""
    diagnosis = diagnosis_of(three_regions(budget=5000.0), "fixed-ratios", equalisation="off")
    assert diagnosis["least_extra_money"] == pytest.approx(1000.0, abs=1e-3)
    budget = diagnosis["split"][0]["budget"]
    assert budget == 6001.0
    solves(three_regions(budget=budget), "fixed-ratios", equalisation="off")


def test_who_would_fall_short_if_the_hard_items_were_soft():
    """Budget 1 000 buys e_B = 1 000 (σ2 would cover half as much), so B would be 3 000 short."""
    diagnosis = diagnosis_of(three_regions(binding="hard", budget=1000.0))
    short = diagnosis["short_if_hard_were_soft"]
    assert short["count"] == 1 and short["total"] == pytest.approx(3000.0, abs=1e-2)
    assert short["rows"] == [{"region": "B", "name": "乙市", "item": "X", "year": 2021,
                              "shortfall": pytest.approx(3000.0, abs=1e-2)}]


def test_menu_mode_diagnoses_too():
    """Menu {0.2, 0.5, 0.8, 1}, hard X, no e, budget 5 000: σ1 ≥ 0.2 and σ2 ≥ 0.8 cost 9 000,
    so 4 000 more; given back, it solves."""
    menu = (0.2, 0.5, 0.8, 1.0)
    diagnosis = diagnosis_of(three_regions(binding="hard", budget=5000.0, menu=menu),
                             "ratio-menu", equalisation="off")
    assert diagnosis["least_extra_money"] == pytest.approx(4000.0, abs=1e-3)
    budget = diagnosis["split"][0]["budget"]
    solves(three_regions(binding="hard", budget=budget, menu=menu), "ratio-menu",
           equalisation="off")
