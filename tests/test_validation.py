"""Every rejection rule of spec/inputs.md, located as sheet!cell; the two case forms agree."""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
from tests.factories import tables

from fiscalshare.errors import InputError
from fiscalshare.examples.synthetic import generate
from fiscalshare.io import Limits, load_case, write_case
from fiscalshare.io.writer import sheet_frames

REGIONS = [
    {"code": "P1", "name": "一市", "parent": "", "tier": 1, "population": 300.0},
    {"code": "C1", "name": "一县", "parent": "P1", "tier": 1, "population": 100.0},
    {"code": "C2", "name": "二县", "parent": "P1", "tier": 2, "population": 200.0},
    {"code": "P2", "name": "二市", "parent": "", "tier": 2, "population": 150.0},
]
ITEMS = [{"code": "X", "name": "项", "domain": "病有所医", "rule": "ratio", "binding": "soft"}]
YEARS = (2021, 2022)


def valid_tables():
    return tables(
        regions=REGIONS, items=ITEMS,
        standards=[{"item": "X", "year": y, "unit_cost": 100.0, "central_share": 0.8}
                   for y in YEARS],
        beneficiaries=[{"region": r, "item": "X", "year": y, "units": 10.0}
                       for r in ("C1", "C2", "P2") for y in YEARS],
        capacity=[{"region": r["code"], "year": y, "fiscal_capacity": 1000.0}
                  for r in REGIONS for y in YEARS],
        sharing=[{"tier": t, "item": "X", "province_min": 0.2, "province_max": 0.8,
                  "province_share": 0.5, "prefecture_share": 0.1} for t in (1, 2)],
        budget=[{"year": 2021, "provincial_budget": 1e6, "equalisation_pool": None}],
        ratio_menu=[0.2, 0.5, 0.8], years=YEARS,
    )


def write_frames(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def problems(path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_case(path)
    return [str(p) for p in caught.value.problems]


def broken(tmp_path, change) -> list[str]:
    frames = sheet_frames(valid_tables())
    change(frames)
    return problems(write_frames(frames, tmp_path / "case"))


def set_cell(frames, sheet, row, column, value):
    frame = frames[sheet].astype(object)
    frame.loc[row, column] = value
    frames[sheet] = frame


CASES = {
    # (change, expected message); CSV rows are numbered as lines: data row k is line k + 2
    "missing sheet": (lambda f: f.pop("capacity"), "capacity: missing sheet 'capacity'"),
    "missing column": (lambda f: f.__setitem__("items", f["items"].drop(columns="rule")),
                       "items.csv!1: missing column 'rule'"),
    "duplicate key": (lambda f: f.__setitem__("regions", pd.concat([f["regions"],
                                                                     f["regions"].iloc[[1]]])),
                      "regions.csv!6: column 'code': duplicate key 'C1'"),
    "unknown region": (lambda f: set_cell(f, "beneficiaries", 0, "region", "ZZ"),
                       "beneficiaries.csv!2: column 'region': 'ZZ' is not a region code"),
    "unknown item": (lambda f: set_cell(f, "standards", 1, "item", "Y"),
                     "standards.csv!3: column 'item': 'Y' is not an item code"),
    "tier out of range": (lambda f: set_cell(f, "regions", 2, "tier", "x"),
                          "regions.csv!4: column 'tier': expected an integer 1..1000, found 'x'"),
    "non-numeric": (lambda f: set_cell(f, "capacity", 0, "fiscal_capacity", "lots"),
                    "capacity.csv!2: column 'fiscal_capacity': expected a number ≥ 0 and ≤ 1e+13, "
                    "found 'lots'"),
    "negative": (lambda f: set_cell(f, "beneficiaries", 1, "units", -3),
                 "beneficiaries.csv!3: column 'units': expected a number ≥ 0 and ≤ 1e+09, found '-3'"),
    "NaN": (lambda f: set_cell(f, "standards", 0, "unit_cost", "nan"),
            "standards.csv!2: column 'unit_cost': expected a number > 0 and ≤ 1e+09, found 'nan'"),
    "infinite": (lambda f: set_cell(f, "capacity", 2, "fiscal_capacity", "inf"),
                 "capacity.csv!4: column 'fiscal_capacity': expected a number ≥ 0 and ≤ 1e+13, found 'inf'"),
    "share outside [0,1]": (lambda f: set_cell(f, "standards", 0, "central_share", 1.5),
                            "standards.csv!2: column 'central_share': expected a number in "
                            "[0, 1], found '1.5'"),
    "min above max": (lambda f: set_cell(f, "sharing", 0, "province_min", 0.9),
                      "sharing.csv!2: column 'province_min': province_min 0.9 is above "
                      "province_max 0.8"),
    "share outside bounds": (lambda f: set_cell(f, "sharing", 1, "province_share", 0.1),
                             "sharing.csv!3: column 'province_share': province_share 0.1 is "
                             "outside [0.2, 0.8]"),
    "parent not a prefecture": (lambda f: set_cell(f, "regions", 2, "parent", "C1"),
                                "regions.csv!4: column 'parent': parent 'C1' of 'C2' is itself "
                                "a county"),
    "year outside range": (lambda f: set_cell(f, "budget", 0, "year", 2030),
                           "budget.csv!2: column 'year': year 2030 is outside meta's 2021..2022"),
    "missing year": (lambda f: f.__setitem__("standards", f["standards"].iloc[:1]),
                     "standards.csv: column 'year': no standard for item 'X' in year(s) 2022"),
    "beneficiaries on a prefecture with counties": (
        lambda f: set_cell(f, "beneficiaries", 0, "region", "P1"),
        "beneficiaries.csv!2: column 'region': 'P1' is a prefecture with counties"),
    "ratio_menu share outside [0,1]": (lambda f: set_cell(f, "ratio_menu", 0, "share", 2),
                                       "ratio_menu.csv!2: column 'share': expected a number in "
                                       "[0, 1], found '2'"),
    "missing capacity": (lambda f: f.__setitem__("capacity", f["capacity"].iloc[1:]),
                         "capacity.csv: column 'region': no capacity for spending unit 'P1' "
                         "in 2021"),
    "missing sharing row": (lambda f: f.__setitem__("sharing", f["sharing"].iloc[:1]),
                            "sharing.csv: column 'tier': no row for tier 2 and item 'X'"),
    "central item with a share": (
        lambda f: (set_cell(f, "items", 0, "rule", "central")),
        "standards.csv!2: column 'central_share': item 'X' is rule=central: central_share "
        "must be 1, found 0.8"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_rejection_rule_names_the_sheet_and_cell(tmp_path, name):
    change, expected = CASES[name]
    found = broken(tmp_path, change)
    assert any(expected in p for p in found), "\n".join(found)


def test_all_problems_of_a_case_are_reported_together(tmp_path):
    def change(frames):
        set_cell(frames, "regions", 2, "tier", "x")
        set_cell(frames, "capacity", 0, "fiscal_capacity", -1)
        set_cell(frames, "sharing", 0, "province_min", 0.9)

    assert len(broken(tmp_path, change)) >= 3


def test_the_xlsx_and_csv_forms_of_a_case_give_identical_datasets(tmp_path):
    write_case(valid_tables(), tmp_path / "case.xlsx")
    write_case(valid_tables(), tmp_path / "csv")
    from_xlsx = load_case(tmp_path / "case.xlsx")
    from_csv = load_case(tmp_path / "csv")
    xr.testing.assert_identical(from_xlsx.drop_attrs(), from_csv.drop_attrs())
    assert list(from_csv["unit"].values) == ["P1", "C1", "C2", "P2"]


@pytest.mark.parametrize("regions,items,years,seed", [(5, 3, 1, 0), (40, 12, 3, 7),
                                                      (130, 80, 5, 1)])
def test_generated_cases_validate_and_are_deterministic(tmp_path, regions, items, years, seed):
    first, second = tmp_path / "a", tmp_path / "b"
    write_case(generate(regions, items, years, seed), first)
    write_case(generate(regions, items, years, seed), second)
    for file in sorted(first.iterdir()):
        assert file.read_bytes() == (second / file.name).read_bytes(), file.name
    ds = load_case(first)
    assert ds.sizes["region"] == regions and ds.sizes["item"] == items


def test_files_that_are_not_workbooks_are_refused_with_a_reason(tmp_path):
    cases = {
        "empty.xlsx": (b"", "the file is empty"),
        "random.xlsx": (bytes(range(256)) * 4, "not an .xlsx workbook"),
        "encrypted.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "encrypted"),
        "case.xlsm": (b"PK", "macro-enabled"),
        "old.xls": (b"\xd0\xcf\x11\xe0", "old .xls"),
    }
    for name, (content, reason) in cases.items():
        (tmp_path / name).write_bytes(content)
        assert any(reason in p for p in problems(tmp_path / name)), name


def test_a_zip_bomb_is_refused_before_reading(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (64 * 2**20))
    assert any("zip bomb" in p for p in problems(bomb))
    small = Limits(max_file_bytes=10)
    write_case(valid_tables(), tmp_path / "ok.xlsx")
    with pytest.raises(InputError, match="above the limit"):
        load_case(tmp_path / "ok.xlsx", limits=small)


def test_defusedxml_guards_openpyxl():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


SHEET_NAMES = ("regions", "items", "standards", "beneficiaries", "capacity", "sharing", "budget",
               "ratio_menu", "meta")


def test_random_corruptions_never_raise_anything_but_input_errors(tmp_path):
    """Cells replaced by junk, rows dropped, columns renamed: InputError or a valid case."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    junk = st.one_of(st.text(max_size=6), st.integers(-10**6, 10**6),
                     st.floats(allow_nan=True, allow_infinity=True), st.none(),
                     st.sampled_from(["#N/A", "是", "１２", "1,234", " C1 ", "2021-01-01"]))

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.data())
    def check(data):
        frames = sheet_frames(valid_tables())
        for _ in range(data.draw(st.integers(1, 4))):
            sheet = data.draw(st.sampled_from(SHEET_NAMES))
            frame = frames[sheet].astype(object)
            action = data.draw(st.sampled_from(["cell", "drop_row", "rename"]))
            if action == "cell" and len(frame):
                row = data.draw(st.integers(0, len(frame) - 1))
                column = data.draw(st.sampled_from(list(frame.columns)))
                frame.loc[frame.index[row], column] = data.draw(junk)
            elif action == "drop_row" and len(frame):
                frame = frame.drop(frame.index[data.draw(st.integers(0, len(frame) - 1))])
            else:
                column = data.draw(st.sampled_from(list(frame.columns)))
                frame = frame.rename(columns={column: column + "_"})
            frames[sheet] = frame
        folder = write_frames(frames, tmp_path / f"case{data.draw(st.integers(0, 10**9))}")
        with contextlib.suppress(InputError):
            load_case(folder)

    check()


def test_a_workbook_above_the_cell_limit_is_refused(tmp_path):
    write_case(valid_tables(), tmp_path / "case.xlsx")
    with pytest.raises(InputError, match="cells: above the limit"):
        load_case(tmp_path / "case.xlsx", limits=Limits(max_cells=20))
    assert load_case(tmp_path / "case.xlsx", limits=Limits(max_cells=10_000)).sizes["region"] == 3
