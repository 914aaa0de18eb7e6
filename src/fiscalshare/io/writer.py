"""Write a case as an ``.xlsx`` workbook or a folder of CSV files, in the docs/inputs.md layout.

Used by ``fiscalshare init``, the synthetic generator and the tests (the two forms of one case
must read back to the same Dataset).  Codes are written as text so leading zeros survive.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fiscalshare.io.dataset import CaseTables
from fiscalshare.io.schema import META_KEYS, SHEETS


def sheet_frames(tables: CaseTables) -> dict[str, pd.DataFrame]:
    """One DataFrame per present sheet, columns in declaration order, defaults filled."""
    given = [c for c in META_KEYS  # an optional key left empty is left out (not given)
             if c.required or str(tables.meta.get(c.key, c.default) or "") != ""]
    meta = pd.DataFrame({"key": [c.key for c in given],
                         "value": [tables.meta.get(c.key, c.default or "") for c in given]})
    frames = {"meta": meta}
    for name, declared in SHEETS.items():
        if name == "meta":
            continue
        frame = getattr(tables, name)
        if frame is None:
            continue
        columns = {}
        for column in declared.columns:
            if column.key in frame:
                columns[column.key] = frame[column.key].to_numpy()
            elif column.required:
                raise ValueError(f"{name}: column {column.key!r} is required")
            else:
                default = column.default
                columns[column.key] = [default if default is not None else None] * len(frame)
        frames[name] = pd.DataFrame(columns)
    return frames


def write_case(tables: CaseTables, path: Path, *, labelled: bool = False) -> None:
    """``path`` ending in .xlsx: a workbook; otherwise a folder of CSV files (UTF-8).

    ``labelled``: the workbook is the template (``fiscalshare template``) filled in — Chinese
    labels in row 2, the 说明 sheet, number formats and drop-downs — as an official would keep
    it; otherwise plain sheets, written in streaming mode (fast for national-scale cases).
    """
    path = Path(path)
    frames = sheet_frames(tables)
    if path.suffix.lower() == ".xlsx":
        (_write_labelled_workbook if labelled else _write_workbook)(frames, path)
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(path / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")


def _write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, frame in frames.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _write_labelled_workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
    from fiscalshare.io.template import template_workbook

    book = template_workbook()
    for name, frame in frames.items():
        sheet = book[name]
        if name == "meta":  # the template lists every key in column A from row 3
            values = dict(zip(frame["key"], frame["value"], strict=True))
            row = 3
            while sheet.cell(row=row, column=1).value is not None:
                key = sheet.cell(row=row, column=1).value
                if key in values:  # an optional key the case leaves empty stays blank: not given
                    sheet.cell(row=row, column=2, value=_cell(values[key]))
                row += 1
            continue
        for row, values in enumerate(frame.itertuples(index=False), start=3):
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=_cell(value))
    for name in [n for n in book.sheetnames if n not in frames and n != book.sheetnames[0]]:
        del book[name]  # an optional sheet the case does not have
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _cell(value):
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
