"""Odd input text, magnitudes and options: refused up front with a located message (exit 2), or
solved correctly — never a crash after the work (issue 16, "Input text", "Numbers").

Each case runs the real command in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
import pytest
from tests.factories import tables

from fiscalshare.io import write_case
from fiscalshare.io.schema import MAX_CELL_COST, MAX_UNIT_COST


def fiscalshare(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fiscalshare", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


def two(unit_cost=100.0, topup=1.0, cost_index=1.0, units=100.0, capacity=(10000.0, 1000.0),
        tiers=(1, 2), codes=("A", "B"), names=("甲市", "乙市"), budget=None):
    """Two prefecture-level regions, one soft item, one year (as tests/factories.py), with every
    value that the cases below vary exposed."""
    return tables(
        regions=[{"code": codes[k], "name": names[k], "parent": "", "tier": tiers[k],
                  "population": 100.0, "cost_index": cost_index} for k in range(2)],
        items=[{"code": "X", "name": "项目", "domain": "病有所医", "unit": "元/人/年",
                "rule": "ratio", "binding": "soft", "weight": 1.0}],
        standards=[{"item": "X", "year": 2021, "unit_cost": unit_cost, "topup": topup,
                    "central_share": 0.8}],
        beneficiaries=[{"region": codes[k], "item": "X", "year": 2021, "units": units}
                       for k in range(2)],
        capacity=[{"region": codes[k], "year": 2021, "fiscal_capacity": capacity[k]}
                  for k in range(2)],
        sharing=[{"tier": t, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.2, "prefecture_share": 0.0} for t in sorted(set(tiers))],
        budget=budget,
    )


REFUSED = {
    "NUL in a code": (dict(codes=("A\x00", "B")), "regions.csv!2: column 'code'", "U+0000"),
    "ESC in a name": (dict(names=("\x1b[31m甲", "乙")), "regions.csv!2: column 'name'", "U+001B"),
    "U+FFFF in a name": (dict(names=("甲", "乙\uffff")), "regions.csv!3: column 'name'",
                         "U+FFFF"),
    "U+FFFE in a name": (dict(names=("甲\ufffe", "乙")), "regions.csv!2: column 'name'",
                         "U+FFFE"),
    "a 300-character code": (dict(codes=("A", "B" * 300)), "regions.csv!3: column 'code'",
                             "300 characters"),
    "full-width and ASCII codes": (dict(codes=("Ａ1", "A1")), "regions.csv!3: column 'code'",
                                   "duplicate key 'A1'"),
    "codes differing in case": (dict(codes=("a1", "A1")), "regions.csv!3: column 'code'",
                                "duplicate key 'A1'"),
    "unit cost 1e12": (dict(unit_cost=1e12), "standards.csv!2: column 'unit_cost'", "≤ 1e+09"),
    "unit cost 1e300": (dict(unit_cost=1e300), "standards.csv!2: column 'unit_cost'", "≤ 1e+09"),
    "top-up 1e300": (dict(topup=1e300), "standards.csv!2: column 'topup'", "≤ 100"),
    "cost index 1e300": (dict(cost_index=1e300), "regions.csv!2: column 'cost_index'", "≤ 100"),
    "cost index 1e-300": (dict(cost_index=1e-300), "regions.csv!2: column 'cost_index'",
                          "≥ 0.01"),
    "capacity 1e300": (dict(capacity=(1e300, 1.0)), "capacity.csv!2: column 'fiscal_capacity'",
                       "≤ 1e+13"),
    "budget 1e300": (dict(budget=[{"year": 2021, "provincial_budget": 1e300,
                                   "equalisation_pool": None}]),
                     "budget.csv!2: column 'provincial_budget'", "≤ 1e+14"),
    "a row's cost above the limit": (dict(unit_cost=MAX_UNIT_COST, units=1e4),
                                     "beneficiaries.csv!2: column 'units'", "1e+13 yuan"),
    "a tier of 1e30": (dict(tiers=(1, 10**30)), "regions.csv!3: column 'tier'", "1..1000"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_odd_values_are_refused_with_their_place(tmp_path, name):
    change, where, says = REFUSED[name]
    case = tmp_path / "case"
    write_case(two(**change), case)
    done = fiscalshare("validate", case, "--lang", "en")
    assert done.returncode == 2, done.stderr
    assert where in done.stderr and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr + done.stdout


@pytest.mark.parametrize("name", ["NUL in a code", "a 300-character code", "U+FFFF in a name",
                                  "unit cost 1e12"])
def test_solve_refuses_them_before_solving_and_writes_nothing(tmp_path, name):
    change, where, _ = REFUSED[name]
    case = tmp_path / "case"
    write_case(two(**change), case)
    done = fiscalshare("solve", case, "--out", tmp_path / "run", "--lang", "en")
    assert done.returncode == 2 and where in done.stderr, done.stderr
    assert not (tmp_path / "run").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]


@pytest.mark.parametrize("command", ["solve", "compare"])
def test_a_bell_in_a_region_name_gets_the_same_answer_from_solve_and_compare(tmp_path, command):
    """Issue 14's case: \x07 in a name once crashed compare (exit 1) while solve succeeded."""
    case = tmp_path / "case"
    write_case(two(names=("甲\x07市", "乙市")), case)
    done = fiscalshare(command, case, "--out", tmp_path / "out", "--lang", "en")
    assert done.returncode == 2, done.stderr
    assert "regions.csv!2: column 'name'" in done.stderr and "U+0007" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_a_repeated_column_in_a_workbook_is_located(tmp_path):
    path = tmp_path / "case.xlsx"
    write_case(two(), path)
    book = openpyxl.load_workbook(path)
    sheet = book["regions"]
    column = sheet.max_column + 1
    sheet.cell(row=1, column=column, value="name")
    sheet.cell(row=2, column=column, value="又一个名字")
    book.save(path)
    done = fiscalshare("validate", path, "--lang", "en")
    assert done.returncode == 2, done.stderr
    letter = openpyxl.utils.get_column_letter(column)
    assert f"regions!{letter}1: column 'name': the column appears twice" in done.stderr


def test_a_repeated_column_in_a_csv_header_is_located_not_ignored(tmp_path):
    case = tmp_path / "case"
    write_case(two(), case)
    lines = (case / "regions.csv").read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",tier"] + [line + ",9" for line in lines[1:]]
    (case / "regions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = fiscalshare("validate", case, "--lang", "en")
    assert done.returncode == 2, done.stderr
    assert "regions.csv!1: column 'tier': the column appears twice in the header" in done.stderr


@pytest.mark.parametrize("sheet", ["regions", "items"])
def test_a_sheet_with_a_header_and_no_rows_is_refused(tmp_path, sheet):
    case = tmp_path / "case"
    write_case(two(), case)
    header = (case / f"{sheet}.csv").read_text(encoding="utf-8").splitlines()[0]
    (case / f"{sheet}.csv").write_text(header + "\n", encoding="utf-8")
    done = fiscalshare("validate", case, "--lang", "en")
    assert done.returncode == 2, done.stderr
    assert f"{sheet}.csv!2: the sheet has a header but no rows" in done.stderr


def test_tiers_beyond_five_are_accepted_when_the_sharing_sheet_defines_them(tmp_path):
    case = tmp_path / "case"
    write_case(two(tiers=(1, 7)), case)
    out = tmp_path / "run"
    done = fiscalshare("solve", case, "--out", out, "--no-reports", "--quiet")
    assert done.returncode == 0, done.stderr
    audit = fiscalshare("verify", out)
    assert audit.returncode == 0, audit.stderr


@pytest.mark.parametrize("change", [
    dict(unit_cost=MAX_UNIT_COST, units=MAX_CELL_COST / MAX_UNIT_COST,
         capacity=(1e13, 0.0)),
    dict(unit_cost=1e-3, units=1.0, capacity=(1e13, 1.0)),
    dict(unit_cost=1e3, units=1e8, topup=10.0, cost_index=0.01,
         budget=[{"year": 2021, "provincial_budget": 1e14, "equalisation_pool": 1e14}]),
], ids=["largest row", "tiny cost, huge capacity", "large budget"])
def test_the_extremes_within_the_limits_solve_and_pass_the_audit(tmp_path, change):
    case = tmp_path / "case"
    write_case(two(**change), case)
    out = tmp_path / "run"
    done = fiscalshare("solve", case, "--out", out, "--no-reports", "--quiet", "--eta", "5")
    assert done.returncode == 0, done.stderr
    audit = fiscalshare("verify", out)
    assert audit.returncode == 0, audit.stderr


@pytest.mark.parametrize("option, says", [
    (("--eta", "1e300"), "column 'eta': expected a number in [0, 5]"),
    (("--eta", "nan"), "column 'eta'"),
    (("--threads", "100000"), "Invalid value for '--threads'"),
    (("--threads", "0"), "Invalid value for '--threads'"),
    (("--time-limit", "-1"), "Invalid value for '--time-limit'"),
    (("--time-limit", "0"), "Invalid value for '--time-limit'"),
    (("--time-limit", "inf"), "Invalid value for '--time-limit'"),
])
def test_options_out_of_range_are_refused_before_solving(tmp_path, option, says):
    done = fiscalshare("solve", "--out", tmp_path / "run", *option, "--lang", "en")
    assert done.returncode == 2, done.stderr
    assert says in done.stderr
    assert not (tmp_path / "run").exists()


def test_example_synthetic_never_writes_a_case_validate_rejects(tmp_path):
    too_many = fiscalshare("example", "synthetic", tmp_path / "long", "--years", "300")
    assert too_many.returncode == 2 and not (tmp_path / "long").exists()
    case = tmp_path / "case"
    done = fiscalshare("example", "synthetic", case, "--regions", "4", "--items", "3",
                       "--years", "50")
    assert done.returncode == 0, done.stderr
    checked = fiscalshare("validate", case)
    assert checked.returncode == 0, checked.stderr


def test_example_synthetic_force_never_replaces_a_folder_it_did_not_write(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    done = fiscalshare("example", "synthetic", mine, "--force", "--regions", "2", "--items", "2")
    assert done.returncode == 2
    assert (mine / "notes.txt").read_text() == "keep"
    here = fiscalshare("example", "synthetic", ".", "--force", cwd=mine)
    assert here.returncode == 2
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]


def test_a_name_no_font_can_draw_is_not_an_error(tmp_path):
    """An emoji in a name draws as a box in the plots; even with warnings as errors the run
    completes (the fuzz target found matplotlib's missing-glyph warning escaping)."""
    case = tmp_path / "case"
    write_case(two(names=("甲市😀", "乙市")), case)
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-W", "error::UserWarning", "-m", "fiscalshare",
                           "solve", str(case), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / "plots").is_dir()


def test_a_case_with_no_beneficiaries_solves_and_passes_the_audit(tmp_path):
    """Found by the fuzz target: a sheet with no table columns crashed the workbook writer."""
    case = tmp_path / "case"
    write_case(two(units=0.0, capacity=(0.001, 0.001), codes=("a/b", "a_b")), case)
    out = tmp_path / "run"
    done = fiscalshare("solve", case, "--out", out, "--quiet", "--eta", "0")
    assert done.returncode == 0, done.stderr
    audit = fiscalshare("verify", out)
    assert audit.returncode == 0, audit.stderr
