"""The province's workbook and one workbook per prefecture (docs/results.md).

Both are built by one function from the same tables; a prefecture's workbook is the province's
restricted to that prefecture's own rows and its counties' — no other prefecture's code, name or
figure, and no province-wide total, appears anywhere in it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.report import fastsheet, tables
from fiscalshare.report.labels import label
from fiscalshare.report.xlsx import (
    MONEY,
    PERCENT,
    SHARE,
    finish_sheet,
    new_workbook,
    safe_sheet_name,
    set_value,
    write_table,
)

_MONEY_KEYS = ("standard_cost", "central", "province", "prefecture_level", "county", "shortfall",
               "cofinancing", "equalisation", "transfer", "burden", "capacity")
_PERCENT_KEYS = ("central_pct", "province_pct", "prefecture_pct", "county_pct", "shortfall_pct")
_SHARE_KEYS = ("share", "share_min", "share_max", "prefecture_share")


def _formats(frame: pd.DataFrame, lang: str, money_columns=()) -> dict:
    formats = {label(k, lang): MONEY for k in _MONEY_KEYS}
    formats.update({label(k, lang): PERCENT for k in _PERCENT_KEYS})
    formats.update({label(k, lang): SHARE for k in _SHARE_KEYS})
    formats.update({c: MONEY for c in money_columns})
    return {c: f for c, f in formats.items() if c in frame.columns}


def write_workbook(results: xr.Dataset, path: Path, *, lang: str = "zh",
                   prefecture: str | None = None) -> Path:
    """The province's workbook (``prefecture=None``) or one prefecture's."""
    region_mask = tables.visible_regions(results, prefecture)
    unit_mask = tables.visible_units(results, prefecture)
    if prefecture is None:
        title = f"{results.attrs.get('case', '')} {label('sheet_responsibility', lang)}"
    else:
        name = str(results["unit_name"].sel(unit=prefecture).item())
        title = f"{name} {label('sheet_responsibility', lang)}"
    book = new_workbook(title)
    taken: set[str] = set()
    total = label("total", lang)

    ws = book.create_sheet(safe_sheet_name(label("sheet_summary", lang), taken))
    _summary(ws, results, region_mask, unit_mask, lang, province_wide=prefecture is None)
    finish_sheet(ws)

    pending: list[fastsheet.PendingSheet] = []
    frame = tables.responsibility(results, region_mask, lang)
    year = label("year", lang)
    parts = [(None, frame)] if len(frame) < fastsheet.EXCEL_MAX_ROWS - 2 else list(
        frame.groupby(year, sort=True))  # beyond Excel's row limit: one sheet per year
    for part_year, part in parts:
        sheet = label("sheet_responsibility", lang)
        sheet = sheet if part_year is None else f"{sheet} {part_year}"
        ws = book.create_sheet(safe_sheet_name(sheet, taken))
        _write_large(ws, part.reset_index(drop=True), _formats(frame, lang), total, pending)

    ws = book.create_sheet(safe_sheet_name(label("sheet_sharing", lang), taken))
    frame = tables.sharing(results, lang)
    write_table(ws, frame, formats=_formats(frame, lang))
    finish_sheet(ws)

    ws = book.create_sheet(safe_sheet_name(label("sheet_transfers", lang), taken))
    frame = tables.transfers(results, unit_mask, lang)
    _write_large(ws, frame, _formats(frame, lang), total, pending)

    frame = tables.indicators(results, lang, region=prefecture)
    if frame is not None:
        ws = book.create_sheet(safe_sheet_name(label("sheet_indicators", lang), taken))
        write_table(ws, frame)
        finish_sheet(ws)

    ws = book.create_sheet(safe_sheet_name(label("sheet_about", lang), taken))
    about = tables.about(results, lang, province_wide=prefecture is None)
    if prefecture is not None:
        about.insert(2, (label("about_scope", lang), f"{prefecture} {name}"))
    else:
        about.insert(2, (label("about_scope", lang), label("scope_province", lang)))
    write_table(ws, pd.DataFrame(about, columns=[label("key", lang), label("value", lang)]))
    finish_sheet(ws)
    ws.column_dimensions["B"].width = 100

    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    fastsheet.fill(path, pending)
    return path


def _write_large(ws, frame, formats, total, pending) -> None:
    """Small tables through openpyxl; long ones as one sample row, streamed in after saving."""
    if len(frame) <= fastsheet.FAST_ROWS:
        write_table(ws, frame, formats=formats, total_label=total)
    else:
        write_table(ws, frame.head(1), formats=formats, total_label=total, totals_of=frame)
        pending.append(fastsheet.PendingSheet(ws.title, frame, 1, total))
    finish_sheet(ws)


def _summary(ws, results, region_mask, unit_mask, lang, *, province_wide: bool) -> None:
    total = label("total", lang)
    row = 1
    frame = tables.by_level_and_year(results, region_mask, lang)
    row = write_table(ws, frame, start_row=row, formats=_formats(frame, lang), total_label=total,
                      title=label("by_level_year", lang))
    frame = tables.by_domain_and_level(results, region_mask, lang)
    row = write_table(ws, frame, start_row=row, formats=_formats(frame, lang), total_label=total,
                      title=label("by_domain_level", lang))
    frame = tables.transfers_wide(results, unit_mask, lang)
    years = [c for c in frame.columns if c.isdigit()]
    row = write_table(ws, frame, start_row=row, formats=_formats(frame, lang, years),
                      total_label=total, title=label("transfers_by_region", lang))
    hard = results["binding"].values == "hard"
    shortfall = results["shortfall"].isel(region=np.flatnonzero(region_mask))
    hard_short = float(shortfall.isel(item=np.flatnonzero(hard)).sum()) if hard.any() else 0.0
    soft_short = float(shortfall.isel(item=np.flatnonzero(~hard)).sum()) / tables.WAN
    notes = [(label("hard_met" if hard_short == 0 else "hard_short", lang), ""),
             (label("soft_short", lang), soft_short)]
    if province_wide:
        notes = [(label("z1", lang), float(results.attrs.get("objective_shortfall", np.nan))),
                 (label("z2", lang), float(results.attrs.get("objective_cost", np.nan))
                  / tables.WAN)] + notes
    set_value(ws.cell(row=row, column=1), label("objectives", lang))
    ws.cell(row=row, column=1).style = "fs_title"
    for k, (name, value) in enumerate(notes, start=row + 1):
        set_value(ws.cell(row=k, column=1), name)
        if value != "":
            cell = ws.cell(row=k, column=2)
            set_value(cell, value)
            cell.number_format = MONEY
    row += len(notes) + 2
    if province_wide:
        frame = tables.equity(results, lang)
        if frame is not None:
            write_table(ws, frame, start_row=row, title=label("equity", lang),
                        formats={c: "0.0000" for c in frame.columns[1:]})
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
