"""The packaged examples: committed files equal their build scripts' output, and the county-level
Gansu example has what issue 12 asks of it (nine domains, ≥ 25 items, ≥ 60 receiving regions,
π > 0, flags, a budget and a pool, a current table that is not the bounds)."""

from __future__ import annotations

import filecmp

import pytest

from fiscalshare.examples import example_path, list_examples
from fiscalshare.io import read_tables
from fiscalshare.io.dataset import DOMAINS, FLAGS, build_inputs


def _same_files(built, packaged) -> list[str]:
    names = sorted(p.name for p in packaged.iterdir() if p.suffix == ".csv")
    assert names == sorted(p.name for p in built.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(built, packaged, names, shallow=False)
    return mismatch + errors


def test_gansu_files_are_the_build_scripts_output(tmp_path):
    from fiscalshare.examples import build_gansu

    build_gansu.write_example(tmp_path)
    assert _same_files(tmp_path / "gansu", example_path("gansu")) == []


def test_guizhou_files_are_the_build_scripts_output(tmp_path):
    from fiscalshare.examples import build_guizhou

    build_guizhou.write_examples(tmp_path)
    for name in ("guizhou", "guizhou-lowbudget"):
        assert _same_files(tmp_path / name, example_path(name)) == [], name


@pytest.mark.parametrize("name", list_examples())
def test_every_packaged_example_validates_without_warnings(name):
    _, warnings = read_tables(example_path(name))
    assert warnings == [], [w.message for w in warnings]


def test_gansu_is_a_county_level_case_of_all_nine_domains():
    tables, _ = read_tables(example_path("gansu"))
    ds = build_inputs(tables)
    assert set(ds["domain"].values) == set(DOMAINS)
    assert ds.sizes["item"] >= 25 and ds.sizes["item"] <= 30
    assert ds.sizes["region"] >= 60
    assert (ds["unit_level"] == "prefecture").sum() == 14
    assert ds.sizes["year"] >= 3
    assert float(ds["prefecture_share"].max()) > 0
    for flag in FLAGS:
        assert int(ds[flag].sum()) > 0, flag
    assert tables.budget["provincial_budget"].notna().all()
    assert (tables.budget["equalisation_pool"] > 0).all()
    # a current table, not the bounds: somewhere strictly inside, somewhere at the top
    chosen = ds["province_rule"] == "chosen"
    s0, low, high = (ds[v].where(chosen) for v in ("province_share", "province_min",
                                                    "province_max"))
    assert bool(((s0 > low) & (s0 <= high)).any())
    assert set(ds["rule"].values) == {"ratio", "uniform", "central", "local"}
    assert set(ds["province_rule"].values) == {"chosen", "fixed"}
    source = ds.attrs["source"]
    assert all(tag in source for tag in ("[S]", "[M]", "[A]"))


def test_fiscalshare_example_gansu_writes_a_workbook_that_validates(tmp_path):
    from fiscalshare.cli import main

    out = tmp_path / "gansu.xlsx"
    with pytest.raises(SystemExit) as done:
        main(["example", "gansu", str(out)])
    assert done.value.code == 0
    tables, warnings = read_tables(out)
    assert warnings == [] and len(tables.items) == 29
