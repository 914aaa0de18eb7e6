"""Writing tables into print-ready, safe worksheets (openpyxl).

Every string from the inputs is written as text — a leading ``= + - @``, tab or CR never becomes
a formula — and no cell holds a formula: the workbook carries values only.  Money in 万元 with
two decimals, shares as percentages, frozen and repeated header rows, fitted widths, landscape
pages fitted to width.
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MONEY = "#,##0.00"
PERCENT = "0.00%"
SHARE = "0.0000"
_FORBIDDEN = set('\\*?:/[]')
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def new_workbook(title: str) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "fiscalshare"
    book.properties.lastModifiedBy = "fiscalshare"
    book.properties.title = ILLEGAL_CHARACTERS_RE.sub("", title)
    _register_styles(book)
    return book


def _register_styles(book: Workbook) -> None:
    thin = Side(style="thin", color="999999")
    styles = {
        "fs_header": NamedStyle("fs_header", font=Font(bold=True),
                                fill=PatternFill("solid", fgColor="DDEBF7"),
                                alignment=Alignment(horizontal="center", vertical="center",
                                                    wrap_text=True),
                                border=Border(bottom=thin)),
        "fs_title": NamedStyle("fs_title", font=Font(bold=True, size=12)),
        "fs_total": NamedStyle("fs_total", font=Font(bold=True), border=Border(top=thin)),
    }
    for style in styles.values():
        book.add_named_style(style)


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """≤ 31 characters, none of ``\\ * ? : / [ ]``, unique in the workbook."""
    clean = "".join("_" if c in _FORBIDDEN else c for c in name).strip("'") or "Sheet"
    clean = clean[:31]
    candidate, n = clean, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"~{n}"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def set_value(cell, value) -> None:
    """Write a value; text is always text, never a formula."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        value = None
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
        cell.value = value
        cell.data_type = "s"  # even "=HYPERLINK(…)" stays literal text
        if value.startswith(_DANGEROUS_START):
            cell.quotePrefix = True
        return
    cell.value = value


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_table(ws: Worksheet, frame: pd.DataFrame, *, start_row: int = 1, formats=None,
                total_label: str | None = None, title: str | None = None,
                totals_of: pd.DataFrame | None = None) -> int:
    """Header + rows (+ a totals row of the money columns); returns the next free row.

    ``totals_of`` sums another frame than the one written (the full table of a sheet whose rows
    ``report.fastsheet`` streams in after saving)."""
    formats = formats or {}
    totals_of = frame if totals_of is None else totals_of
    row = start_row
    if title:
        cell = ws.cell(row=row, column=1)
        set_value(cell, title)
        cell.style = "fs_title"
        row += 1
    header_row = row
    for c, name in enumerate(frame.columns, start=1):
        cell = ws.cell(row=row, column=c)
        set_value(cell, str(name))
        cell.style = "fs_header"
    values = frame.to_numpy(dtype=object)
    for r, record in enumerate(values, start=row + 1):
        for c, value in enumerate(record, start=1):
            cell = ws.cell(row=r, column=c)
            set_value(cell, value)
            fmt = formats.get(frame.columns[c - 1])
            if fmt:
                cell.number_format = fmt
    row += len(values) + 1
    if total_label is not None and len(values):
        set_value(ws.cell(row=row, column=1), total_label)
        ws.cell(row=row, column=1).style = "fs_total"
        for c, name in enumerate(frame.columns, start=1):
            if formats.get(name) == MONEY:
                cell = ws.cell(row=row, column=c)
                set_value(cell, float(np.nansum(totals_of[name].to_numpy(dtype=float))))
                cell.style = "fs_total"
                cell.number_format = MONEY
        row += 1
    if start_row == 1 and not title:
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        ws.print_title_rows = f"{header_row}:{header_row}"
    return row + 1


def finish_sheet(ws: Worksheet) -> None:
    """Fit widths and make the sheet print on landscape pages fitted to width."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = f"{cell.value:,.2f}" if isinstance(cell.value, float) else str(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), display_width(text))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
