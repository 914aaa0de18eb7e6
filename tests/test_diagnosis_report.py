"""diagnosis.xlsx of an infeasible run (issue 11, Deliver 8): in 万元, and its figures, entered as
the case's budget and pool, make the case solve."""

from __future__ import annotations

import openpyxl
import pytest
from tests.factories import tables
from tests.sheets import table_titled

from fiscalshare.io.writer import write_case
from fiscalshare.report.diagnosis import wan_up
from fiscalshare.workflows import SolveRequest, run_solve


def hard_case(path, budget, pool=None):
    """Local part 1 000 yuan against a capacity of 100 and a budget of ``budget`` yuan."""
    write_case(tables(
        regions=[{"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 10.0},
                 {"code": "B", "name": "乙市", "parent": "", "tier": 2, "population": 10.0}],
        items=[{"code": "X", "name": "公共卫生", "domain": "病有所医", "rule": "local",
                "binding": "hard"}],
        standards=[{"item": "X", "year": y, "unit_cost": 100.0, "central_share": 0.0}
                   for y in (2021, 2022)],
        beneficiaries=[{"region": r, "item": "X", "year": y, "units": 10.0 * (1 + (y == 2022))}
                       for r in ("A", "B") for y in (2021, 2022)],
        capacity=[{"region": r, "year": y, "fiscal_capacity": 100.0 if r == "A" else 1500.0}
                  for r in ("A", "B") for y in (2021, 2022)],
        sharing=[{"tier": t, "item": "X", "province_min": 0.0, "province_max": 0.5,
                  "province_share": 0.0} for t in (1, 2)],
        budget=[{"year": y, "provincial_budget": _of(budget, y), "equalisation_pool": _of(pool, y)}
                for y in (2021, 2022)],
        years=(2021, 2022),
    ), path)
    return path


def _of(value, year):
    return value.get(year) if isinstance(value, dict) else value


@pytest.mark.parametrize("pool", [None, 50.0])
def test_the_budget_and_pool_given_back_make_the_case_solve(tmp_path, pool):
    out = tmp_path / "out"
    outcome = run_solve(SolveRequest(case=hard_case(tmp_path / "case.xlsx", 100.0, pool),
                                     out=out))
    assert outcome.exit_code == 3
    book = openpyxl.load_workbook(out / "diagnosis.xlsx")
    (ws,) = book.worksheets
    table = table_titled(ws, "分年度需增加的资金", "合计")
    rows = table.values()
    assert [r[0] for r in rows] == [2021, 2022]
    budget = table.column("可满足的省级预算")
    pools = table.column("可满足的均衡性转移支付资金")
    extra = table.column("需增加的省级预算")
    for row, split in zip(rows, outcome.diagnosis["split"], strict=True):
        assert row[budget] == wan_up(split["budget"])  # 万元, rounded up to the fen
        assert row[extra] > 0
        assert row[pools] == ("不设上限" if pool is None else wan_up(split["pool"]))
    # given back year by year, in 万元 as printed, the case solves
    new_budget = {r[0]: r[budget] * 1e4 for r in rows}
    new_pool = None if pool is None else {r[0]: r[pools] * 1e4 for r in rows}
    solved = run_solve(SolveRequest(case=hard_case(tmp_path / "again.xlsx", new_budget, new_pool),
                                    out=tmp_path / "again", reports=False))
    assert solved.exit_code == 0
    # figures are rounded up to the fen, never down
    assert wan_up(10_001.0) == 1.01 and wan_up(10_000.0) == 1.0
