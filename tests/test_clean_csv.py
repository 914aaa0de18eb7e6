"""The clean-CSV reader (io.clean_csv) against the full reader (io.files + io.validate).

The clean reader may decline any case (the full reader then reads it), but what it accepts it
must read exactly as the full reader does, and only cases the full reader accepts without a
warning.  Every case below is put to both; the clean ones must also be accepted by it, or the
national case would quietly load at the old speed.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from fiscalshare.errors import InputError
from fiscalshare.examples.synthetic import generate
from fiscalshare.io import load_case, read_tables, write_case
from fiscalshare.io.clean_csv import NotClean, clean_tables
from fiscalshare.io.dataset import build_inputs
from fiscalshare.io.files import Limits, read_csv_files, sha256_of

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "src" / "fiscalshare" / "examples"
DATA = ROOT / "tests" / "data"


def agreement(folder: Path) -> str:
    """'clean' (both readers, the same Dataset), 'declined' (the full reader alone: it warned
    or forgave something) or 'refused' (both refuse).  Any other outcome fails the test."""
    try:  # the rules that need the beneficiaries cube run when build_inputs asks for it
        fast = build_inputs(clean_tables(read_csv_files(folder, Limits())))
    except NotClean:
        fast = None
    try:
        slow, warnings = read_tables(folder)
    except InputError:
        assert fast is None, "the clean reader accepted a case the full reader refuses"
        return "refused"
    if fast is None:
        return "declined"
    assert warnings == [], f"the clean reader accepted a case with warnings: {warnings}"
    slow = build_inputs(slow)
    xr.testing.assert_identical(fast, slow)
    assert {name: v.dtype for name, v in fast.variables.items()} \
        == {name: v.dtype for name, v in slow.variables.items()}
    return "clean"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """A small clean case with counties under prefectures, a budget and a ratio menu."""
    folder = tmp_path_factory.mktemp("clean") / "case"
    tables = generate(30, 6, 3, 11, budget_factor=0.8)
    tables.ratio_menu = pd.DataFrame({"share": [0.2, 0.5, 0.8]})
    write_case(tables, folder)
    assert agreement(folder) == "clean"
    return folder


@pytest.mark.parametrize("example", ["gansu", "guizhou", "guizhou-lowbudget"])
def test_the_packaged_examples_are_read_by_the_clean_reader_as_by_the_full_one(example):
    assert agreement(EXAMPLES / example) == "clean"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_cases_are_read_alike(tmp_path, seed):
    write_case(generate(40, 8, 4, seed, prefectures=3), tmp_path / "case")
    assert agreement(tmp_path / "case") == "clean"


def test_load_case_gives_the_full_readers_dataset_and_hash(synthetic):
    tables, _ = read_tables(synthetic)
    tables.attrs.update(input_sha256=sha256_of(synthetic), input_path=str(synthetic.resolve()))
    xr.testing.assert_identical(load_case(synthetic), build_inputs(tables))


def test_the_hash_is_the_files_also_when_the_full_reader_reads_them(synthetic, tmp_path):
    """The hash is of the bytes read, whichever reader reads them: here the full reader, for
    the long table's blank line."""
    folder = _variant(synthetic, tmp_path, "beneficiaries",
                      _lines(lambda ls: ls[:2] + [""] + ls[2:]))
    assert agreement(folder) == "declined"
    warnings: list = []
    loaded = load_case(folder, warnings=warnings)
    assert warnings and loaded.attrs["input_sha256"] == sha256_of(folder)


def _variant(synthetic: Path, tmp_path: Path, sheet: str, edit) -> Path:
    folder = tmp_path / "variant"
    shutil.copytree(synthetic, folder)
    path = folder / f"{sheet}.csv"
    path.write_bytes(edit(path.read_bytes()))
    return folder


def _lines(edit):
    """An edit of the file's lines (header first), as text."""
    def apply(data: bytes) -> bytes:
        lines = data.decode("utf-8").split("\n")
        return "\n".join(edit(lines)).encode("utf-8")
    return apply


def _cell(row: int, key: str, value: str):
    """Set one cell (data row ``row``, column ``key``), CSV-quoted when needed."""
    def edit(lines):
        header = lines[0].split(",")
        cells = lines[row + 1].split(",")
        cells[header.index(key)] = value
        lines[row + 1] = ",".join(cells)
        return lines
    return _lines(edit)


def _shuffled(lines):
    body = [line for line in lines[1:] if line]
    order = np.random.default_rng(0).permutation(len(body))
    return [lines[0], *[body[k] for k in order], ""]


def _quoted(data: bytes) -> bytes:
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    return frame.to_csv(index=False, quoting=1, lineterminator="\n").encode("utf-8")


# (sheet, edit, what the clean reader must do: "clean" = accept and agree, "any" = agree)
VARIANTS = {
    "rows in another order": ("beneficiaries", _lines(_shuffled), "clean"),
    "a beneficiaries row left out": ("beneficiaries", _lines(lambda ls: ls[:3] + ls[4:]),
                                     "clean"),
    "CRLF line ends": ("beneficiaries", lambda d: d.replace(b"\n", b"\r\n"), "clean"),
    "a byte-order mark": ("regions", lambda d: b"\xef\xbb\xbf" + d, "clean"),
    "every cell quoted": ("regions", _quoted, "clean"),
    "a name holding a comma": ("regions", _cell(0, "name", '"甲,乙"'), "clean"),
    "columns in another order": ("capacity", _lines(
        lambda ls: [",".join(reversed(line.split(","))) if line else line for line in ls]),
        "clean"),
    "an optional column left out": ("regions", _lines(
        lambda ls: [",".join(c for k, c in enumerate(line.split(",")) if k != 5)
                    if line else line for line in ls]), "clean"),
    "units in exponent form": ("beneficiaries", _cell(0, "units", "1.5e3"), "clean"),
    "a flag written 1.0": ("regions", _cell(0, "ethnic", "1.0"), "clean"),
    "a blank flag": ("regions", _cell(0, "ethnic", ""), "clean"),
    "a blank province rule": ("items", _cell(0, "province_rule", ""), "clean"),
    "a blank optional number": ("regions", _cell(1, "cost_index", ""), "clean"),
    "units with spaces around": ("beneficiaries", _cell(0, "units", " 12 "), "any"),
    "a blank line": ("beneficiaries", _lines(lambda ls: ls[:2] + [""] + ls[2:]), "any"),
    "a trailing blank line": ("capacity", lambda d: d + b"\n", "any"),
    "a row of empty cells": ("capacity", _lines(lambda ls: ls[:2] + [",,"] + ls[2:]), "any"),
    "a label row": ("regions", _lines(
        lambda ls: [ls[0], "行政区划代码,名称,上级市州代码,财力分档,常住人口,成本差异系数,"
                    "脱贫县,民族地区,边境地区,革命老区", *ls[1:]]), "any"),
    "an upper-case key": ("regions", _lines(lambda ls: [ls[0].replace("name", "Name"),
                                                         *ls[1:]]), "any"),
    "an unknown column": ("items", _lines(
        lambda ls: [line + ",x" if line else line for line in ls]), "any"),
    "a repeated beneficiaries row": ("beneficiaries", _lines(lambda ls: ls[:2] + ls[1:]),
                                     "any"),
    "a repeated region": ("regions", _lines(lambda ls: ls + [ls[-2]] if not ls[-1]
                                            else ls + [ls[-1]]), "any"),
    "negative units": ("beneficiaries", _cell(0, "units", "-1"), "any"),
    "units NaN": ("beneficiaries", _cell(0, "units", "NaN"), "any"),
    "units inf": ("beneficiaries", _cell(0, "units", "inf"), "any"),
    "units NA": ("beneficiaries", _cell(0, "units", "NA"), "any"),
    "blank units": ("beneficiaries", _cell(0, "units", ""), "any"),
    "thousands separators": ("beneficiaries", _cell(0, "units", '"1,000"'), "any"),
    "full-width units": ("beneficiaries", _cell(0, "units", "１２"), "any"),
    "a year written 2021.0": ("beneficiaries", _cell(0, "year", "2021.0"), "any"),
    "a year outside the plan": ("capacity", _cell(0, "year", "1999"), "any"),
    "an unknown region": ("beneficiaries", _cell(0, "region", "999999"), "any"),
    "a region with a trailing space": ("beneficiaries", _cell(0, "region", "101001 "), "any"),
    "a full-width code": ("items", _cell(0, "code", "Ｓ１"), "any"),
    "a name with a trailing space": ("regions", _cell(0, "name", "甲 "), "any"),
    "a name with a control character": ("regions", _cell(0, "name", "甲\x07"), "any"),
    "a flag 是": ("regions", _cell(0, "ethnic", "是"), "any"),
    "a flag 2": ("regions", _cell(0, "ethnic", "2"), "any"),
    "a choice in capitals": ("items", _cell(0, "binding", "Hard"), "any"),
    "a blank binding": ("items", _cell(0, "binding", ""), "any"),
    "a tier of 0": ("regions", _cell(0, "tier", "0"), "any"),
    "a tier of 2.0": ("regions", _cell(0, "tier", "2.0"), "any"),
    "a cost index of 1e300": ("regions", _cell(0, "cost_index", "1e300"), "any"),
    "a share above 1": ("sharing", _cell(0, "province_max", "1.5"), "any"),
    "a share below its bound": ("sharing", _cell(0, "province_share", "0"), "any"),
    "a missing standard": ("standards", _lines(lambda ls: ls[:1] + ls[2:]), "any"),
    "a missing capacity row": ("capacity", _lines(lambda ls: ls[:1] + ls[2:]), "any"),
    "a missing sharing row": ("sharing", _lines(lambda ls: ls[:1] + ls[2:]), "any"),
    "a central item with a share": ("standards", _cell(0, "central_share", "0.37"), "any"),
    "an unknown meta key": ("meta", lambda d: d + b"colour,blue\n", "any"),
    "a blank optional meta value": ("meta", lambda d: d + b"compiler,\n", "clean"),
    "a full-width meta year": ("meta", lambda d: d.replace(b"first_year,", "first_year,２０".encode()
                                                           ).replace("２０20".encode(), b"2020"),
                               "any"),
    "GB18030 text": ("regions", lambda d: d.decode("utf-8").encode("gb18030"), "any"),
    "bytes that are no text": ("regions", lambda d: d + b"\xff\xfe\n", "any"),
    "a long table's first code no text": ("beneficiaries",
                                          lambda d: d.replace(b"\n", b"\n\xff", 1), "any"),
    "a long table's last code no text": ("beneficiaries",
                                         lambda d: d[:d.rindex(b"\n", 0, -1) + 1] + b"\xfe"
                                         + d[d.rindex(b"\n", 0, -1) + 1:], "any"),
    "a repeated menu share": ("ratio_menu", _lines(lambda ls: ls + ["0.5"]), "any"),
    "a budget year twice": ("budget", _lines(lambda ls: ls[:2] + ls[1:]), "any"),
    "an empty ratio menu": ("ratio_menu", _lines(lambda ls: ls[:1] + [""]), "clean"),
    "an empty budget": ("budget", _lines(lambda ls: ls[:1] + [""]), "clean"),
    "a blank budget cell": ("budget", _cell(0, "provincial_budget", ""), "clean"),
    "no parent column": ("regions", _lines(
        lambda ls: [",".join(c for k, c in enumerate(line.split(",")) if k != 2)
                    if line else line for line in ls]), "any"),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_each_variant_is_read_alike_or_left_to_the_full_reader(synthetic, tmp_path, name):
    sheet, edit, expected = VARIANTS[name]
    outcome = agreement(_variant(synthetic, tmp_path, sheet, edit))
    if expected == "clean":
        assert outcome == "clean"


@pytest.fixture
def in_pieces(monkeypatch):
    """Files cut into three pieces parsed side by side, however small they are (a case takes
    this path from 8 MiB on a machine of two cores); records the header of each piece parsed
    (a piece holding a quote is not parsed: the file is then read whole)."""
    import pyarrow.csv as pacsv

    import fiscalshare.forked
    from fiscalshare.io import clean_csv

    parsed = []
    parse = pacsv.read_csv

    def recorded(source, *, read_options=None, **options):
        if read_options is not None and read_options.column_names:  # a piece
            parsed.append(",".join(read_options.column_names))
        return parse(source, read_options=read_options, **options)

    monkeypatch.setattr(clean_csv, "_PIECE", 256)
    monkeypatch.setattr(fiscalshare.forked, "default_workers", lambda: 3)
    monkeypatch.setattr(pacsv, "read_csv", recorded)
    return parsed


@pytest.mark.parametrize("name", ["as written", *(name for name, (sheet, _, _) in
                                                 VARIANTS.items() if sheet == "beneficiaries")])
def test_a_long_table_read_in_pieces_is_read_alike(synthetic, tmp_path, in_pieces, name):
    """Cut at line ends, parsed by a thread each, the long table gives the same Dataset, and
    every problem in any piece still sends the case to the full reader."""
    sheet, edit, expected = VARIANTS.get(name, ("beneficiaries", lambda d: d, "clean"))
    outcome = agreement(_variant(synthetic, tmp_path, sheet, edit))
    if expected == "clean":
        assert outcome == "clean"
    pieces = in_pieces.count("region,item,year,units")
    if name == "thousands separators":  # a quote in the first piece: read whole
        assert pieces < 3
    elif name not in ("a blank line", "a long table's first code no text"):  # parsing stops
        assert pieces == 3


def test_pieces_are_cut_after_line_ends(monkeypatch):
    """Whatever the line ends and a byte-order mark, the pieces read as Arrow reads the whole
    file; a header ended by a lone carriage return or quoted, or a quote in a piece, leaves
    the file to be read whole."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import fiscalshare.forked
    from fiscalshare.io import clean_csv

    monkeypatch.setattr(clean_csv, "_PIECE", 100)
    monkeypatch.setattr(fiscalshare.forked, "default_workers", lambda: 4)
    parse = pacsv.read_csv
    rows = [b"r%d,i,2021,%d" % (k, k * 7) for k in range(200)]
    options = (pacsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
               pacsv.ConvertOptions(column_types={"units": pa.float64()}))
    for bom in (b"", b"\xef\xbb\xbf"):
        for ends in (b"\n", b"\r\n", b"\n\r\n"):
            data = bom + b"region,item,year,units" + ends + ends.join(rows) + ends
            table = clean_csv._read_in_pieces(data, len(bom), *options)
            whole = parse(pa.py_buffer(data).slice(len(bom)), parse_options=options[0],
                          convert_options=options[1])
            assert table.num_rows >= 200 and len(table["units"].chunks) >= 4
            assert table.combine_chunks().equals(whole.combine_chunks())
    lone = b"region,item,year,units\r" + b"\r".join(rows) + b"\n"
    assert clean_csv._read_in_pieces(lone, 0, *options) is None
    quoted = b"region,item,year,units\n" + b"\n".join(rows[:150] + [b'r,"i",2021,1'] + rows)
    assert clean_csv._read_in_pieces(quoted, 0, *options) is None
    header = b'"region",item,year,units\n' + b"\n".join(rows)  # quoted names: read whole
    assert clean_csv._read_in_pieces(header, 0, *options) is None


def test_other_files_in_the_folder_are_left_to_the_full_reader(synthetic, tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(synthetic, folder)
    (folder / "说明.csv").write_text("说明\n本文件夹为案例\n", encoding="utf-8")
    assert agreement(folder) == "declined"
    (folder / "说明.csv").unlink()
    (folder / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    assert agreement(folder) == "declined"


def test_plan_indicators_are_read_by_the_full_readers_rules(synthetic, tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(synthetic, folder)
    shutil.copy(EXAMPLES / "gansu" / "indicators.csv", folder / "indicators.csv")
    items = pd.read_csv(folder / "items.csv", dtype=str, keep_default_na=False)
    indicators = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)
    indicators["item"] = items["code"].iloc[0]  # link to codes of this case
    indicators["regions"] = ""
    indicators.to_csv(folder / "indicators.csv", index=False)
    assert agreement(folder) == "clean"
    indicators.loc[0, "comparator"] = "≈"
    indicators.to_csv(folder / "indicators.csv", index=False)
    assert agreement(folder) == "refused"


@pytest.mark.parametrize("case", sorted(p.name for p in (DATA / "bad").iterdir() if p.is_dir())
                         + sorted(f"accepted/{p.name}" for p in (DATA / "accepted").iterdir()
                                  if p.is_dir()))
def test_the_odd_input_corpus_is_read_alike(case):
    folder = DATA / case if case.startswith("accepted/") else DATA / "bad" / case
    assert agreement(folder) in ("refused", "declined")


def _long_table(monkeypatch, order, rules=lambda cube: None, *, pieces=3, written=None):
    """The beneficiaries cube read from a long table of the cells in ``order`` (two regions,
    three items, two years; cell k has k + 1 units, or the text ``written[k]``), cut into
    ``pieces``; and whether it was laid out by its codes."""
    import fiscalshare.forked
    from fiscalshare.io import clean_csv
    from fiscalshare.io.beside import Handoff

    regions, items, years = ["r1", "r22"], ["a", "bb", "c"], np.array([2021, 2022])
    cells = [(r, i, y) for r in regions for i in items for y in years.tolist()]
    written = written or {}
    data = b"region,item,year,units\n" + b"".join(
        b"%s,%s,%d,%s\n" % (cells[k][0].encode(), cells[k][1].encode(), cells[k][2],
                             written.get(k, b"%d" % (k + 1)))
        for k in order)
    monkeypatch.setattr(clean_csv, "_PIECE", len(data) // pieces)
    monkeypatch.setattr(fiscalshare.forked, "default_workers", lambda: pieces)
    by_codes = []
    laid_out = clean_csv._Case.beneficiaries
    monkeypatch.setattr(clean_csv._Case, "beneficiaries",
                        lambda *args: by_codes.append(True) or laid_out(*args))
    given, rules_given = Handoff(), Handoff()
    given.give((regions, items, years))
    rules_given.give(rules)
    cube = clean_csv._Case({"beneficiaries.csv": data})._long_table(given, rules_given)
    return cube, bool(by_codes)


def test_the_beneficiaries_cube_in_order_shuffled_and_repeated(monkeypatch):
    """Every cell in order: each piece laid out where its first row says, as it is parsed;
    in another order, with a cell left out, or pieces that overlap: laid out by the codes, the
    same values; a cell twice: the full reader's; the cells' rules checked either way."""
    cells = np.arange(12)
    units = cells + 1.0
    for pieces in (1, 2, 3):
        in_order, by_codes = _long_table(monkeypatch, cells, pieces=pieces)
        assert not by_codes
        np.testing.assert_array_equal(in_order.reshape(-1), units)
    shuffled = np.random.default_rng(1).permutation(12)
    cube, by_codes = _long_table(monkeypatch, shuffled)
    assert by_codes
    np.testing.assert_array_equal(cube, in_order)
    for order in (cells[1:], np.delete(cells, 6), cells[:-1]):  # each piece in order
        cube, by_codes = _long_table(monkeypatch, order)
        assert by_codes
        left_out = np.setdiff1d(cells, order)
        assert (cube.reshape(-1)[left_out] == 0).all()
        np.testing.assert_array_equal(cube.reshape(-1)[order], units[order])
    with pytest.raises(NotClean, match="repeated"):
        _long_table(monkeypatch, np.array([0, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 10, 11]))

    def first_cell_is_2(cube):
        if cube[0, 0, 0] != 2:
            raise NotClean("the first cell")

    for order in (cells, np.roll(cells, 1)):
        with pytest.raises(NotClean, match="the first cell"):  # in order or not: checked
            _long_table(monkeypatch, order, first_cell_is_2)
    for cell, text, problem in ((11, b"-1", "out of range"), (0, b"NaN", "not a finite"),
                                (6, b"inf", "not a finite"), (5, b"1e12", "out of range")):
        with pytest.raises(NotClean, match=problem):  # in any piece, by the reader's rules
            _long_table(monkeypatch, cells, written={cell: text})


@pytest.mark.parametrize("widths", ["alike", "different"])
def test_a_cycle_is_compared_window_by_window(monkeypatch, widths):
    """A column of many cycles, compared a few cycles at a time from wherever each chunk
    begins in a cycle: equal throughout, or one byte changed in a late window."""
    import pyarrow as pa

    from fiscalshare.io import clean_csv

    monkeypatch.setattr(clean_csv, "_WINDOW", 20)  # a window of a cycle or two
    codes = ["S01", "S02", "S03"] if widths == "alike" else ["S1", "S022", "S3"]
    cells = [code.encode() for _ in range(50) for code in codes for _ in range(2)]
    for cut in (1, 7, 100, 299):  # chunks beginning anywhere in a cycle
        whole = pa.array([b"x", *cells], type=pa.binary())
        column = pa.chunked_array([whole.slice(1, cut), whole.slice(1 + cut)])
        assert clean_csv._is_cycle_of(column, codes, 2)
        late = list(cells)
        late[250] = late[250][:-1] + b"9"  # same length, another byte, far into the column
        whole = pa.array([b"x", *late], type=pa.binary())
        column = pa.chunked_array([whole.slice(1, cut), whole.slice(1 + cut)])
        assert not clean_csv._is_cycle_of(column, codes, 2)


@pytest.mark.parametrize("change", ["none", "two years", "two items", "two regions",
                                    "a region twice", "a code cut short", "two codes re-split",
                                    "a year written 02021"])
@pytest.mark.parametrize("chunks", [1, 4])
def test_the_order_of_the_long_table_is_seen_exactly(change, chunks):
    """Rows in the cube's order are taken as the cube (io.clean_csv._in_cube_order), also
    a piece of them from any cell on, and no piece from another cell; any other order, in any
    region, across chunk boundaries (chunks cut out of a longer array, as Arrow's are), is
    placed cell by cell, the same.  The codes differ in length, so that the same bytes can be
    cut into cells differently ("a", "bb" against "ab", "b")."""
    import pyarrow as pa

    from fiscalshare.io.clean_csv import _Case, _in_cube_order

    regions, items, years = ["r1", "r22", "r3"], ["a", "bb", "c"], np.array([2021, 2022])
    cells = [(r, i, y) for r in regions for i in items for y in years.tolist()]
    units = np.arange(1.0, len(cells) + 1)
    order = np.arange(len(cells))
    last = len(cells) - 1
    if change == "two years":
        order[[8, 9]] = order[[9, 8]]  # in the middle region
    elif change == "two items":
        order[[last - 3, last - 1]] = order[[last - 1, last - 3]]  # in the last region
    elif change == "two regions":
        order = np.concatenate([order[6:12], order[:6], order[12:]])
    rows = [[str(v) for v in cells[k]] for k in order]
    if change == "a region twice":
        rows[7][0] = "r1"  # the middle region's second row names the first
    if change == "a code cut short":
        rows[0][1] = "r"  # the first block's item is not a code at all
    if change == "two codes re-split":
        rows[7][1], rows[8][1] = "ab", "b"  # the middle region's "a", "bb": the same bytes
    if change == "a year written 02021":
        rows[6][2] = "02021"  # Arrow reads it as 2021: the cell by cell path takes it

    def column(values):
        whole = pa.array(["padding", *(v.encode() for v in values), "padding"],
                         type=pa.binary())
        bounds = np.linspace(0, len(values), chunks + 1).astype(int)
        return pa.chunked_array([whole.slice(1 + a, b - a)  # offset into a longer array
                                 for a, b in zip(bounds[:-1], bounds[1:], strict=True)])

    def columns(first: int = 0) -> dict:
        return {key: column([r[k] for r in rows[first:]])
                for k, key in enumerate(("region", "item", "year"))}

    assert _in_cube_order(columns(), regions, items, years) == (change == "none")
    if change == "none":
        for first in range(1, len(cells)):
            assert _in_cube_order(columns(first), regions, items, years, first)
            assert not _in_cube_order(columns(first), regions, items, years, first - 1)
            assert not _in_cube_order(columns(first), regions, items, years, first + 1)
    columns = {**columns(), "units": (pa.chunked_array([units[order]]), None)}
    columns["year"] = (columns["year"], None)  # as read: see _Case.read(long=)
    if change in ("a region twice", "a code cut short", "two codes re-split"):
        with pytest.raises(NotClean):
            _Case({}).beneficiaries(columns, regions, items, years, lambda cube: None)
        return
    cube = _Case({}).beneficiaries(columns, regions, items, years, lambda cube: None)
    np.testing.assert_array_equal(cube.reshape(-1), units)
