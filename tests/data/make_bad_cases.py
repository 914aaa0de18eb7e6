"""Write the corpus of bad and forgiven input cases (issue 7), deterministically.

    python tests/data/make_bad_cases.py

``bad/`` holds one case per failure mode (a CSV folder, or a single file) and ``bad/expected.yaml``
the message fragment each must produce; ``accepted/`` holds cases a user would expect the tool to
understand, read with a warning (``accepted/expected.yaml``).  ``tests/test_corpus.py`` runs the
real ``fiscalshare validate`` on every one.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.test_validation import CASES, valid_tables  # noqa: E402

from fiscalshare.io.writer import sheet_frames, write_case  # noqa: E402


def frames():
    return sheet_frames(valid_tables())


def csv_case(folder: Path, change) -> None:
    data = frames()
    change(data)
    folder.mkdir(parents=True)
    for name, frame in data.items():
        frame.to_csv(folder / f"{name}.csv", index=False)


def workbook(path: Path, edit=None) -> None:
    write_case(valid_tables(), path)
    if edit is not None:
        book = openpyxl.load_workbook(path)
        edit(book)
        book.save(path)


def set_cell(frames_, sheet, row, column, value):
    frame = frames_[sheet].astype(object)
    frame.loc[row, column] = value
    frames_[sheet] = frame


def replace_part(path: Path, part: str, text: str) -> None:
    """Rewrite one XML part of a saved workbook (for XXE and entity bombs)."""
    temp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temp, "w") as target:
        for info in source.infolist():
            data = text.encode() if info.filename == part else source.read(info.filename)
            target.writestr(info, data)
    temp.replace(path)


XXE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
       '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData>'
       '</worksheet>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;">]>'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&d;</t></is></c></row>'
          '</sheetData></worksheet>')


def _sheet(book, name):
    return book[name]


def _xlsx_cases() -> dict:
    """name → (builder(path), expected fragment); every builder writes one .xlsx-like file."""
    def edit(sheet, cell, value):
        return lambda path: workbook(path, lambda b: _sheet(b, sheet).__setitem__(cell, value))

    def merged(path):
        workbook(path, lambda b: _sheet(b, "regions").merge_cells("A2:B2"))

    def formula(path):
        workbook(path, lambda b: _sheet(b, "capacity").__setitem__("C2", "=1+1"))

    def twin_sheets(folder):
        csv_case(folder, lambda f: None)
        shutil.copy(folder / "regions.csv", folder / "Regions.csv")

    def header_only(path):
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, frame in frames().items():
            book.create_sheet(name).append(list(frame.columns))
        book.save(path)

    def raw(content):
        return lambda path: path.write_bytes(content)

    def xxe(path):
        workbook(path)
        replace_part(path, "xl/worksheets/sheet2.xml", XXE)

    def laughs(path):
        workbook(path)
        replace_part(path, "xl/worksheets/sheet2.xml", LAUGHS)

    def bomb(path):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * (64 * 2**20))

    def macros(path):
        workbook(path.with_suffix(".xlsx"))
        path.with_suffix(".xlsx").replace(path)

    def csv_named_xlsx(path):
        path.write_text("code,name\n1,a\n", encoding="utf-8")

    return {
        "div0.xlsx": (edit("capacity", "C2", "#DIV/0!"), "capacity!C2: column 'fiscal_capacity': an Excel error value '#DIV/0!'"),
        "na.xlsx": (edit("standards", "C3", "#N/A"), "standards!C3: column 'unit_cost': an Excel error value '#N/A'"),
        "formula_no_cache.xlsx": (formula, "capacity!C2: column 'fiscal_capacity': a formula without a cached value"),
        "merged_cells.xlsx": (merged, "merged cells inside a table"),
        "date_for_year.xlsx": (edit("standards", "B2", datetime(2021, 1, 1)), "standards!B2: column 'year': expected a year within meta's first_year..last_year, found a date 2021-01-01"),
        "csv_twin_sheets": (twin_sheets, "differ only in case"),
        "text_in_flag.xlsx": (edit("regions", "G2", "maybe"), "regions!G2: column 'poverty_exited': expected 0 or 1, found 'maybe'"),
        "bad_domain.xlsx": (edit("items", "C2", "医疗"), "items!C2: column 'domain': expected one of"),
        "bad_binding.xlsx": (edit("items", "F2", "strict"), "items!F2: column 'binding': expected one of hard, soft, found 'strict'"),
        "bad_rule.xlsx": (edit("items", "E2", "shared"), "items!E2: column 'rule': expected one of ratio, uniform, central, local"),
        "zero_population.xlsx": (edit("regions", "E3", 0), "regions!E3: column 'population': expected a number > 0, found 0"),
        "negative_cost_index.xlsx": (edit("regions", "F3", -1.0), "regions!F3: column 'cost_index': expected a number > 0"),
        "topup_below_one.xlsx": (edit("standards", "D2", 0.5), "standards!D2: column 'topup': expected a number ≥ 1"),
        "negative_budget.xlsx": (edit("budget", "B2", -5), "budget!B2: column 'provincial_budget': expected a number ≥ 0"),
        "text_share.xlsx": (edit("sharing", "C2", "half"), "sharing!C2: column 'province_min': expected a number in [0, 1], found 'half'"),
        "bad_meta_year.xlsx": (edit("meta", "B5", "soon"), "meta!B5: column 'value': first_year: expected an integer 1900..2200, found 'soon'"),
        "header_only.xlsx": (header_only, "missing key 'case'"),
        "xxe.xlsx": (xxe, "cannot be read safely"),
        "billion_laughs.xlsx": (laughs, "cannot be read safely"),
        "zip_bomb.xlsx": (bomb, "zip bomb"),
        "macros.xlsm": (macros, "macro-enabled"),
        "old.xls": (raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "old .xls"),
        "encrypted.xlsx": (raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "encrypted"),
        "random_bytes.xlsx": (raw(bytes((k * 37) % 256 for k in range(2048))), "not an .xlsx workbook"),
        "empty.xlsx": (raw(b""), "the file is empty"),
        "csv_named.xlsx": (csv_named_xlsx, "not an .xlsx workbook"),
        "single.csv": (csv_named_xlsx, "a single CSV file is not a case"),
    }


def _accepted() -> dict:
    def change_csv(change):
        return lambda folder: csv_case(folder, change)

    def renamed_sheet(path):
        def rename(book):
            book["regions"].title = "tmp"  # openpyxl refuses a name that differs only in case
            book["tmp"].title = "Regions"
        workbook(path, rename)

    def numbers_as_text(path):
        workbook(path, lambda b: _sheet(b, "capacity").__setitem__("C2", "1000"))

    return {
        "full_width_digits": (change_csv(lambda f: set_cell(f, "capacity", 0, "fiscal_capacity",
                                                            "１０００")), "full-width"),
        "thousands_separators": (change_csv(lambda f: set_cell(f, "capacity", 0,
                                                               "fiscal_capacity", "1,000")),
                                 "thousands separators removed"),
        "chinese_flags": (change_csv(lambda f: set_cell(f, "regions", 1, "ethnic", "是")),
                          "flags such as 是/否"),
        "true_false_flags": (change_csv(lambda f: set_cell(f, "regions", 1, "border", "TRUE")),
                             "flags such as 是/否"),
        "trailing_spaces": (change_csv(lambda f: set_cell(f, "capacity", 0, "region", "P1 ")),
                            "spaces removed"),
        "renamed_sheet.xlsx": (renamed_sheet, "sheet name read as 'regions'"),
        "numbers_as_text.xlsx": (numbers_as_text, "numbers stored as text"),
    }


def main() -> None:
    for kind, cases in (("bad", None), ("accepted", _accepted())):
        root = HERE / kind
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir()
        expected = {}
        if kind == "bad":
            for name, (change, message) in CASES.items():
                folder = "csv_" + name.replace(" ", "_").replace("[", "").replace("]", "") \
                    .replace(",", "").replace("/", "")
                csv_case(root / folder, change)
                expected[folder] = message
            for name, (build, message) in _xlsx_cases().items():
                build(root / name)
                expected[name] = message
        else:
            for name, (build, message) in cases.items():
                build(root / name)
                expected[name] = message
        (root / "expected.yaml").write_text(
            yaml.safe_dump(expected, allow_unicode=True, sort_keys=True), encoding="utf-8")
        print(f"{kind}: {len(expected)} cases")


if __name__ == "__main__":
    main()
