"""The independent verifier accepts real solutions and catches each kind of tampering.

Each test solves a hand case (``tests/hand_cases.py``), alters one thing in the results or in
the inputs, and expects the statement that thing breaks among the findings.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.hand_cases import prefecture_with_counties, three_regions

from fiscalshare.analysis.verify import check_solution
from fiscalshare.config import load_config
from fiscalshare.solve import solve_case

MENU = (0.2, 0.5, 0.8, 1.0)


def solved(ds, model="default", **overrides):
    results = solve_case(ds, load_config(model, overrides))
    assert check_solution(ds, results) == []
    return results


def findings(inputs, results) -> str:
    found = check_solution(inputs, results)
    assert found, "the tampering went unnoticed"
    for line in found:  # as `fiscalshare verify` prints it: in Chinese, every word
        assert _in_chinese(line), line
    return "\n".join(found)


def _in_chinese(line: str) -> bool:
    """The line has a Chinese rendering (messages.py) that leaves no English word but the
    results' own names (variables, dimensions) and NaN."""
    from tests.test_messages import english_words_beside_names

    from fiscalshare import messages

    rendered = messages.chinese(f"constraint: {line}")
    return rendered is not None and not english_words_beside_names(rendered)


@pytest.fixture(scope="module")
def pooled():
    ds = three_regions(pool=3000.0)
    return ds, solved(ds)


@pytest.fixture(scope="module")
def short():
    """Budget 6 000 and no e: u_B = 1 000 (see test_solve_hand)."""
    ds = three_regions(budget=6000.0)
    return ds, solved(ds, equalisation="off")


def test_funding_that_does_not_add_up(pooled):
    ds, results = pooled
    tampered = results.copy(deep=True)
    tampered["funding"].loc[{"region": "A", "level": "central"}] += 1.0
    text = findings(ds, tampered)
    assert "funding + shortfall ≠ standard cost" in text and "central funding" in text


def test_a_shortfall_beyond_the_local_part(pooled):
    """u_A = 5 000.5 against a local part of 5 000 (σ1 = 0; the prefecture part made to match)."""
    ds, results = pooled
    tampered = results.copy(deep=True)
    tampered["shortfall"].loc[{"region": "A"}] = 5000.5
    tampered["funding"].loc[{"region": "A", "level": "prefecture"}] = -0.5
    assert "constraint 1" in findings(ds, tampered)


def test_a_unit_paying_more_than_it_can(pooled):
    ds, results = pooled
    tampered = results.copy(deep=True)
    tampered["equalisation"].loc[{"unit": "B"}] -= 10.0
    text = findings(ds, tampered)
    assert "constraint 2 (affordability)" in text and "transfer" in text and "z2" in text


def test_a_budget_overrun(short):
    ds, results = short
    smaller = ds.copy(deep=True)
    smaller["provincial_budget"][:] = 5999.0
    assert "constraint 3 (provincial budget)" in findings(smaller, results)


def test_a_pool_overrun(pooled):
    ds, results = pooled
    smaller = ds.copy(deep=True)
    smaller["equalisation_pool"][:] = 2999.0
    assert "constraint 4 (equalisation pool)" in findings(smaller, results)


def test_a_richer_tier_with_a_larger_share(pooled):
    """σ = (0.3, 0.2) with the provincial and local parts of A made to match."""
    ds, results = pooled
    tampered = results.copy(deep=True)
    tampered["provincial_share"].loc[{"tier": 1}] = 0.3
    tampered["funding"].loc[{"region": "A", "level": "province"}] = 1500.0
    tampered["funding"].loc[{"region": "A", "level": "prefecture"}] = 3500.0
    tampered["transfer"].loc[{"unit": "A"}] = 1500.0
    tampered["burden"].loc[{"unit": "A"}] = 3500.0
    tampered.attrs["objective_cost"] += 1500.0
    assert findings(ds, tampered).splitlines() == [
        "constraint 5 (a poorer tier has a smaller provincial share): 1 row(s) violated, worst "
        "by 0.0999999 beyond the tolerance"]


def test_a_hard_item_that_falls_short(short):
    ds, results = short
    hard = ds.copy(deep=True)
    hard["binding"][:] = "hard"
    assert "constraint 6 (hard items have no shortfall)" in findings(hard, results)


def test_shares_outside_their_bounds(pooled):
    ds, results = pooled
    narrower = ds.copy(deep=True)
    narrower["province_max"].loc[{"tier": 2}] = 0.1
    assert "σ above province_max" in findings(narrower, results)
    higher = ds.copy(deep=True)
    higher["province_min"].loc[{"tier": 1}] = 0.05
    assert "σ below province_min" in findings(higher, results)


def test_a_share_off_the_menu():
    ds = three_regions(menu=MENU)
    results = solved(ds, "ratio-menu")
    other = ds.copy(deep=True)
    other["ratio_menu"][:] = [0.3, 0.5, 0.8, 1.0]
    assert "not a ratio_menu share" in findings(other, results)


def test_a_fixed_share_that_moved():
    ds = three_regions()
    results = solved(ds, "fixed-ratios")
    other = ds.copy(deep=True)
    other["province_share"].loc[{"tier": 2}] = 0.6
    assert "fixed mode: σ ≠ province_share" in findings(other, results)


def test_county_and_prefecture_parts_and_burden():
    ds = prefecture_with_counties()
    results = solved(ds)
    swapped = results.copy(deep=True)
    county = swapped["funding"].loc[{"region": "C2", "level": "county"}].values.copy()
    swapped["funding"].loc[{"region": "C2", "level": "county"}] = county + 100.0
    swapped["funding"].loc[{"region": "C2", "level": "prefecture"}] -= 100.0
    text = findings(ds, swapped)
    assert "county part ≠ (1 − π)·L" in text and "burden" in text
    wrong_burden = results.copy(deep=True)
    wrong_burden["burden"].loc[{"unit": "P"}] += 5.0
    assert findings(ds, wrong_burden).startswith("burden ≠")


def test_negative_or_forbidden_equalisation(short, pooled):
    ds, results = pooled
    negative = results.copy(deep=True)
    negative["equalisation"].loc[{"unit": "A"}] = -1.0
    negative["transfer"].loc[{"unit": "A"}] = -1.0
    negative.attrs["objective_cost"] -= 1.0
    assert "equalisation ≥ 0" in findings(ds, negative)
    ds, results = short
    paid = results.copy(deep=True)
    paid["equalisation"].loc[{"unit": "A"}] = 1.0
    paid["transfer"].loc[{"unit": "A"}] += 1.0
    paid.attrs["objective_cost"] += 1.0
    assert "equalisation is off but e ≠ 0" in findings(ds, paid)


def test_objective_values_that_do_not_match_the_allocation(short):
    ds, results = short
    z1 = results.copy()
    z1.attrs = {**results.attrs, "objective_shortfall": 6990.0}
    assert "z1 recomputed" in findings(ds, z1)
    z2 = results.copy()
    z2.attrs = {**results.attrs, "objective_cost": results.attrs["objective_cost"] + 0.01}
    assert "z2 recomputed" in findings(ds, z2)
    eta = results.copy()
    eta.attrs = {**results.attrs, "model_config": json.dumps(
        {**json.loads(results.attrs["model_config"]), "eta": 0.0})}
    assert "priority_weight" in findings(ds, eta)


def test_sensitivities_reported_where_they_do_not_apply(pooled, short):
    ds, results = pooled
    tampered = results.copy(deep=True)
    tampered["budget_value"][:] = 0.0
    assert "budget_value should be NaN" in findings(ds, tampered)
    ds, results = short
    tampered = results.copy(deep=True)
    tampered["capacity_value"][:] = 0.0
    assert "capacity_value should be NaN" in findings(ds, tampered)


def test_the_tolerance_is_a_thousandth_of_a_yuan_plus_a_relative_part(pooled):
    """The affordability row of B has terms up to its capacity 1 000: 1e-3 + 1e-7·4 000 (its
    largest term, the local part) = 1.4e-3 yuan is allowed, 2e-3 is not."""
    ds, results = pooled
    for excess, fine in ((1.2e-3, True), (2e-3, False)):
        tampered = results.copy(deep=True)
        tampered["equalisation"].loc[{"unit": "B"}] -= excess
        tampered["transfer"].loc[{"unit": "B"}] -= excess
        tampered.attrs["objective_cost"] -= excess
        found = check_solution(ds, tampered)
        assert (found == []) is fine, found


def test_missing_variables_and_other_coordinates(pooled):
    ds, results = pooled
    assert check_solution(ds, results.drop_vars("burden")) == [
        "results lack the variable(s) burden"]
    other = results.assign_coords(year=np.array([2030]))
    assert check_solution(ds, other) == ["results' year coordinate differs from the inputs'"]
    assert _in_chinese("results lack the variable(s) burden")
    assert _in_chinese("results' year coordinate differs from the inputs'")


@pytest.mark.parametrize("reports", [True, False])
def test_a_solution_that_fails_the_check_writes_nothing(monkeypatch, tmp_path, reports):
    """With reports the check runs in a forked process beside the displayed money
    (workflows._check_beside_money); either way a violation stops the run before any file."""
    from fiscalshare.analysis import verify
    from fiscalshare.errors import VerificationError
    from fiscalshare.examples import example_path
    from fiscalshare.workflows import SolveRequest, run_solve

    monkeypatch.setattr(verify, "check_solution", lambda inputs, results: ["a broken row"])
    with pytest.raises(VerificationError, match="a broken row"):
        run_solve(SolveRequest(case=example_path("guizhou"), out=tmp_path / "run",
                               reports=reports))
    assert list(tmp_path.iterdir()) == []


def test_a_run_with_reports_records_the_check_and_the_same_workbooks(tmp_path):
    import zipfile

    from fiscalshare.examples import example_path
    from fiscalshare.report import write_reports
    from fiscalshare.workflows import SolveRequest, run_solve

    outcome = run_solve(SolveRequest(case=example_path("guizhou"), out=tmp_path / "run"))
    assert outcome.exit_code == 0 and outcome.timings["verify"] > 0
    again = write_reports(outcome.results, tmp_path / "again")  # money computed here instead
    assert sorted(p.relative_to(tmp_path / "run") for p in (tmp_path / "run").rglob("*.png")) \
        == sorted(p.relative_to(tmp_path / "again") for p in again if p.suffix == ".png")
    for path in again:
        stored = tmp_path / "run" / path.relative_to(tmp_path / "again")
        if path.suffix == ".png":  # drawn in memory by the standby while the check ran
            assert stored.read_bytes() == path.read_bytes(), path.name
            continue
        first = zipfile.ZipFile(stored)
        second = zipfile.ZipFile(path)
        for name in first.namelist():
            if name != "docProps/core.xml":  # its creation time
                assert first.read(name) == second.read(name), (path.name, name)
