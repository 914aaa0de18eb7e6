"""Every table balances as displayed (issue 11, Deliver 3).

For every workbook the packaged runs write (Guizhou under each ``models/*.yaml``, the lower-budget
variant) and for a county-level synthetic case whose prefectures bear a share π of their
counties' local parts: every 合计 row equals the sum of the parts above it *as stored* (to the
fen), every 合计 column the sum of the money beside it, every row's 标准支出 its five parts, and
every row of shares of cost 100.00 %.  allocation.nc keeps full precision.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xarray as xr
from tests.sheets import MONEY, PERCENT, fen, tables_of

from fiscalshare.examples import example_path
from fiscalshare.examples.synthetic import generate
from fiscalshare.io.dataset import build_inputs
from fiscalshare.io.writer import write_case
from fiscalshare.report.labels import label
from fiscalshare.workflows import SolveRequest, run_solve

ROOT = Path(__file__).resolve().parents[1]
MODELS = sorted((ROOT / "models").glob("*.yaml"))
PARTS = ("central", "province", "prefecture_level", "county", "shortfall")
SHARES = ("central_pct", "province_pct", "prefecture_pct", "county_pct", "shortfall_pct")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("balance")
    cases = {f"guizhou-{m.stem}": (example_path("guizhou"), m) for m in MODELS}
    cases["guizhou-lowbudget"] = (example_path("guizhou-lowbudget"), "default")
    synthetic = root / "county.xlsx"
    write_case(generate(24, 5, 2, seed=3, prefectures=3, budget_factor=0.7), synthetic)
    cases["county"] = (synthetic, "default")
    done = {}
    for name, (case, model) in cases.items():
        outcome = run_solve(SolveRequest(case=case, model=model, out=root / name))
        assert outcome.exit_code == 0, name
        done[name] = root / name
    return done


def test_the_county_case_has_prefecture_shares_and_the_guizhou_runs_all_models(runs):
    assert len(MODELS) >= 4
    with xr.open_dataset(runs["county"] / "allocation.nc", engine="h5netcdf") as results:
        assert float(results["prefecture_share"].max()) > 0
        county = results["region_parent"].values != ""
        assert county.all()
        assert float(results["funding"].sel(level="prefecture").isel(
            region=np.flatnonzero(county)).sum()) > 0
        # the results themselves are not rounded to the fen
        cents = results["funding"].values * 1e-2
        assert np.abs(cents - np.round(cents)).max() > 1e-3


def _workbooks(folder: Path) -> list[Path]:
    return [folder / "responsibility.xlsx", *sorted((folder / "prefectures").glob("*.xlsx"))]


def test_every_total_adds_up_to_its_parts_as_stored(runs):
    checked = {"column totals": 0, "row totals": 0, "row identities": 0, "shares": 0}
    for name, folder in runs.items():
        for path in _workbooks(folder):
            _check_balance(path, name, checked)
    assert all(count > 50 for count in checked.values()), checked


@pytest.mark.parametrize(("limit", "level", "rows"), [(100, "prefecture", 3 * 5 * 2),
                                                      (20, "prefecture_total", 3 * 2)])
def test_a_summarised_province_workbook_balances_and_keeps_the_totals(runs, tmp_path,
                                                                       monkeypatch, limit,
                                                                       level, rows):
    """Above DETAIL_LIMIT rows the province lists prefectures (× item × year, or × year over all
    items): the rows still balance, and their sum is the whole province's, to the fen.  (The
    county case: 3 prefectures, 24 counties, 5 items, 2 years.)"""
    from fiscalshare.report import tables
    from fiscalshare.report.amounts import fen_of
    from fiscalshare.report.responsibility import write_workbook

    monkeypatch.setattr(tables, "DETAIL_LIMIT", limit)
    with xr.open_dataset(runs["county"] / "allocation.nc", engine="h5netcdf") as results:
        results = results.load()
    mask = tables.visible_regions(results, None)
    assert tables.detail_level(results, mask) == level
    path = write_workbook(results, tmp_path / "responsibility.xlsx", lang="zh")
    checked = {"column totals": 0, "row totals": 0, "row identities": 0, "shares": 0}
    _check_balance(path, level, checked)
    assert checked["row identities"] > 0, checked
    book = openpyxl.load_workbook(path)
    (table,) = tables_of(book["支出责任表"], label("total", "zh"))
    assert len(table.values()) == rows
    assert {str(v) for v in table.values()[0][:1]} <= set(results["unit"].values.astype(str))
    k = table.column(label("standard_cost", "zh"))
    assert fen(table.total[k].value) == int(fen_of(results).cost.sum())
    # the per-unit transfers: 27 units × 2 years pass a limit of 20 rows, not one of 100
    (transfers,) = tables_of(book[label("sheet_transfers", "zh")], label("total", "zh"))
    assert len(transfers.values()) == (3 * 2 if limit < 27 * 2 else 27 * 2)
    k = transfers.column(label("transfer", "zh"))
    fens = fen_of(results)
    assert fen(transfers.total[k].value) == int(fens.by_unit("province").sum()
                                                + fens.equalisation.sum())


def _check_balance(path: Path, name: str, checked: dict) -> None:
    total = label("total", "zh")
    parts = {label(k, "zh") for k in PARTS}
    shares = {label(k, "zh") for k in SHARES}
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for table in tables_of(ws, total):
            where = (name, path.name, ws.title, table.title)
            body = table.values()
            money = [k for k in range(len(table.header)) if table.formats(k) == {MONEY}]
            if table.total is not None:
                for k in money:
                    assert sum(fen(r[k] or 0) for r in body) == fen(
                        table.total[k].value), (*where, table.header[k])
                    checked["column totals"] += 1
            if table.header[-1] == total:  # a 合计 column: the money beside it
                rows = body + ([[c.value for c in table.total]] if table.total else [])
                for row in rows:
                    assert sum(fen(row[k]) for k in money[:-1]) == fen(row[-1]), where
                    checked["row totals"] += 1
            if label("standard_cost", "zh") in table.header and \
                    label("central", "zh") in table.header:  # the who-pays tables
                c = table.column(label("standard_cost", "zh"))
                ks = [k for k, h in enumerate(table.header) if h in parts]
                for row in body:
                    assert sum(fen(row[k]) for k in ks) == fen(row[c]), where
                    checked["row identities"] += 1
            ks = [k for k, h in enumerate(table.header) if h in shares]
            if len(ks) > 1:  # the levels' shares of cost (not a lone 缺口占比)
                assert all(table.formats(k) <= {PERCENT} for k in ks)
                for row in body:
                    if any(row[k] is not None for k in ks):
                        assert sum(round(row[k] * 10000) for k in ks) == 10000, where
                        checked["shares"] += 1


def test_a_lower_budget_shortfall_is_shown_and_balanced(runs):
    book = openpyxl.load_workbook(runs["guizhou-lowbudget"] / "responsibility.xlsx")
    (table,) = tables_of(book["支出责任表"], "合计")
    k = table.column("缺口")
    assert table.total[k].value > 0
    with xr.open_dataset(runs["guizhou-lowbudget"] / "allocation.nc",
                         engine="h5netcdf") as results:
        assert table.total[k].value == pytest.approx(float(results["shortfall"].sum()) / 1e4,
                                                     abs=0.01 * len(table.body))


def test_the_synthetic_inputs_carry_no_optional_item_texts():
    """Old workbooks without 服务对象 / 服务内容 / 牵头单位 stay valid (blank in the 清单)."""
    inputs = build_inputs(generate(3, 2, 1, seed=0))
    assert inputs["item_lead_department"].values.tolist() == ["", ""]


def test_stable_rank_counts_as_a_stable_sort_does_with_ties_and_infinities():
    """The pairwise count (up to eight parts) and the double argsort (more) agree, ties going
    to the earlier part."""
    from fiscalshare.report.amounts import _stable_rank

    rng = np.random.default_rng(3)
    for k in (1, 2, 5, 8, 9):
        x = rng.integers(0, 3, (500, 3, k)).astype(float)
        x[x == 2] = np.inf
        expected = np.argsort(np.argsort(x, axis=-1, kind="stable"), axis=-1, kind="stable")
        assert np.array_equal(_stable_rank(x), expected)
