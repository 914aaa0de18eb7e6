"""Reading a workbook: openpyxl reads a sheet for its formulas only when the sheet's part holds
one, and every formula without a cached value is still found wherever it is."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from fiscalshare.io import files
from fiscalshare.io.files import Limits, read_raw

GUIZHOU = Path(__file__).resolve().parents[1] / "inputs" / "guizhou.xlsx"  # as `make inputs` writes it


def _formula_book_loads(monkeypatch) -> list[bool]:
    """Each ``data_only`` openpyxl is asked for from now on."""
    asked: list[bool] = []
    load = openpyxl.load_workbook

    def counting(*args, **kwargs):
        asked.append(kwargs.get("data_only", False))
        return load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    return asked


def _with_formula(tmp_path: Path, sheet: str, cell: str) -> Path:
    """The Guizhou workbook with ``=1+1`` in ``sheet!cell``: openpyxl saves no cached value."""
    book = openpyxl.load_workbook(GUIZHOU)
    book[sheet][cell] = "=1+1"
    path = tmp_path / "with-formula.xlsx"
    book.save(path)
    return path


def test_a_workbook_without_formulas_is_read_once(monkeypatch):
    scan = files._sheets_with_formulas(GUIZHOU)
    assert scan and not any(scan.values())  # its data validations' <formula1> are no formula
    asked = _formula_book_loads(monkeypatch)
    sheets, problems = read_raw(GUIZHOU, Limits())
    assert asked == [True] and "beneficiaries" in sheets and not problems


@pytest.mark.parametrize("sheet, cell", [("meta", "B3"), ("standards", "C2"),
                                         ("beneficiaries", "D5")])
def test_a_formula_without_a_cached_value_is_found_on_whichever_sheet(tmp_path, monkeypatch,
                                                                      sheet, cell):
    path = _with_formula(tmp_path, sheet, cell)
    scan = files._sheets_with_formulas(path)
    assert [title for title, holds in scan.items() if holds] == [sheet]
    asked = _formula_book_loads(monkeypatch)
    _, problems = read_raw(path, Limits())
    assert asked == [True, False]  # the formulas of that one sheet
    found = [p for p in problems if "formula without a cached value" in p.message]
    assert [(p.sheet, p.cell) for p in found] == [(sheet, cell)]


def test_a_formula_written_with_a_namespace_prefix_is_seen(tmp_path):
    source = _with_formula(tmp_path, "standards", "C2")
    prefixed = tmp_path / "prefixed.xlsx"
    rewritten = []
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(prefixed, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if b"<f>" in data:
                data = data.replace(b"<f>", b"<x:f>").replace(b"</f>", b"</x:f>")
                rewritten.append(item.filename)
            new.writestr(item, data)
    assert len(rewritten) == 1  # the one formula now only in its prefixed form
    scan = files._sheets_with_formulas(prefixed)
    assert [title for title, holds in scan.items() if holds] == ["standards"]


def test_a_workbook_whose_sheet_parts_are_not_all_there_is_read_for_formulas(tmp_path):
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(GUIZHOU) as old, zipfile.ZipFile(damaged, "w") as new:
        for item in old.infolist():
            if item.filename != "xl/worksheets/sheet3.xml":
                new.writestr(item, old.read(item.filename))
    assert files._sheets_with_formulas(damaged) is None
