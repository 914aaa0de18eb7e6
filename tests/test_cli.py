"""The command line end to end: run folders, exit codes, determinism, audit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from tests.factories import unmeetable_hard_item

from fiscalshare.cli import main
from fiscalshare.examples.synthetic import generate
from fiscalshare.io import write_case

SPEC_VARIABLES = ("standard_cost", "funding", "shortfall", "provincial_share", "equalisation",
                  "burden", "fiscal_capacity", "transfer", "marginal_cost", "capacity_value",
                  "budget_value")
SPEC_ATTRS = ("objective_shortfall", "objective_cost", "ratio_mode", "equalisation", "eta", "phi",
              "termination", "fiscalshare_version", "pyomo_version", "highs_version",
              "python_version", "input_sha256", "model_config", "created_utc", "solve_seconds",
              "build_seconds")


def run(*args: str) -> int:
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    return ended.value.code


def open_allocation(folder: Path) -> xr.Dataset:
    with xr.open_dataset(folder / "allocation.nc", engine="h5netcdf") as opened:
        return opened.load()


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "example"
    assert run("solve", "--out", str(out), "--quiet") == 0
    return out


def test_solve_writes_the_run_folder_of_the_results_contract(example_run):
    names = {p.relative_to(example_run).as_posix() for p in example_run.rglob("*") if p.is_file()}
    assert {"allocation.nc", "manifest.json", "run.log", "responsibility.xlsx"} <= names
    assert len([n for n in names if n.startswith("prefectures/")]) == 9
    results = open_allocation(example_run)
    for name in SPEC_VARIABLES:
        assert name in results, name
    for name in SPEC_ATTRS:
        assert name in results.attrs, name
    assert set(results.sizes) >= {"region", "item", "year", "level", "tier", "unit"}
    assert list(results["level"].values) == ["central", "province", "prefecture", "county"]
    assert results["funding"].attrs["units"] == "yuan"
    total = results["funding"].sum("level") + results["shortfall"]
    np.testing.assert_allclose(total, results["standard_cost"], rtol=1e-9)
    manifest = json.loads((example_run / "manifest.json").read_text())
    assert manifest["objective_cost"] == results.attrs["objective_cost"]
    assert set(manifest["files"]) == names - {"manifest.json", ".fiscalshare-run"}


def test_the_same_input_gives_identical_numbers(example_run, tmp_path):
    again = tmp_path / "again"
    assert run("solve", "--out", str(again), "--quiet") == 0
    first, second = open_allocation(example_run), open_allocation(again)
    xr.testing.assert_identical(first.drop_attrs(), second.drop_attrs())
    for key in ("objective_shortfall", "objective_cost"):
        assert first.attrs[key] == second.attrs[key]


def test_an_existing_run_folder_is_never_overwritten_without_force(example_run, capsys):
    before = (example_run / "manifest.json").read_text()
    assert run("solve", "--out", str(example_run)) == 2
    assert "--force" in capsys.readouterr().err
    assert (example_run / "manifest.json").read_text() == before


def test_audit_passes_then_names_an_altered_file(example_run, tmp_path):
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(example_run), str(copy)], check=True)
    assert run("verify", str(copy)) == 0
    workbook = next((copy / "prefectures").glob("520500-*.xlsx"))
    workbook.write_bytes(workbook.read_bytes() + b"\0")
    assert run("verify", str(copy)) == 1


def test_audit_recomputes_the_constraints_from_allocation_nc(example_run, tmp_path, capsys):
    """A forged allocation with a re-hashed manifest still fails: the constraints are re-checked."""
    from fiscalshare.runs.folder import write_manifest

    copy = tmp_path / "forged"
    subprocess.run(["cp", "-r", str(example_run), str(copy)], check=True)
    results = open_allocation(copy)
    results["equalisation"][:] = 0.0  # the poor prefectures can no longer afford their part
    results.to_netcdf(copy / "allocation.nc", engine="h5netcdf")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest.pop("files")
    write_manifest(copy, manifest)
    assert run("verify", str(copy)) == 1
    said = capsys.readouterr().err
    assert "约束不满足：约束 2（负担能力）" in said and "constraint" not in said
    assert "工作表 '汇总' 单元格" in said  # the workbook no longer matches the allocation either


def test_bad_input_exits_2_naming_the_cell_and_writes_nothing(tmp_path, capsys):
    case = tmp_path / "case"
    write_case(generate(3, 2, 1, 0), case)
    regions = (case / "regions.csv").read_text().splitlines()
    fields = regions[3].split(",")
    fields[3] = "x"  # the tier of the third data row (CSV line 4)
    regions[3] = ",".join(fields)
    (case / "regions.csv").write_text("\n".join(regions) + "\n")
    out = tmp_path / "out"
    assert run("solve", str(case), "--out", str(out), "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "regions.csv!4: column 'tier': expected an integer 1..1000, found 'x'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_hard_items_that_cannot_be_met_exit_3_with_a_diagnosis(tmp_path):
    case = tmp_path / "case.xlsx"
    write_case(unmeetable_hard_item(), case)
    out = tmp_path / "out"
    assert run("solve", str(case), "--out", str(out), "--quiet") == 3
    diagnosis = json.loads((out / "diagnosis.json").read_text())
    # local part 1 000 against capacity 100: the province must pay 900 of it; budget 100
    assert diagnosis["money_helps"] is True
    assert diagnosis["least_extra_money"] == pytest.approx(800.0, abs=1.0)
    assert not (out / "allocation.nc").exists()
    assert run("verify", str(out)) == 0


def test_a_solver_time_limit_exits_4_and_writes_nothing(tmp_path):
    case = tmp_path / "case"
    write_case(generate(130, 40, 3, 2), case)
    out = tmp_path / "out"
    assert run("solve", str(case), "--out", str(out), "--time-limit", "0.000001") == 4
    assert not out.exists()


def test_no_traceback_reaches_the_user_unless_debug(tmp_path):
    missing = str(tmp_path / "missing.xlsx")
    quiet = subprocess.run([sys.executable, "-m", "fiscalshare", "validate", missing,
                            "--lang", "en"],
                           capture_output=True, text=True)
    assert quiet.returncode == 2 and "Traceback" not in quiet.stderr
    assert "no such file" in quiet.stderr
    loud = subprocess.run([sys.executable, "-m", "fiscalshare", "solve", missing, "--debug"],
                          capture_output=True, text=True)
    assert loud.returncode != 0 and "Traceback" in loud.stderr


def test_help_lists_every_command():
    done = subprocess.run([sys.executable, "-m", "fiscalshare", "--help"], capture_output=True,
                          text=True)
    assert done.returncode == 0
    for name in ("validate", "template", "init", "example", "solve", "report", "verify",
                 "compare"):
        assert name in done.stdout


def test_report_regenerates_every_report_and_the_audit_still_passes(example_run, tmp_path):
    import openpyxl

    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(example_run), str(copy)], check=True)
    assert run("report", str(copy), "--lang", "en") == 0
    book = openpyxl.load_workbook(copy / "responsibility.xlsx", read_only=True)
    assert book.sheetnames[:3] == ["Summary", "Responsibility list", "Responsibility"]
    assert json.loads((copy / "manifest.json").read_text())["report_lang"] == "en"
    assert run("verify", str(copy)) == 0


def test_the_command_ends_without_teardown_yet_with_all_its_output_and_its_exit_code(tmp_path):
    """``fiscalshare`` (cli.run) skips the interpreter's teardown: what it printed to a pipe is
    all there, and the run folder is complete."""
    case = tmp_path / "case"
    write_case(generate(12, 4, 2, 3), case)
    done = subprocess.run([sys.executable, "-m", "fiscalshare", "solve", str(case), "--out",
                           str(tmp_path / "run"), "--lang", "en"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith("Timing: load")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == "solved" and (tmp_path / "run" / "responsibility.xlsx").exists()
