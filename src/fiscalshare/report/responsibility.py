"""The province's workbook and one workbook per prefecture (docs/results.md).

Both are built by one function from the same tables; a prefecture's workbook is the province's
restricted to that prefecture's own rows and its counties' — no other prefecture's code, name or
figure, and no province-wide total, appears anywhere in it — and its sharing ratios are those of
its own tiers only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.quantities import exact_labels
from fiscalshare.report import tables
from fiscalshare.report.amounts import Fen, fen_of, wan
from fiscalshare.report.labels import label, scenario_text, status_text, text_of
from fiscalshare.report.xlsx import Book, Paragraph, Table, TitleBlock, object_strings

EXCEL_ROWS = 1_000_000  # a detail table longer than this is split by year


def title_block(results: xr.Dataset, scope: str, lang: str) -> TitleBlock:
    """Scope (province or prefecture), period, scenario, 编制单位, 单位：万元 and the run date."""
    attrs = results.attrs
    period = label("period", lang).format(attrs.get("first_year", ""), attrs.get("last_year", ""))
    scenario = scenario_text(tables.run_config(results), lang)
    gap = "　" if lang == "zh" else "   "
    first = f"{label('about_period', lang)}{_colon(lang)}{period}{gap}" \
            f"{label('about_scenario', lang)}{_colon(lang)}{scenario}"
    second = []
    if attrs.get("compiler"):
        second.append(label("compiler", lang).format(attrs["compiler"]))
    date = str(attrs.get("created_utc", ""))[:10]
    if date:
        second.append(label("run_date", lang).format(date))
    before, middle, after = label("page_words", lang).split("|")
    return TitleBlock(title=scope + ("" if lang == "zh" else " — "),
                      lines=(first, gap.join(second)) if second else (first,),
                      unit_note=label("money_unit", lang),
                      footer_left=" ".join(_footer_names(attrs, scope) + [period]),
                      page_words=(before, middle, after))


def _footer_names(attrs, scope: str) -> list[str]:
    """Who the printed page is about: the province, and the prefecture in its own workbook (the
    case's file name means nothing to a reader)."""
    province = str(attrs.get("province") or "")
    return [name for name in (province, scope if scope != province else "") if name] \
        or [str(attrs.get("case", ""))]


def _colon(lang):
    return "：" if lang == "zh" else ": "


@exact_labels
def write_workbook(results: xr.Dataset, path: Path, *, lang: str = "zh",
                   prefecture: str | None = None, fen: Fen | None = None) -> Path:
    """The province's workbook (``prefecture=None``) or one prefecture's."""
    with object_strings():
        return _write_workbook(results, path, lang=lang, prefecture=prefecture, fen=fen)


def _write_workbook(results: xr.Dataset, path: Path, *, lang: str,
                    prefecture: str | None, fen: Fen | None) -> Path:
    fen = fen if fen is not None else fen_of(results)
    mask = tables.visible_regions(results, prefecture)
    unit_mask = tables.visible_units(results, prefecture)
    province_wide = prefecture is None
    if province_wide:
        scope = str(results.attrs.get("province", "")) or str(results.attrs.get("case", ""))
    else:
        scope = str(results["unit_name"].sel(unit=prefecture).item())
    book = Book(path, title_block(results, scope, lang))

    _summary(book, results, fen, mask, unit_mask, lang, province_wide=province_wide)
    book.table_sheet(label("sheet_listing", lang), label("title_listing", lang),
                     _with(tables.listing(results, fen, mask, lang, region=prefecture),
                           max_text=10))

    level = tables.detail_level(results, mask) if province_wide else "region"
    by_prefecture, all_items = level != "region", level == "prefecture_total"
    detail = tables.responsibility(results, fen, mask, lang, by_prefecture=by_prefecture,
                                   all_items=all_items)
    if by_prefecture:
        detail = _with(detail, notes=(label("by_prefecture_total_note" if all_items
                                            else "by_prefecture_note", lang),))
    for suffix, part in _by_year_if_long(detail, lang):
        book.table_sheet(label("sheet_responsibility", lang) + suffix,
                         label("title_responsibility", lang) + suffix, part)
    percent = tables.responsibility_percent(results, fen, mask, lang, by_prefecture=by_prefecture,
                                            all_items=all_items)
    for suffix, part in _by_year_if_long(percent, lang):
        book.table_sheet(label("sheet_responsibility_pct", lang) + suffix,
                         label("title_responsibility_pct", lang) + suffix, part)

    book.table_sheet(label("sheet_sharing", lang), label("title_sharing", lang),
                     tables.sharing(results, fen, mask, lang))
    book.table_sheet(label("sheet_transfers", lang), label("title_transfers", lang),
                     tables.transfers(results, fen, unit_mask, lang, by_prefecture=province_wide
                                      and tables.units_by_prefecture(results, unit_mask)))
    city = tables.city_to_county(results, fen, prefecture, lang)
    if city is not None:
        book.table_sheet(label("sheet_city_county", lang), label("title_city_county", lang),
                         _with(city, title=None))

    protected = book.sheet(label("sheet_protected", lang), label("title_protected", lang))
    for sentence in tables.protection_sentences(results, fen, mask, unit_mask, lang):
        protected.add(Paragraph(sentence))
    protected.add(tables.regions_protected(results, fen, mask, lang))

    frame = tables.indicators(results, lang, region=prefecture)
    if frame is not None and len(frame.frame):
        book.table_sheet(label("sheet_indicators", lang), label("title_indicators", lang), frame)

    rows = about(results, lang, province_wide=province_wide)
    rows.insert(2, (label("about_scope", lang),
                    f"{prefecture} {scope}" if prefecture else label("scope_province", lang)))
    frame = pd.DataFrame(rows, columns=[label("key", lang), label("value", lang)])
    book.table_sheet(label("sheet_about", lang), label("title_about", lang),
                     Table(frame, {}, max_text=70))
    return book.close()


def _with(table: Table, **changes) -> Table:
    from dataclasses import replace

    return replace(table, **changes)


def _by_year_if_long(table: Table, lang):
    if len(table.frame) < EXCEL_ROWS:
        return [("", table)]
    year = label("year", lang)
    return [(f" {y}", _with(table, frame=part.reset_index(drop=True)))
            for y, part in table.frame.groupby(year, sort=True)]


def _summary(book: Book, results, fen, mask, unit_mask, lang, *, province_wide: bool) -> None:
    sheet = book.sheet(label("sheet_summary", lang), label("title_summary", lang))
    sheet.add(tables.by_level_and_year(results, fen, mask, lang))
    sheet.add(tables.by_domain_and_level(results, fen, mask, lang))
    sheet.add(tables.transfers_wide(results, fen, unit_mask, lang, by_prefecture=province_wide
                                    and tables.units_by_prefecture(results, unit_mask)))
    short = fen.parts[mask][..., tables.PARTS.index("shortfall")]
    hard = results["binding"].values == "hard"
    rows = []
    if province_wide:
        rows.append((label("z1", lang),
                     round(float(results.attrs.get("objective_shortfall", np.nan)) / 1e4, 2)))
        # z2 as the tables add it up (its cells' fen), not rounded on its own: the 合计 of
        # the transfers above and this figure must be the same to the fen
        province = fen.parts[..., tables.PARTS.index("province")]
        rows.append((label("z2", lang), float(wan(province.sum() + fen.equalisation.sum()))))
    rows.append((label("soft_short", lang), float(wan(short[:, ~hard].sum()))))
    frame = pd.DataFrame(rows, columns=[label("key", lang), label("amount", lang)])
    sheet.add(Table(frame, {label("amount", lang): "money"}, title=label("objectives", lang),
                    notes=(label("hard_met" if not short[:, hard].any() else "hard_short",
                                 lang),)))
    if province_wide:
        equity = tables.equity(results, lang)
        if equity is not None:
            sheet.add(equity)


def about(results, lang, *, province_wide: bool) -> list[tuple[str, str]]:
    """The 说明: what the tables are, how they were made, with configuration values in words."""
    attrs = results.attrs
    config = tables.run_config(results)
    period = label("period", lang).format(attrs.get("first_year", ""), attrs.get("last_year", ""))
    phi = tables._phi(results)
    sep = "、" if lang == "zh" else ", "
    rows = [
        (label("about_case", lang), str(attrs.get("case", ""))),
        (label("about_province", lang), str(attrs.get("province", ""))),
        (label("about_period", lang), period),
        (label("about_scenario", lang), scenario_text(config, lang)),
        (label("about_eta", lang), tables._num(attrs.get("eta", config.get("eta")))),
        (label("about_flags", lang), sep.join(
            label("flag_weight", lang).format(label(f"flag_{k}", lang), v * 100)
            for k, v in phi.items() if v) or "—"),
        (label("about_termination", lang), status_text(attrs.get("termination", ""), lang)),
        (label("about_money", lang), label("about_money_value", lang)),
        (label("about_precision", lang), label("about_precision_value", lang)),
        (label("about_versions", lang), sep.join(
            f"{k.removesuffix('_version')} {attrs.get(k, '')}"
            for k in ("fiscalshare_version", "pyomo_version", "highs_version", "python_version"))),
        (label("about_input", lang), str(attrs.get("input_sha256", ""))),
        (label("about_created", lang), str(attrs.get("created_utc", ""))),
    ]
    rows = [(key, text_of(value, lang) if isinstance(value, str) else value)
            for key, value in rows]
    if province_wide and attrs.get("source"):
        # the case's own notes, quoted as entered under a heading that says so (not translated);
        # one sentence or clause a row so that each row prints
        pieces = note_pieces(str(attrs["source"]))
        rows[2:2] = [(label("about_source", lang), pieces[0]),
                     *(("", piece) for piece in pieces[1:])]
    return rows


def note_pieces(text: str) -> list[str]:
    """Free text cut after each sentence (。 or ". ") and after each ；/; outside brackets."""
    pieces, start, depth = [], 0, 0
    for k, char in enumerate(text):
        depth += (char in "（(") - (char in "）)")
        end = char == "。" or (char in "；;" and depth <= 0) or (
            char == "." and text[k + 1:k + 2] in (" ", ""))
        if end:
            pieces.append(text[start:k + 1].strip())
            start = k + 1
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]
