"""The spending-responsibility reports, opened the way their readers open them (issues 4 and 11).

Everything here is written by ``fiscalshare.report.write_reports`` from real solves of small cases:
a two-prefecture case (prefecture PFA100 with the counties CTA101 and CTA102, prefecture PFB200
without counties; two items, two years, a provincial budget tight enough that the soft item falls
short), the same case with hostile names, and the packaged Guizhou example (no shortfall).
"""

from __future__ import annotations

import html
import math
import re
import warnings
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr
from tests.factories import case
from tests.sheets import (
    MONEY,
    PERCENT,
    cell_texts,
    fen,
    only_table,
    table_titled,
    tables_of,
    xml_parts,
)

from fiscalshare.config import load_config
from fiscalshare.examples import example_path
from fiscalshare.io import load_case
from fiscalshare.report import plots, prefecture_file_names, responsibility, tables, write_reports
from fiscalshare.report.amounts import largest_remainder, percent_points
from fiscalshare.report.labels import LABELS, label, status_text
from fiscalshare.report.xlsx import (
    DIGIT_PX,
    MIN_SCALE,
    PRINTABLE_PX,
    Book,
    Table,
    TitleBlock,
    safe_sheet_name,
)
from fiscalshare.solve import solve_case

YEARS = (2021, 2022)
EVIL = '=HYPERLINK("http://x","y")'
NAMES = {"PFA100": "甲州市", "CTA101": "东坡县", "CTA102": "西岭县", "PFB200": "乙州市"}
HOSTILE = {"PFA100": "-甲州市", "CTA101": "+东坡县", "CTA102": "@西岭县", "PFB200": EVIL}
PART_KEYS = ("central", "province", "prefecture_level", "county", "shortfall")
PCT_KEYS = ("central_pct", "province_pct", "prefecture_pct", "county_pct", "shortfall_pct")


def two_prefectures(names=NAMES, *, item_name="寄宿生补助", indicators=True):
    """PFA100 (tier 1) with counties CTA101 (tier 1, rich) and CTA102 (tier 2, poor), and
    PFB200 (tier 2) without counties; a hard and a soft item; 2021–2022; budget 30 万元 a year."""
    regions = [
        {"code": "PFA100", "name": names["PFA100"], "parent": "", "tier": 1, "population": 300.0},
        {"code": "CTA101", "name": names["CTA101"], "parent": "PFA100", "tier": 1,
         "population": 100.0, "ethnic": 1},
        {"code": "CTA102", "name": names["CTA102"], "parent": "PFA100", "tier": 2,
         "population": 200.0, "poverty_exited": 1, "old_revolutionary": 1},
        {"code": "PFB200", "name": names["PFB200"], "parent": "", "tier": 2, "population": 150.0},
    ]
    items = [{"code": "HEA", "name": "公共卫生", "domain": "病有所医", "rule": "ratio",
              "binding": "hard", "target_group": "城乡居民", "content": "健康档案、健康教育",
              "lead_department": "省卫生健康委"},
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


def solved_with_details(inputs):
    from fiscalshare.report.tables import carry_item_details

    return carry_item_details(inputs, solve_case(inputs, load_config("default")))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def solved():
    return {
        "small": solved_with_details(two_prefectures()),
        "guizhou": solved_with_details(load_case(example_path("guizhou"))),
        "hostile": solved_with_details(two_prefectures(HOSTILE, item_name="\t寄宿生补助",
                                                       indicators=False)),
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


def prefecture_path(folder: Path, results, code: str) -> Path:
    return folder / "prefectures" / f"{prefecture_file_names(results)[code]}.xlsx"


def workbooks(folder: Path, results) -> list[tuple[str | None, Path]]:
    return [(None, folder / "responsibility.xlsx")] + [
        (p, prefecture_path(folder, results, p)) for p in prefectures(results)]


def region_mask(results, prefecture):
    if prefecture is None:
        return np.ones(results.sizes["region"], dtype=bool)
    return results["region_prefecture"].values == prefecture


def unit_mask(results, prefecture):
    if prefecture is None:
        return np.ones(results.sizes["unit"], dtype=bool)
    return (results["unit"].values == prefecture) | (results["unit_parent"].values == prefecture)


def has_counties(results, prefecture=None) -> bool:
    county = results["region_parent"].values != ""
    if prefecture is not None:
        county &= results["region_prefecture"].values == prefecture
    return bool(county.any())


def expected_sheets(results, lang, prefecture=None) -> list[str]:
    keys = ["sheet_summary", "sheet_listing", "sheet_responsibility", "sheet_responsibility_pct",
            "sheet_sharing", "sheet_transfers"]
    if has_counties(results, prefecture):
        keys.append("sheet_city_county")
    keys.append("sheet_protected")
    if tables.indicators(results, lang, region=prefecture) is not None:
        keys.append("sheet_indicators")
    keys.append("sheet_about")
    return [label(k, lang) for k in keys]


# ---------------------------------------------------------------- the label catalogue


def test_every_label_has_both_languages_and_english_has_no_chinese():
    for key, (zh, en) in LABELS.items():
        assert zh and en, key
        assert label(key, "zh") == zh and label(key, "en") == en
        assert not re.search(r"[\u4e00-\u9fff]", en), key


# ---------------------------------------------------------------- sheets, titles and headers


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_every_workbook_has_its_sheets_in_its_language(reports, solved, name, lang):
    results = solved[name]
    folder = reports[name, lang]
    files = sorted(p.name for p in (folder / "prefectures").iterdir())
    assert files == sorted(f"{n}.xlsx" for n in prefecture_file_names(results).values())
    for prefecture, path in workbooks(folder, results):
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == expected_sheets(results, lang, prefecture), path.name
        assert all(ws.sheet_state == "visible" for ws in book.worksheets)


def test_prefecture_files_are_named_by_code_and_name(reports, solved):
    assert prefecture_file_names(solved["small"]) == {"PFA100": "PFA100-甲州市",
                                                      "PFB200": "PFB200-乙州市"}
    names = prefecture_file_names(solved["hostile"])
    assert names["PFA100"] == "PFA100--甲州市"
    assert names["PFB200"].startswith("PFB200-_HYPERLINK__http___x___y__-")  # altered: hashed
    assert "520300-遵义市" in prefecture_file_names(solved["guizhou"]).values()


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_every_sheet_opens_with_its_title_block(reports, solved, name, lang):
    results = solved[name]
    for prefecture, path in workbooks(reports[name, lang], results):
        scope = results.attrs["province"] if prefecture is None else str(
            results["unit_name"].sel(unit=prefecture).item())
        for ws in openpyxl.load_workbook(path).worksheets:
            rows = [[c for c in r if c is not None] for r in ws.iter_rows(max_row=5,
                                                                          values_only=True)]
            title = rows[0][0]
            assert title.startswith(scope), (path.name, ws.title)
            assert f"{results.attrs['first_year']}" in rows[1][0]
            assert label("about_period", lang) in rows[1][0]
            assert label("about_scenario", lang) in rows[1][0]
            assert label("run_date", lang).format(results.attrs["created_utc"][:10]) in rows[2][0]
            # 单位：万元 over the sheets with money, not over shares, indicators or words
            says_unit = label("money_unit", lang) in [v for r in rows for v in r]
            assert says_unit == any(
                c.number_format == "#,##0.00" for r in ws.iter_rows() for c in r
                if isinstance(c.value, int | float)), (path.name, ws.title)
            assert title.replace('"', "”") in ws.oddHeader.center.text
            # the first page prints the title in its rows, not in the header too
            assert ws.HeaderFooter.differentFirst and not ws.firstHeader.center.text
            assert ws.firstFooter.center.text == ws.oddFooter.center.text
            assert ws.firstFooter.left.text == ws.oddFooter.left.text
            footer = ws.oddFooter.center.text
            assert "&P" in footer and "&N" in footer, (path.name, ws.title)
            # the footer names the province (and the prefecture), never the case's file name
            left = ws.oddFooter.left.text
            assert results.attrs["province"] in left and scope.replace('"', "”") in left, left
            assert results.attrs["case"] not in left or results.attrs["case"] in scope


def test_a_compiler_given_in_meta_is_printed_on_every_sheet(solved, tmp_path):
    results = solved["small"].copy()
    results.attrs["compiler"] = "测试省财政厅预算处"
    write_reports(results, tmp_path, lang="zh")
    for ws in openpyxl.load_workbook(tmp_path / "responsibility.xlsx").worksheets:
        assert ws["A3"].value.startswith("编制单位：测试省财政厅预算处"), ws.title


@pytest.mark.parametrize("name, lang", CASES)
def test_header_labels_come_from_the_catalogue(reports, solved, name, lang):
    results = solved[name]
    total = label("total", lang)
    for prefecture, path in workbooks(reports[name, lang], results):
        book = openpyxl.load_workbook(path)
        mask = region_mask(results, prefecture)
        flagged = any(results[f].values.any() for f in
                      ("poverty_exited", "ethnic", "border", "old_revolutionary"))
        shown = [k for k in PART_KEYS if (k != "county" or has_counties(results))
                 and (k != "shortfall" or results["shortfall"].values[mask].sum() > 0.5)]
        detail = only_table(book[label("sheet_responsibility", lang)], total)
        expected = ["region", "region_name", "tier", *(["flags"] if flagged else []),
                    "item_name", "year", "standard_cost", *shown]
        assert detail.header == [label(k, lang) for k in expected], path.name
        percent = only_table(book[label("sheet_responsibility_pct", lang)], total)
        assert percent.header == [label(k, lang) for k in (
            "region", "region_name", "tier", "item_name", "standard_cost",
            *(PCT_KEYS[PART_KEYS.index(k)] for k in shown))]
        transfers = only_table(book[label("sheet_transfers", lang)], total)
        assert transfers.header == [label(k, lang) for k in (
            "unit", "unit_name", "tier", "year", "cofinancing", "equalisation", "transfer",
            "burden", "capacity")]
        sharing = only_table(book[label("sheet_sharing", lang)], total)
        counties = has_counties(results)
        assert sharing.header == [label(k, lang) for k in (
            "tier", *(["region_kind"] if counties else []), "item_name", "sharing_mode",
            *(PCT_KEYS[PART_KEYS.index(k)] for k in shown), "share", "share_range",
            *(["prefecture_share"] if counties else []))]
        summary = book[label("sheet_summary", lang)]
        by_year = table_titled(summary, label("by_level_year", lang), total)
        assert by_year.header == [label(k, lang) for k in ("year", "standard_cost", *shown)]
        wide = table_titled(summary, label("transfers_by_region", lang), total)
        assert wide.header == [label("unit", lang), label("unit_name", lang)] + [
            label("year_n", lang).format(y) for y in YEARS_OF(results)] + [total]


def YEARS_OF(results):  # noqa: N802 - reads like the constant it replaces
    return [int(y) for y in results["year"].values]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_about_sheet_tells_the_case_scope_and_provenance(reports, solved, lang):
    results = solved["small"]
    for prefecture, path in workbooks(reports["small", lang], results):
        book = openpyxl.load_workbook(path)
        about = only_table(book[label("sheet_about", lang)], label("total", lang))
        rows = dict(about.values())
        assert rows[label("about_case", lang)] == results.attrs["case"]
        assert rows[label("about_termination", lang)] == status_text(
            results.attrs["termination"], lang)
        assert rows[label("about_termination", lang)] != results.attrs["termination"] or \
            lang == "en"
        assert rows[label("about_money", lang)] == label("about_money_value", lang)
        assert rows[label("about_scenario", lang)] == label("scenario", lang).format(
            ratio=label("ratio_optimise", lang), equalisation=label("equalisation_on", lang))
        assert results.attrs["fiscalshare_version"] in rows[label("about_versions", lang)]
        assert rows[label("about_created", lang)] == results.attrs["created_utc"]
        assert not any("{" in str(v) for v in rows.values())  # no raw JSON
        if prefecture is None:
            assert rows[label("about_scope", lang)] == label("scope_province", lang)
            assert rows[label("about_source", lang)] == results.attrs["source"]
        else:  # the prefecture's own code and name
            assert rows[label("about_scope", lang)] == f"{prefecture} {NAMES[prefecture]}"
            assert label("about_source", lang) not in rows


# ---------------------------------------------------------------- figures add up as shown


def _check_adds_up(book, results, lang, prefecture):
    total_label = label("total", lang)
    mask = region_mask(results, prefecture)
    sub = results.isel(region=np.flatnonzero(mask))
    years = YEARS_OF(results)
    detail = only_table(book[label("sheet_responsibility", lang)], total_label)
    rows = detail.values()
    assert len(rows) == mask.sum() * results.sizes["item"] * len(years)
    assert {r[0] for r in rows} == set(sub["region"].values)
    cost = detail.column(label("standard_cost", lang))
    parts = [detail.column(label(k, lang)) for k in PART_KEYS if label(k, lang) in detail.header]
    for row in rows:  # each row as shown: the levels and the shortfall make up the cost
        assert sum(fen(row[p]) for p in parts) == fen(row[cost])
    for k in [cost, *parts]:  # each column as shown adds up to its total
        assert sum(fen(r[k]) for r in rows) == fen(detail.total[k].value)
    by_year = table_titled(book[label("sheet_summary", lang)], label("by_level_year", lang),
                           total_label)
    year_col = detail.column(label("year", lang))
    for name in detail.header[cost:]:
        k, s = detail.column(name), by_year.column(name)
        for j, year in enumerate(years):
            assert sum(fen(r[k]) for r in rows if r[year_col] == year) == fen(
                by_year.values()[j][s]), (name, year)
        assert fen(by_year.total[s].value) == fen(detail.total[k].value)
    # and the displayed figures are the results to within the rounding of the cells summed
    n = mask.sum() * results.sizes["item"]
    for key, level in (("standard_cost", None), ("central", "central"),
                       ("province", "province"), ("prefecture_level", "prefecture")):
        expected = sub[key] if level is None else sub["funding"].sel(level=level)
        values = expected.sum(("region", "item")).values / 1e4
        s = by_year.column(label(key, lang))
        for j in range(len(years)):
            assert abs(by_year.values()[j][s] - values[j]) <= 0.01 * n, key
    # percentages of cost add up to 100.00 %
    percent = only_table(book[label("sheet_responsibility_pct", lang)], total_label)
    shares = [k for k, h in enumerate(percent.header) if h in {label(p, lang) for p in PCT_KEYS}]
    for row in percent.values():
        if row[percent.column(label("standard_cost", lang))]:
            assert sum(round(row[k] * 10000) for k in shares) == 10000
    # the transfers: co-financing + equalisation = transfer, columns add up, and they are the
    # results' to the fen
    units = unit_mask(results, prefecture)
    subu = results.isel(unit=np.flatnonzero(units))
    transfers = only_table(book[label("sheet_transfers", lang)], total_label)
    body = transfers.values()
    assert len(body) == units.sum() * len(years)
    assert {r[0] for r in body} == set(subu["unit"].values)
    t, e, c = (transfers.column(label(k, lang)) for k in ("transfer", "equalisation",
                                                          "cofinancing"))
    for row in body:
        assert fen(row[e]) + fen(row[c]) == fen(row[t])
    for k in (t, e, c):
        assert sum(fen(r[k]) for r in body) == fen(transfers.total[k].value)
    assert abs(transfers.total[t].value - float(subu["transfer"].sum()) / 1e4) <= \
        0.01 * (mask.sum() * results.sizes["item"] * len(years) + len(body))
    wide = table_titled(book[label("sheet_summary", lang)], label("transfers_by_region", lang),
                        total_label)
    assert [r[0] for r in wide.values()] == list(subu["unit"].values)
    for row in wide.values():
        assert sum(fen(v) for v in row[2:-1]) == fen(row[-1])


@pytest.mark.parametrize("name, lang", CASES)
def test_every_figure_adds_up_as_displayed_and_matches_the_results(reports, solved, name, lang):
    results = solved[name]
    for prefecture, path in workbooks(reports[name, lang], results):
        _check_adds_up(openpyxl.load_workbook(path), results, lang, prefecture)


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
    results = solved["small"]
    province = openpyxl.load_workbook(reports["small", lang] / "responsibility.xlsx")
    rows = only_table(province[label("sheet_responsibility", lang)], "合计").values()
    for code in prefectures(results):
        book = openpyxl.load_workbook(prefecture_path(reports["small", lang], results, code))
        own = only_table(book[label("sheet_responsibility", lang)], "合计").values()
        visible = {"PFA100": {"CTA101", "CTA102"}, "PFB200": {"PFB200"}}[code]
        assert own == [r for r in rows if r[0] in visible]


def test_the_prefecture_workbook_shows_what_it_bears_for_its_counties(reports, solved):
    results = solved["small"]
    book = openpyxl.load_workbook(prefecture_path(reports["small", "zh"], results, "PFA100"))
    city = only_table(book[label("sheet_city_county", "zh")], "合计")
    assert [r[0] for r in city.values()] == ["CTA101", "CTA102"]
    for row in city.values():
        part = results["funding"].sel(region=row[0], level="prefecture").sum("item").values / 1e4
        assert [round(v, 2) for v in row[2:-1]] == pytest.approx(part, abs=0.01)
        assert sum(fen(v) for v in row[2:-1]) == fen(row[-1])
    assert float(results["funding"].sel(level="prefecture", region="CTA101").sum()) > 0
    other = openpyxl.load_workbook(prefecture_path(reports["small", "zh"], results, "PFB200"))
    assert label("sheet_city_county", "zh") not in other.sheetnames


def test_a_prefecture_sees_only_its_own_tiers_ratios(reports, solved):
    results = solved["guizhou"]
    for code in ("520100", "520500"):
        book = openpyxl.load_workbook(prefecture_path(reports["guizhou", "zh"], results, code))
        sharing = only_table(book[label("sheet_sharing", "zh")], "合计")
        tier = int(results["unit_tier"].sel(unit=code))
        assert {r[0] for r in sharing.values()} == {f"第{tier}档"}


def test_shares_are_shares_of_cost_and_sigma_is_explained(reports, solved):
    """σ = 20 % of the local part is 4 % of the cost where the centre pays 80 %."""
    assert float(solved["guizhou"]["provincial_share"].sel(tier=1).max()) == pytest.approx(0.2)
    book = openpyxl.load_workbook(reports["guizhou", "zh"] / "responsibility.xlsx")
    sheet = book[label("sheet_sharing", "zh")]
    sharing = only_table(sheet, "合计")
    row = next(r for r in sharing.values() if r[0] == "第1档" and r[1] == "基本公共卫生服务")
    assert row[sharing.column("中央占比")] == pytest.approx(0.80)
    assert row[sharing.column("省级占比")] == pytest.approx(0.04)
    assert row[sharing.column("市级占比")] == pytest.approx(0.16)
    assert row[sharing.column(label("share", "zh"))] == pytest.approx(0.20)
    # the 5:5 boarding subsidy (rule = uniform): σ is chosen there too, and shown with its range
    results = solved["guizhou"]
    uniform = [str(n) for n, r in zip(results["item_name"].values, results["rule"].values,
                                      strict=True) if r == "uniform"]
    assert uniform
    row = next(r for r in sharing.values() if r[0] == "第1档" and r[1] == uniform[0])
    assert row[sharing.column("中央占比")] == pytest.approx(0.50)
    assert row[sharing.column(label("share", "zh"))] == pytest.approx(
        float(results["provincial_share"].sel(tier=1, item=results["item"].values[
            list(results["item_name"].values).index(uniform[0])])))
    assert row[sharing.column(label("share_range", "zh"))]
    texts = [c for r in sheet.iter_rows(values_only=True) for c in r if c]
    assert label("sigma_note", "zh") in texts
    assert label("pi_note", "zh") not in texts  # Guizhou has no counties: no π
    assert label("prefecture_share", "zh") not in sharing.header


def test_the_listing_has_one_row_per_item_in_the_official_domain_order(reports, solved):
    results = solved["small"]
    book = openpyxl.load_workbook(reports["small", "zh"] / "responsibility.xlsx")
    listing = only_table(book[label("sheet_listing", "zh")], "合计")
    rows = listing.values()
    assert [r[1] for r in rows] == ["一、学有所教", "寄宿生补助", "二、病有所医", "公共卫生"]
    health = rows[3]
    assert health[listing.column("服务对象")] == "城乡居民"
    assert health[listing.column("服务内容")] == "健康档案、健康教育"
    assert health[listing.column("牵头单位")] == "省卫生健康委"
    assert health[listing.column("国家基础标准")] == "100 → 110"
    assert health[listing.column("支出责任（分担方式）")].startswith("中央与地方按比例分担")
    shares = [k for k, h in enumerate(listing.header) if h.endswith("占比")]
    for row in (rows[1], rows[3]):
        assert sum(round(row[k] * 10000) for k in shares) == 10000
    assert rows[1][listing.column("牵头单位")] in (None, "")  # not given: blank
    assert results["item_lead_department"].values.tolist() == ["省卫生健康委", ""]


def test_who_is_protected_is_said_in_words_with_tiers_and_flags(reports, solved):
    results = solved["small"]
    book = openpyxl.load_workbook(reports["small", "zh"] / "responsibility.xlsx")
    sheet = book[label("sheet_protected", "zh")]
    texts = [c for r in sheet.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert any(t.startswith("缺口按优先权重 ω 分配") and "事项的优先权重（输入表“服务事项”）" in t for t in texts)
    where = next(t for t in texts if t.startswith("缺口合计"))
    short = results["shortfall"].sum(("item", "year"))
    worst = str(results["region_name"].values[int(np.argmax(short.values))])
    assert worst in where and "寄宿生补助" in where
    table = table_titled(sheet, label("regions_protected", "zh"), "合计")
    rows = {r[0]: r for r in table.values()}
    assert rows["CTA102"][table.column("脱贫地区")] == "是"
    assert rows["CTA102"][table.column("革命老区")] == "是"
    assert rows["CTA101"][table.column("民族地区")] == "是"
    assert rows["CTA101"][table.column("财力档次")] == "第1档"
    equal = results["equalisation"].sum("year")
    if float(equal.sum()) > 0:
        said = next(t for t in texts if "均衡性转移支付补足" in t)
        for name in results["unit_name"].values[equal.values > 0]:
            assert name in said


def test_the_sentence_of_who_falls_short_quotes_the_tables_omega(solved):
    """Items of different weight W: the priority weight per item is W·ω, and both the table
    and the sentence show ω itself (the sentence once quoted the mean of W·ω)."""
    from fiscalshare.report.amounts import fen_of

    results = solved["small"].copy()
    weight = np.linspace(1.0, 3.0, results.sizes["item"])
    results["item_weight"] = ("item", weight)
    results["priority_weight"] = results["priority_weight"] * results["item_weight"]
    fen, mask = fen_of(results), region_mask(results, None)
    frame = tables.regions_protected(results, fen, mask, "zh").frame
    omega_of = dict(zip(frame["地区名称"], frame["优先权重 ω"], strict=True))
    where = next(t for t in tables.protection_sentences(results, fen, mask,
                                                        unit_mask(results, None), "zh")
                 if t.startswith("缺口合计"))
    quoted = re.findall(r"([^；：]+?) [\d,.]+ 万元（ω = ([\d.]+)）", where)
    assert quoted
    for name, omega in quoted:
        assert float(omega) == pytest.approx(omega_of[name], abs=1e-4), name


def test_the_sentence_of_what_falls_short_counts_the_items_it_does_not_name(monkeypatch):
    """The items named are the largest shortfalls; the others are counted (等，另有 N 个), so
    that the list is not read as adding up to the total (six of Lanzhou's seven did not)."""
    from fiscalshare.report.amounts import fen_of

    results = solve_case(load_case(example_path("gansu")), load_config("default"))
    fen, mask = fen_of(results), region_mask(results, None)
    short = fen.parts[np.flatnonzero(mask)][..., tables.PARTS.index("shortfall")]
    with_shortfall = int((short.sum(axis=(0, 2)) > 0).sum())
    assert with_shortfall > tables.ITEMS_NAMED  # the packaged list: more than are named
    monkeypatch.setattr(tables, "ITEMS_NAMED", 1)
    where = next(t for t in tables.protection_sentences(results, fen, mask,
                                                        unit_mask(results, None), "zh")
                 if t.startswith("缺口合计"))
    items = where.split("分事项：")[1]
    assert items.count("（") == 1 and items.endswith(f"等，另有 {with_shortfall - 1} 个。")


def test_the_summary_notes_say_whether_hard_items_are_met(reports, solved):
    results = solved["small"]
    for lang in ("zh", "en"):
        book = openpyxl.load_workbook(reports["small", lang] / "responsibility.xlsx")
        summary = book[label("sheet_summary", lang)]
        texts = [c for r in summary.iter_rows(values_only=True) for c in r if c]
        assert label("hard_met", lang) in texts and label("hard_short", lang) not in texts
        result = dict(table_titled(summary, label("objectives", lang), "-").values())
        assert result[label("soft_short", lang)] == pytest.approx(
            float(results["shortfall"].sum()) / 1e4, abs=0.01)
        # z2 as the transfers table adds it up, which is the optimum's z2 rounded to the fen
        transfers = table_titled(summary, label("transfers_by_region", lang), label("total", lang))
        assert result[label("z2", lang)] == pytest.approx(
            transfers.total[transfers.column(label("total", lang))].value, abs=1e-9)
        assert result[label("z2", lang)] == pytest.approx(
            results.attrs["objective_cost"] / 1e4, abs=0.0101)  # the exact total, rounded
        assert result[label("z1", lang)] == round(results.attrs["objective_shortfall"] / 1e4, 2)


# ---------------------------------------------------------------- rounding


def test_row_heights_come_from_wrapping_the_text_in_its_column():
    from fiscalshare.report.xlsx import text_lines

    # a CJK character takes two units of column width, Latin one; half a unit is margin
    assert text_lines("义务教育公用经费（初中）", 24.5) == 1  # 24 units
    assert text_lines("义务教育公用经费（初中）", 24.4) == 2
    assert text_lines("义务教育公用经费（初中）", 12.5) == 2
    # Latin text wraps at spaces: 'the quick' | 'brown fox' | 'jumps' | 'over the' | 'lazy dog'
    assert text_lines("the quick brown fox jumps over the lazy dog", 9.5) == 5
    assert text_lines("abcdefghijklmnopqrstuvwxyz", 9.5) == 3  # a long word is cut
    assert text_lines("甲\n乙", 10) == 2 and text_lines("", 5) == 1


def test_a_column_is_widened_rather_than_leave_a_closing_mark_alone_on_a_line():
    """义务教育公用经费（小学） in a column of 22.5 wraps with its ） alone on the second line:
    the column is made wide enough to hold the name whole (24.5), and a header likewise; a
    paragraph whose lines merely begin with a comma is left as it is, and a table is widened
    only as far as it still prints on a page width."""
    from fiscalshare.report.xlsx import (
        MIN_SCALE,
        _wrapped,
        column_widths,
        page_layout,
        table_pixels,
        width_without_lone_closing_marks,
    )

    name = "义务教育公用经费（小学）"
    assert _wrapped(name, 22.5) == (2, True)
    assert _wrapped(name, 24.5) == (1, False)
    assert _wrapped("甲乙丙丁，戊己庚辛", 8.5)[1] is False  # ，begins a line, not alone on it
    assert width_without_lone_closing_marks(22.5, [name, "甲"]) == 24.5
    assert width_without_lone_closing_marks(20.0, ["甲" * 40]) == 20.0
    items = pd.DataFrame({"服务项目": [name, "基本公共卫生服务"], "金额": [1.0, 2.0]})
    widths = column_widths(Table(items, {"金额": "money"}, max_text=21))
    assert widths[0] == 24.5
    # six such columns and an amount print on a page width at MIN_SCALE with five widened
    wide = pd.DataFrame({**{f"项目{k}": [name] for k in range(6)}, "金额": [1.0]})
    widths = column_widths(Table(wide, {"金额": "money"}, max_text=21))
    assert sorted(widths) == [5.5, 22.5] + [24.5] * 5
    assert page_layout(table_pixels(widths))[1] >= MIN_SCALE
    assert page_layout(table_pixels([24.5] * 6 + [5.5]))[1] < MIN_SCALE


def test_largest_remainder_keeps_totals_and_stays_within_one():
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 1000, (500, 5))
    totals = np.rint(values.sum(axis=1)).astype(np.int64)
    rounded = largest_remainder(values, totals)
    assert (rounded.sum(axis=1) == totals).all()
    assert np.abs(rounded - values).max() < 1
    assert largest_remainder(np.array([[0.0, 0.0, 5.0]]), np.array([4])).tolist() == [[0, 0, 4]]
    points = percent_points(np.array([[1, 1, 1], [0, 0, 0]]))
    assert points.tolist() == [[3334, 3333, 3333], [0, 0, 0]]


# ---------------------------------------------------------------- formats and print setup


@pytest.mark.parametrize("name, lang", CASES)
def test_money_and_percent_formats(reports, solved, name, lang):
    money = {label(k, lang) for k in ("standard_cost", *PART_KEYS, "cofinancing",
                                      "equalisation", "transfer", "burden", "capacity")}
    percent = {label(k, lang) for k in PCT_KEYS}
    for _, path in workbooks(reports[name, lang], solved[name]):
        book = openpyxl.load_workbook(path)
        checked = set()
        for ws in book.worksheets:
            for table in tables_of(ws, label("total", lang)):
                for k, header in enumerate(table.header):
                    if header in money:
                        assert table.formats(k) <= {MONEY}, (path.name, ws.title, header)
                        checked |= table.formats(k)
                    if header in percent:
                        assert table.formats(k) <= {PERCENT}, (path.name, ws.title, header)
                        checked |= table.formats(k)
        assert checked == {MONEY, PERCENT}


def _pixels(ws) -> int:
    """Printed width of the sheet's columns: the stored widths (characters, padding included)
    at the widest digits a spreadsheet may use (DIGIT_PX)."""
    widths = {}
    for dim in ws.column_dimensions.values():
        for k in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
            widths[k] = dim.width
    return sum(math.ceil(widths.get(k, 8.43) * DIGIT_PX) for k in range(1, ws.max_column + 1))


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_every_sheet_prints_on_a4_legibly_with_its_own_titles(reports, solved, name, lang):
    for _, path in workbooks(reports[name, lang], solved[name]):
        for ws in openpyxl.load_workbook(path).worksheets:
            where = (path.name, ws.title)
            assert int(ws.page_setup.paperSize) == 9, where  # A4
            assert ws.page_setup.orientation in ("portrait", "landscape"), where
            tables = tables_of(ws, label("total", lang))
            needed = _pixels(ws)
            if len(tables) == 1:
                assert ws.sheet_properties.pageSetUpPr.fitToPage, where
                # fit to one page wide (1 is the format's default, left unwritten), any height
                assert int(ws.page_setup.fitToWidth or 1) == 1, where
                assert int(ws.page_setup.fitToHeight) == 0, where
                scale = min(1.0, PRINTABLE_PX[ws.page_setup.orientation] / needed)
            else:  # several tables: a fixed scale at which the columns fit the page width
                assert not ws.sheet_properties.pageSetUpPr.fitToPage, where
                scale = int(ws.page_setup.scale or 100) / 100  # 100: left unwritten
                assert needed * scale <= PRINTABLE_PX[ws.page_setup.orientation], where
            # the scale stays at or above MIN_SCALE: no text under 8 pt
            assert scale >= MIN_SCALE / 100 - 1e-9, (where, scale)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        assert cell.font.name == "SimSun", (where, cell.coordinate)
                        assert cell.font.sz * scale >= 8 - 1e-9, (where, cell.coordinate)
            # print titles only over a sheet's one table
            if len(tables) == 1:
                assert ws.print_title_rows == f"${tables[0].header_row}:${tables[0].header_row}"
            else:
                assert not ws.print_title_rows, where
            assert not ws.print_options.gridLines


def test_a_table_running_over_a_page_among_others_gets_its_header_again(tmp_path):
    from fiscalshare.report.xlsx import PAGE_PT, Paragraph

    short = Table(pd.DataFrame({"项目": ["甲"], "金额": [1.0]}), {"金额": "money"}, title="一、短表")
    long = Table(pd.DataFrame({"项目": [f"第{k}行" for k in range(120)], "金额": [1.0] * 120}),
                 {"金额": "money"}, title="二、长表", total_label="合计")
    book = Book(tmp_path / "pages.xlsx", TitleBlock("测试"))
    book.sheet("汇总").add(short).add(Paragraph("说明文字")).add(long)
    book.close()
    ws = openpyxl.load_workbook(tmp_path / "pages.xlsx")["汇总"]
    assert not ws.print_title_rows and int(ws.page_setup.scale or 100) == 100
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 2  # 120 rows of 15 pt: three pages of A4 portrait
    for brk in breaks:  # each page after a break opens with the long table's header
        assert [c.value for c in ws[brk + 1]][:2] == ["项目", "金额"], brk
    assert all(b - a <= PAGE_PT["portrait"] / 15 for a, b in zip(breaks, breaks[1:], strict=False))
    parts = tables_of(ws, "合计")
    assert [t.title for t in parts] == ["一、短表", "二、长表"]
    assert [r[0] for r in parts[1].values()] == [f"第{k}行" for k in range(120)]
    assert sum(r[1] for r in parts[1].values()) == parts[1].total[1].value == 120


def test_a_title_line_longer_than_a_narrow_table_wraps_instead_of_running_off_the_page(tmp_path):
    from fiscalshare.report.xlsx import LINE_PT

    line = "规划期：2023—2025年　测算方案：省级分担比例在允许范围内优化确定，安排均衡性转移支付"
    narrow = Table(pd.DataFrame({"项目": ["甲"], "金额": [1.0]}), {"金额": "money"})
    wide = Table(pd.DataFrame({f"第{k}列": ["甲"] for k in range(12)}), {})
    book = Book(tmp_path / "head.xlsx", TitleBlock("测试", lines=(line, "编制单位：某某")))
    book.sheet("窄表").add(narrow)
    book.sheet("宽表").add(wide)
    book.close()
    loaded = openpyxl.load_workbook(tmp_path / "head.xlsx")
    narrow_ws, wide_ws = loaded["窄表"], loaded["宽表"]
    assert narrow_ws["A2"].value == line and narrow_ws["A2"].alignment.wrap_text
    assert narrow_ws.row_dimensions[2].height >= 2 * LINE_PT  # as many lines as the text needs
    assert not narrow_ws["A3"].alignment.wrap_text  # a short line stays one line
    assert wide_ws["A2"].value == line and not wide_ws["A2"].alignment.wrap_text


def test_a_table_too_wide_to_print_legibly_is_split_into_column_groups(tmp_path):
    frame = pd.DataFrame({"代码": ["A", "B"], "名称": ["甲", "乙"],
                          **{f"第{k}列金额": [1234567.89, 2.0] for k in range(30)}})
    table = Table(frame, {f"第{k}列金额": "money" for k in range(30)}, total_label="合计", keys=2)
    book = Book(tmp_path / "wide.xlsx", TitleBlock("测试"))
    sheets = book.table_sheet("宽表", "宽表", table)
    book.close()
    assert len(sheets) > 1
    loaded = openpyxl.load_workbook(tmp_path / "wide.xlsx")
    seen = []
    for ws in loaded.worksheets:
        part = only_table(ws, "合计")
        assert part.header[:2] == ["代码", "名称"]
        seen += part.header[2:]
        needed = _pixels(ws)
        assert PRINTABLE_PX[ws.page_setup.orientation] / needed >= MIN_SCALE / 100
    assert seen == list(frame.columns[2:])


def test_one_responsibility_sheet_per_year_beyond_the_row_limit(solved, tmp_path, monkeypatch):
    """Above Excel's row limit the table is split by year, each sheet with a safe unique name."""
    monkeypatch.setattr(responsibility, "EXCEL_ROWS", 10)  # the small case has 12 rows
    write_reports(solved["small"], tmp_path, lang="en")
    book = openpyxl.load_workbook(tmp_path / "responsibility.xlsx")
    assert "Responsibility 2021" in book.sheetnames and "Responsibility 2022" in book.sheetnames
    for year in YEARS:
        body = only_table(book[f"Responsibility {year}"], "Total").values()
        assert len(body) == 6 and {r[5] for r in body} == {year}


# ---------------------------------------------------------------- no formulas, safe text


@pytest.mark.parametrize("name, lang", ALL_CASES)
def test_no_formula_anywhere(reports, solved, name, lang):
    for _, path in workbooks(reports[name, lang], solved[name]):
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
        None: set(HOSTILE.values()) | {item},
        "PFA100": {HOSTILE["PFA100"], HOSTILE["CTA101"], HOSTILE["CTA102"], item},
        "PFB200": {EVIL, item},
    }
    for prefecture, path in workbooks(folder, results):
        texts = cell_texts(path)
        for text in expected[prefecture]:
            assert text in texts, (path.name, text)  # stored as a string, verbatim
        book = openpyxl.load_workbook(path)
        seen = set()
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value in expected[prefecture]:
                        assert cell.data_type == "s", (path.name, ws.title, cell.coordinate)
                        assert cell.quotePrefix, (path.name, ws.title, cell.coordinate)
                        seen.add(cell.value)
        assert seen == expected[prefecture], path.name
    # the prefecture's own hostile name heads its title in the document properties: as text
    core = xml_parts(prefecture_path(folder, results, "PFB200"))["docProps/core.xml"]
    title = ElementTree.fromstring(core).find("{http://purl.org/dc/elements/1.1/}title").text
    assert title.startswith(EVIL)


def test_control_characters_in_names_are_dropped_not_fatal(solved, tmp_path):
    """XML cannot hold most control characters: the character is dropped, the run goes on."""
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
    for path in (tmp_path / "responsibility.xlsx", prefecture_path(tmp_path, results, "PFB200")):
        texts = cell_texts(path)
        assert "乙州市" in texts and not any("\x01" in t for t in texts)
    book = openpyxl.load_workbook(prefecture_path(tmp_path, results, "PFB200"))
    assert book.properties.title == "乙州市"


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
    for _, path in workbooks(reports[name, lang], solved[name]):
        names = openpyxl.load_workbook(path).sheetnames
        assert len({n.lower() for n in names}) == len(names)
        for sheet in names:
            assert 0 < len(sheet) <= 31 and not set(sheet) & set('\\*?:/[]')


# ---------------------------------------------------------------- need to know


def test_prefectures_whose_codes_look_alike_get_a_workbook_each(tmp_path):
    """File names replace unsafe characters; codes that then collide (also ignoring case) must
    not overwrite each other's workbook, nor take each other's name in an order-dependent way,
    which would hand one prefecture another's figures (issue 16)."""
    codes = ("P/1", "P_1", "p_1", "a/b", "a_b", "a_b-2")
    results = solve_case(case(
        regions=[{"code": c, "name": "同名市", "parent": "", "tier": 1, "population": 100.0}
                 for c in codes],
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
    for code in codes:  # named after the prefecture alone (a hash of its code where needed)
        path = prefecture_path(tmp_path, results, code)
        assert path in books and path.name.startswith(f"{code.replace('/', '_')}-同名市")
        about = dict(only_table(openpyxl.load_workbook(path)["About"], "Total").values())
        assert about["Scope"].startswith(f"{code} ")
        body = only_table(openpyxl.load_workbook(path)["Responsibility"], "Total").values()
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
        path = prefecture_path(folder, results, prefecture)
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
        texts = set(cell_texts(path))
        assert set(own_codes) <= texts and set(own_names) <= texts
        book = openpyxl.load_workbook(path)
        body = only_table(book[label("sheet_responsibility", lang)], label("total", lang))
        receiving = results["region"].values[region_mask(results, prefecture)]
        assert {r[0] for r in body.values()} == set(receiving)
        body = only_table(book[label("sheet_transfers", lang)], label("total", lang))
        assert {r[0] for r in body.values()} == set(own_codes)
        # and nothing province-wide: objective values, sources, equity metrics
        for key in ("z1", "z2", "about_source", "equity", "scope_province"):
            assert label(key, lang) not in texts, (prefecture, key)
        # the sharing ratios of its own tiers only
        tiers = {label("tier_label", lang).format(int(t)) for t in
                 results["region_tier"].values[region_mask(results, prefecture)]}
        sharing = only_table(book[label("sheet_sharing", lang)], label("total", lang))
        assert {r[0] for r in sharing.values()} <= tiers


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


def test_reports_written_in_parallel_are_the_same_as_in_turn(solved, tmp_path):
    serial = write_reports(solved["small"], tmp_path / "serial", lang="zh", workers=1)
    parallel = write_reports(solved["small"], tmp_path / "parallel", lang="zh", workers=2)
    assert [p.relative_to(tmp_path / "serial") for p in serial] == [
        p.relative_to(tmp_path / "parallel") for p in parallel]
    for a, b in zip(serial, parallel, strict=True):
        if a.suffix == ".xlsx":
            assert cell_texts(a) == cell_texts(b), a.name


# ---------------------------------------------------------------- console summary


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_console_summary_shows_money_by_year_recipients_and_shortfalls(solved, lang):
    from rich.console import Console

    from fiscalshare.report import print_summary

    results = solved["small"]
    console = Console(record=True, width=200, color_system=None)
    print_summary(results, run_dir=Path("results/run-1"), console=console, lang=lang)
    text = console.export_text()
    assert label("console_table", lang) in text
    assert label("console_results", lang).format("results/run-1") in text
    province = results["funding"].sel(level="province").sum(("region", "item")).values / 1e4
    equalisation = results["equalisation"].sum("unit").values / 1e4
    for year, money, equal in zip(YEARS, province, equalisation, strict=True):
        row = next(line for line in text.splitlines() if f" {year} " in f" {line} ")
        assert f"{money:,.2f}" in row and f"{equal:,.2f}" in row
    assert label("hard_met", lang) in text
    z1 = results.attrs["objective_shortfall"] / 1e4
    assert f"z1 = {z1:,.2f}" in text
    received = results["equalisation"].sum("year")
    assert int((received > 0).sum()) > 0
    for name in results["unit_name"].values[received.values > 0]:
        assert name in text
    assert "寄宿生补助" in text


def test_the_widest_packaged_listing_prints_whole_on_a_page_width(tmp_path):
    """Gansu's 清单 (29 items, five shares of cost, every text column, linked indicators) is not
    cut into column groups: its shares of cost stay side by side."""
    results = solved_with_details(load_case(example_path("gansu")))
    for lang in ("zh", "en"):
        path = responsibility.write_workbook(results, tmp_path / f"{lang}.xlsx", lang=lang)
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
        assert label("sheet_listing", lang) in names, names


def test_a_run_without_equalisation_says_so_not_what_equalisation_would_cover():
    """Under no-equalisation the transfers note and the 保障情况 sentence say that none is
    paid; they used to say that equalisation covers what a unit's capacity does not."""
    from fiscalshare.report.amounts import fen_of

    inputs = load_case(example_path("guizhou"))
    off = solve_case(inputs, load_config("no-equalisation"))
    on = solve_case(inputs, load_config("default"))
    for results, note, sentence in ((off, "transfer_note_off", "equalisation_none_paid"),
                                    (on, "transfer_note", "equalisation_who")):
        fen, units = fen_of(results), unit_mask(results, None)
        assert tables.transfers(results, fen, units, "zh").notes == (label(note, "zh"),)
        said = tables.protection_sentences(results, fen, region_mask(results, None), units, "zh")
        expected = label(sentence, "zh")
        assert any(s == expected or s.startswith(expected.split("{")[0]) for s in said), said


def test_a_share_the_rule_fixes_shows_as_the_rule_not_as_rounded_money():
    """Shares of cost come from the exact figures: Gansu's ratio items are 80 % central in
    every prefecture's 分担比例 and 分担结构 tables (rounded money showed 79.99 % and 80.01 %
    in 金昌, 张掖 and 陇南)."""
    from fiscalshare.report.amounts import fen_of

    results = solve_case(load_case(example_path("gansu")), load_config("default"))
    fen = fen_of(results)
    central, mode = label(tables.PCT_LABELS["central"], "zh"), label("sharing_mode", "zh")
    ratio = label("rule_ratio", "zh")
    for prefecture in np.unique(results["region_prefecture"].values):
        mask = tables.visible_regions(results, str(prefecture))
        frame = tables.sharing(results, fen, mask, "zh").frame
        shares = frame.loc[frame[mode] == ratio, central]
        assert len(shares) and (shares == 0.8).all(), (prefecture, sorted(set(shares)))
    frame = tables.responsibility_percent(results, fen, tables.visible_regions(results, None),
                                          "zh").frame
    items = results["item_name"].values[results["rule"].values == "ratio"]
    shares = frame.loc[frame[label("item_name", "zh")].isin(items), central]
    assert len(shares) and np.allclose(shares, 0.8, atol=0), sorted(set(shares))[:5]


@pytest.mark.parametrize("name", ["guizhou", "hostile"])
def test_allocation_nc_reads_back_as_the_results_on_either_engine(solved, name, tmp_path):
    """allocation.nc is written by the netCDF-C library (``runs.folder.write_allocation``);
    read with h5netcdf (as the audit and ``fiscalshare report`` read it) or netCDF4 it is the
    Dataset h5netcdf's own writing gives back, hostile texts included."""
    from fiscalshare.runs.folder import write_allocation

    results = solved[name]
    write_allocation(results, tmp_path / "allocation.nc")
    results.to_netcdf(tmp_path / "h5.nc", engine="h5netcdf", invalid_netcdf=False)
    with xr.open_dataset(tmp_path / "h5.nc", engine="h5netcdf") as opened:
        expected = opened.load()
    for engine in ("h5netcdf", "netcdf4"):
        with xr.open_dataset(tmp_path / "allocation.nc", engine=engine) as opened:
            xr.testing.assert_identical(opened.load(), expected)


def test_index_values_are_taken_once_per_dataset_read_only_and_forgotten_with_it():
    """``tables._values`` keeps an index's values (pandas 3 rebuilds them from Arrow at every
    ``.values``): the same read-only array while the Dataset and its index are the same, a
    new one once the index is replaced, and nothing kept after the Dataset is gone."""
    import gc

    from fiscalshare.report import tables

    ds = xr.Dataset({"a": ("region", np.arange(3.0))}, coords={"region": ["甲", "乙", "丙"]})
    first = tables._values(ds, "region")
    assert first.tolist() == ["甲", "乙", "丙"] and tables._values(ds, "region") is first
    with pytest.raises(ValueError):
        first[0] = "丁"
    assert tables._values(ds, "a") is ds.variables["a"].values  # data: not copied, not kept
    ds.coords["region"] = ["丁", "乙", "丙"]  # the same Dataset, another index
    assert tables._values(ds, "region").tolist() == ["丁", "乙", "丙"]
    key = id(ds)
    assert key in tables._INDEX_VALUES
    del ds
    gc.collect()
    assert key not in tables._INDEX_VALUES
