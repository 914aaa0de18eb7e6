"""Fill large worksheets fast: openpyxl lays out the sheet, we stream its rows.

openpyxl writes about 130 000 cells a second, so a county-level responsibility table (50 000
rows × 16 columns) would take seconds and a national one minutes.  Instead openpyxl writes each
large sheet with its header, ONE sample data row (which registers the cell styles and number
formats) and its totals row; after saving, the sheet's ``<sheetData>`` is rewritten from the
numpy columns with the sample row's style ids, which costs well under a microsecond per cell.
Everything else in the file (styles, frozen panes, print settings, widths) stays openpyxl's.
Strings are written as inline strings, so no text ever becomes a formula.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

FAST_ROWS = 1500  # tables longer than this are streamed
EXCEL_MAX_ROWS = 1_048_576
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class PendingSheet:
    """A sheet saved by openpyxl with one sample row, waiting for its full rows."""

    title: str
    frame: pd.DataFrame
    header_row: int  # the Excel row of the header; data starts right below it
    total_label: str | None


def _column_cells(values: np.ndarray, letter: str, rows: np.ndarray, style: str) -> list[str]:
    """The ``<c>`` elements of one column (empty cells are left out)."""
    style_attr = f' s="{style}"' if style else ""
    if values.dtype.kind in "iu":
        return [f'<c r="{letter}{r}"{style_attr}><v>{v}</v></c>'
                for r, v in zip(rows.tolist(), values.tolist(), strict=True)]
    if values.dtype.kind == "f":
        numbers = values
        if np.isfinite(numbers).all():
            return [f'<c r="{letter}{r}"{style_attr}><v>{v!r}</v></c>'
                    for r, v in zip(rows.tolist(), numbers.tolist(), strict=True)]
        return [f'<c r="{letter}{r}"{style_attr}><v>{v!r}</v></c>' if v == v and abs(v) != np.inf
                else "" for r, v in zip(rows.tolist(), numbers.tolist(), strict=True)]
    cells = []
    for r, value in zip(rows.tolist(), values.tolist(), strict=True):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            cells.append("")
            continue
        if isinstance(value, int | float | np.integer | np.floating):
            cells.append(f'<c r="{letter}{r}"{style_attr}><v>{value!r}</v></c>')
            continue
        text = escape(_CONTROL.sub("", str(value)))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        cells.append(f'<c r="{letter}{r}"{style_attr} t="inlineStr"><is><t{space}>{text}</t></is>'
                     "</c>")
    return cells


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for element in re.findall(r"<Relationship [^>]*>", rels):
        rid = re.search(r'Id="([^"]+)"', element)
        target = re.search(r'Target="([^"]+)"', element)
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    parts = {}
    for element in re.findall(r"<sheet [^>]*>", workbook):
        name = re.search(r'name="([^"]+)"', element).group(1)
        rid = re.search(r'r:id="([^"]+)"', element) or re.search(r'id="([^"]+)"', element)
        target = targets[rid.group(1)]
        parts[_unescape(name)] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _unescape(text: str) -> str:
    from xml.sax.saxutils import unescape

    return unescape(text, {"&quot;": '"', "&apos;": "'"})


def _row_styles(sheet_xml: str, row: int) -> dict[str, str]:
    match = re.search(rf'<row r="{row}"[^>]*>(.*?)</row>', sheet_xml, flags=re.S)
    styles = {}
    if match:
        for letter, attrs in re.findall(r'<c r="([A-Z]+)\d+"([^>]*)>', match.group(1)):
            style = re.search(r's="(\d+)"', attrs)
            styles[letter] = style.group(1) if style else ""
    return styles


def _rows_xml(frame: pd.DataFrame, first_row: int, styles: dict[str, str]) -> str:
    rows = np.arange(first_row, first_row + len(frame))
    columns = [_column_cells(frame.iloc[:, k].to_numpy(), get_column_letter(k + 1), rows,
                             styles.get(get_column_letter(k + 1), ""))
               for k in range(frame.shape[1])]
    return "".join(f'<row r="{r}">' + "".join(cells) + "</row>"
                   for r, cells in zip(rows.tolist(), zip(*columns, strict=True), strict=True))


def fill(path: Path, pending: list[PendingSheet]) -> None:
    """Rewrite the pending sheets' data rows in the saved workbook at ``path``."""
    if not pending:
        return
    temp = path.with_name(f".{path.name}.fill")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(
            temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        parts = _sheet_parts(source)
        by_part = {parts[p.title]: p for p in pending}
        for info in source.infolist():
            data = source.read(info.filename)
            sheet = by_part.get(info.filename)
            if sheet is not None:
                data = _filled_sheet(data.decode("utf-8"), sheet).encode("utf-8")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    os.replace(temp, path)


def _filled_sheet(xml: str, sheet: PendingSheet) -> str:
    header, sample = sheet.header_row, sheet.header_row + 1
    styles = _row_styles(xml, sample)
    n = len(sheet.frame)
    body = _rows_xml(sheet.frame, sample, styles)
    head = re.search(r"<sheetData>(.*?)</sheetData>|<sheetData\s*/>", xml, flags=re.S)
    rows_before = re.findall(rf'<row r="(?:{"|".join(str(r) for r in range(1, header + 1))})"'
                             r"[^>]*>.*?</row>", head.group(1) or "", flags=re.S)
    total = ""
    if sheet.total_label is not None:
        total_row = re.search(rf'<row r="{sample + 1}"[^>]*>(.*?)</row>', head.group(1) or "",
                              flags=re.S)
        if total_row:
            total = re.sub(r'r="([A-Z]+)\d+"', lambda m: f'r="{m.group(1)}{sample + n}"',
                           total_row.group(0))
            total = re.sub(rf'<row r="{sample + 1}"', f'<row r="{sample + n}"', total, count=1)
    data = "<sheetData>" + "".join(rows_before) + body + total + "</sheetData>"
    xml = xml[: head.start()] + data + xml[head.end():]
    last_row = sample + n if total else sample + n - 1
    last_col = get_column_letter(sheet.frame.shape[1])
    return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{last_col}{last_row}"/>',
                  xml, count=1)

