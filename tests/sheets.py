"""Reading the report workbooks back as a reader sees them: title block, tables, totals.

A table is a header row (the header fill), the bordered rows below it and, when its first cell
is 合计 / Total, its totals row; a section title is the plain bold line right above a header.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import openpyxl

HEADER_FILL = "FFDDEBF7"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MONEY = "#,##0.00"
PERCENT = "0.00%"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@dataclass
class SheetTable:
    title: str | None
    header: list
    header_row: int
    body: list = field(default_factory=list)  # lists of cells
    total: list | None = None

    def values(self):
        return [[c.value for c in row] for row in self.body]

    def column(self, name) -> int:
        return self.header.index(name)

    def formats(self, k) -> set[str]:
        return {row[k].number_format for row in self.body if isinstance(row[k].value, int | float)}


def _is_header(cell) -> bool:
    fill = cell.fill
    return fill is not None and fill.fill_type == "solid" and str(fill.fgColor.rgb) == HEADER_FILL


def _bordered(cell) -> bool:
    return cell.border is not None and cell.border.left is not None and \
        cell.border.left.style is not None


def tables_of(ws, total_label: str) -> list[SheetTable]:
    rows = list(ws.iter_rows())
    found = []
    k = 0
    while k < len(rows):
        row = rows[k]
        if row and _is_header(row[0]):
            title = None
            if k > 0 and isinstance(rows[k - 1][0].value, str) and not _bordered(rows[k - 1][0]) \
                    and rows[k - 1][0].font.b:
                title = rows[k - 1][0].value
            width = max(j for j, c in enumerate(row) if c.value is not None) + 1
            table = SheetTable(title, [c.value for c in row[:width]], k + 1)
            k += 1
            while k < len(rows) and rows[k] and _bordered(rows[k][0]):
                cells = list(rows[k][:width])
                if _is_header(cells[0]) and [c.value for c in cells] == table.header:
                    k += 1  # the header again after a page break (a table running on)
                    continue
                if cells[0].value == total_label:
                    table.total = cells
                    k += 1
                    break
                table.body.append(cells)
                k += 1
            found.append(table)
            continue
        k += 1
    return found


def only_table(ws, total_label: str) -> SheetTable:
    (table,) = tables_of(ws, total_label)
    return table


def table_titled(ws, title: str, total_label: str) -> SheetTable:
    return next(t for t in tables_of(ws, total_label) if t.title == title)


def load(path: Path):
    return openpyxl.load_workbook(path)


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def cell_texts(path: Path) -> list[str]:
    """Every string stored in the cells: inline strings and the shared-string table."""
    texts = []
    for name, xml in xml_parts(path).items():
        if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
            root = ElementTree.fromstring(xml)
            for item in root.iter(f"{{{MAIN}}}is"):
                texts.append("".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t")))
            for item in root.iter(f"{{{MAIN}}}si"):
                texts.append("".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t")))
    return texts


def fen(value) -> int:
    return round(float(value) * 100)
