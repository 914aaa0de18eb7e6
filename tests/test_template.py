"""The blank template: every sheet, labels, drop-downs; filled in by hand, it reads back."""

from __future__ import annotations

import openpyxl
import pytest
import xarray as xr
from tests.factories import case

from fiscalshare.cli import main
from fiscalshare.io import load_case
from fiscalshare.io.schema import META_KEYS, SHEETS

REGIONS = [{"code": "010100", "name": "甲", "parent": "", "tier": 1, "population": 100.0},
           {"code": "010200", "name": "乙", "parent": "", "tier": 2, "population": 50.0,
            "ethnic": 1}]
ITEMS = [{"code": "X", "name": "项", "domain": "病有所医", "unit": "元/人/年", "rule": "ratio",
          "binding": "soft", "weight": 1.0}]
STANDARDS = [{"item": "X", "year": 2021, "unit_cost": 100.0, "topup": 1.0,
              "central_share": 0.8}]
BENEFICIARIES = [{"region": r["code"], "item": "X", "year": 2021, "units": 10.0}
                 for r in REGIONS]
CAPACITY = [{"region": r["code"], "year": 2021, "fiscal_capacity": 500.0} for r in REGIONS]
SHARING = [{"tier": t, "item": "X", "province_min": 0.0, "province_max": 1.0,
            "province_share": 0.5, "prefecture_share": 0.0} for t in (1, 2)]


def fill(book, name, rows):
    sheet = book[name]
    keys = [c.value for c in sheet[1]]
    for row, record in enumerate(rows, start=3):
        for key, value in record.items():
            sheet.cell(row=row, column=keys.index(key) + 1, value=value)


def test_template_has_every_sheet_labels_and_drop_downs(tmp_path):
    out = tmp_path / "template.xlsx"
    assert _run("template", str(out)) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["说明", *SHEETS]
    regions = book["regions"]
    assert [c.value for c in regions[1]] == [c.key for c in SHEETS["regions"].columns]
    assert [c.value for c in regions[2]] == [c.label for c in SHEETS["regions"].columns]
    lists = {str(v.sqref): v.formula1 for v in book["items"].data_validations.dataValidation}
    assert any("病有所医" in f for f in lists.values())
    assert any(f == '"ratio,uniform,central,local"' for f in lists.values())
    assert any(f == '"chosen,fixed"' for f in lists.values())
    help_text = " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert "uniform: one share for every province" in help_text
    assert "province_rule（省级分担方式，选填）" in help_text and "fixed: by provincial policy" in help_text
    assert _run("template", str(out)) == 2  # never overwritten without --force


def test_a_template_filled_by_hand_reads_back(tmp_path):
    out = tmp_path / "template.xlsx"
    assert _run("template", str(out)) == 0
    book = openpyxl.load_workbook(out)
    meta = {"case": "test", "province": "测试省", "central_tier": 1, "first_year": 2021,
            "last_year": 2021, "source": "unit test"}
    for row in range(3, 3 + len(meta)):
        book["meta"].cell(row=row, column=2, value=meta[book["meta"].cell(row=row, column=1).value])
    for name, rows in (("regions", REGIONS), ("items", ITEMS), ("standards", STANDARDS),
                       ("beneficiaries", BENEFICIARIES), ("capacity", CAPACITY),
                       ("sharing", SHARING)):
        fill(book, name, rows)
    book.save(tmp_path / "filled.xlsx")
    read = load_case(tmp_path / "filled.xlsx")
    built = case(regions=REGIONS, items=ITEMS, standards=STANDARDS, beneficiaries=BENEFICIARIES,
                 capacity=CAPACITY, sharing=SHARING)
    xr.testing.assert_identical(read.drop_attrs(), built.drop_attrs())
    assert list(read["region"].values) == ["010100", "010200"]


def _filled_template(tmp_path, **meta_values):
    """The template filled with the small case; meta keys not given are left blank."""
    out = tmp_path / "template.xlsx"
    assert _run("template", str(out)) == 0
    book = openpyxl.load_workbook(out)
    meta = {"case": "test", "province": "测试省", "central_tier": 1, "first_year": 2021,
            "last_year": 2021, **meta_values}
    sheet = book["meta"]
    for row in range(3, sheet.max_row + 1):
        key = sheet.cell(row=row, column=1).value
        if key in meta:
            sheet.cell(row=row, column=2, value=meta[key])
    for name, rows in (("regions", REGIONS), ("items", ITEMS), ("standards", STANDARDS),
                       ("beneficiaries", BENEFICIARIES), ("capacity", CAPACITY),
                       ("sharing", SHARING)):
        fill(book, name, rows)
    book.save(tmp_path / "filled.xlsx")
    return tmp_path / "filled.xlsx"


def test_the_template_lists_every_meta_key_and_a_blank_optional_one_means_not_given(tmp_path):
    book = openpyxl.load_workbook(_run_template(tmp_path))
    keys = [book["meta"].cell(row=r, column=1).value for r in range(3, book["meta"].max_row + 1)]
    assert keys == [c.key for c in META_KEYS]
    assert "compiler" in keys
    compiler = book["meta"].cell(row=3 + keys.index("compiler"), column=2)
    assert compiler.value is None and "编制单位" in compiler.comment.text
    read = load_case(_filled_template(tmp_path))  # source and compiler left blank
    assert read.attrs["compiler"] == "" and read.attrs["source"] == ""


def test_the_instructions_name_every_column_and_meta_key_of_the_schema(tmp_path):
    book = openpyxl.load_workbook(_run_template(tmp_path))
    rows = [(str(a), str(b)) for a, b in book["说明"].iter_rows(values_only=True) if a]
    headings = [k for k, (a, _) in enumerate(rows) if a.split("（")[0] in SHEETS]
    sections = {rows[k][0].split("（")[0]: {a.strip(): b for a, b in rows[k + 1:end]}
                for k, end in zip(headings, [*headings[1:], len(rows)], strict=True)}
    assert list(sections) == list(SHEETS)
    for sheet in SHEETS.values():
        lines = sections[sheet.name]
        for column in sheet.columns:
            key = f"{column.key}（{column.label}，{'必填' if column.required else '选填'}）"
            assert key in lines, (sheet.name, column.key)
            assert lines[key].startswith(column.meaning), (sheet.name, column.key)
    for column in META_KEYS:
        key = f"key = {column.key}（{column.label}，{'必填' if column.required else '选填'}）"
        assert sections["meta"][key].startswith(column.meaning), column.key
    assert "optional: may be left blank" in sections["items"]["target_group（服务对象，选填）"]
    assert "optional: blank = chosen" in sections["items"]["province_rule（省级分担方式，选填）"]


def _title_rows(ws) -> list[str]:
    return [str(v) for row in ws.iter_rows(max_row=4, values_only=True) for v in row if v]


@pytest.mark.parametrize("compiler", ["测试省财政厅预算处", None])
def test_the_compiler_from_meta_is_printed_on_every_sheet_of_every_workbook(tmp_path, compiler):
    given = {} if compiler is None else {"compiler": compiler}
    case_path = _filled_template(tmp_path, **given)
    assert _run("solve", str(case_path), "--out", str(tmp_path / "run"), "--quiet") == 0
    books = [tmp_path / "run" / "responsibility.xlsx",
             *sorted((tmp_path / "run" / "prefectures").glob("*.xlsx"))]
    assert len(books) == 3  # the province and its two prefectures
    for path in books:
        for ws in openpyxl.load_workbook(path).worksheets:
            title = _title_rows(ws)
            if compiler is None:
                assert not any("编制单位" in line for line in title), (path.name, ws.title)
            else:
                assert any(line.startswith(f"编制单位：{compiler}") for line in title), (
                    path.name, ws.title, title)


def _run_template(tmp_path):
    out = tmp_path / "blank.xlsx"
    assert _run("template", str(out)) == 0
    return out


def _run(*args):
    try:
        main(list(args))
    except SystemExit as ended:
        return ended.code
    return 0
