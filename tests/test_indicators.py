"""Plan indicators typed as the plans print them, loaded through the real reader, carried into the
results, and shown in the workbooks of the regions they name.

The five seed plans' indicator tables are transcribed as printed in tests/data/seed_indicators/
(see the README there: seeds 001 and 003 print a table; 000, 002 and 004 print their figures in the
text, which are transcribed as rows with no 约束性/预期性).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from tests.factories import tables

from fiscalshare.analysis.indicators import indicators_for
from fiscalshare.config import load_config
from fiscalshare.errors import InputError
from fiscalshare.io import load_case, read_tables, write_case
from fiscalshare.io.indicators import read_value
from fiscalshare.report.labels import label
from fiscalshare.report.responsibility import write_workbook
from fiscalshare.solve import solve_case

SEEDS = Path(__file__).parent / "data" / "seed_indicators"
ITEM = {"code": "X", "name": "项目", "domain": "病有所医", "unit": "元/人/年", "rule": "ratio",
        "binding": "soft", "weight": 1.0}


@pytest.mark.parametrize("printed, comparator, number", [
    ("≥4.5", "≥", 4.5), (">=4.5", "≥", 4.5), ("<= 3", "≤", 3.0), ("﹥98", ">", 98.0),
    (">95", ">", 95.0), ("95%以上", "≥", 95.0), ("不低于55%", "≥", 55.0), ("不少於0.1", "≥", 0.1),
    ("不超過70", "≤", 70.0), ("100", "", 100.0), (4.5, "", 4.5), ("＝100", "=", 100.0),
    ("２.５", "", 2.5),
])
def test_numeric_targets_are_read_into_comparator_and_number(printed, comparator, number):
    value = read_value(printed)
    assert (value.comparator, value.number) == (comparator, number)


@pytest.mark.parametrize("printed", ["应保尽保", "全覆盖", "动态清零", "低于全国平均值", "60%左右",
                                     "≥全国平均"])
def test_text_targets_are_kept_whole(printed):
    value = read_value(printed)
    assert value.comparator == "" and math.isnan(value.number) and value.text == printed


@pytest.mark.parametrize("printed", ["/", "", None, float("nan"), "—"])
def test_no_value(printed):
    value = read_value(printed)
    assert value.is_empty and math.isnan(value.number)


# --- the seeds ----------------------------------------------------------------------------------


def _case_with_indicators(folder: Path, indicators_csv: Path) -> Path:
    """A one-region case whose regions sheet also holds every region code the indicators name
    (as prefectures without beneficiaries), with the indicators file copied in as it is."""
    frame = pd.read_csv(indicators_csv, dtype=str, keep_default_na=False)
    regions_named = frame.get("regions", [])
    named = sorted({c for text in regions_named for c in text.split(",") if c} - {"ZZ"})
    regions = [{"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 100.0}]
    regions += [{"code": c, "name": f"地区{c}", "parent": "", "tier": 1, "population": 1.0}
                for c in named]
    case = tables(
        regions=regions, items=[ITEM],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "topup": 1.0,
                    "central_share": 0.8}],
        beneficiaries=[{"region": r["code"], "item": "X", "year": 2021, "units": 100.0}
                       for r in regions],
        capacity=[{"region": r["code"], "year": 2021, "fiscal_capacity": 1e4} for r in regions],
        sharing=[{"tier": 1, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.3, "prefecture_share": 0.0}],
    )
    write_case(case, folder)
    shutil.copy(indicators_csv, folder / "indicators.csv")
    return folder


def _loaded(tmp_path, seed):
    warnings: list = []
    ds = load_case(_case_with_indicators(tmp_path / seed, SEEDS / f"{seed}.csv"),
                   warnings=warnings)
    assert warnings == []
    return ds, indicators_for(ds).set_index("indicator")


@pytest.mark.parametrize("seed, count", [("seed-000", 17), ("seed-001", 24), ("seed-002", 14),
                                         ("seed-003", 20), ("seed-004", 15)])
def test_every_seed_indicator_table_loads_as_printed(tmp_path, seed, count):
    ds, table = _loaded(tmp_path, seed)
    assert ds.sizes["indicator"] == count == len(table)


def test_seed_001_panjin_table(tmp_path):
    _, table = _loaded(tmp_path, "seed-001")
    assert (table["nature"] == "约束性").sum() == 10 and (table["nature"] == "预期性").sum() == 14
    first = table.loc["1"]
    assert (first["comparator"], first["target"], first["target_text"]) == ("≥", 4.5, "≥4.5")
    assert first["baseline"] == "2" and first["unit"] == "个" and first["domain"] == "幼有所育"
    orphans = table.loc["2"]
    assert orphans["target_text"] == "应保尽保" and math.isnan(orphans["target"])
    assert orphans["baseline"] == "/" and orphans["comparator"] == ""
    assert table.loc["4", "baseline"] == "114.4" and table.loc["4", "target"] == 98.5
    assert (table.loc["21", "comparator"], table.loc["21", "target"]) == (">", 90.0)
    assert (table["target_text"] == "应保尽保").sum() == 3


def test_seed_003_fujian_table(tmp_path):
    _, table = _loaded(tmp_path, "seed-003")
    assert (table["nature"] == "").all()  # the Fujian table prints no 约束性/预期性
    assert (table.loc["1", "comparator"], table.loc["1", "target"]) == (">", 98.0)
    assert (table["target_text"] == "低于全国平均值").sum() == 3
    assert table.loc["20", "target"] == 8.0  # printed 8 (very likely 80): kept as printed
    assert "‘五老’" in table.loc["13", "name"]


def test_seeds_without_a_table_keep_their_narrative_figures(tmp_path):
    _, jiangxi = _loaded(tmp_path, "seed-000")
    assert (jiangxi.loc["JX12", "comparator"], jiangxi.loc["JX12", "target"]) == ("≥", 1.0)
    assert (jiangxi.loc["JX16", "comparator"], jiangxi.loc["JX16", "target"]) == ("≥", 0.1)
    assert jiangxi.loc["JX01", "baseline"] == "95%以上"
    _, shanxi = _loaded(tmp_path, "seed-002")
    assert (shanxi.loc["SX01", "comparator"], shanxi.loc["SX01", "target"]) == ("≥", 55.0)
    assert shanxi.loc["SX10", "target_text"] == "应保尽保"
    _, yunnan = _loaded(tmp_path, "seed-004")
    assert yunnan.loc["YN14", "regions"].split(",") == ["530700", "532800", "532300", "532600",
                                                        "532500", "533100"]
    assert (yunnan.loc["YN02", "comparator"], yunnan.loc["YN02", "target"]) == ("≥", 250.0)


# --- rejected indicators ------------------------------------------------------------------------


@pytest.mark.parametrize("row, column, words", [
    ({"comparator": "≥", "target": "应保尽保"}, "target", "needs a numeric target"),
    ({"comparator": "≤", "target": "≥4.5"}, "target", "says ≥ but the comparator column says ≤"),
    ({"comparator": "about", "target": "4"}, "comparator", "expected one of ≥, ≤, =, >, <"),
    ({"target": "4", "item": "NOPE"}, "item", "'NOPE' is not an item code"),
    ({"target": "4", "regions": "A,ZZ"}, "regions", "'ZZ' not a region code"),
])
def test_bad_indicator_rows_are_rejected_with_their_place(tmp_path, row, column, words):
    source = tmp_path / "one.csv"
    pd.DataFrame([{"code": "I1", "name": "指标", **row}]).to_csv(source, index=False)
    folder = _case_with_indicators(tmp_path / "case", source)
    with pytest.raises(InputError) as caught:
        read_tables(folder)
    problems = [p for p in caught.value.problems if p.column == column]
    assert problems and words in problems[0].message, [str(p) for p in caught.value.problems]
    assert problems[0].sheet.startswith("indicators")


# --- prefecture workbooks -----------------------------------------------------------------------


def _two_prefectures(extra=()):
    """P1 with counties C11, C12; P2 with county C21; one item; indicators: one province-wide,
    one for county C12, one for prefecture P2 (and ``extra``)."""
    regions = [
        {"code": "P1", "name": "一市", "parent": "", "tier": 1, "population": 200.0},
        {"code": "C11", "name": "一县", "parent": "P1", "tier": 1, "population": 100.0},
        {"code": "C12", "name": "二县", "parent": "P1", "tier": 2, "population": 100.0},
        {"code": "P2", "name": "二市", "parent": "", "tier": 2, "population": 100.0},
        {"code": "C21", "name": "三县", "parent": "P2", "tier": 2, "population": 100.0},
    ]
    counties = ("C11", "C12", "C21")
    return tables(
        regions=regions, items=[ITEM],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "topup": 1.0,
                    "central_share": 0.8}],
        beneficiaries=[{"region": r, "item": "X", "year": 2021, "units": 100.0}
                       for r in counties],
        capacity=[{"region": r["code"], "year": 2021, "fiscal_capacity": 1e4} for r in regions],
        sharing=[{"tier": t, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.3, "prefecture_share": 0.2} for t in (1, 2)],
        indicators=[
            {"code": "ALL", "name": "全省指标", "target": "≥95", "nature": "约束性"},
            {"code": "C12ONLY", "name": "二县托位数", "target": "≥4.5", "regions": "C12",
             "item": "X"},
            {"code": "P2ONLY", "name": "二市参保率", "target": "应保尽保", "regions": "P2"},
            *extra,
        ],
    )


def _indicator_codes(path: Path, lang: str = "zh") -> list[str]:
    book = openpyxl.load_workbook(path)
    try:
        if label("sheet_indicators", lang) not in book.sheetnames:
            return []
        from tests.sheets import only_table

        table = only_table(book[label("sheet_indicators", lang)], label("total", lang))
        return [str(r[0]) for r in table.values() if r[0] is not None]
    finally:
        book.close()


def test_a_linked_indicator_appears_in_its_prefecture_workbook_and_no_other(tmp_path):
    write_case(_two_prefectures(), tmp_path / "case")
    inputs = load_case(tmp_path / "case")
    results = solve_case(inputs, load_config("default"))
    assert results["indicator_regions"].values.tolist() == ["", "C12", "P2"]
    assert results["indicator_item"].values.tolist() == ["", "X", ""]
    province = write_workbook(results, tmp_path / "responsibility.xlsx")
    first = write_workbook(results, tmp_path / "P1.xlsx", prefecture="P1")
    second = write_workbook(results, tmp_path / "P2.xlsx", prefecture="P2")
    assert _indicator_codes(province) == ["ALL", "C12ONLY", "P2ONLY"]
    assert _indicator_codes(first) == ["ALL", "C12ONLY"]
    assert _indicator_codes(second) == ["ALL", "P2ONLY"]


def test_indicators_for_an_item_or_a_region(tmp_path):
    from fiscalshare.io.dataset import build_inputs

    ds = build_inputs(_two_prefectures())
    assert indicators_for(ds, item="X")["indicator"].tolist() == ["C12ONLY"]
    assert indicators_for(ds, region="C12")["indicator"].tolist() == ["ALL", "C12ONLY"]
    assert indicators_for(ds, region="C11")["indicator"].tolist() == ["ALL"]
    assert indicators_for(ds, region="C21")["indicator"].tolist() == ["ALL", "P2ONLY"]
    assert indicators_for(ds, item="X", region="P2").empty


def _listed(path: Path, lang: str) -> dict[str, str | None]:
    """Service item → its 相关指标 cell, from the 清单 sheet(s) of a workbook."""
    from tests.sheets import only_table

    book = openpyxl.load_workbook(path)
    try:
        for name in [n for n in book.sheetnames if n.startswith(label("sheet_listing", lang))]:
            table = only_table(book[name], label("total", lang))
            if label("linked_indicators", lang) in table.header:
                k = table.column(label("linked_indicators", lang))
                item = table.column(label("service_item", lang))
                return {r[item]: r[k] for r in table.values() if r[0] is not None}
        return {}
    finally:
        book.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_linked_indicator_stands_beside_its_item_in_the_listing(tmp_path, lang):
    """Item X has two linked indicators: one province-wide, one for county C12 of P1.  The
    province's 清单 shows both, P1's both, P2's only the province-wide one; a prefecture's
    indicator not linked to an item (P2ONLY) is in no 清单."""
    write_case(_two_prefectures(extra=[
        {"code": "ALLX", "name": "全省覆盖率", "unit": "%", "target": "100", "nature": "约束性",
         "item": "X"},
        {"code": "C12X", "name": "二县面积", "unit": "平方米", "target": "2.6",
         "comparator": "≥", "nature": "预期性", "item": "X", "regions": "C12"}]),
        tmp_path / "case")
    results = solve_case(load_case(tmp_path / "case"), load_config("default"))
    books = {None: write_workbook(results, tmp_path / "province.xlsx", lang=lang)}
    for prefecture in ("P1", "P2"):
        books[prefecture] = write_workbook(results, tmp_path / f"{prefecture}.xlsx", lang=lang,
                                           prefecture=prefecture)
    if lang == "zh":
        county, everywhere, area = "二县托位数≥4.5（二县）", "全省覆盖率：100%（约束性）", \
            "二县面积≥2.6平方米（预期性；二县）"
    else:
        county, everywhere, area = "二县托位数 ≥4.5 (二县)", "全省覆盖率 100% (binding)", \
            "二县面积 ≥2.6 平方米 (expected; 二县)"
    separator = "；" if lang == "zh" else "; "  # in the order of the indicators sheet
    assert _listed(books[None], lang) == {"项目": separator.join([county, everywhere, area])}
    assert _listed(books["P1"], lang) == _listed(books[None], lang)
    assert _listed(books["P2"], lang) == {"项目": everywhere}
    for path in books.values():
        cells = "".join(str(v) for v in _listed(path, lang).values())
        assert "二市参保率" not in cells and "全省指标" not in cells  # linked to no item


def test_gansu_indicators_stand_in_the_listings_of_the_prefectures_they_name(tmp_path):
    """The packaged Gansu case links 城乡低保对象 (item SA01) to 临夏 and 甘南 and 人均体育场地面积
    (WT03) to 兰州: each is in its prefectures' 清单 and the province's, in no other prefecture's;
    the province-wide 九年义务教育巩固率 (ED01) is in all of them."""
    from fiscalshare.examples import example_path

    results = solve_case(load_case(example_path("gansu")), load_config("default"))
    listed = {code: _listed(write_workbook(results, tmp_path / f"{code}.xlsx", prefecture=code
                                           if code != "province" else None), "zh")
              for code in ("province", "622900", "620100")}
    low_income = "城乡低保对象：应保尽保（约束性；临夏回族自治州、甘南藏族自治州）"
    sports = "人均体育场地面积≥2.6平方米（预期性；兰州市）"
    school = "九年义务教育巩固率≥96%（约束性）"
    assert listed["province"]["最低生活保障"] == low_income
    assert listed["province"]["公共体育场馆免费或低收费开放"] == sports
    assert listed["622900"]["最低生活保障"] == low_income
    assert listed["622900"]["公共体育场馆免费或低收费开放"] is None
    assert listed["620100"]["最低生活保障"] is None
    assert listed["620100"]["公共体育场馆免费或低收费开放"] == sports
    for code in listed:
        assert listed[code]["义务教育公用经费（小学）"] == school
