"""The solve as a library: updates in place, determinism, limits, MPS export, the Dataset."""

from __future__ import annotations

import highspy
import numpy as np
import pytest
import xarray as xr
from tests.hand_cases import three_regions, two_years_two_items

from fiscalshare.analysis.verify import check_solution
from fiscalshare.config import load_config
from fiscalshare.errors import InfeasibleError, InputError, SolverLimitError
from fiscalshare.examples.synthetic import generate
from fiscalshare.io.dataset import build_inputs
from fiscalshare.model import MONEY_UNIT
from fiscalshare.solve import AllocationModel, solve_case, write_mps
from fiscalshare.solve.highs import INFEASIBLE, LIMIT, OPTIMAL, OTHER, status_of

CHANGING = ("created_utc", "build_seconds", "solve_seconds", "extract_seconds")


def same_results(first: xr.Dataset, second: xr.Dataset) -> None:
    """Identical numbers, coordinates and attributes, apart from clocks."""
    xr.testing.assert_identical(first.drop_attrs(), second.drop_attrs())
    keep = [key for key in first.attrs if key not in CHANGING and not key.endswith("_seconds")]
    assert {k: first.attrs[k] for k in keep} == {k: second.attrs[k] for k in keep}


def updated_and_fresh(ds, changed, config, **update):
    model = AllocationModel(ds, config)
    model.solve()
    in_place = model.update(**update)
    updated = model.solve()
    fresh = solve_case(changed, config)
    assert check_solution(changed, updated) == []
    same_results(updated, fresh)
    return in_place


def test_a_budget_change_is_made_in_place():
    config = load_config("default", {"equalisation": "off"})
    assert updated_and_fresh(three_regions(budget=9000.0), three_regions(budget=6000.0),
                             config, budget=[6000.0]) is True


def test_a_budget_for_a_year_without_one_rebuilds():
    config = load_config("default", {"equalisation": "off"})
    assert updated_and_fresh(three_regions(), three_regions(budget=6000.0), config,
                             budget=xr.DataArray([6000.0], coords={"year": [2021]})) is False


def test_share_bounds_and_eta_change_in_place():
    ds = three_regions()
    changed = ds.copy(deep=True)
    changed["province_max"].loc[{"tier": 2}] = 0.5
    config = load_config("default", {"equalisation": "off", "eta": 0.5})
    ceilings = np.array([[1.0], [0.5]])
    model = AllocationModel(ds, load_config("default", {"equalisation": "off"}))
    assert model.update(share_max=ceilings, eta=0.5) is True
    same_results(model.solve(), solve_case(changed, config))


def test_fixed_shares_change_in_place():
    ds = three_regions()
    changed = ds.copy(deep=True)
    changed["province_share"].loc[{"tier": 2}] = 0.7
    assert updated_and_fresh(ds, changed, load_config("fixed-ratios"),
                             share_fixed=[[0.2], [0.7]]) is True


def test_scaling_standards_rebuilds():
    ds = two_years_two_items()
    changed = ds.copy(deep=True)
    changed["unit_cost"].loc[{"item": "H"}] *= 1.1
    scale = xr.DataArray([1.0, 1.1], coords={"item": ["X", "H"]})
    assert updated_and_fresh(ds, changed, load_config("default"), standards_scale=scale) is False


def test_menu_bounds_rebuild_and_bad_updates_are_input_errors():
    menu = (0.2, 0.5, 0.8, 1.0)
    ds = three_regions(menu=menu)
    changed = ds.copy(deep=True)
    changed["province_min"].loc[{"tier": 2}] = 0.5
    config = load_config("ratio-menu")
    assert updated_and_fresh(ds, changed, config, share_min=[[0.0], [0.5]]) is False
    model = AllocationModel(ds, config)
    with pytest.raises(InputError, match="tier 2"):
        model.update(share_max=[[1.0], [0.1]])


def test_two_solves_give_identical_results():
    ds = two_years_two_items()
    same_results(solve_case(ds, load_config("default")), solve_case(ds, load_config("default")))
    menu = three_regions(menu=(0.2, 0.5, 0.8, 1.0), budget=4000.0)
    config = load_config("ratio-menu")
    same_results(solve_case(menu, config), solve_case(menu, config))


def test_the_results_carry_the_contract_and_write_to_netcdf(tmp_path):
    ds = two_years_two_items()
    ds.attrs["input_sha256"] = "ab" * 32
    results = solve_case(ds, load_config("default"))
    for name in ("standard_cost", "funding", "shortfall", "provincial_share", "equalisation",
                 "burden", "fiscal_capacity", "transfer", "marginal_cost", "capacity_value",
                 "budget_value", "population", "unit_population", "central_funding",
                 "provincial_budget", "equalisation_pool", "province_min", "province_max",
                 "prefecture_share", "item_weight", "priority_weight"):
        assert name in results, name
    for key in ("objective_shortfall", "objective_cost", "ratio_mode", "equalisation", "eta",
                "phi", "termination", "fiscalshare_version", "pyomo_version", "highs_version",
                "python_version", "input_sha256", "model_config", "created_utc",
                "solve_seconds", "build_seconds", "case", "province", "central_tier", "source"):
        assert key in results.attrs, key
    assert results["funding"].dims == ("region", "item", "year", "level")
    path = tmp_path / "allocation.nc"
    results.to_netcdf(path, engine="h5netcdf")
    with xr.open_dataset(path, engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["funding"].values, results["funding"].values)
        assert back.attrs["objective_cost"] == results.attrs["objective_cost"]


@pytest.fixture(scope="module")
def synthetic():
    return build_inputs(generate(30, 12, 2, 7, budget_factor=0.9))


def test_a_time_limit_ends_with_a_solver_limit_error(synthetic):
    with pytest.raises(SolverLimitError) as caught:
        solve_case(synthetic, load_config("default"), time_limit=1e-9)
    assert caught.value.exit_code == 4 and "stage 1" in str(caught.value)


def test_a_synthetic_province_solves_and_verifies_in_every_configuration(synthetic):
    for model in ("default", "fixed-ratios", "no-equalisation", "ratio-menu"):
        try:
            results = solve_case(synthetic, load_config(model))
        except InfeasibleError as exc:  # a diagnosed infeasible case is a fine outcome here
            assert exc.diagnosis["summary"]
            continue
        assert check_solution(synthetic, results) == [], model


@pytest.mark.parametrize("model", ["default", "fixed-ratios"])
def test_the_written_mps_files_are_the_models_solved(tmp_path, synthetic, model):
    """HiGHS alone on the written stage files reaches z1 and z2 (money in 万元 inside; in fixed
    mode the co-financing at the fixed shares is the objective's constant)."""
    config = load_config(model)
    results = solve_case(synthetic, config)
    z1, z2 = results.attrs["objective_shortfall"], results.attrs["objective_cost"]
    first, second = write_mps(synthetic, config, tmp_path / "model.mps", z1=z1)
    assert (tmp_path / "model-options.json").exists()
    objectives = []
    for path in (first, second):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(str(path))
        h.run()
        assert status_of(h.getModelStatus()) == OPTIMAL
        objectives.append(h.getInfo().objective_function_value * MONEY_UNIT)
    assert objectives[0] == pytest.approx(z1, rel=1e-7)
    assert objectives[1] == pytest.approx(z2, rel=1e-7)


def test_solver_statuses_are_mapped_without_raising():
    status = highspy.HighsModelStatus
    assert status_of(status.kOptimal) == OPTIMAL
    assert status_of(status.kInfeasible) == INFEASIBLE
    assert status_of(status.kUnboundedOrInfeasible) == INFEASIBLE
    assert status_of(status.kTimeLimit) == LIMIT
    assert status_of(status.kIterationLimit) == LIMIT
    assert status_of(status.kUnbounded) == OTHER
    assert status_of(status.kSolveError) == OTHER
