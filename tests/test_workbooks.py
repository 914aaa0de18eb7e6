"""The spending-responsibility workbooks and plots, opened as a reader would open them."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from tests.factories import case
from tests.sheets import fen, only_table, table_titled

from fiscalshare.config import load_config
from fiscalshare.report import write_reports
from fiscalshare.report.labels import label
from fiscalshare.report.xlsx import safe_sheet_name
from fiscalshare.solve import solve_case

EVIL = '=HYPERLINK("http://x","y")'
REGIONS = [
    {"code": "YA-P", "name": "甲市", "parent": "", "tier": 1, "population": 300.0},
    {"code": "YA-C1", "name": "甲一县", "parent": "YA-P", "tier": 1, "population": 100.0},
    {"code": "YA-C2", "name": EVIL, "parent": "YA-P", "tier": 2, "population": 200.0},
    {"code": "YB-P", "name": "乙市", "parent": "", "tier": 2, "population": 150.0},
    {"code": "YC-P", "name": "+丙市", "parent": "", "tier": 1, "population": 120.0},
]
ITEMS = [{"code": "X", "name": "公共卫生", "domain": "病有所医", "rule": "ratio", "binding": "soft"},
         {"code": "H", "name": "-义务教育", "domain": "学有所教", "rule": "ratio",
          "binding": "hard"}]
YEARS = (2021, 2022)


@pytest.fixture(scope="module")
def results():
    ds = case(
        regions=REGIONS, items=ITEMS,
        standards=[{"item": i, "year": y, "unit_cost": 100.0, "central_share": 0.8}
                   for i in ("X", "H") for y in YEARS],
        beneficiaries=[{"region": r, "item": i, "year": y, "units": 50.0}
                       for r in ("YA-C1", "YA-C2", "YB-P", "YC-P") for i in ("X", "H") for y in YEARS],
        capacity=[{"region": r["code"], "year": y, "fiscal_capacity": c}
                  for r, c in zip(REGIONS, (300.0, 800.0, 100.0, 1200.0, 900.0), strict=True)
                  for y in YEARS],
        sharing=[{"tier": t, "item": i, "province_min": 0.2, "province_max": 0.6,
                  "province_share": 0.3, "prefecture_share": 0.4} for t in (1, 2)
                 for i in ("X", "H")],
        budget=[{"year": y, "provincial_budget": 3200.0, "equalisation_pool": None}
                for y in YEARS],
        indicators=[{"code": "I1", "name": "参保率(%)", "domain": "病有所医", "baseline_year": 2020,
                     "baseline": 92.8, "target_year": 2025, "target": 95.0, "nature": "预期性"}],
        years=YEARS,
    )
    return solve_case(ds, load_config("default"))


@pytest.fixture(scope="module", params=["zh", "en"])
def written(request, results, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"reports-{request.param}")
    files = write_reports(results, folder, lang=request.param)
    return request.param, folder, files


def sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith((".xml", ".rels"))}


def test_the_province_workbook_has_every_sheet_and_header(written):
    lang, folder, _ = written
    book = openpyxl.load_workbook(folder / "responsibility.xlsx")
    expected = [label(k, lang) for k in (
        "sheet_summary", "sheet_listing", "sheet_responsibility", "sheet_responsibility_pct",
        "sheet_sharing", "sheet_transfers", "sheet_city_county", "sheet_protected",
        "sheet_indicators", "sheet_about")]
    assert book.sheetnames == expected
    sheet = book[label("sheet_responsibility", lang)]
    table = only_table(sheet, label("total", lang))
    for key in ("region", "region_name", "tier", "item_name", "year", "standard_cost", "central",
                "province", "prefecture_level", "county", "shortfall"):
        assert label(key, lang) in table.header
    assert sheet.freeze_panes == f"A{table.header_row + 1}"
    assert sheet.page_setup.orientation in ("portrait", "landscape")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${table.header_row}:${table.header_row}"


def test_responsibility_rows_add_up_to_the_totals_and_the_results(written, results):
    lang, folder, _ = written
    book = openpyxl.load_workbook(folder / "responsibility.xlsx", data_only=True)
    table = only_table(book[label("sheet_responsibility", lang)], label("total", lang))
    body = table.values()
    assert len(body) == 4 * 2 * 2 and table.total is not None
    for key, level in (("central", "central"), ("province", "province"),
                       ("prefecture_level", "prefecture"), ("county", "county")):
        k = table.column(label(key, lang))
        column = sum(fen(row[k]) for row in body)
        assert column == fen(table.total[k].value)  # as displayed, to the fen
        assert column / 100 == pytest.approx(
            float(results["funding"].sel(level=level).sum()) / 1e4, abs=0.01 * len(body))
        assert table.formats(k) == {"#,##0.00"}
    summary = book[label("sheet_summary", lang)]
    by_level = table_titled(summary, label("by_level_year", lang), label("total", lang))
    assert by_level.total[1].value == pytest.approx(
        float(results["standard_cost"].sum()) / 1e4, abs=0.01 * len(body))
    percent = only_table(book[label("sheet_responsibility_pct", lang)], label("total", lang))
    assert percent.formats(percent.column(label("province_pct", lang))) == {"0.00%"}


def test_no_cell_holds_a_formula_and_input_text_stays_text(written):
    _, folder, files = written
    for path in [f for f in files if f.suffix == ".xlsx"]:
        parts = sheet_xml(path)
        assert not any(re.search(r"<f[ >]", xml) for xml in parts.values()), path
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path, cell.coordinate)
    book = openpyxl.load_workbook(folder / "responsibility.xlsx")
    texts = {c.value for s in book.worksheets for r in s.iter_rows() for c in r}
    assert EVIL in texts and "+丙市" in texts and "-义务教育" in texts


def test_a_prefecture_workbook_reveals_no_other_prefecture(written, results):
    _, folder, _ = written
    others = {"YA-P": ("YB-P", "乙市", "YC-P", "丙市"),
              "YB-P": ("YA-P", "甲市", "YA-C1", "甲一县", "YA-C2", "YC-P", "丙市"),
              "YC-P": ("YA-P", "甲市", "YA-C1", "YA-C2", "YB-P", "乙市")}
    for code, forbidden in others.items():
        path = next((folder / "prefectures").glob(f"{code}-*.xlsx"))
        parts = sheet_xml(path)
        blob = "\n".join(parts.values())
        for text in forbidden:
            assert text not in blob, (code, text)
        book = openpyxl.load_workbook(path, data_only=True)
        table = only_table(book[label("sheet_responsibility", written[0])],
                           label("total", written[0]))
        regions = {r[0] for r in table.values()}
        mine = {"YA-P": {"YA-C1", "YA-C2"}, "YB-P": {"YB-P"}, "YC-P": {"YC-P"}}[code]
        assert mine <= regions


def test_workbooks_are_deflated_whole_and_zipfile_is_left_as_it_was(written):
    import zlib

    _, folder, files = written
    assert zipfile.zlib is zlib  # the ISA-L swap of report.xlsx._deflating is undone
    for path in (p for p in files if p.suffix == ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None  # every part inflates to its recorded CRC
            assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}


def test_isal_deflates_where_installed_and_zlib_does_otherwise(monkeypatch):
    import sys
    import zlib

    from fiscalshare.report.xlsx import _isal_deflate

    isal_zlib = pytest.importorskip("isal.isal_zlib")
    swapped = _isal_deflate(zlib)
    assert swapped.compressobj is isal_zlib.compressobj
    assert swapped.crc32 is zlib.crc32 and swapped.decompressobj is zlib.decompressobj
    data = "<row>支出责任</row>".encode() * 5000
    packed = swapped.compressobj(1, swapped.DEFLATED, -15)
    assert zlib.decompress(packed.compress(data) + packed.flush(), -15) == data
    monkeypatch.setitem(sys.modules, "isal", None)  # not installed
    assert _isal_deflate(zlib) is zlib


def test_sheet_names_are_safe_and_unique():
    taken: set[str] = set()
    first = safe_sheet_name("支出/责任:表*[2021]?" + "长" * 40, taken)
    second = safe_sheet_name("支出/责任:表*[2021]?" + "长" * 40, taken)
    for name in (first, second):
        assert len(name) <= 31 and not set(name) & set("\\*?:/[]")
    assert first != second


def test_plots_exist_are_sized_and_not_blank(written, results):
    from matplotlib import image

    _, folder, _ = written
    names = sorted(p.name for p in (folder / "plots").iterdir())
    has_shortfall = float(results["shortfall"].sum()) > 0
    expected = {"transfer_vs_capacity.png", "shares_by_level.png"}
    if has_shortfall:
        expected.add("shortfall_by_item.png")
    assert set(names) == expected
    for name in names:
        pixels = image.imread(folder / "plots" / name)
        assert pixels.shape[0] > 300 and pixels.shape[1] > 600
        assert float(pixels[..., :3].std()) > 0.05


@pytest.mark.slow
def test_the_province_workbook_opens_in_libreoffice(written, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-calc-nogui)")
    _, folder, _ = written
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(folder / "responsibility.xlsx")],
        capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "responsibility.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    assert np.isfinite(pdf.stat().st_size)


def test_a_file_zipped_whole_makes_the_entry_zipfile_write_makes(tmp_path):
    from fiscalshare.report.xlsx import _WholeFileZip

    part = tmp_path / "sheet1.xml"
    part.write_bytes(b"<row r=\"1\"><c><v>3.25</v></c></row>" * 20_000)
    entries = []
    for kind in (zipfile.ZipFile, _WholeFileZip):
        path = tmp_path / f"{kind.__name__}.zip"
        with kind(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.write(part, "xl/worksheets/sheet1.xml")
        with zipfile.ZipFile(path) as archive:
            assert archive.read("xl/worksheets/sheet1.xml") == part.read_bytes()
            entries.append([(i.filename, i.date_time, i.external_attr, i.compress_type,
                             i.file_size, i.CRC) for i in archive.infolist()])
    assert entries[0] == entries[1]


def test_the_sharing_table_of_no_regions_has_no_rows_and_no_columns(results):
    from fiscalshare.report import tables
    from fiscalshare.report.amounts import fen_of

    none = np.zeros(results.sizes["region"], dtype=bool)
    assert tables.sharing(results, fen_of(results), none, "zh").frame.shape == (0, 0)
    every = tables.sharing(results, fen_of(results), ~none, "zh").frame
    assert len(every) and {label("tier", "zh"), label("item_name", "zh")} <= set(every.columns)


def test_text_as_object_columns_changes_nothing_in_the_workbook(results, tmp_path, monkeypatch):
    """``xlsx.object_strings`` (object columns instead of pandas 3's Arrow text while a
    workbook's tables are built) is for speed only: every part of the workbook is the same
    without it, and pandas' own setting is given back, also when the writing fails."""
    import pandas as pd

    from fiscalshare.report import responsibility, xlsx

    before = xlsx._infer_string(None)
    fast = responsibility.write_workbook(results, tmp_path / "fast.xlsx", prefecture="YA-P")
    assert xlsx._infer_string(None) == before
    monkeypatch.setattr(responsibility, "object_strings", contextlib.nullcontext)
    plain = responsibility.write_workbook(results, tmp_path / "plain.xlsx", prefecture="YA-P")
    one, other = sheet_xml(fast), sheet_xml(plain)
    one.pop("docProps/core.xml"), other.pop("docProps/core.xml")  # the time of writing
    assert one == other

    seen = []
    with pytest.raises(RuntimeError), xlsx.object_strings():
        seen.append(pd.DataFrame({"a": ["甲"]})["a"].dtype)
        raise RuntimeError
    assert seen == [np.dtype(object)]
    assert xlsx._infer_string(None) == before


def test_title_lines_are_merged_ranges_without_blank_cells(written):
    """The title block and notes span the table as merged ranges; the other cells of a range
    are not written (no border or fill to carry), and the text stands in its first cell."""
    _, _, files = written
    xml = sheet_xml(next(p for p in files if p.name == "responsibility.xlsx"))
    sheet = xml["xl/worksheets/sheet1.xml"]
    merges = re.findall(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/>', sheet)
    assert merges and all(a == "A" and r1 == r2 for a, r1, _, r2 in merges)
    for _, row, _, _ in merges:
        cells = re.findall(r'<c r="([A-Z]+)' + row + r'"', sheet)
        assert cells == ["A"], (row, cells)  # only the text's cell
    book = openpyxl.load_workbook(next(p for p in files if p.name == "responsibility.xlsx"))
    first = book.worksheets[0]
    assert first["A1"].value and any(str(r).startswith("A1:") for r in first.merged_cells.ranges)


def test_the_allowed_range_is_centred_apart_from_the_share_beside_it(written):
    """σ's figure is right-aligned and its allowed range ("20%–60%") sits beside it: left-aligned,
    the two read as one ("30.00%20%–60%"), so the range is centred in its column."""
    lang, folder, _ = written
    sheet = openpyxl.load_workbook(folder / "responsibility.xlsx")[label("sheet_sharing", lang)]
    header = next(row for row in sheet.iter_rows() if any(
        cell.value == label("share_range", lang) for cell in row))
    column = next(cell.column for cell in header if cell.value == label("share_range", lang))
    ranges = [sheet.cell(row, column) for row in range(header[0].row + 1, sheet.max_row + 1)
              if isinstance(sheet.cell(row, column).value, str)
              and "–" in sheet.cell(row, column).value]
    assert ranges and all(cell.alignment.horizontal == "center" for cell in ranges)
    shares = [sheet.cell(cell.row, column - 1) for cell in ranges]
    assert all(isinstance(cell.value, float) and cell.alignment.horizontal in (None, "general",
                                                                                 "right")
               for cell in shares)


def test_equity_changes_are_the_differences_of_the_figures_shown(results):
    """变化 is the shown 转移支付后 less the shown 转移支付前 (0.0214 → 0.0037 is −0.0177, not the
    exact difference rounded, −0.0178)."""
    from fiscalshare.report.tables import equity

    for lang in ("zh", "en"):
        frame = equity(results, lang).frame
        before, after, change = (frame[label(k, lang)].to_numpy(float)
                                 for k in ("before", "after", "change"))
        np.testing.assert_array_equal(np.round(after * 1e4) - np.round(before * 1e4),
                                      np.round(change * 1e4))


def test_a_share_range_whose_bounds_meet_is_one_share():
    from fiscalshare.report.tables import _share_range

    assert _share_range(0.5, 0.5) == "50%"
    assert _share_range(0.2, 0.3) == "20%–30%"
    assert _share_range(0.0, 1.0) == "0%–100%"
