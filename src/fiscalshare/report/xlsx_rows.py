"""Table rows rendered to worksheet XML a column at a time, for the long tables of the reports.

XlsxWriter spends about 10 µs of CPU on each cell it writes (argument checks, a cell tuple, an
attribute list escaped key by key); a national run's prefecture workbooks hold some 16 million
cells.  Here a column's cells are rendered at once (every distinct text escaped once, the numbers
formatted by Arrow's kernel, or by Python for a short column) and the rows are appended to the
worksheet's constant-memory row file in one write; a body longer than :data:`ARROW_ROWS` rows is also put together by Arrow's
string kernels rather than a Python loop.  The XML is XlsxWriter's own, cell for cell, except
for the text of a number: the shortest that reads back as the same double (``1e+20``,
``0.30000000000000004``), where XlsxWriter writes 16 significant digits (``1E+20``, ``0.3``).
``tests/test_xlsx_rows.py`` holds the two to the byte, numbers compared as numbers.  Where the
caller shares strings (:func:`sharer`), a text cell holds an index into the workbook's
sharedStrings.xml instead, as XlsxWriter writes outside constant-memory mode.

:func:`start_rows`, :func:`append_rows`, :func:`sharer` and :func:`merge_row` are the one place
outside ``report.xlsx._Worksheet`` that touches XlsxWriter's internals (``previous_row``,
``table``, ``row_info``, ``_write_single_row``, ``_check_dimensions``, ``fh``, ``str_table``,
``merge``), as XlsxWriter 3.3 has them; the byte-for-byte, shared-string and merged-row tests
fail if a release changes them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.utility import xl_col_to_name

STRING_LIMIT = 32767  # characters a cell holds
DEFAULT_ROW_PIXELS = 20  # 15 pt: a row of this height is written without a height
_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # literal _xHHHH_ in a text
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_EDGE_SPACE = re.compile(r"^\s|\s$")
ARROW_ROWS = 64  # a body longer than this is put together by Arrow (shorter: Python is quicker)


def text_cell(text: str, style: int) -> str:
    """The part of an inline-string cell after its reference, as XlsxWriter writes it:
    control characters as ``_xHHHH_`` (a literal one escaped), ``& < >`` escaped, edge
    whitespace preserved."""
    text = text[:STRING_LIMIT]
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    return f' s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def number_texts(values) -> list[str]:
    """Numbers as the shortest text that reads back as the same double: Arrow's formatting,
    one kernel call for a long list (five times quicker than Python's per value), Python's
    own for a short one (a kernel call costs 30–40 µs, the price of a hundred values)."""
    values = np.asarray(values, dtype=float)
    if len(values) <= ARROW_ROWS:
        return [_shortest(v) for v in values.tolist()]
    return pc.cast(pa.array(values), pa.string()).to_pylist()


def _shortest(value: float) -> str:
    """Python's shortest round-trip text of a finite double, without the ``.0`` of a whole
    number (as Arrow writes it: ``3``, not ``3.0``)."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def number_cell(value: float, style: int) -> str:
    return f' s="{style}"><v>{number_texts([value])[0]}</v></c>'


def blank_cell(style: int) -> str:
    return f' s="{style}"/>'


def column_from_codes(distinct: list, codes: np.ndarray, clean, styles,
                      share=None) -> list[str] | pa.Array:
    """Cell bodies of a text column given as its distinct values and a code per row
    (:func:`distinct_and_codes`): strings (each distinct one cleaned by ``clean`` and escaped
    once), numbers, gaps.  ``styles(text)`` gives a cleaned string's style, ``styles(None)``
    that of numbers and gaps (asked only when a cell needs it: a style asked for is a style the
    workbook keeps, in the order the values first appear).  ``share(text, uses)``, when given,
    puts a text in the workbook's shared strings and returns its index (None: written in the
    cell).  A long column comes back as an Arrow array (see :func:`rows_xml`)."""
    uses = np.bincount(codes, minlength=len(distinct)).tolist()
    bodies = _rendered(distinct, uses, clean, styles, share)
    if len(codes) > ARROW_ROWS:
        return pa.array(bodies, pa.large_string()).take(pa.array(codes))
    return [bodies[c] for c in codes.tolist()]


def distinct_and_codes(series: pd.Series) -> tuple[list, np.ndarray]:
    """The distinct values of a column in the order they first appear (a gap as None, in its
    place) and each row's index into them; a categorical column is read from its codes."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        categories = series.cat.categories.tolist()
        used = pd.unique(codes)  # in order of appearance, -1 (a gap) among them
        place = np.empty(len(categories) + 1, dtype=np.int64)
        place[used] = np.arange(len(used))  # code -1 lands in the extra last slot
        return [categories[c] if c >= 0 else None for c in used.tolist()], place[codes]
    if len(series) <= ARROW_ROWS:  # a dictionary is quicker than pandas for a few values
        index: dict = {}
        codes = [index.setdefault(value, len(index)) for value in series.tolist()]
        return list(index), np.asarray(codes, dtype=np.int64)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    distinct = uniques.tolist()
    gaps = codes < 0
    if gaps.any():
        at = int(codes[:int(np.argmax(gaps))].max(initial=-1)) + 1  # distinct values before it
        distinct.insert(at, None)
        codes = np.where(gaps, at, codes + (codes >= at))
    return distinct, codes


def _rendered(distinct: list, uses: list[int], clean, styles, share) -> list[str]:
    numbers = [v for v in distinct if _is_number(v)]
    texts = dict(zip(numbers, number_texts([float(v) for v in numbers]), strict=True))
    return [_text_or_number(value, n, clean, styles, texts, share)
            for value, n in zip(distinct, uses, strict=True)]


def _is_number(value) -> bool:
    if isinstance(value, str) or value is None:
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):  # not a number (a date, say): shown as its text
        return False


def _is_gap(value) -> bool:
    """None, NaN or ±∞: an empty cell."""
    try:
        return value is None or bool(pd.isna(value)) or not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _text_or_number(value, uses: int, clean, styles, number_text: dict, share) -> str:
    if value in number_text:
        return f' s="{styles(None)}"><v>{number_text[value]}</v></c>'
    if not isinstance(value, str) and _is_gap(value):
        return blank_cell(styles(None))
    text = clean(value if isinstance(value, str) else str(value))
    index = share(text[:STRING_LIMIT], uses) if share is not None else None
    if index is not None:
        return f' s="{styles(text)}" t="s"><v>{index}</v></c>'
    return text_cell(text, styles(text))


def sharer(ws):
    """``share(text, uses)`` for :func:`column_from_codes`: the text in the workbook's table of shared
    strings (XlsxWriter writes it as sharedStrings.xml), counted ``uses`` times.  A cell then
    holds an index, not the text: item and region names repeat on every row of the long tables,
    and the sheets come out a fifth smaller.  A text XlsxWriter would take for rich-text XML
    (``<r>…</r>``) stays in its cell."""
    table = ws.str_table

    def share(text: str, uses: int) -> int | None:
        if text.startswith("<r>") and text.endswith("</r>"):
            return None
        index = table._get_shared_string_index(text)  # counts one use
        table.count += uses - 1
        return index

    return share


def numbers_of(series: pd.Series) -> np.ndarray:
    """A column as floats, a word or a gap as NaN; a column of numbers is taken as it is
    (pandas' parsing costs a tenth of a millisecond a column, and reports have thousands)."""
    array = series.to_numpy()
    if array.dtype.kind in "fiub":
        return array.astype(float, copy=False)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def number_column(series: pd.Series | np.ndarray, style, word_style, clean,
                  numbers: np.ndarray | None = None) -> list[str] | Pieces:
    """Cell bodies of a number column; a word among the numbers (e.g. 不设上限) stays a word,
    cleaned by ``clean``.  ``style()`` and ``word_style()`` give the styles when needed;
    ``numbers``, when given, is :func:`numbers_of` the column, and ``series`` is then read only
    for its words (``numbers`` itself may stand for it when every value is a finite number).
    A long column of numbers comes back as :class:`Pieces` (see :func:`rows_xml`)."""
    if not len(series):
        return []
    numbers = numbers_of(series) if numbers is None else numbers
    finite = np.isfinite(numbers)
    if finite.all():
        head = f' s="{style()}"><v>'
        if len(numbers) > ARROW_ROWS:
            return Pieces(head, pc.cast(pa.array(numbers), pa.large_string()), "</v></c>")
        return [f"{head}{t}</v></c>" for t in number_texts(numbers)]
    texts = number_texts(np.where(finite, numbers, 0.0))
    return [text_cell(clean(o), word_style()) if isinstance(o, str) else
            f' s="{style()}"><v>{t}</v></c>' if ok else blank_cell(style())
            for t, ok, o in zip(texts, finite.tolist(), series.tolist(), strict=True)]


class Pieces:
    """A long column's cell bodies as ``head + text + tail``, the head and tail the same in
    every row: joined once with the rest of the row (:func:`_arrow_rows`), not first into a
    column of their own."""

    __slots__ = ("head", "texts", "tail")

    def __init__(self, head: str, texts: pa.Array, tail: str):
        self.head, self.texts, self.tail = head, texts, tail

    def __len__(self) -> int:
        return len(self.texts)

    def to_pylist(self) -> list[str]:
        return [f"{self.head}{text}{self.tail}" for text in self.texts.to_pylist()]


def rows_xml(first: int, numbers: Sequence[int] | None, letters: Sequence[str],
             columns: Sequence[Sequence[str] | pa.Array | Pieces],
             heights: Sequence[float | None] | None) -> list[str]:
    """The ``<row>`` elements of a table body: row ``r`` of ``columns`` at sheet row
    ``numbers[r]`` (or ``first + r``), ``heights[r]`` in points or None for the default.  A row
    without cells is written only for its height, as XlsxWriter does.  A body longer than
    :data:`ARROW_ROWS` is put together by Arrow's string kernels, with the same result."""
    count = (len(numbers) if numbers is not None else len(heights) if heights is not None
             else len(columns[0]) if columns else 0)
    tails = _tails(heights, count)
    if columns and count > ARROW_ROWS:
        return _arrow_rows(first, numbers, letters, columns, tails).to_pylist()
    columns = [c.to_pylist() if isinstance(c, pa.Array | Pieces) else c for c in columns]
    names = [str((numbers[r] if numbers is not None else first + r) + 1) for r in range(count)]
    cells = [[f'<c r="{letter}{n}"{body}' for n, body in zip(names, column, strict=True)]
             for letter, column in zip(letters, columns, strict=True)]
    if not cells:  # a table without columns: its rows are heights at most
        return [f'<row r="{n}"{tail}/>' for n, tail in zip(names, tails, strict=True) if tail]
    return [f'<row r="{n}"{tail}>{"".join(row)}</row>'
            for n, tail, row in zip(names, tails, zip(*cells, strict=True), strict=True)]


def rows_block(first: int, letters: Sequence[str],
               columns: Sequence[Sequence[str] | pa.Array | Pieces],
               heights: Sequence[float | None] | None) -> str | bytes:
    """The rows of :func:`rows_xml` from sheet row ``first`` on, as one piece; a long body
    comes as the UTF-8 bytes Arrow put together (written as they are: no Python strings)."""
    count = len(heights) if heights is not None else len(columns[0]) if columns else 0
    if not columns or count <= ARROW_ROWS:
        return "".join(rows_xml(first, None, letters, columns, heights))
    rows = _arrow_rows(first, None, letters, columns, _tails(heights, count))
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:
                                                                  rows.offset + len(rows) + 1]
    return bytes(memoryview(rows.buffers()[2])[offsets[0]:offsets[-1]])


def _arrow_rows(first, numbers, letters, columns, tails) -> pa.Array:
    rows = np.asarray(numbers, dtype=np.int64) if numbers is not None else \
        np.arange(first, first + len(tails), dtype=np.int64)
    names = pc.cast(pa.array(rows + 1), pa.large_string())
    index = {tail: k for k, tail in enumerate(dict.fromkeys(tails))}
    opening = pc.take(pa.array([f'"{t}>' for t in index], pa.large_string()),
                      pa.array([index[t] for t in tails], pa.int32()))
    parts = ['<row r="', names, opening]
    for letter, column in zip(letters, columns, strict=True):
        if isinstance(column, Pieces):
            parts += [f'<c r="{letter}', names, f'"{column.head}', column.texts, column.tail]
            continue
        if not isinstance(column, pa.Array):
            column = pa.array(column, pa.large_string())
        parts += [f'<c r="{letter}', names, '"', column.cast(pa.large_string())]
    parts.append("</row>")
    return _joined(*parts)


def _joined(*parts) -> pa.Array:
    """Arrow's element-wise concatenation; texts are the same in every row."""
    parts = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string()))


def _tails(heights, count: int) -> list[str]:
    """Each row's height attributes after ``<row r="n"`` ("" for the default height)."""
    return [_height(h) for h in heights] if heights is not None else [""] * count


@lru_cache(maxsize=256)
def _height(height_pt: float | None) -> str:
    pixels = None if height_pt is None else int(height_pt * 4.0 / 3.0 + 0.5)  # as set_row
    if pixels is None or pixels == DEFAULT_ROW_PIXELS:
        return ""
    return f' ht="{pixels * 0.75:.16g}" customHeight="1"'


def letters_of(count: int) -> list[str]:
    return [xl_col_to_name(k) for k in range(count)]


def merge_row(ws, row: int, first: int, last: int) -> None:
    """Columns ``first``..``last`` of ``row`` as one merged range, its other cells left unwritten
    (XlsxWriter's ``merge_range`` writes each of them blank in the range's format, which only a
    bordered or filled format needs).  The caller writes the text in the first cell."""
    ws._check_dimensions(row, last)
    ws.merge.append([row, first, row, last])


def start_rows(ws, first: int) -> None:
    """Write out the row a constant-memory worksheet holds, before rendering rows from
    ``first`` on (so that styles are numbered in the order of the sheet, as XlsxWriter does)."""
    if not ws.constant_memory:
        raise ValueError("rendered rows need a workbook in constant_memory mode")
    if first < ws.previous_row or (first == ws.previous_row
                                   and (ws.table.get(first) or first in ws.row_info)):
        raise ValueError(f"row {first} is already written or held")
    ws._write_single_row(first)  # writes the held row out; previous_row = first


def append_rows(ws, first: int, last: int, columns: int, xml: Sequence[str | bytes]) -> None:
    """Append rendered rows ``first``..``last`` (0-based, ``columns`` wide) after
    :func:`start_rows`: the sheet's dimensions take in the block, and the next row written
    through XlsxWriter must come after ``last``.  Pieces given as bytes are UTF-8 and go to the
    row file's byte stream as they are."""
    if ws.previous_row != first or ws.table:
        raise ValueError(f"rows from {first} were not started, or a row was written since")
    if columns and xml:
        ws._check_dimensions(first, 0)
        ws._check_dimensions(last, columns - 1)
        text = []
        for piece in xml:
            if isinstance(piece, str):
                text.append(piece)
                continue
            ws.fh.write("".join(text))
            text.clear()
            ws.fh.flush()  # the text written so far, then the bytes after it
            ws.fh.buffer.write(piece)
        ws.fh.write("".join(text))
    ws.previous_row = last + 1
