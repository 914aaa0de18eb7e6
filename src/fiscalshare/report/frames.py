"""A titled workbook of plain tables from pandas frames, on the report writer (compare, sweep).

Callers name their columns with catalogue labels (``report.labels``) and say which columns are
money (万元), percentages, integers or plain numbers; this module rounds money to 0.01 万元,
adds a totals row that sums the figures *as shown* where asked, and writes every sheet with the
title block, page numbers, print setup and safe text of :mod:`fiscalshare.report.xlsx`.

``sweep.xlsx`` can be written the same way::

    from fiscalshare.report.frames import FrameSheet, write_frames
    write_frames(path, title="…", lines=("…",), lang=lang, sheets=[
        FrameSheet(label("sweep_sheet_runs", lang), frame, money=[...], percent=[...])])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fiscalshare.report.labels import label
from fiscalshare.report.xlsx import Book, Paragraph, Table, TitleBlock


@dataclass
class FrameSheet:
    """One sheet: a frame whose headers are already in the output language."""

    name: str
    frame: pd.DataFrame
    money: list = field(default_factory=list)  # columns in 万元 (rounded here to 0.01)
    percent: list = field(default_factory=list)  # fractions, shown as 0.00 %
    integer: list = field(default_factory=list)  # years: no thousands separator
    count: list = field(default_factory=list)  # people and regions: with separators
    decimal4: list = field(default_factory=list)  # indices: four decimals each, points aligned
    total: bool = False  # a 合计 row summing the money columns as shown
    title: str | None = None
    notes: tuple[str, ...] = ()
    intro: tuple[str, ...] = ()  # sentences above the table
    keys: int = 1
    max_text: int = 24


def balanced(frame: pd.DataFrame, parts: list[str], total: str) -> pd.DataFrame:
    """Round ``total`` (万元, ≥ 0) to the fen and its ``parts`` by largest remainder so that they
    add up to it as shown."""
    from fiscalshare.report.amounts import largest_remainder

    out = frame.copy()
    totals = np.rint(pd.to_numeric(out[total]).to_numpy(dtype=float) * 100).astype(np.int64)
    values = np.stack([pd.to_numeric(out[p]).to_numpy(dtype=float) * 100 for p in parts], axis=1)
    fen = largest_remainder(values, totals)
    out[total] = totals / 100
    for k, part in enumerate(parts):
        out[part] = fen[:, k] / 100
    return out


def shown(frame: pd.DataFrame, money=(), infinite: str = "∞") -> pd.DataFrame:
    """Money rounded to the fen of 万元; ±∞ as text (a number cell cannot hold it)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if column in money:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            out[column] = np.where(np.isfinite(numbers), np.round(numbers, 2), numbers)
        if values.dtype.kind in "fc" or values.dtype == object:
            out[column] = [(infinite if v > 0 else f"-{infinite}")
                           if isinstance(v, float | np.floating) and math.isinf(v) else v
                           for v in out[column]]
    return out


def title_lines(attrs, config, lang: str, *, run_date: str = "") -> tuple[str, ...]:
    """The lines under a workbook's title, as on the province's tables: the period and the
    scenario in words, then 编制单位 and the date of the run where they are known."""
    from fiscalshare.report.labels import scenario_text

    period = label("period", lang).format(attrs.get("first_year", ""), attrs.get("last_year", ""))
    colon = "：" if lang == "zh" else ": "
    gap = "　" if lang == "zh" else "   "
    lines = (f"{label('about_period', lang)}{colon}{period}{gap}{label('about_scenario', lang)}"
             f"{colon}{scenario_text(config, lang)}",)
    second = [label("compiler", lang).format(attrs["compiler"])] if attrs.get("compiler") else []
    if run_date:
        second.append(label("run_date", lang).format(run_date[:10]))
    if second:
        lines += (gap.join(second),)
    return lines


def write_frames(path: Path, *, title: str, sheets: list[FrameSheet], lang: str = "zh",
                 lines: tuple[str, ...] = (), footer: str = "") -> Path:
    """Write ``sheets`` as one workbook headed by ``title`` and ``lines`` on every sheet."""
    head = TitleBlock(title=title + ("" if lang == "zh" else " — "), lines=tuple(lines),
                      unit_note=label("money_unit", lang), footer_left=footer,
                      page_words=tuple(label("page_words", lang).split("|")))
    book = Book(path, head)
    for sheet in sheets:
        kinds = {c: "money" for c in sheet.money}
        kinds.update({c: "percent" for c in sheet.percent})
        kinds.update({c: "integer" for c in sheet.integer})
        kinds.update({c: "count" for c in sheet.count})
        kinds.update({c: "decimal4" for c in sheet.decimal4})
        table = Table(shown(sheet.frame, sheet.money), kinds,
                      total_label=label("total", lang) if sheet.total else None,
                      keys=sheet.keys, notes=sheet.notes, max_text=sheet.max_text)
        if sheet.intro:
            page = book.sheet(sheet.name, sheet.title or sheet.name)
            for sentence in sheet.intro:
                page.add(Paragraph(sentence))
            page.add(table)
            page.money = bool(sheet.money)
        else:
            book.table_sheet(sheet.name, sheet.title or sheet.name, table)
    return book.close()
