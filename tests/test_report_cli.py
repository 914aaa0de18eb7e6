"""``fiscalshare report RUN_DIR`` on a run made by ``run_solve``, and the workbook in LibreOffice."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from fiscalshare.cli import main
from fiscalshare.examples import example_path
from fiscalshare.report.labels import label
from fiscalshare.workflows import SolveRequest, run_solve

SHEETS = ("sheet_summary", "sheet_listing", "sheet_responsibility", "sheet_responsibility_pct",
          "sheet_sharing", "sheet_transfers", "sheet_protected", "sheet_indicators", "sheet_about")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "guizhou"
    outcome = run_solve(SolveRequest(case=example_path("guizhou"), out=out))
    assert outcome.exit_code == 0 and outcome.run_dir == out
    return out


def cli(*args) -> int:
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    return done.value.code


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sheet_names(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return book.sheetnames
    finally:
        book.close()


def test_a_solved_run_has_chinese_reports(run_dir):
    assert sheet_names(run_dir / "responsibility.xlsx") == [label(k, "zh") for k in SHEETS]
    prefectures = sorted(p.name for p in (run_dir / "prefectures").iterdir())
    assert len(prefectures) == 9 and "520100-贵阳市.xlsx" in prefectures
    assert {p.name for p in (run_dir / "plots").iterdir()} == {"transfer_vs_capacity.png",
                                                                "shares_by_level.png"}
    assert cli("verify", run_dir) == 0


def test_report_regenerates_in_english_and_the_audit_still_passes(run_dir, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(run_dir, run)
    allocation = sha256(run / "allocation.nc")
    before = json.loads((run / "manifest.json").read_text(encoding="utf-8"))

    assert cli("report", run, "--lang", "en") == 0

    assert sheet_names(run / "responsibility.xlsx") == [label(k, "en") for k in SHEETS]
    for path in (run / "prefectures").iterdir():
        assert sheet_names(path) == [label(k, "en") for k in SHEETS]  # province-wide indicators
    assert sha256(run / "allocation.nc") == allocation  # the results are not touched
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report_lang"] == "en"
    assert manifest["input_sha256"] == before["input_sha256"]
    files = {p.relative_to(run).as_posix() for p in run.rglob("*")
             if p.is_file() and p.name not in ("manifest.json", ".fiscalshare-run")}
    assert set(manifest["files"]) == files
    for name, digest in manifest["files"].items():
        assert sha256(run / name) == digest, name  # the manifest is rewritten
    assert not [p for p in run.parent.iterdir() if p.name.startswith(".")]  # no staging left
    assert cli("verify", run) == 0

    assert cli("report", run) == 0  # and back to the default language
    assert sheet_names(run / "responsibility.xlsx") == [label(k, "zh") for k in SHEETS]
    assert cli("verify", run) == 0


def test_report_out_keeps_both_languages_side_by_side(run_dir, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(run_dir, run)
    before = {p.relative_to(run): sha256(p) for p in run.rglob("*") if p.is_file()}
    english = tmp_path / "run-en"
    assert cli("report", run, "--lang", "en", "--out", english) == 0
    after = {p.relative_to(run): sha256(p) for p in run.rglob("*") if p.is_file()}
    assert after == before  # the Chinese run is untouched
    assert sheet_names(english / "responsibility.xlsx") == [label(k, "en") for k in SHEETS]
    assert sha256(english / "allocation.nc") == sha256(run / "allocation.nc")
    assert cli("verify", english) == 0
    assert cli("report", run, "--lang", "en", "--out", english) == 2  # exists: refused
    assert cli("report", run, "--lang", "en", "--out", english, "--force") == 0


def test_report_refuses_a_folder_without_results(tmp_path, capsys):
    assert cli("report", tmp_path) == 2
    assert "allocation.nc" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_province_workbook_converts_to_pdf_in_libreoffice(run_dir, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (soffice/libreoffice not on PATH; "
                    "apt-get install libreoffice-calc-nogui)")
    source = tmp_path / "responsibility.xlsx"
    shutil.copy(run_dir / "responsibility.xlsx", source)
    done = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(source)],
        capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "pdf" / "responsibility.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stdout + done.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes, "no page in the PDF"
    for x0, y0, x1, y1 in boxes:  # A4, in either orientation
        size = sorted((float(x1) - float(x0), float(y1) - float(y0)))
        assert size == pytest.approx([595.3, 841.9], abs=1.5)
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    for number, page in enumerate(pages, start=1):  # every page: its title and its number
        assert f"第 {number} 页 共 {len(pages)} 页" in page, number
        assert "贵州省基本公共服务" in page, number
