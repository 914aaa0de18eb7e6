"""Each prefecture's workbook is named by that prefecture, whatever the order (issue 16 item 4).

The name is ``<code>-<name>.xlsx`` made safe; codes that would collide, or text that had to be
altered, get a hash of the code, so no order ever decides who gets which file.  The manifest maps
every file to its prefecture, and each file holds that prefecture's rows and no other's.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from tests.factories import tables

from fiscalshare.io import write_case
from fiscalshare.report.filenames import (
    MAX_STEM_BYTES,
    code_hash,
    prefecture_file_name,
    prefecture_file_names,
)

LOOKALIKE = [("a/b", "甲市"), ("a_b", "乙市"), ("a_b-2", "丙市"), ("a:b", "丁市"), ("c", "戊市")]


def test_names_are_code_and_name_and_unaltered_ones_carry_no_hash():
    assert prefecture_file_names([("520100", "贵阳市"), ("520200", "六盘水市")]) == {
        "520100": "520100-贵阳市.xlsx", "520200": "520200-六盘水市.xlsx"}


def test_names_do_not_depend_on_the_order():
    expected = prefecture_file_names(LOOKALIKE)
    for order in itertools.permutations(LOOKALIKE):
        assert prefecture_file_names(order) == expected
    assert len({n.casefold() for n in expected.values()}) == len(LOOKALIKE)
    assert expected["a/b"] == f"a_b-甲市-{code_hash('a/b')}.xlsx"  # altered: hashed
    assert expected["a_b"] == "a_b-乙市.xlsx"  # its own text, no clash once names are added
    assert expected["c"] == "c-戊市.xlsx"
    assert prefecture_file_name("a_b-2", "丙市", reversed(LOOKALIKE)) == expected["a_b-2"]


def test_clashing_names_all_get_a_hash_not_just_the_later_ones():
    names = prefecture_file_names([("X1", "同名"), ("x1", "同名")])
    assert names == {"X1": f"X1-同名-{code_hash('X1')}.xlsx",
                     "x1": f"x1-同名-{code_hash('x1')}.xlsx"}


@pytest.mark.parametrize("code, name", [
    ("A\x00B", "市"), ("../../etc", "passwd"), ("CON", ""), ("nul", "x"), ("A", "名\u202e字"),
    ("Z" * 300, "很长的名字" * 40), ("A", "a\\b:c*d?e\"f<g>h|i"), ("A", "\ufffe\uffff"),
])
def test_odd_text_becomes_a_safe_bounded_name(code, name):
    file = prefecture_file_names([(code, name)])[code]
    stem = file.removesuffix(".xlsx")
    assert re.fullmatch(r"[\w\-]+", stem), file
    assert len(stem.encode()) <= MAX_STEM_BYTES + 9
    assert stem.endswith(code_hash(code))  # altered, so hashed


def _lookalike_case(path):
    codes = [c for c, _ in LOOKALIKE]
    write_case(tables(
        regions=[{"code": c, "name": n, "parent": "", "tier": 1 + k % 2, "population": 100.0}
                 for k, (c, n) in enumerate(LOOKALIKE)],
        items=[{"code": "X", "name": "项目", "domain": "病有所医", "rule": "ratio",
                "binding": "soft"}],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "central_share": 0.5}],
        beneficiaries=[{"region": c, "item": "X", "year": 2021, "units": 10.0 * (k + 1)}
                       for k, c in enumerate(codes)],
        capacity=[{"region": c, "year": 2021, "fiscal_capacity": 1000.0 * (k + 1)}
                  for k, c in enumerate(codes)],
        sharing=[{"tier": t, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.2, "prefecture_share": 0.0} for t in (1, 2)],
    ), path)


def test_each_file_holds_the_prefecture_its_name_and_manifest_entry_say(tmp_path):
    case = tmp_path / "case"
    _lookalike_case(case)
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "fiscalshare", "solve", str(case), "--out",
                           str(out), "--lang", "en", "--quiet"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = manifest["prefectures"]
    on_disk = {f"prefectures/{p.name}" for p in (out / "prefectures").iterdir()}
    assert set(listed) == on_disk and set(listed) <= set(manifest["files"])
    expected = prefecture_file_names(LOOKALIKE)
    assert {entry["code"]: file for file, entry in listed.items()} == {
        code: f"prefectures/{name}" for code, name in expected.items()}
    for file, entry in listed.items():
        code, name = entry["code"], entry["name"]
        assert dict(LOOKALIKE)[code] == name
        book = openpyxl.load_workbook(out / file)
        about = dict(book["About"].iter_rows(min_row=2, values_only=True))
        assert about["Scope"] == f"{code} {name}"
        seen = {cell for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                for cell in row if cell in dict(LOOKALIKE)}  # any layout: codes as cells
        assert seen == {code}, file
        with zipfile.ZipFile(out / file) as archive:
            text = html.unescape("".join(archive.read(n).decode("utf-8", "replace")
                                         for n in archive.namelist() if n.endswith(".xml")))
        for other, other_name in LOOKALIKE:
            if other != code:
                assert other_name not in text, (file, other_name)
