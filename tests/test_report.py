"""The spending-responsibility reports, opened the way their readers open them (issue 4).

Everything here is written by ``fiscalshare.report.write_reports`` from real solves of small cases:
a two-prefecture case (prefecture PFA100 with the counties CTA101 and CTA102, prefecture PFB200
without counties; two items, two years, a provincial budget tight enough that the soft item falls
short), the same case with hostile names, and the packaged Guizhou example (no shortfall).
"""

from __future__ import annotations

import html
import re
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pytest
from tests.factories import case

from fiscalshare.config import load_config
from fiscalshare.examples import example_path
from fiscalshare.io import load_case
from fiscalshare.report import fastsheet, plots, write_reports
from fiscalshare.report.filenames import prefecture_file_names
from fiscalshare.report.labels import LABELS, label
from fiscalshare.report.xlsx import MONEY, PERCENT, SHARE, safe_sheet_name
from fiscalshare.solve import solve_case

YEARS = (2021, 2022)
EVIL = '=HYPERLINK("http://x","y")'
NAMES = {"PFA100": "甲州市", "CTA101": "东坡县", "CTA102": "西岭县", "PFB200": "乙州市"}
HOSTILE = {"PFA100": "-甲州市", "CTA101": "+东坡县", "CTA102": "@西岭县", "PFB200": EVIL}
SHEET_KEYS = ("sheet_summary", "sheet_responsibility", "sheet_sharing", "sheet_transfers",
              "sheet_indicators", "sheet_about")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# the columns of each table, in order (``fiscalshare.report.tables``)
RESPONSIBILITY = ("region", "region_name", "item", "item_name", "year", "standard_cost",
                  "central", "province", "prefecture_level", "county", "shortfall",
                  "central_pct", "province_pct", "prefecture_pct", "county_pct", "shortfall_pct")
TRANSFERS = ("unit", "unit_name", "year", "cofinancing", "equalisation", "transfer", "burden",
             "capacity")
SHARING = ("tier", "item", "item_name", "share", "share_min", "share_max", "prefecture_share")
INDICATORS = ("indicator", "indicator_name", "domain", "indicator_unit", "baseline_year",
              "baseline", "target_year", "target", "nature", "item", "indicator_regions")
BY_LEVEL = ("year", "standard_cost", "central", "province", "prefecture_level", "county",
            "shortfall")
LEVELS = (("central", "central"), ("province", "province"), ("prefecture_level", "prefecture"),
          ("county", "county"))
MONEY_KEYS = ("standard_cost", "central", "province", "prefecture_level", "county", "shortfall",
              "cofinancing", "equalisation", "transfer", "burden", "capacity")
PERCENT_KEYS = ("central_pct", "province_pct", "prefecture_pct", "county_pct", "shortfall_pct")
SHARE_KEYS = ("share", "share_min", "share_max", "prefecture_share")


def two_prefectures(names=NAMES, *, item_name="寄宿生补助", indicators=True):
    """PFA100 (tier 1) with counties CTA101 (tier 1, rich) and CTA102 (tier 2, poor), and
    PFB200 (tier 2) without counties; a hard and a soft item; 2021–2022; budget 30 万元 a year."""
    regions = [
        {"code": "PFA100", "name": names["PFA100"], "parent": "", "tier": 1, "population": 300.0},
        {"code": "CTA101", "name": names["CTA101"], "parent": "PFA100", "tier": 1,
         "population": 100.0},
        {"code": "CTA102", "name": names["CTA102"], "parent": "PFA100", "tier": 2,
         "population": 200.0},
        {"code": "PFB200", "name": names["PFB200"], "parent": "", "tier": 2, "population": 150.0},
    ]
    items = [{"code": "HEA", "name": "公共卫生", "domain": "病有所医", "rule": "ratio",
              "binding": "hard"},
             {"code": "EDU", "name": item_name, "domain": "学有所教", "rule": "ratio",
              "binding": "soft"}]
    capacity = {"PFA100": 30000.0, "CTA101": 300000.0, "CTA102": 20000.0, "PFB200": 40000.0}
    return case(
        regions=regions, items=items,
        standards=[{"item": i, "year": y, "unit_cost": 100.0 * (1.1 if y == 2022 else 1.0),
                    "central_share": 0.5} for i in ("HEA", "EDU") for y in YEARS],
        beneficiaries=[{"region": r, "item": i, "year": y, "units": 2000.0}
                       for r in ("CTA101", "CTA102", "PFB200") for i in ("HEA", "EDU")
                       for y in YEARS],
        capacity=[{"region": r, "year": y, "fiscal_capacity": c} for r, c in capacity.items()
                  for y in YEARS],
        sharing=[{"tier": t, "item": i, "province_min": 0.1, "province_max": 0.6,
                  "province_share": 0.3, "prefecture_share": 0.4}
                 for t in (1, 2) for i in ("HEA", "EDU")],
        budget=[{"year": y, "provincial_budget": 300000.0, "equalisation_pool": None}
                for y in YEARS],
        indicators=[{"code": "IND1", "name": "参保率", "domain": "病有所医",
                     "baseline_year": 2020, "baseline": 92.8, "target_year": 2025,
                     "target": 95.0, "nature": "预期性"}] if indicators else None,
        years=YEARS,
    )


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def solved():
    config = load_config("default")
    return {
        "small": solve_case(two_prefectures(), config),
        "guizhou": solve_case(load_case(example_path("guizhou")), config),
        "hostile": solve_case(two_prefectures(HOSTILE, item_name="\t寄宿生补助",
                                              indicators=False), config),
    }


@pytest.fixture(scope="module")
def reports(solved, tmp_path_factory):
    """(case, lang) -> the folder its reports were written to (written once per module)."""
    folders = {}
    for name, results in solved.items():
        for lang in ("zh", "en"):
            folder = tmp_path_factory.mktemp(f"{name}-{lang}")
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # e.g. a glyph missing from the plot font
                write_reports(results, folder, lang=lang)
            folders[name, lang] = folder
    return folders


CASES = [("small", "zh"), ("small", "en"), ("guizhou", "zh"), ("guizhou", "en")]
ALL_CASES = [*CASES, ("hostile", "zh"), ("hostile", "en")]


def prefectures(results) -> list[str]:
    return [str(c) for c in results["unit"].values[results["unit_level"].values == "prefecture"]]


def workbooks(folder: Path, results) -> list[Path]:
    return [folder / "responsibility.xlsx"] + [book_of(folder, results, p)
                                                for p in prefectures(results)]


def book_of(folder: Path, results, code: str) -> Path:
    """The prefecture's workbook, named by its code and name (report/filenames.py)."""
    level = results["unit_level"].values == "prefecture"
    pairs = zip(results["unit"].values[level], results["unit_name"].values[level], strict=True)
    return folder / "prefectures" / prefecture_file_names(pairs)[str(code)]


def region_mask(results, prefecture):
    if prefecture is None:
        return np.ones(results.sizes["region"], dtype=bool)
    return results["region_prefecture"].values == prefecture


def unit_mask(results, prefecture):
    if prefecture is None:
        return np.ones(results.sizes["unit"], dtype=bool)
    return (results["unit"].values == prefecture) | (results["unit_parent"].values == prefecture)


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def cell_texts(path: Path) -> list[str]:
    """Every string stored in the cells: inline strings and the shared-string table."""
    texts = []
    for name, xml in xml_parts(path).items():
        if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
            root = ElementTree.fromstring(xml)
            for item in root.iter(f"{{{MAIN}}}is"):
                texts.append("".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t")))
            for item in root.iter(f"{{{MAIN}}}si"):
                texts.append("".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t")))
    return texts


def table(ws, lang, header_row=1):
    """(header, body rows, totals row or None) of a sheet that holds one table."""
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    total = body.pop() if body and body[-1][0] == label("total", lang) else None
    return header, body, total


def summary_section(ws, key, lang):
    """(header, body, total) of the summary section titled ``label(key)``."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(k for k, r in enumerate(rows) if r[0] == label(key, lang))
    header, body = rows[start + 1], []
    for row in rows[start + 2:]:
        if row[0] == label("total", lang):
            return header, body, row
        body.append(row)
    raise AssertionError(f"no totals row under {label(key, lang)}")


def column(header, key, lang):
    return header.index(label(key, lang))


# ---------------------------------------------------------------- the label catalogue


def test_the_catalogue_has_the_contract_sheet_names():
    assert [LABELS[k][0] for k in SHEET_KEYS] == ["汇总", "支出责任表", "分担比例", "转移支付",
                                                  "规划指标", "说明"]
    assert [LABELS[k][1] for k in SHEET_KEYS] == ["Summary", "Responsibility", "Sharing ratios",
                                                  "Transfers", "Indicators", "About"]


def test_every_label_has_both_languages_and_english_has_no_chinese_but_the_glossed_terms():
    for key, (zh, en) in LABELS.items():
        assert zh and en, key
        assert label(key, "zh") == zh and label(key, "en") == en
        assert not re.search(r"[\u4e00-\u9fff]", en.replace("约束性", "")), key


# ---------------------------------------------------------------- sheets and headers


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_every_workbook_has_its_sheets_in_its_language(reports, solved, name, lang):
    results = solved[name]
    has_indicators = results.sizes.get("indicator", 0) > 0
    province = [label(k, lang) for k in SHEET_KEYS if k != "sheet_indicators" or has_indicators]
    prefecture = province  # the small case's and Guizhou's indicators are province-wide
    folder = reports[name, lang]
    assert openpyxl.load_workbook(folder / "responsibility.xlsx").sheetnames == province
    files = sorted(p.name for p in (folder / "prefectures").iterdir())
    assert files == sorted(book_of(folder, results, p).name for p in prefectures(results))
    for path in workbooks(folder, results)[1:]:
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == prefecture, path.name
        assert all(ws.sheet_state == "visible" for ws in book.worksheets)


def test_the_indicators_sheet_is_there_exactly_when_the_case_has_indicators(solved, reports):
    assert solved["small"].sizes["indicator"] == 1 and solved["guizhou"].sizes["indicator"] == 4
    assert solved["hostile"].sizes.get("indicator", 0) == 0
    for lang in ("zh", "en"):
        names = openpyxl.load_workbook(reports["hostile", lang] / "responsibility.xlsx").sheetnames
        assert label("sheet_indicators", lang) not in names


@pytest.mark.parametrize("name, lang", CASES)
def test_header_labels_come_from_the_catalogue(reports, solved, name, lang):
    results = solved[name]
    for path in workbooks(reports[name, lang], results):
        book = openpyxl.load_workbook(path)

        def sheet(key, book=book):
            return book[label(key, lang)]

        assert [c.value for c in sheet("sheet_responsibility")[1]] == [
            label(k, lang) for k in RESPONSIBILITY]
        assert [c.value for c in sheet("sheet_transfers")[1]] == [label(k, lang) for k in TRANSFERS]
        assert [c.value for c in sheet("sheet_sharing")[1]] == [label(k, lang) for k in SHARING]
        assert [c.value for c in sheet("sheet_about")[1]] == [label("key", lang),
                                                               label("value", lang)]
        summary = sheet("sheet_summary")
        header, _, _ = summary_section(summary, "by_level_year", lang)
        assert list(header[:len(BY_LEVEL)]) == [label(k, lang) for k in BY_LEVEL]
        header, _, _ = summary_section(summary, "by_domain_level", lang)
        assert list(header[:7]) == [label(k, lang) for k in ("domain", *BY_LEVEL[1:])]
        header, _, _ = summary_section(summary, "transfers_by_region", lang)
        assert list(header[:2]) == [label("unit", lang), label("unit_name", lang)]
        assert [y for y in header[2:] if y] == [str(y) for y in results["year"].values]
        for ws in book.worksheets:
            for cell in ws[1 if ws.title != label("sheet_summary", lang) else 2]:
                if cell.value is not None:
                    assert cell.style == "fs_header", (path.name, ws.title, cell.coordinate)
        if path.name == "responsibility.xlsx" and results.sizes.get("indicator", 0):
            assert [c.value for c in sheet("sheet_indicators")[1]] == [
                label(k, lang) for k in INDICATORS]
        assert {"fs_header", "fs_title", "fs_total"} <= set(book.named_styles)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_about_sheet_tells_the_case_scope_and_provenance(reports, solved, lang):
    results = solved["small"]
    for path in workbooks(reports["small", lang], results):
        book = openpyxl.load_workbook(path)
        rows = dict(list(book[label("sheet_about", lang)].iter_rows(min_row=2, values_only=True)))
        assert rows[label("about_case", lang)] == results.attrs["case"]
        assert rows[label("about_termination", lang)] == results.attrs["termination"]
        assert rows[label("about_money", lang)] == label("about_money_value", lang)
        assert results.attrs["fiscalshare_version"] in rows[label("about_versions", lang)]
        assert rows[label("about_created", lang)] == results.attrs["created_utc"]
        if path.name == "responsibility.xlsx":
            assert rows[label("about_scope", lang)] == label("scope_province", lang)
            assert rows[label("about_source", lang)] == results.attrs["source"]
        else:  # the prefecture's own code and name (not the sheet's title)
            code = path.stem.split("-")[0]
            assert rows[label("about_scope", lang)] == f"{code} {NAMES[code]}"
            assert label("about_source", lang) not in rows


# ---------------------------------------------------------------- figures add up


def _check_adds_up(book, results, lang, prefecture):
    mask = region_mask(results, prefecture)
    sub = results.isel(region=np.flatnonzero(mask))
    header, body, total = table(book[label("sheet_responsibility", lang)], lang)
    years = results["year"].values.astype(int)
    assert len(body) == mask.sum() * results.sizes["item"] * len(years)
    assert len({(r[0], r[2], r[4]) for r in body}) == len(body)
    assert {r[0] for r in body} == set(sub["region"].values)
    year_col = column(header, "year", lang)
    summary_header, level_rows, level_total = summary_section(
        book[label("sheet_summary", lang)], "by_level_year", lang)
    assert [int(r[0]) for r in level_rows] == list(years)
    for key in ("standard_cost", "shortfall", *(k for k, _ in LEVELS)):
        k = column(header, key, lang)
        s = summary_header.index(label(key, lang))
        values = np.array([r[k] for r in body], dtype=float)
        assert values.sum() == pytest.approx(total[k], rel=1e-9, abs=1e-9), key
        assert total[k] == pytest.approx(level_total[s], rel=1e-9, abs=1e-9), key
        for j, year in enumerate(years):
            of_year = values[np.array([r[year_col] for r in body]) == year].sum()
            assert of_year == pytest.approx(level_rows[j][s], rel=1e-9, abs=1e-9), (key, year)
        if key in ("standard_cost", "shortfall"):
            expected = sub[key]
        else:
            expected = sub["funding"].sel(level=dict(LEVELS)[key])
        by_year = expected.sum(("region", "item")).values / 1e4
        for j in range(len(years)):
            assert abs(level_rows[j][s] - by_year[j]) < 0.005, (key, years[j])  # 2 decimals
            assert level_rows[j][s] == pytest.approx(by_year[j], rel=1e-9, abs=1e-9)
        assert abs(total[k] - by_year.sum()) < 0.005
    # each row: the four levels and the shortfall make up the standard cost, shares are of it
    cost = column(header, "standard_cost", lang)
    parts = [column(header, k, lang) for k in ("central", "province", "prefecture_level", "county",
                                               "shortfall")]
    shares = [column(header, k, lang) for k in (*PERCENT_KEYS[:4], "shortfall_pct")]
    for row in body:
        assert sum(row[p] for p in parts) == pytest.approx(row[cost], rel=1e-9, abs=1e-9)
        if row[cost] > 0:
            for p, s in zip(parts, shares, strict=True):
                assert row[s] == pytest.approx(row[p] / row[cost], rel=1e-9, abs=1e-12)
    # the transfers sheet and the summary's transfers by region
    units = unit_mask(results, prefecture)
    subu = results.isel(unit=np.flatnonzero(units))
    header, body, total = table(book[label("sheet_transfers", lang)], lang)
    assert len(body) == units.sum() * len(years)
    assert {r[0] for r in body} == set(subu["unit"].values)
    k = column(header, "transfer", lang)
    assert sum(r[k] for r in body) == pytest.approx(total[k], rel=1e-9, abs=1e-9)
    assert total[k] == pytest.approx(float(subu["transfer"].sum()) / 1e4, rel=1e-9, abs=1e-9)
    e, c = column(header, "equalisation", lang), column(header, "cofinancing", lang)
    for row in body:
        assert row[e] + row[c] == pytest.approx(row[k], rel=1e-9, abs=1e-9)
    _, wide, wide_total = summary_section(book[label("sheet_summary", lang)],
                                          "transfers_by_region", lang)
    for j in range(len(years)):
        assert wide_total[2 + j] == pytest.approx(float(subu["transfer"].isel(year=j).sum()) / 1e4,
                                                  rel=1e-9, abs=1e-9)
    assert [r[0] for r in wide] == list(subu["unit"].values)


@pytest.mark.parametrize("name, lang", CASES)
def test_responsibility_rows_add_up_to_the_summary_and_the_results(reports, solved, name, lang):
    results = solved[name]
    folder = reports[name, lang]
    _check_adds_up(openpyxl.load_workbook(folder / "responsibility.xlsx"), results, lang, None)
    for code in prefectures(results):
        book = openpyxl.load_workbook(book_of(folder, results, code))
        _check_adds_up(book, results, lang, code)


def test_the_small_case_has_a_shortfall_and_a_prefecture_share(solved):
    """The fixture exercises every column: county and prefecture parts, and a shortfall."""
    results = solved["small"]
    funding = results["funding"].sum(("region", "item", "year"))
    assert (funding > 0).all()
    assert float(results["shortfall"].sum()) > 0
    assert float(results["shortfall"].sel(item="HEA").sum()) == 0  # the hard item is met
    assert float(solved["guizhou"]["shortfall"].sum()) == 0


def test_a_prefecture_workbook_repeats_the_province_rows_of_its_regions(reports, solved):
    lang = "zh"
    province = openpyxl.load_workbook(reports["small", lang] / "responsibility.xlsx")
    _, rows, _ = table(province[label("sheet_responsibility", lang)], lang)
    for code in prefectures(solved["small"]):
        book = openpyxl.load_workbook(book_of(reports["small", lang], solved["small"], code))
        _, own, _ = table(book[label("sheet_responsibility", lang)], lang)
        visible = {"PFA100": {"CTA101", "CTA102"}, "PFB200": {"PFB200"}}[code]
        assert own == [r for r in rows if r[0] in visible]


def test_the_summary_notes_say_whether_hard_items_are_met(reports, solved):
    for lang in ("zh", "en"):
        book = openpyxl.load_workbook(reports["small", lang] / "responsibility.xlsx")
        values = [r for r in book[label("sheet_summary", lang)].iter_rows(values_only=True)]
        firsts = [r[0] for r in values]
        assert label("hard_met", lang) in firsts and label("hard_short", lang) not in firsts
        soft = next(r for r in values if r[0] == label("soft_short", lang))
        assert soft[1] == pytest.approx(float(solved["small"]["shortfall"].sum()) / 1e4)
        z2 = next(r for r in values if r[0] == label("z2", lang))
        assert z2[1] == pytest.approx(solved["small"].attrs["objective_cost"] / 1e4)


# ---------------------------------------------------------------- formats and print setup


@pytest.mark.parametrize("name, lang", CASES)
def test_money_percent_and_share_formats(reports, solved, name, lang):
    formats = {**{label(k, lang): MONEY for k in MONEY_KEYS},
               **{label(k, lang): PERCENT for k in PERCENT_KEYS},
               **{label(k, lang): SHARE for k in SHARE_KEYS}}
    assert (MONEY, PERCENT) == ("#,##0.00", "0.00%")
    for path in workbooks(reports[name, lang], solved[name]):
        book = openpyxl.load_workbook(path)
        checked = set()
        for key in ("sheet_responsibility", "sheet_transfers", "sheet_sharing"):
            ws = book[label(key, lang)]
            header = [c.value for c in ws[1]]
            for row in ws.iter_rows(min_row=2):
                for cell, name_ in zip(row, header, strict=False):
                    if name_ in formats and isinstance(cell.value, float | int):
                        assert cell.number_format == formats[name_], (path.name, ws.title,
                                                                      cell.coordinate)
                        checked.add(formats[name_])
        assert checked == {MONEY, PERCENT, SHARE}
        summary = book[label("sheet_summary", lang)]
        for key in ("by_level_year", "by_domain_level", "transfers_by_region"):
            rows = list(summary.iter_rows())
            start = next(k for k, r in enumerate(rows) if r[0].value == label(key, lang))
            for row in rows[start + 2:]:
                for cell in row[1:]:
                    if isinstance(cell.value, float | int):
                        assert cell.number_format == MONEY, (path.name, cell.coordinate)
                if row[0].value == label("total", lang):
                    assert row[0].style == "fs_total"
                    break


@pytest.mark.parametrize("name, lang", CASES)
def test_every_sheet_is_frozen_fitted_and_ready_to_print(reports, solved, name, lang):
    for path in workbooks(reports[name, lang], solved[name]):
        for ws in openpyxl.load_workbook(path).worksheets:
            where = (path.name, ws.title)
            summary = ws.title == label("sheet_summary", lang)
            assert ws.freeze_panes == ("A3" if summary else "A2"), where
            assert ws.print_title_rows == ("$2:$2" if summary else "$1:$1"), where
            assert ws.page_setup.orientation == "landscape", where
            assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
            for k in range(1, ws.max_column + 1):
                letter = openpyxl.utils.get_column_letter(k)
                assert 8 <= ws.column_dimensions[letter].width <= 100, (where, letter)


# ---------------------------------------------------------------- no formulas, safe text


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_no_formula_anywhere(reports, solved, name, lang):
    for path in workbooks(reports[name, lang], solved[name]):
        parts = xml_parts(path)
        assert "xl/calcChain.xml" not in parts
        for part, xml in parts.items():
            assert not re.search(r"<(?:\w+:)?f[\s>/]", xml), (path.name, part)
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_names_are_written_as_literal_text(reports, solved, lang):
    results = solved["hostile"]
    folder = reports["hostile", lang]
    item = "\t寄宿生补助"
    expected = {
        "responsibility.xlsx": set(HOSTILE.values()) | {item},
        book_of(folder, results, "PFA100").name: {HOSTILE["PFA100"], HOSTILE["CTA101"],
                                                  HOSTILE["CTA102"], item},
        book_of(folder, results, "PFB200").name: {EVIL, item},
    }
    for path in workbooks(folder, results):
        texts = cell_texts(path)
        for text in expected[path.name]:
            assert text in texts, (path.name, text)  # stored as a string, verbatim
        book = openpyxl.load_workbook(path)
        seen = set()
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value in expected[path.name]:
                        assert cell.data_type == "s", (path.name, ws.title, cell.coordinate)
                        assert cell.quotePrefix, (path.name, ws.title, cell.coordinate)
                        seen.add(cell.value)
        assert seen == expected[path.name], path.name
    # the prefecture's own hostile name is also its title in the document properties: as text
    core = xml_parts(book_of(folder, results, "PFB200"))["docProps/core.xml"]
    title = ElementTree.fromstring(core).find("{http://purl.org/dc/elements/1.1/}title").text
    assert title == f"{EVIL} {label('sheet_responsibility', lang)}"


def test_control_characters_in_names_are_dropped_not_fatal(solved, tmp_path):
    """XML cannot hold most control characters: a name with one used to stop the run with an
    openpyxl IllegalCharacterError after the solve; now the character is dropped."""
    results = solved["small"].copy()
    region_names = results["region_name"].values.copy()
    unit_names = results["unit_name"].values.copy()
    region_names[list(results["region"].values).index("PFB200")] = "乙\x01州\x1f市"
    unit_names[list(results["unit"].values).index("PFB200")] = "乙\x01州\x1f市"
    results = results.assign_coords(region_name=("region", region_names),
                                    unit_name=("unit", unit_names))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_reports(results, tmp_path, lang="zh")
    for path in (tmp_path / "responsibility.xlsx", book_of(tmp_path, results, "PFB200")):
        texts = cell_texts(path)
        assert "乙州市" in texts and not any("\x01" in t for t in texts)
    book = openpyxl.load_workbook(book_of(tmp_path, results, "PFB200"))
    assert book.properties.title == "乙州市 支出责任表"


def test_safe_sheet_name_removes_forbidden_characters_and_truncates():
    taken: set[str] = set()
    name = safe_sheet_name('支出/责任:表*[2021]?\\"x"', taken)
    assert not set(name) & set('\\*?:/[]') and len(name) <= 31
    assert name == '支出_责任_表__2021___"x"'
    long = safe_sheet_name("长" * 40, taken)
    assert long == "长" * 31
    assert safe_sheet_name("'quoted'", taken) == "quoted"
    assert safe_sheet_name("''", taken) == "Sheet"
    assert taken == {name, long, "quoted", "Sheet"}


def test_safe_sheet_name_keeps_names_unique_ignoring_case():
    taken: set[str] = set()
    names = [safe_sheet_name("Responsibility " + "x" * 30, taken) for _ in range(12)]
    names += [safe_sheet_name(n, taken) for n in ("Summary", "SUMMARY", "summary")]
    assert len({n.lower() for n in names}) == len(names) == len(taken)
    for name in names:
        assert 0 < len(name) <= 31 and not set(name) & set('\\*?:/[]')
    assert names[-3:] == ["Summary", "SUMMARY~2", "summary~3"]


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_written_sheet_names_are_safe_and_unique(reports, solved, name, lang):
    for path in workbooks(reports[name, lang], solved[name]):
        names = openpyxl.load_workbook(path).sheetnames
        assert len({n.lower() for n in names}) == len(names)
        for sheet in names:
            assert 0 < len(sheet) <= 31 and not set(sheet) & set('\\*?:/[]')


def test_one_responsibility_sheet_per_year_beyond_the_row_limit(solved, tmp_path, monkeypatch):
    """Above Excel's row limit the table is split by year, each sheet with a safe unique name."""
    monkeypatch.setattr(fastsheet, "EXCEL_MAX_ROWS", 10)  # the small case has 12 rows
    write_reports(solved["small"], tmp_path, lang="en")
    book = openpyxl.load_workbook(tmp_path / "responsibility.xlsx")
    assert book.sheetnames[1:3] == ["Responsibility 2021", "Responsibility 2022"]
    for year in YEARS:
        _, body, _ = table(book[f"Responsibility {year}"], "en")
        assert len(body) == 6 and {r[4] for r in body} == {year}


def test_streamed_sheets_hold_the_same_cells_as_openpyxl_ones(solved, reports, tmp_path,
                                                              monkeypatch):
    """Long tables are streamed in after saving (``report.fastsheet``): same values, same
    formats, totals row and text, still no formula."""
    monkeypatch.setattr(fastsheet, "FAST_ROWS", 2)
    write_reports(solved["hostile"], tmp_path, lang="zh")
    for path in workbooks(tmp_path, solved["hostile"]):
        reference = reports["hostile", "zh"] / path.relative_to(tmp_path)
        streamed, written = openpyxl.load_workbook(path), openpyxl.load_workbook(reference)
        for key in ("sheet_responsibility", "sheet_transfers"):
            a, b = streamed[label(key, "zh")], written[label(key, "zh")]
            assert a.max_row == b.max_row and a.max_column == b.max_column
            for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
                for x, y in zip(row_a, row_b, strict=True):
                    # openpyxl writes floats with 16 significant digits, the stream all 17
                    number = isinstance(y.value, int | float)  # openpyxl reads "22" back as int
                    expected = pytest.approx(y.value, rel=1e-15) if number else y.value
                    assert x.value == expected, (path.name, key, x.coordinate)
                    if y.value is not None:
                        assert x.number_format == y.number_format, (path.name, x.coordinate)
                        assert x.data_type == y.data_type
        assert not any(re.search(r"<(?:\w+:)?f[\s>/]", xml) for xml in xml_parts(path).values())


# ---------------------------------------------------------------- need to know


def test_prefectures_whose_codes_look_alike_get_a_workbook_each(tmp_path):
    """File names replace unsafe characters; codes that then collide (also ignoring case) must
    not overwrite each other's workbook, nor take each other's name in an order-dependent way,
    which would hand one prefecture another's figures (issue 16)."""
    codes = ("P/1", "P_1", "p_1", "a/b", "a_b", "a_b-2")
    results = solve_case(case(
        regions=[{"code": c, "name": f"市{k}", "parent": "", "tier": 1, "population": 100.0}
                 for k, c in enumerate(codes)],
        items=[{"code": "X", "name": "项目", "domain": "病有所医", "rule": "ratio",
                "binding": "soft"}],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "central_share": 0.5}],
        beneficiaries=[{"region": c, "item": "X", "year": 2021, "units": 100.0} for c in codes],
        capacity=[{"region": c, "year": 2021, "fiscal_capacity": 10000.0} for c in codes],
        sharing=[{"tier": 1, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.2, "prefecture_share": 0.0}],
    ), load_config("default"))
    written = write_reports(results, tmp_path, lang="en")
    books = [p for p in written if p.parent.name == "prefectures"]
    assert len({p.name.casefold() for p in books}) == len(codes)
    for code, name in zip(results["unit"].values, results["unit_name"].values, strict=True):
        path = book_of(tmp_path, results, code)
        assert path in books and path.name.startswith(f"{code.replace('/', '_')}-{name}")
        about = dict(openpyxl.load_workbook(path)["About"].iter_rows(min_row=2, values_only=True))
        assert about["Scope"].startswith(f"{code} ")
        _, body, _ = table(openpyxl.load_workbook(path)["Responsibility"], "en")
        assert {r[0] for r in body} == {code}


def _forbidden(results, prefecture):
    """Codes and names of every other prefecture and of its counties."""
    units = results["unit"].values.astype(str)
    names = results["unit_name"].values.astype(str)
    parents = results["unit_parent"].values.astype(str)
    own = (units == prefecture) | (parents == prefecture)
    return units[~own].tolist(), names[~own].tolist(), units[own].tolist(), names[own].tolist()


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_a_prefecture_workbook_holds_nothing_of_another_prefecture(reports, solved, name, lang):
    results = solved[name]
    folder = reports[name, lang]
    for prefecture in prefectures(results):
        path = book_of(folder, results, prefecture)
        parts = xml_parts(path)
        assert {"docProps/core.xml", "docProps/app.xml", "xl/workbook.xml"} <= set(parts)
        codes, names, own_codes, own_names = _forbidden(results, prefecture)
        assert codes and names
        for part, xml in parts.items():
            plain = html.unescape(xml)
            for code in codes:  # a code, not the same digits inside a longer number or code
                pattern = rf"(?<![0-9A-Za-z.]){re.escape(code)}(?![0-9A-Za-z])"
                assert not re.search(pattern, plain), (prefecture, part, code)
            for other in names:
                assert other not in plain and html.escape(other) not in xml, (prefecture, part,
                                                                               other)
        # its own rows and its counties' are all there
        texts = set(cell_texts(path))
        assert set(own_codes) <= texts and set(own_names) <= texts
        book = openpyxl.load_workbook(path)
        _, body, _ = table(book[label("sheet_responsibility", lang)], lang)
        receiving = results["region"].values[region_mask(results, prefecture)]
        assert {r[0] for r in body} == set(receiving)
        _, body, _ = table(book[label("sheet_transfers", lang)], lang)
        assert {r[0] for r in body} == set(own_codes)
        # and nothing province-wide: objective values, sources, equity metrics
        for key in ("z1", "z2", "about_source", "equity", "scope_province"):
            assert label(key, lang) not in texts, (prefecture, key)


def test_the_province_workbook_names_every_region(reports, solved):
    for name in ("small", "guizhou", "hostile"):
        results = solved[name]
        texts = set(cell_texts(reports[name, "zh"] / "responsibility.xlsx"))
        assert set(results["unit"].values) <= texts
        assert set(results["unit_name"].values) <= texts


# ---------------------------------------------------------------- plots


PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_plots_exist_are_sized_and_not_blank(reports, solved, name, lang):
    from matplotlib import image

    results = solved[name]
    folder = reports[name, lang] / "plots"
    expected = {"transfer_vs_capacity.png", "shares_by_level.png"}
    if float(results["shortfall"].sum()) > 0:
        expected.add("shortfall_by_item.png")
    assert {p.name for p in folder.iterdir()} == expected
    for path in sorted(folder.iterdir()):
        assert path.read_bytes()[:8] == PNG, path.name
        assert 5_000 < path.stat().st_size < 2_000_000, path.name
        pixels = image.imread(path)
        height, width = pixels.shape[:2]
        assert width >= 900 and 300 <= height <= 5000, (path.name, pixels.shape)
        assert float(pixels[..., :3].std()) > 0.02, path.name  # not a blank canvas
        assert float(pixels[..., :3].mean()) > 0.5, path.name  # a light background


def test_the_shortfall_plot_appears_only_with_a_shortfall(reports, solved):
    assert float(solved["small"]["shortfall"].sum()) > 0
    assert float(solved["guizhou"]["shortfall"].sum()) == 0
    for lang in ("zh", "en"):
        assert (reports["small", lang] / "plots" / "shortfall_by_item.png").is_file()
        assert not (reports["guizhou", lang] / "plots" / "shortfall_by_item.png").exists()


def test_plot_labels_are_clean_text():
    assert plots.plot_text("\t寄宿生\n补助 ") == "寄宿生 补助"
    assert plots.plot_text("$x$ 市") == r"\$x\$ 市"  # never mathtext
    assert plots.plot_text(EVIL) == EVIL


def test_chinese_plot_labels_need_a_cjk_font(monkeypatch):
    if plots.cjk_font() is not None:
        assert plots.plot_language("zh") == "zh"
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    assert plots.plot_language("zh") == "en"  # English labels rather than boxes
    assert plots.plot_language("en") == "en"


# ---------------------------------------------------------------- console summary


def test_the_console_summary_shows_money_by_year_recipients_and_shortfalls(solved):
    from rich.console import Console

    from fiscalshare.report import print_summary

    results = solved["small"]
    console = Console(record=True, width=120, color_system=None)
    print_summary(results, run_dir=Path("results/run-1"), console=console)
    text = console.export_text()
    assert "Provincial money by year" in text and "Results in results/run-1" in text
    province = results["funding"].sel(level="province").sum(("region", "item")).values / 1e4
    equalisation = results["equalisation"].sum("unit").values / 1e4
    for year, money, equal in zip(YEARS, province, equalisation, strict=True):
        row = next(line for line in text.splitlines() if f" {year} " in f" {line} ")
        assert f"{money:,.2f}" in row and f"{equal:,.2f}" in row and f"{money + equal:,.2f}" in row
    assert "Every hard (约束性) item is met in full." in text
    received = results["equalisation"].sum("year")
    assert int((received > 0).sum()) > 0
    assert f"Equalisation to {int((received > 0).sum())} unit(s)" in text
    for name in results["unit_name"].values[received.values > 0]:
        assert name in text
    assert "Shortfall (万元): 寄宿生补助" in text
