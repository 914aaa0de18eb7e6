"""A clean CSV case read at the speed of its files.

The full reader (``io.files`` then ``io.validate``) types every cell through pandas so that
each problem can be named at its line; on a national case that costs 13 to 16 times pandas'
own read of the files.  Most cases are clean, so this reader goes first: Arrow parses each
file, texts are checked once per distinct value, codes become integer positions, and keys,
references and coverage are checked on those positions with numpy.  The tables it returns are
the ones the full reader would return for the same files (tests/test_clean_csv.py holds it to
that).

At the first thing the full reader would refuse, forgive or warn about, it gives up
(:class:`NotClean`) and the full reader reads the case again: every message a person sees still
comes from one place, and a case with a problem costs what it did before, plus the attempt
(a fifth of a second at national scale).
"""

from __future__ import annotations

import contextlib
import threading
import unicodedata

import numpy as np
import pandas as pd

from fiscalshare.io.beside import Beside, Handoff
from fiscalshare.io.convert import (
    FORBIDDEN_RE2,
    FORBIDDEN_RE2_IN_CODES,
    FULL_WIDTH,
    default_column,
    out_of_range,
)
from fiscalshare.io.dataset import CENTRAL_TIER_SHARES, CaseTables
from fiscalshare.io.schema import MAX_CELL_COST, MAX_CODE_LENGTH, META_KEYS, SHEETS, Column, Sheet

NUMERIC = ("int", "year", "number", "share")
BOM = b"\xef\xbb\xbf"
_SMALL_FILE = 1 << 20  # bytes: parsed on the calling thread
_PIECE = 4 << 20  # bytes: a file cut for a thread each is at least this much per thread
_WINDOW = 1 << 18  # bytes of a long column compared with its expected bytes at a time
_FLAG_TEXTS = {"0": 0, "0.0": 0, "": 0, "1": 1, "1.0": 1}  # the rest earns the full reader's note
_WIDE = "[\uff00-\uffef\u3000]"  # full-width forms, read as ASCII with a note


class NotClean(Exception):
    """Something the full reader would refuse, forgive or warn about: it reads the case."""


def clean_tables(files: dict) -> CaseTables:
    """The validated tables of a CSV case given as ``{file name: its bytes}``, or NotClean
    (raised here, or by build_inputs when it asks for the beneficiaries cube)."""
    unknown = set(files) - {f"{name}.csv" for name in SHEETS}
    if unknown:
        raise NotClean(f"files the full reader names: {sorted(unknown)}")
    missing = [name for name, sheet in SHEETS.items() if sheet.required
               and f"{name}.csv" not in files]
    if missing:
        raise NotClean(f"missing sheets {missing}")
    return _Case(files).tables()


class _Case:
    def __init__(self, files: dict):
        self.files = files

    # ----------------------------------------------------------------------------- reading

    def read(self, name: str, long: bool = False, each_piece=None) -> dict[str, object]:
        """The file's columns: numbers as float arrays (NaN where blank), the rest as Arrow
        string arrays; the header must be the declared keys, no blank or label row.  A large
        file is parsed in pieces, a thread each (:func:`_read_in_pieces`), and
        ``each_piece(table, whole)`` is called on each piece in its thread once it is parsed
        (on the whole table, ``whole`` true, when it is not cut).

        The ``long`` table's columns are left as Arrow makes them, none blank: its codes and
        years as bytes, neither checked for UTF-8 (15 ms of a national parse's CPU) nor
        converted to numbers (25 ms): they are compared with the known codes, which are
        checked, and with the years written out, and bytes that are not text match none of
        them; a long table in another order has its years converted then (``_whole_numbers``).
        Its units are laid out as the cube where they are (:class:`_Placement`)."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        declared = SHEETS[name]
        data = self.files[f"{name}.csv"]
        skip = len(BOM) if data[:len(BOM)] == BOM else 0
        kinds = {c.key: c for c in declared.columns}
        convert_options = pacsv.ConvertOptions(
            column_types={key: _arrow_type(c.kind, long) for key, c in kinds.items()},
            null_values=[""], strings_can_be_null=False, quoted_strings_can_be_null=False,
            check_utf8=True)

        def parse_options(quoted: bool):
            return pacsv.ParseOptions(quote_char='"' if quoted else False,
                                      newlines_in_values=quoted, ignore_empty_lines=False)

        try:
            table = _read_in_pieces(data, skip, parse_options(False), convert_options,
                                    each_piece)
            if table is None:  # not cut: a small file on this thread (the long table's beside)
                quoted = data.find(b'"') >= 0
                table = pacsv.read_csv(
                    pa.py_buffer(data).slice(skip), read_options=pacsv.ReadOptions(
                        block_size=4 << 20, use_threads=len(data) - skip > _SMALL_FILE),
                    parse_options=parse_options(quoted), convert_options=convert_options)
                if each_piece is not None:
                    each_piece(table, True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise NotClean(f"{name}: {exc}") from None
        names = table.column_names
        if len(set(names)) != len(names) or not set(names) <= set(kinds):
            raise NotClean(f"{name}: header {names}")
        if any(c.required and c.key not in names for c in declared.columns):
            raise NotClean(f"{name}: a required column is missing")
        if table.num_rows == 0 and name in ("meta", "regions", "items"):
            raise NotClean(f"{name}: no rows")
        columns = {}
        for key in names:
            column = table.column(key)  # chunks left as they are: Arrow's kernels take them
            if kinds[key].kind in NUMERIC and long:
                if column.null_count:
                    raise NotClean(f"{name}: a blank number")  # none is optional here
                columns[key] = (column, None)
            elif kinds[key].kind in NUMERIC:
                nulls = column.is_null().to_numpy(zero_copy_only=False) \
                    if column.null_count else None
                values = column.to_numpy(zero_copy_only=False)  # Arrow's memory: read-only
                if nulls is not None and values.dtype != float:
                    raise NotClean(f"{name}: a blank whole number")  # none is optional here
                columns[key] = (values, nulls)
            else:
                columns[key] = column
        self._no_label_or_blank_rows(declared, columns, table.num_rows)
        return columns

    @staticmethod
    def _no_label_or_blank_rows(declared: Sheet, columns: dict, n: int) -> None:
        """The template's label row and blank rows are dropped by the full reader, with a
        warning for blank rows: refuse both here (numbers in a label row never parse)."""
        import pyarrow.compute as pc

        if n == 0:
            return
        blank = np.ones(n, dtype=bool)
        for values in columns.values():
            if isinstance(values, tuple):  # numbers: blank is null (the label never parses)
                if values[1] is None:
                    blank[:] = False
                    break
                blank &= values[1]
        for key, values in columns.items():
            if isinstance(values, tuple):
                continue
            if _text_of(values[0].as_py()).strip() == declared.column(key).label:
                raise NotClean(f"{declared.name}: a label row")
            if blank.any():
                blank &= pc.equal(pc.utf8_trim_whitespace(values), "").to_numpy(
                    zero_copy_only=False)
        if blank.any():
            raise NotClean(f"{declared.name}: a blank row")

    # ----------------------------------------------------------------------------- typing

    @staticmethod
    def numbers(column: Column, given) -> np.ndarray:
        """A numeric column's values by the full reader's rules, defaults where blank."""
        values, blank = given  # blank: None where no cell is
        if not values.size:
            return values
        low, high = values.min(), values.max()  # NaN if any is blank or NaN
        if values.dtype.kind == "i" or (np.isfinite(low) and np.isfinite(high)):
            if ((column.minimum is not None and low < column.minimum)
                    or (column.maximum is not None and high > column.maximum)
                    or (column.positive and low <= 0)
                    or (column.kind == "share" and (low < 0 or high > 1))
                    or (column.kind in ("int", "year") and values.dtype.kind != "i"
                        and (values != np.round(values)).any())):
                raise NotClean(f"{column.key}: a value out of range")
            return values.astype(np.int64, copy=False) if column.kind in ("int", "year") \
                else values
        if blank is None:
            blank = np.zeros(values.shape, dtype=bool)
        if (~blank & ~np.isfinite(values)).any():
            raise NotClean(f"{column.key}: a value that is not a finite number")
        if out_of_range(column, values, blank).any():
            raise NotClean(f"{column.key}: a value out of range")
        if not column.required and column.default is not None:
            values = np.where(blank, float(column.default), values)
        return values

    @staticmethod
    def texts(column: Column, array):
        """A code, text, choice or flag column, checked once per distinct value by Arrow (as
        the full reader does for a CSV file: its trimming and its RE2 search)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        distinct = pc.unique(array)
        if not _all(pc.equal(pc.utf8_trim_whitespace(distinct), distinct)):
            raise NotClean(f"{column.key}: spaces around a value")
        if column.kind == "flag":
            mapped = [_FLAG_TEXTS.get(value.translate(FULL_WIDTH).lower())
                      for value in distinct.to_pylist()]
            if None in mapped:
                raise NotClean(f"{column.key}: a flag the full reader notes")
            where = pc.index_in(array, value_set=distinct).to_numpy(zero_copy_only=False)
            return np.array(mapped, dtype=np.int8)[where]
        blank = pc.equal(distinct, "")
        if column.required and pc.any(blank).as_py():
            raise NotClean(f"{column.key}: blank")
        if column.kind == "choice":
            allowed = pa.array([*column.choices, *([] if column.required else [""])])
            if not _all(pc.is_in(distinct, value_set=allowed)):
                raise NotClean(f"{column.key}: a choice the full reader matches loosely")
            if column.default and pc.any(blank).as_py():
                array = pc.if_else(pc.equal(array, ""), column.default, array)
        else:
            forbidden = FORBIDDEN_RE2_IN_CODES if column.kind == "code" else FORBIDDEN_RE2
            bad = pc.match_substring_regex(distinct, forbidden)
            if column.kind == "code":
                bad = pc.or_(bad, pc.greater(pc.utf8_length(distinct), MAX_CODE_LENGTH))
                bad = pc.or_(bad, pc.and_(pc.invert(pc.string_is_ascii(distinct)),
                                          pc.match_substring_regex(distinct, _WIDE)))
            if pc.any(bad).as_py():
                raise NotClean(f"{column.key}: a text the full reader refuses or notes")
        return array.to_numpy(zero_copy_only=False)  # Python strings, as the Dataset holds

    def sheet(self, name: str, columns: dict) -> dict[str, np.ndarray]:
        """A small sheet typed column by column, as numpy arrays (the long tables are typed
        apart): build_inputs takes them as they are."""
        declared = SHEETS[name]
        typed = {}
        for column in declared.columns:
            given = columns.get(column.key)
            if given is None:
                typed[column.key] = default_column(column, _length(columns))
            elif column.kind in NUMERIC:
                typed[column.key] = self.numbers(column, given)
            else:
                typed[column.key] = self.texts(column, given)
        return typed

    # ----------------------------------------------------------------------------- the case

    def tables(self) -> CaseTables:
        """The small sheets, typed and checked here while Arrow parses the long table beside.
        Once it is parsed, and the small sheets have said what its order is, the thread
        beside lays it out as the beneficiaries cube, and checks its cells once they have
        said what the cells' rules are, while this one goes on to the Dataset; build_inputs
        asks for the cube last."""
        order, cells = Handoff(), Handoff()
        long_table = Beside(self._long_table, order, cells, name="read-beneficiaries")
        try:
            return self._tables(long_table, order, cells)
        except BaseException:
            order.give(None)  # the thread beside ends with Arrow's parse
            cells.give(None)
            with contextlib.suppress(Exception):  # not left parsing beside the full reader
                long_table.result()
            raise

    def _long_table(self, order: Handoff, cells: Handoff) -> np.ndarray | None:
        """The beneficiaries cube, checked; None when the small sheets gave up first.  Each
        piece of the file is laid out as soon as it is parsed (:class:`_Placement`); a table in
        another order is laid out by its codes once it is all parsed."""
        placement = _Placement(order)
        columns = self.read("beneficiaries", long=True, each_piece=placement.place)
        given = order.take()
        if given is None:
            return None

        def check(cube: np.ndarray) -> None:
            rules = cells.take()
            if rules is not None:  # None: the small sheets gave up, the cube is not taken
                rules(cube)

        receiving_codes, item_codes, years = given
        cube = placement.cube((len(receiving_codes), len(item_codes), len(years)))
        if cube is None:
            return self.beneficiaries(columns, *given, check)
        placement.check_units(SHEETS["beneficiaries"].column("units"))
        check(cube)
        return cube

    def _tables(self, long_table: Beside, order: Handoff, cells: Handoff) -> CaseTables:
        meta = self.meta()
        years = np.arange(meta["first_year"], meta["last_year"] + 1)
        region_columns, item_columns = self.read("regions"), self.read("items")
        regions = self.sheet("regions", region_columns)
        items = self.sheet("items", item_columns)
        region_codes = _unique_codes(region_columns["code"], "regions")
        item_codes = _unique_codes(item_columns["code"], "items")
        receiving = _receiving(region_codes, region_columns.get("parent"))
        tier_of = regions["tier"].astype(np.int64, copy=False)
        order.give(([code for code, receives in zip(region_codes, receiving, strict=True)
                     if receives], item_codes, years))  # the long table's: checked beside

        standards_columns = self.read("standards")
        standards = self.sheet("standards", standards_columns)
        s_item = _positions(standards_columns["item"], item_codes, "standards.item")
        s_year = _year_positions(standards["year"], years, "standards")
        _no_repeats([s_item, s_year], [len(item_codes), len(years)], "standards", full=True)

        sharing_columns = self.read("sharing")
        sharing = self.sheet("sharing", sharing_columns)
        sh_item = _positions(sharing_columns["item"], item_codes, "sharing.item")
        _check_sharing(sharing, sh_item, tier_of, receiving, len(item_codes))

        # what the rules of the long table's cells need: from here on checked beside
        tier_of_receiving = tier_of[receiving]
        cost_index = regions["cost_index"][receiving]
        cells.give(lambda cube: _check_cells(cube, tier_of_receiving, cost_index, standards,
                                             s_item, s_year, sharing, sh_item))

        capacity_columns = self.read("capacity")
        c_region = _positions(capacity_columns["region"], region_codes, "capacity.region")
        c_year = _year_positions(self.numbers(SHEETS["capacity"].column("year"),
                                              capacity_columns["year"]), years, "capacity")
        _no_repeats([c_region, c_year], [len(region_codes), len(years)], "capacity", full=True)
        capacity = {
            "region": pd.Series(pd.Categorical.from_codes(c_region, categories=region_codes)),
            "year": years[c_year],
            "fiscal_capacity": self.numbers(SHEETS["capacity"].column("fiscal_capacity"),
                                            capacity_columns["fiscal_capacity"])}

        _check_standards(items, standards, meta)

        budget = ratio_menu = indicators = None
        if "budget.csv" in self.files:
            budget = self.sheet("budget", self.read("budget"))
            b_year = _year_positions(budget["year"], years, "budget")
            _no_repeats([b_year], [len(years)], "budget")
        if "ratio_menu.csv" in self.files:
            ratio_menu = self.sheet("ratio_menu", self.read("ratio_menu"))
            if np.unique(ratio_menu["share"]).size != ratio_menu["share"].size:
                raise NotClean("ratio_menu: a repeated share")
        if "indicators.csv" in self.files:
            indicators = self.indicators(set(region_codes), set(item_codes))
        return CaseTables(meta=meta, regions=regions, items=items, standards=standards,
                          beneficiaries=None, capacity=capacity, sharing=sharing,
                          budget=budget, ratio_menu=ratio_menu, indicators=indicators,
                          beneficiaries_cube=long_table.result)

    def meta(self) -> dict:
        """The key/value rows: every key known, given once, exactly written."""
        import pyarrow.compute as pc

        columns = self.read("meta")
        for key in ("key", "value"):
            values = columns[key]
            if (not _all(pc.equal(pc.utf8_trim_whitespace(values), values))
                    or pc.any(pc.match_substring_regex(values, FORBIDDEN_RE2)).as_py()):
                raise NotClean(f"meta: a {key} the full reader trims or refuses")
        keys, values = columns["key"].to_pylist(), columns["value"].to_pylist()
        given = dict(zip(keys, values, strict=True))
        declared = {c.key for c in META_KEYS}
        if len(given) != len(keys) or not set(given) <= declared:
            raise NotClean("meta: a key repeated, or one the full reader ignores")
        meta: dict = {}
        for column in META_KEYS:
            value = given.get(column.key, "")
            if value == "":
                if column.required:
                    raise NotClean(f"meta: {column.key} missing")
                meta[column.key] = column.default
            elif column.kind == "int":
                if not (value.isascii() and value.isdigit() and len(value) < 10
                        and column.minimum <= int(value) <= column.maximum):
                    raise NotClean(f"meta: {column.key} is not plain digits in range")
                meta[column.key] = int(value)
            else:
                meta[column.key] = value
        if meta["first_year"] > meta["last_year"]:
            raise NotClean("meta: first_year after last_year")
        return meta

    def beneficiaries(self, columns, receiving_codes, item_codes, years,
                      check) -> np.ndarray:
        """The long table (its ``columns`` as read) in an order other than the cube's, laid
        out by its codes as a cube of units over receiving region, item and year, each cell
        given at most once, that passes ``check`` (the cells' rules).  A region code that is
        not a receiving one is unknown, or a prefecture with counties: either is the full
        reader's to say."""
        declared = SHEETS["beneficiaries"]
        units = self.numbers(declared.column("units"),
                             (columns["units"][0].to_numpy(), None))
        shape = (len(receiving_codes), len(item_codes), len(years))
        region, item = _positions_of_both(columns, receiving_codes, item_codes)
        year = _year_positions(_whole_numbers(columns["year"][0], "beneficiaries.year"),
                               years, "beneficiaries")
        size = int(np.prod(shape))
        kind = np.int32 if size < 2**31 else np.int64  # half the memory traffic of int64
        cell = region.astype(kind, copy=False) * kind(shape[1] * shape[2])
        cell += item.astype(kind, copy=False) * kind(shape[2])
        cell += year
        ascending = bool((np.diff(cell) > 0).all())  # in order, cells left out: no repeats
        if not ascending and np.bincount(cell, minlength=size).max(initial=0) > 1:
            raise NotClean("beneficiaries: a repeated key")
        cube = np.zeros(shape)
        cube.reshape(-1)[cell] = units
        check(cube)
        return cube

    def indicators(self, region_codes: set, item_codes: set) -> pd.DataFrame:
        """Plan indicators are few and their rules many: the full reader's own typing and
        checks, on this one file, with nothing to say."""
        from fiscalshare.io.files import csv_sheet
        from fiscalshare.io.validate import Collector, check_indicators, typed_sheet

        raw, problem = csv_sheet("indicators.csv", self.files["indicators.csv"])
        out = Collector()
        typed = typed_sheet(SHEETS["indicators"], raw, out) if raw is not None else None
        if typed is not None:
            check_indicators({"indicators": (typed, raw)}, region_codes, item_codes, out)
        if problem or typed is None or out.problems or out.warnings:
            raise NotClean("indicators")
        return typed


# --------------------------------------------------------------------------------- helpers


def _read_in_pieces(data, skip: int, parse_options, convert_options, each=None):
    """A large file cut at line ends into one piece per core and parsed by a thread each, as
    one table (the pieces' chunks in turn: nothing is copied); None for a file that is not cut
    (small, or its header ends otherwise than a line of ``\\n`` or ``\\r\\n``) or that holds
    a quote (a value may then hold a line end): Arrow reads it whole.

    Arrow's threaded reader first walks the whole file alone to find where its blocks end;
    pieces cut here are parsed from the start, each also looking for quotes in its own bytes
    (a tenth less CPU and a sixth less time on the national case).  Cut just after a ``\\n``,
    a piece begins a line whatever the line ends are.  ``each(table, False)`` is called in a
    piece's thread on the piece once it is parsed."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from fiscalshare.forked import default_workers

    size = len(data) - skip
    count = min(default_workers(), size // _PIECE)
    header_end = data.find(b"\n", skip, skip + _PIECE) if count > 1 else -1
    if header_end < 0:
        return None
    header = bytes(data[skip:header_end]).removesuffix(b"\r")
    if b"\r" in header or b'"' in header:
        return None
    try:  # split as Arrow splits a line without quotes
        names = header.decode("utf-8").split(",")
    except UnicodeDecodeError:
        raise NotClean("a header that is not UTF-8") from None
    cuts = [header_end + 1]
    for k in range(1, count):
        end = data.find(b"\n", skip + size * k // count)
        if end < 0:
            break
        cuts.append(max(end + 1, cuts[-1]))
    cuts.append(len(data))
    whole = pa.py_buffer(data)

    def parse(start: int, end: int):
        if data.find(b'"', start, end) >= 0:
            return None
        table = pacsv.read_csv(whole.slice(start, end - start), read_options=pacsv.ReadOptions(
            block_size=4 << 20, use_threads=False, column_names=names),
            parse_options=parse_options, convert_options=convert_options)
        if each is not None:
            each(table, False)
        return table

    pieces = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    rest = [Beside(parse, *piece, name="read-piece") for piece in pieces[1:]]
    try:
        first = parse(*pieces[0])
    finally:
        for piece in rest:  # every thread done before this returns or raises
            with contextlib.suppress(Exception):
                piece.result()
    tables = [first, *(piece.result() for piece in rest)]
    return None if any(table is None for table in tables) else pa.concat_tables(tables)


def _arrow_type(kind: str, long: bool = False):
    """The type Arrow gives a column's cells: whole numbers and numbers as such (a cell that
    does not parse sends the case to the full reader), the rest as text (the long table's
    codes and years as bytes: see ``_Case.read``)."""
    import pyarrow as pa

    if long and kind in ("code", "year"):
        return pa.binary()
    return {"int": pa.int64(), "year": pa.int64(), "number": pa.float64(),
            "share": pa.float64()}.get(kind, pa.string())


def _text_of(value) -> str:
    """A cell as text (the long table's codes come as bytes)."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _all(mask) -> bool:
    """Whether an Arrow boolean array is all true (an empty one is)."""
    import pyarrow.compute as pc

    return pc.all(mask).as_py() is not False


def _length(columns: dict) -> int:
    first = next(iter(columns.values()))
    return len(first[0]) if isinstance(first, tuple) else len(first)


def _positions(array, codes: list[str], what: str) -> np.ndarray:
    """Where each cell's code sits among ``codes``; a code not there is the full reader's."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = pa.array(codes, type=array.type)  # text, or the long table's bytes
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    out = np.empty(len(array), dtype=np.int32)
    start = 0
    for chunk in chunks:  # into one array, written once
        found = pc.index_in(chunk, value_set=keys)
        if found.null_count:
            raise NotClean(f"{what}: an unknown code")
        out[start:start + len(found)] = found.to_numpy(zero_copy_only=False)
        start += len(found)
    return out


def _positions_of_both(columns, region_codes, item_codes) -> tuple[np.ndarray, np.ndarray]:
    """Region and item positions of the long table, looked up side by side (Arrow lets go of
    the GIL while it hashes)."""
    items = Beside(_positions, columns["item"], item_codes, "beneficiaries.item",
                   name="item-positions")
    try:
        region = _positions(columns["region"], region_codes, "beneficiaries.region")
    finally:
        item = items.result()
    return region, item


class _Placement:
    """The long table laid out as the beneficiaries cube piece by piece, each piece in the
    thread that parsed it, as soon as it is parsed: in the cube's order (the layout of the
    template and of fiscalshare's own files) a piece's first row says which cell it begins
    at, and its units are the cube's cells from there on.  While one piece is laid out the
    other is still being parsed: the whole table laid out after its parse took a fifth of a
    national load.  A piece in another order leaves the table to be laid out by its codes
    (``_Case.beneficiaries``)."""

    def __init__(self, order: Handoff):
        self._order = order
        self._lock = threading.Lock()
        self._cube: np.ndarray | None = None
        self._placed: list[tuple[int, int, float, float]] = []  # first cell, rows, min, max
        self._missed = False

    def place(self, table, whole: bool) -> None:
        """Lay out a piece (``whole``: the table, read whole after all, starts afresh)."""
        placed = self._place(table)
        with self._lock:
            if whole:
                self._placed, self._missed = [], False
            if placed is None:
                self._missed = True
            else:
                self._placed.append(placed)

    def _place(self, table) -> tuple[int, int, float, float] | None:
        import pyarrow as pa

        given = self._order.take()  # the codes, from the small sheets
        if given is None or table.num_rows == 0 \
                or not {"region", "item", "year", "units"} <= set(table.column_names):
            return None
        codes, items, years = given
        columns = {key: table.column(key) for key in ("region", "item", "year", "units")}
        first = _first_cell(columns, codes, items, years)
        size = len(codes) * len(items) * len(years)
        units = columns["units"]
        if (first is None or first + table.num_rows > size or units.null_count
                or units.type != pa.float64()
                or not _in_cube_order(columns, codes, items, years, first)):
            return None
        with self._lock:
            if self._cube is None:
                self._cube = np.empty(size)  # its pages are touched by the pieces' copies
            cube = self._cube
        at, low, high = first, np.inf, -np.inf
        for chunk in units.chunks:
            values = chunk.to_numpy()  # no nulls: Arrow's memory, no copy
            if len(values):
                cube[at:at + len(values)] = values
                low = np.minimum(low, values.min())  # a NaN stays NaN
                high = np.maximum(high, values.max())
                at += len(values)
        return first, table.num_rows, low, high

    def cube(self, shape) -> np.ndarray | None:
        """The cube, when every piece was laid out and together they are every cell once."""
        if self._missed or self._cube is None:
            return None
        at = 0
        for first, rows, _, _ in sorted(self._placed):
            if first != at:
                return None
            at += rows
        return self._cube.reshape(shape) if at == self._cube.size else None

    def check_units(self, column: Column) -> None:
        """The units by the full reader's rules (from each piece's least and greatest)."""
        bounds = np.array([placed[2:] for placed in self._placed])  # numpy's: a NaN stays
        _Case.numbers(column, (np.array([bounds[:, 0].min(), bounds[:, 1].max()]), None))


def _first_cell(columns, codes: list[str], items: list[str], years) -> int | None:
    """The cell of the cube a piece's first row names (its codes as bytes), if any."""
    known = {"region": [code.encode() for code in codes],
             "item": [code.encode() for code in items],
             "year": [str(year).encode() for year in years.tolist()]}
    try:
        region, item, year = (keys.index(columns[name][0].as_py())
                              for name, keys in known.items())
    except ValueError:
        return None
    return (region * len(items) + item) * len(years) + year


def _in_cube_order(columns, region_codes, item_codes, years, first: int = 0) -> bool:
    """Whether a long table (or a piece of one) holds the cube's cells in the cube's order
    from cell ``first`` on: regions as in regions.csv, within each its items as in items.csv,
    within each the years.  Checked at the speed of memory, no code of a million rows looked
    up: the year and item columns hold their short cycle of bytes over and over, and the
    regions change every items × years rows, each to the next."""
    block = len(item_codes) * len(years)  # the rows of one region
    if not block:
        return False

    def items_and_years() -> bool:
        return (_is_cycle_of(columns["year"], [str(y) for y in years.tolist()], 1, first)
                and _is_cycle_of(columns["item"], item_codes, len(years), first))

    # beside the regions' check: Arrow lets go of the GIL while it compares
    alike = Beside(items_and_years, name="items-and-years")
    try:
        regions_in_turn = _is_each_in_turn(columns["region"], region_codes, block, first)
    finally:
        rows_alike = alike.result()
    return regions_in_turn and rows_alike


def _is_cycle_of(array, codes: list[str], each: int, first: int = 0) -> bool:
    """Whether a column of bytes or text is ``codes`` in turn, ``each`` rows each, over and
    over, its first row the ``first`` of that sequence: its cells' lengths, and its bytes
    against those of the cycle, a window of whole cycles at a time (Arrow compares buffers
    without a copy, the GIL let go)."""
    import pyarrow as pa

    encoded = [code.encode() for code in codes]
    width = np.array([len(code) for code in encoded], dtype=np.int64)
    period = each * len(codes)  # the rows of one cycle
    if not period:
        return False
    cycle = b"".join(code * each for code in encoded)
    if not cycle:
        return False
    window = max(1, _WINDOW // len(cycle)) * len(cycle)  # whole cycles compared at a time
    expected = pa.py_buffer(cycle * (window // len(cycle) + 1))
    before = np.concatenate([[0], np.cumsum(width * each)])  # in a cycle, before each code

    def within_cycle(row: int) -> int:  # the bytes of the cycle before row
        code, repeat = divmod(row % period, each)
        return int(before[code]) + repeat * int(width[code])

    uniform = bool((width == width[0]).all())
    sizes = np.repeat(width.astype(np.int32), each)  # of the cells of one cycle
    row = first
    for chunk in (array.chunks if isinstance(array, pa.ChunkedArray) else [array]):
        if not len(chunk):
            continue
        if chunk.null_count:
            return False
        _, offsets_buffer, data = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
            chunk.offset:chunk.offset + len(chunk) + 1]
        lengths = np.diff(offsets)
        if not ((lengths == width[0]).all() if uniform
                else np.array_equal(lengths, sizes[np.arange(row, row + len(chunk)) % period])):
            return False
        begin, length, phase = int(offsets[0]), int(offsets[-1] - offsets[0]), within_cycle(row)
        for at in range(0, length, window):  # each window begins at the same place in a cycle
            part = min(window, length - at)
            if not data.slice(begin + at, part).equals(expected.slice(phase, part)):
                return False
        row += len(chunk)
    return True


def _is_each_in_turn(array, codes: list[str], repeat: int, first: int = 0) -> bool:
    """Whether a text column is each of ``codes`` in turn, ``repeat`` rows each, its first
    row the ``first`` of that sequence (the codes are distinct: a new code begins where the
    row differs from the one before)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(array) or first + len(array) > len(codes) * repeat:
        return False
    changes = pc.indices_nonzero(_compare("not_equal", array, 1)).to_numpy().astype(np.int64)
    starts = np.concatenate([np.zeros(1, dtype=np.int64), changes + 1])
    begins = np.arange((-first) % repeat or repeat, len(array), repeat)  # of the next codes
    if pa.types.is_binary(array.type):  # the long table's codes: as bytes
        codes = [code.encode() for code in codes]
    return (np.array_equal(starts[1:], begins)
            and _rows(array, starts) == codes[first // repeat:first // repeat + len(starts)])


def _rows(array, rows: np.ndarray) -> list:
    """The values at ``rows`` (ascending), taken chunk by chunk: Arrow's take on a chunked
    array first joins its chunks, a copy of the whole column."""
    import pyarrow as pa

    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    values, start = [], 0
    for chunk in chunks:
        lo, hi = np.searchsorted(rows, [start, start + len(chunk)])
        values += chunk.take(rows[lo:hi] - start).to_pylist()
        start += len(chunk)
    return values


def _compare(kind: str, array, lag: int):
    """Each row from ``lag`` on compared (Arrow's ``equal`` or ``not_equal``) with the row
    ``lag`` before it: Arrow's booleans."""
    import pyarrow.compute as pc

    return getattr(pc, kind)(array.slice(lag), array.slice(0, len(array) - lag))


def _whole_numbers(array, what: str) -> np.ndarray:
    """A column the long table reads as bytes, as the whole numbers Arrow's own reading of
    them gives (the full reader's when it refuses one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        numbers = pc.cast(pc.cast(array, pa.string()), pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise NotClean(f"{what}: not a whole number") from None
    return numbers.to_numpy()


def _year_positions(values: np.ndarray, years: np.ndarray, what: str) -> np.ndarray:
    """Each year's place among the planning years (int32, written once)."""
    values = np.asarray(values)
    if values.size and (values.min() < years[0] or values.max() > years[-1]):
        raise NotClean(f"{what}: a year outside meta's")
    out = np.empty(values.shape, dtype=np.int32)
    return np.subtract(values, int(years[0]), out=out, casting="unsafe")


def _no_repeats(positions: list[np.ndarray], sizes: list[int], what: str,
                full: bool = False) -> None:
    """Each key at most once (and, with ``full``, every key once)."""
    flat = np.ravel_multi_index(positions, sizes) if len(positions) > 1 else positions[0]
    counts = np.bincount(flat, minlength=int(np.prod(sizes)))
    if counts.size and counts.max(initial=0) > 1:
        raise NotClean(f"{what}: a repeated key")
    if full and (counts == 0).any():
        raise NotClean(f"{what}: a key without a row")


def _unique_codes(array, what: str) -> list[str]:
    """The codes, once each, also once full-width forms and case are ignored."""
    codes = array.to_pylist()
    if all(code.isascii() for code in codes):  # as NFKC leaves them: only the case folds
        folded = {code.lower() for code in codes}
    else:
        folded = {unicodedata.normalize("NFKC", code).casefold() for code in codes}
    if len(set(codes)) != len(codes) or len(folded) != len(codes):
        raise NotClean(f"{what}: a repeated code")
    return codes


def _receiving(codes: list[str], parents) -> np.ndarray:
    """Which regions receive (no counties below them); every parent a prefecture other than
    the county itself."""
    receiving = np.ones(len(codes), dtype=bool)
    if parents is None:
        return receiving
    index = {code: k for k, code in enumerate(codes)}
    parents = parents.to_pylist()
    for code, parent in zip(codes, parents, strict=True):
        if parent == "":
            continue
        k = index.get(parent)
        if k is None or parents[k] != "" or parent == code:
            raise NotClean(f"regions: parent {parent!r} of {code!r}")
        receiving[k] = False
    return receiving


def _check_standards(items: dict, standards: dict, meta: dict) -> None:
    """The central share each item's rule demands (a ratio item off its tier's share earns a
    warning, so it goes to the full reader too)."""
    rule = dict(zip(items["code"], items["rule"], strict=True))
    share = standards["central_share"]
    kinds = np.array([rule[item] for item in standards["item"]], dtype=object)
    tier_share = CENTRAL_TIER_SHARES.get(int(meta.get("central_tier") or 0))
    bad = ((kinds == "central") & (share != 1)) | ((kinds == "local") & (share != 0))
    if tier_share is not None:
        bad |= (kinds == "ratio") & (np.abs(share - tier_share) > 1e-9)
    if bad.any():
        raise NotClean("standards: a central share off its rule")


def _standard_table(values: np.ndarray, s_item, s_year, n_items, n_years) -> np.ndarray:
    """A standards column over item and year (every pair has its row)."""
    table = np.full((n_items, n_years), np.nan)
    table[s_item, s_year] = values
    return table


def _check_sharing(sharing, sh_item, tier_of, receiving, n_items) -> None:
    """Bounds in order, today's share within them, each row's tier a receiving tier, and each
    tier and item once."""
    low, high, share = (sharing[k] for k in ("province_min", "province_max", "province_share"))
    if (low > high).any() or ((share < low - 1e-12) | (share > high + 1e-12)).any():
        raise NotClean("sharing: bounds")
    tiers = sharing["tier"].astype(np.int64, copy=False)
    if not np.isin(tiers, np.unique(tier_of[receiving])).all():
        raise NotClean("sharing: a tier with no receiving region")
    _no_repeats([tiers, sh_item], [int(tiers.max(initial=0)) + 1, n_items], "sharing")


def _check_cells(cube, tier_of, cost_index, standards, s_item, s_year, sharing,
                 sh_item) -> None:
    """The rules on every receiving region, item and year (``tier_of`` and ``cost_index`` of
    the receiving regions): each cell's standard cost within MAX_CELL_COST, every item and
    region with some beneficiaries, and a sharing row for every tier and item with
    beneficiaries and a remainder to share."""
    n_regions, n_items, n_years = cube.shape
    unit_cost = _standard_table(standards["unit_cost"], s_item, s_year, n_items, n_years)
    topup = _standard_table(standards["topup"], s_item, s_year, n_items, n_years)
    if cube.size:
        bound = cube.max() * (unit_cost * topup).max() * cost_index.max()
        if bound > MAX_CELL_COST * (1 - 1e-9):  # near the limit: each cell, rounded alike
            cost = cube * unit_cost
            cost *= topup
            cost *= cost_index[:, None, None]
            if (cost > MAX_CELL_COST).any():
                raise NotClean("beneficiaries: a cell cost above the limit")
    remainder = _standard_table(standards["unit_cost"] * (standards["topup"]
                                                          - standards["central_share"]),
                                s_item, s_year, n_items, n_years) > 0
    served, shared = _served(cube, remainder)
    if not served.any(axis=0).all() or not served.any(axis=1).all():
        raise NotClean("an item or a receiving region without beneficiaries")
    tiers = sharing["tier"].astype(np.int64, copy=False)
    needed = np.zeros((int(max(tier_of.max(initial=0), tiers.max(initial=0))) + 1, n_items),
                      dtype=bool)
    for tier in np.unique(tier_of):  # a few tiers: a row of items each
        needed[tier] = shared[tier_of == tier].any(axis=0)
    needed[tiers, sh_item] = False
    if needed.any():
        raise NotClean("sharing: a tier and item without a row")


def _served(cube: np.ndarray, remainder: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per region and item: whether some year has beneficiaries, and whether some year with a
    remainder to share (``remainder``: item × year) has.  A year at a time, into two small
    arrays: numpy reduces a short last axis slowly, and a temporary the size of the cube costs
    more in fresh pages than the arithmetic."""
    served = np.zeros(cube.shape[:2], dtype=bool)
    shared = np.zeros(cube.shape[:2], dtype=bool)
    for k in range(cube.shape[2]):
        positive = cube[:, :, k] > 0
        served |= positive
        shared |= positive & remainder[:, k]
    return served, shared
