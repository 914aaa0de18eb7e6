"""What-if sweeps: each scenario equals a standalone solve; faults, interruption, parallelism."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from tests.factories import tables

from fiscalshare.cli import main
from fiscalshare.config import load_config
from fiscalshare.errors import InfeasibleError
from fiscalshare.examples.synthetic import generate
from fiscalshare.io import load_case, write_case
from fiscalshare.solve import solve_case
from fiscalshare.sweep import folder as sweep_folder
from fiscalshare.sweep import run_sweep, runner
from fiscalshare.sweep import scenarios as sc

BUDGET_CASE = dict(
    regions=[
        {"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 100.0},
        {"code": "B", "name": "乙市", "parent": "", "tier": 2, "population": 100.0},
        {"code": "B2", "name": "丙市", "parent": "", "tier": 2, "population": 100.0},
    ],
    items=[{"code": "X", "name": "项目", "domain": "病有所医", "rule": "ratio", "binding": "soft"},
           {"code": "H", "name": "硬项", "domain": "学有所教", "rule": "ratio", "binding": "hard"}],
    standards=[{"item": i, "year": 2021, "unit_cost": 100.0, "central_share": 0.5}
               for i in ("X", "H")],
    beneficiaries=[{"region": r, "item": i, "year": 2021, "units": 100.0}
                   for r in ("A", "B", "B2") for i in ("X", "H")],
    capacity=[{"region": r, "year": 2021, "fiscal_capacity": c}
              for r, c in (("A", 20000.0), ("B", 4000.0), ("B2", 20000.0))],
    sharing=[{"tier": t, "item": i, "province_min": 0.0, "province_max": 1.0,
              "province_share": 0.3} for t in (1, 2) for i in ("X", "H")],
    budget=[{"year": 2021, "provincial_budget": 10000.0, "equalisation_pool": None}],
)


@pytest.fixture
def case_path(tmp_path) -> Path:
    path = tmp_path / "case"
    write_case(tables(**BUDGET_CASE), path)
    return path


def z(results):
    return results.attrs["objective_shortfall"], results.attrs["objective_cost"]


def test_every_scenario_of_a_grid_equals_a_standalone_solve(case_path, tmp_path):
    """3 × 3 grid over the budget and η; the model is reused and updated in place."""
    vary = ["budget=x0.8,x1.0,x1.2", "eta=0,0.5,1"]
    outcome = run_sweep(case_path, "default", tmp_path / "sweep", vary=vary, serial=True)
    assert outcome.counts == {"done": 9, "failed": 0, "skipped": 0}
    with xr.open_dataset(tmp_path / "sweep" / "sweep.nc", engine="h5netcdf") as opened:
        sweep = opened.load()
    inputs = load_case(case_path)
    config = load_config("default")
    scenarios = sc.combine(sc.parse_vary(vary, inputs))
    for k, scenario in enumerate(scenarios):
        modified, scenario_config = sc.apply_scenario(inputs, config, scenario)
        alone = solve_case(modified, scenario_config)
        assert float(sweep["objective_shortfall"][k]) == pytest.approx(z(alone)[0], rel=1e-9,
                                                                        abs=1e-6)
        assert float(sweep["objective_cost"][k]) == pytest.approx(z(alone)[1], rel=1e-9)
        np.testing.assert_allclose(sweep["provincial_share"][k], alone["provincial_share"],
                                   atol=1e-9)
    assert list(sweep["vary_budget"].values[:3]) == ["x0.8"] * 3
    assert (tmp_path / "sweep" / "sweep.xlsx").exists()
    assert (tmp_path / "sweep" / "plots" / "line_budget.png").exists()


def test_the_sweep_workbook_carries_the_title_block_of_an_official_table(tmp_path):
    """Province, period, the baseline scenario in words, 编制单位 and the date, on every sheet."""
    import openpyxl

    from fiscalshare.report.labels import label, scenario_text

    case = tables(**BUDGET_CASE)
    case.meta["compiler"] = "测试省财政厅预算处"
    path = tmp_path / "case"
    write_case(case, path)
    run_sweep(path, "default", tmp_path / "sweep", vary=["budget=x0.9,x1.0"], serial=True)
    book = openpyxl.load_workbook(tmp_path / "sweep" / "sweep.xlsx")
    scenario = scenario_text(load_config("default"), "zh")
    for sheet in book.worksheets:
        head = " ".join(str(c) for row in sheet.iter_rows(max_row=4, values_only=True)
                        for c in row if c)
        assert case.meta["province"] in head, sheet.title
        assert label("period", "zh").format(2021, 2021) in head, sheet.title
        assert scenario in head and "测试省财政厅预算处" in head, sheet.title
        assert label("sweep_title", "zh") in head, sheet.title


def test_an_infeasible_scenario_is_recorded_and_the_others_complete(case_path, tmp_path):
    """A budget of 100 cannot top up B enough to meet the hard item: recorded with a diagnosis."""
    outcome = run_sweep(case_path, "default", tmp_path / "sweep",
                        vary=["budget=100,10000,20000"], serial=True)
    assert outcome.counts["done"] == 2 and outcome.counts["failed"] == 1
    with xr.open_dataset(tmp_path / "sweep" / "sweep.nc", engine="h5netcdf") as opened:
        sweep = opened.load()
    assert list(sweep["status"].values) == ["infeasible", "optimal", "optimal"]
    assert np.isnan(float(sweep["objective_cost"][0]))
    assert "hard item" in str(sweep["message"].values[0])
    with pytest.raises(InfeasibleError):
        inputs = load_case(case_path)
        solve_case(sc.apply_scenario(inputs, load_config("default"),
                                     {"budget": sc.Value(100.0)})[0], load_config("default"))


def test_model_reuse_updates_in_place_and_matches_rebuilding(case_path, tmp_path):
    runner.COUNTS.clear()
    vary = ["budget=x0.9,x1.0,x1.1,x1.2", "province_max:t2=0.8,1.0"]
    run_sweep(case_path, "default", tmp_path / "reuse", vary=vary, serial=True, reuse=True)
    assert runner.COUNTS["updated"] >= 7  # one build, then in-place updates
    run_sweep(case_path, "default", tmp_path / "rebuild", vary=vary, serial=True, reuse=False)
    first = xr.open_dataset(tmp_path / "reuse" / "sweep.nc", engine="h5netcdf").load()
    second = xr.open_dataset(tmp_path / "rebuild" / "sweep.nc", engine="h5netcdf").load()
    xr.testing.assert_allclose(first.drop_attrs(), second.drop_attrs(), rtol=1e-9, atol=1e-6)


@pytest.mark.slow
def test_a_local_cluster_and_a_serial_run_give_identical_results(case_path, tmp_path):
    vary = ["budget=x0.8,x1.0,x1.2", "eta=0,1"]
    run_sweep(case_path, "default", tmp_path / "serial", vary=vary, serial=True)
    run_sweep(case_path, "default", tmp_path / "dask", vary=vary, workers=2)
    with xr.open_dataset(tmp_path / "serial" / "sweep.nc", engine="h5netcdf") as a, \
            xr.open_dataset(tmp_path / "dask" / "sweep.nc", engine="h5netcdf") as b:
        xr.testing.assert_identical(a.load(), b.load())


def test_bad_keys_are_rejected_before_anything_runs(case_path, tmp_path, capsys):
    with pytest.raises(SystemExit) as ended:
        main(["sweep", str(case_path), "--vary", "budgett=x1", "--serial", "--out",
              str(tmp_path / "s"), "--lang", "en"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert "unknown key 'budgett'" in err and "province_share" in err
    assert not (tmp_path / "s").exists()
    with pytest.raises(SystemExit) as ended:
        main(["sweep", str(case_path), "--vary", "province_max:t9=0.5", "--serial", "--out",
              str(tmp_path / "s")])
    assert ended.value.code == 2


def test_ctrl_c_during_a_serial_sweep_stops_it_between_two_scenarios(case_path):
    """Ctrl-C is noted and acted on once the scenario in hand is kept: the keeping of the
    second scenario runs to its end although the signal came in the middle of it, and the third
    is never started."""
    import os

    inputs, config = load_case(case_path), load_config("default")
    pending = [sc.Scenario(f"s{k}", f"eta {k}", {"eta": sc.Value(0.1 * k)}) for k in range(5)]
    kept: list[str] = []

    def keep(outcome):
        if outcome.scenario_id == "s1":
            os.kill(os.getpid(), signal.SIGINT)  # taken at once, while this one is being kept
        kept.append(outcome.scenario_id)

    runner.forget_models()
    with pytest.raises(KeyboardInterrupt):
        runner.run(inputs, config, pending, runner.Settings(token="ctrl-c"), None, keep,
                   serial=True)
    assert kept == ["s0", "s1"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


SCENARIOS = 120  # a kept model solves one in ~20 ms: enough that the signal lands mid-sweep


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_sweep_resumes_without_redoing_finished_scenarios(tmp_path, sig):
    case = tmp_path / "case"
    write_case(generate(60, 20, 2, 3), case)
    out = tmp_path / "sweep"
    args = [sys.executable, "-m", "fiscalshare", "sweep", str(case), "--serial", "--out",
            str(out), "--vary", "eta=" + ",".join(f"{0.01 * k:.2f}" for k in range(SCENARIOS))]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    folder = out / "records"
    deadline = time.time() + 120
    while time.time() < deadline and len(sweep_folder.finished(out) - {"baseline"}) < 3:
        time.sleep(0.05)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    done_before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()
                   if not p.name.startswith(".") and not p.name.startswith("baseline")}
    assert 3 <= len(done_before) < SCENARIOS
    if sig == signal.SIGINT:
        assert process.returncode == 130 and b"--resume" in err
    with pytest.raises(SystemExit) as ended:
        main(["sweep", "--resume", str(out)])
    assert ended.value.code == 0
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()
             if not p.name.startswith(".") and not p.name.startswith("baseline")}
    assert len(after) == SCENARIOS
    assert all(after[name] == stamp for name, stamp in done_before.items())
    assert (out / "sweep.nc").exists()
