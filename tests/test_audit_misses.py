"""``fiscalshare verify`` re-derives what it can (issue 16, "verify misses").

Each test alters a copy of a real run the way someone editing files would — and recomputes the
manifest's hashes, so the sha256 check alone cannot notice — then runs the audit and expects a
finding that names what disagrees: the real ``verify`` in a subprocess for a few (exit 1, never a
traceback), the same audit as a library call for the rest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xarray as xr

from fiscalshare.examples import example_path
from fiscalshare.report.labels import label
from fiscalshare.runs.audit import audit_run
from fiscalshare.runs.folder import file_hashes

CASE = example_path("guizhou")


def fiscalshare(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fiscalshare", *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    made = {}
    for name, extra in (("default", ()), ("fixed", ("--model", "fixed-ratios"))):
        out = root / name
        done = fiscalshare("solve", CASE, "--out", out, "--quiet", *extra)
        assert done.returncode == 0, done.stderr
        made[name] = out
    return made


@pytest.fixture()
def run(runs, tmp_path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(runs["default"], copy)
    return copy


def manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


def rewrite(run: Path, change=None) -> None:
    """Apply ``change`` to the manifest and recompute every hash, as a careful editor would."""
    data = manifest(run)
    if change is not None:
        change(data)
    data["files"] = file_hashes(run)
    (run / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2),
                                       encoding="utf-8")


def refused(run: Path, *expected: str, in_process: bool = True) -> str:
    """``verify`` fails naming ``expected``: the audit as a library call (a fault in it fails
    the test as an error), or the real command in a subprocess (``in_process=False``: exit 1,
    no traceback), which a few of these tests run and the rest need not start again."""
    if in_process:
        found = "\n".join(audit_run(run))
        for text in expected:
            assert text in found, found
        return found
    done = fiscalshare("verify", run, "--lang", "en")  # the findings as the audit words them
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Unexpected error" not in done.stderr
    assert "意外错误" not in done.stderr
    for text in expected:
        assert text in done.stderr, done.stderr
    return done.stderr


def test_the_untouched_run_checks_out(run):
    done = fiscalshare("verify", run)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == label("verify_ok_run", "zh").format(run=run)


def test_verify_reports_its_findings_in_chinese_by_default(run):
    victim = sorted((run / "prefectures").iterdir())[0]
    victim.write_bytes(victim.read_bytes() + b"x")
    done = fiscalshare("verify", run)
    assert done.returncode == 1
    assert label("verify_fails", "zh").format(run=run, n=1) in done.stderr
    assert f"prefectures/{victim.name}：已被改动（sha256 与 manifest.json 不符）" in done.stderr


@pytest.mark.parametrize("key, value", [("eta", 0.5), ("ratio_mode", "fixed"),
                                        ("objective_cost", 1.0), ("termination", "Time limit"),
                                        ("equalisation", "off")])
def test_an_edited_manifest_setting(run, key, value):
    rewrite(run, lambda m: m.update({key: value}))
    refused(run, f"manifest.json: '{key}' is {value!r} but allocation.nc says",
            in_process=key != "eta")


def test_a_prefecture_workbook_deleted_with_its_entry(run):
    victim = sorted((run / "prefectures").iterdir())[0]
    victim.unlink()
    rewrite(run)
    refused(run, f"prefectures/{victim.name}: the run writes it, but it is missing")


@pytest.mark.parametrize("claim_no_reports", [False, True])
def test_all_reports_deleted_with_their_entries(run, claim_no_reports):
    (run / "responsibility.xlsx").unlink()
    shutil.rmtree(run / "prefectures")
    shutil.rmtree(run / "plots")
    rewrite(run, (lambda m: m.update(reports="no")) if claim_no_reports else None)
    refused(run, "responsibility.xlsx: the run writes it, but it is missing",
            in_process=claim_no_reports)


def test_infeasible_claimed_with_the_allocation_deleted(run):
    (run / "allocation.nc").unlink()
    rewrite(run, lambda m: m.update(status="infeasible"))
    refused(run, "diagnosis.json: the run writes it, but it is missing",
            "status 'infeasible', but the case has a solution")


def test_an_extra_plot_with_its_entry(run):
    shutil.copy(run / "plots" / "shares_by_level.png", run / "plots" / "extra.png")
    (run / "notes.txt").write_text("added")
    rewrite(run)
    refused(run, "plots/extra.png: not a file this run writes",
            "notes.txt: not a file this run writes")


def test_another_models_allocation(run, runs):
    shutil.copy(runs["fixed"] / "allocation.nc", run / "allocation.nc")
    rewrite(run)
    refused(run, "manifest.json: 'model_config'", "manifest.json: 'ratio_mode'")


def _edit_netcdf(run: Path, change) -> None:
    with xr.open_dataset(run / "allocation.nc", engine="h5netcdf") as opened:
        results = opened.load()
    change(results)
    (run / "allocation.nc").unlink()
    results.to_netcdf(run / "allocation.nc", engine="h5netcdf")


def test_an_edited_eta_in_allocation_nc(run):
    _edit_netcdf(run, lambda r: r.attrs.update(eta=2.0))
    rewrite(run, lambda m: m.update(eta=2.0))  # the manifest made to agree as well
    refused(run, "allocation.nc: attribute 'eta' is 2.0 but the run's model configuration "
            "says 1.0")


def test_an_edited_region_name_in_allocation_nc(run):
    def rename(results):
        names = results["region_name"].values.copy()
        names[0] = "别的市"
        results["region_name"] = ("region", names)

    _edit_netcdf(run, rename)
    rewrite(run)
    refused(run, "allocation.nc: region_name: differs from the case's")


def test_a_changed_workbook_cell(run):
    path = run / "responsibility.xlsx"
    book = openpyxl.load_workbook(path)
    changed = None
    for sheet in book.worksheets[1:]:
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, float) and cell.value > 1:
                    cell.value = cell.value + 100.0
                    changed = (sheet.title, cell.coordinate)
                    break
            if changed:
                break
        if changed:
            break
    assert changed
    book.save(path)
    rewrite(run)
    refused(run, f"responsibility.xlsx: sheet '{changed[0]}' cell {changed[1]} holds",
            in_process=False)


def test_swapped_prefecture_entries(run):
    def swap(data):
        files = sorted(data["prefectures"])
        first, second = files[0], files[1]
        data["prefectures"][first], data["prefectures"][second] = (
            data["prefectures"][second], data["prefectures"][first])

    rewrite(run, swap)
    refused(run, "'prefectures' does not map each workbook")


@pytest.mark.parametrize("text, says", [
    ("[]", "expected a JSON object, found list"),
    ('{"files": ["allocation.nc"], "status": "solved"}', "'files' is not a mapping"),
    ("[" * 100000 + "]" * 100000, "not valid JSON"),
    ("{not json", "not valid JSON"),
])
def test_a_malformed_manifest_is_a_finding(run, text, says):
    (run / "manifest.json").write_text(text, encoding="utf-8")
    refused(run, says, in_process=text != "{not json")


def test_a_truncated_allocation_is_a_finding(run):
    data = (run / "allocation.nc").read_bytes()
    (run / "allocation.nc").write_bytes(data[: len(data) // 3])
    rewrite(run)
    refused(run, "allocation.nc: cannot be read", in_process=False)
