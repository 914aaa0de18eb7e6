"""Table rows rendered to worksheet XML a column at a time, for the long tables of the reports.

XlsxWriter spends about 10 µs of CPU on each cell it writes (argument checks, a cell tuple, an
attribute list escaped key by key); a national run's prefecture workbooks hold some 16 million
cells.  Here a column's cells are rendered with one comprehension each (every distinct text is
escaped once) and the rows are appended to the worksheet's constant-memory row file in one write:
the same XML XlsxWriter would have written, cell for cell (``tests/test_xlsx_rows.py`` holds the
two to the byte), at about a tenth of the cost.

:func:`start_rows` and :func:`append_rows` are the one place that touches XlsxWriter's
constant-memory internals (``previous_row``, ``table``, ``row_info``, ``_write_single_row``,
``_check_dimensions``, ``fh``), as XlsxWriter 3.3 has them; the byte-for-byte test fails if a
release changes them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

STRING_LIMIT = 32767  # characters a cell holds
DEFAULT_ROW_PIXELS = 20  # 15 pt: a row of this height is written without a height
_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # literal _xHHHH_ in a text
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_EDGE_SPACE = re.compile(r"^\s|\s$")


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


def number_cell(value: float, style: int) -> str:
    return f' s="{style}"><v>{value:.16G}</v></c>'


def blank_cell(style: int) -> str:
    return f' s="{style}"/>'


def text_column(values: Sequence, clean, styles) -> list[str]:
    """Cell bodies of a text column: strings (each distinct one cleaned by ``clean`` and
    escaped once), numbers, gaps.  ``styles(text)`` gives a cleaned string's style,
    ``styles(None)`` that of numbers and gaps (asked only when a cell needs it: a style asked
    for is a style the workbook keeps)."""
    codes, distinct = pd.factorize(pd.Series(values, dtype=object))  # None, NaN: code -1
    bodies = [_text_or_number(value, clean, styles) for value in distinct]
    if (codes < 0).any():
        bodies.append(blank_cell(styles(None)))  # at index -1
    return np.array(bodies, dtype=object)[codes].tolist() if bodies else []


def _text_or_number(value, clean, styles) -> str:
    if isinstance(value, str):
        text = clean(value)
        return text_cell(text, styles(text))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return blank_cell(styles(None))
    return number_cell(int(value) if isinstance(value, bool) else value, styles(None))


def numbers_of(series: pd.Series) -> np.ndarray:
    """A column as floats, a word or a gap as NaN; a column of numbers is taken as it is
    (pandas' parsing costs a tenth of a millisecond a column, and reports have thousands)."""
    array = series.to_numpy()
    if array.dtype.kind in "fiub":
        return array.astype(float, copy=False)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def distinct_texts(series: pd.Series) -> set[str]:
    """The distinct values of a column as text, gaps left out."""
    return {str(v) for v in set(series.tolist()) if not pd.isna(v)}


def number_column(series: pd.Series, style, word_style, clean) -> list[str]:
    """Cell bodies of a number column; a word among the numbers (e.g. 不设上限) stays a word,
    cleaned by ``clean``.  ``style()`` and ``word_style()`` give the styles when needed."""
    if not len(series):
        return []
    numbers = numbers_of(series)
    finite = np.isfinite(numbers)
    if finite.all():
        head = f' s="{style()}"><v>'
        return [f"{head}{v:.16G}</v></c>" for v in numbers.tolist()]
    return [text_cell(clean(o), word_style()) if isinstance(o, str) else
            number_cell(v, style()) if ok else blank_cell(style())
            for v, ok, o in zip(numbers.tolist(), finite.tolist(), series.tolist(), strict=True)]


def rows_xml(first: int, numbers: Sequence[int] | None, letters: Sequence[str],
             columns: Sequence[Sequence[str]], heights: Sequence[float | None] | None) -> list[str]:
    """The ``<row>`` elements of a table body: row ``r`` of ``columns`` at sheet row
    ``numbers[r]`` (or ``first + r``), ``heights[r]`` in points or None for the default.  A row
    without cells is written only for its height, as XlsxWriter does."""
    count = (len(numbers) if numbers is not None else len(heights) if heights is not None
             else len(columns[0]) if columns else 0)
    names = [str((numbers[r] if numbers is not None else first + r) + 1) for r in range(count)]
    cells = [[f'<c r="{letter}{n}"{body}' for n, body in zip(names, column, strict=True)]
             for letter, column in zip(letters, columns, strict=True)]
    tails = [_height(h) for h in heights] if heights is not None else [""] * count
    if not cells:  # a table without columns: its rows are heights at most
        return [f'<row r="{n}"{tail}/>' for n, tail in zip(names, tails, strict=True) if tail]
    return [f'<row r="{n}"{tail}>{"".join(row)}</row>'
            for n, tail, row in zip(names, tails, zip(*cells, strict=True), strict=True)]


def _height(height_pt: float | None) -> str:
    pixels = None if height_pt is None else int(height_pt * 4.0 / 3.0 + 0.5)  # as set_row
    if pixels is None or pixels == DEFAULT_ROW_PIXELS:
        return ""
    return f' ht="{pixels * 0.75:.16g}" customHeight="1"'


def letters_of(count: int) -> list[str]:
    return [xl_col_to_name(k) for k in range(count)]


def start_rows(ws, first: int) -> None:
    """Write out the row a constant-memory worksheet holds, before rendering rows from
    ``first`` on (so that styles are numbered in the order of the sheet, as XlsxWriter does)."""
    if not ws.constant_memory:
        raise ValueError("rendered rows need a workbook in constant_memory mode")
    if first < ws.previous_row or (first == ws.previous_row
                                   and (ws.table.get(first) or first in ws.row_info)):
        raise ValueError(f"row {first} is already written or held")
    ws._write_single_row(first)  # writes the held row out; previous_row = first


def append_rows(ws, first: int, last: int, columns: int, xml: Sequence[str]) -> None:
    """Append rendered rows ``first``..``last`` (0-based, ``columns`` wide) after
    :func:`start_rows`: the sheet's dimensions take in the block, and the next row written
    through XlsxWriter must come after ``last``."""
    if ws.previous_row != first or ws.table:
        raise ValueError(f"rows from {first} were not started, or a row was written since")
    if columns and xml:
        ws._check_dimensions(first, 0)
        ws._check_dimensions(last, columns - 1)
        ws.fh.write("".join(xml))
    ws.previous_row = last + 1
