"""An infeasibility diagnosis in words and as ``diagnosis.xlsx``, in the run's language and 万元.

The diagnosis itself is a JSON-able mapping in yuan produced by ``fiscalshare.solve``; this module
only lays it out for a reader.  Budget and pool figures given back are rounded *up* to the 0.01
万元 shown, so that the figures as printed, entered as the case's budget and pool, make it solve.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from fiscalshare.report.labels import label, scenario_text, setting
from fiscalshare.report.xlsx import Book, Paragraph, Table, TitleBlock


def wan_up(yuan) -> float | None:
    """Yuan as 万元 rounded up to 0.01 (None stays None: no limit)."""
    if yuan is None:
        return None
    return math.ceil(round(float(yuan) / 100, 6)) / 100


def wan_near(yuan) -> float:
    return round(float(yuan) / 1e4, 2)


def _sep(lang):
    return "、" if lang == "zh" else ", "


def advice(diagnosis: dict, config: dict, lang: str) -> list[str]:
    """What else would help, from the diagnosis and the configuration."""
    lines = []
    if str(setting(config, "equalisation", "on")) == "off":
        lines.append(label("help_equalisation", lang))
    if str(setting(config, "ratio_mode", "optimise")) == "fixed":
        lines.append(label("help_fixed", lang))
    else:
        units = diagnosis.get("units_short") or []
        items = sorted({i for u in units for i in u.get("items", [])})
        lines.append(label("help_raise_max", lang).format(_sep(lang).join(items) or "—"))
    lines.append(label("help_soft", lang))
    return lines


def render_diagnosis(diagnosis: dict, lang: str = "zh", config: dict | None = None) -> str:
    """The diagnosis as sentences and short lists, for the console."""
    config = config or {}
    lines = [label("diag_head", lang)]
    if diagnosis.get("money_helps"):
        lines.append(label("diag_money", lang).format(
            total=wan_near(diagnosis.get("least_extra_money", 0))))
        for row in diagnosis.get("split", []):
            lines.append("  " + _year_line(row, lang))
        alone = diagnosis.get("least_budget_each_year_alone") or []
        if alone:
            lines.append(label("diag_alone_head", lang))
            for row in alone:
                lines.append("  " + label("diag_alone_row", lang).format(
                    year=row["year"], budget=_money(wan_up(row.get("least_budget")), lang),
                    pool=_money(wan_up(row.get("least_pool")), lang)))
    elif "money_helps" in diagnosis:
        lines.append(label("diag_no_money", lang))
        for unit in diagnosis.get("units_short", []):
            lines.append("  " + label("diag_unit_row", lang).format(
                name=unit["name"], code=unit["unit"], year=unit["year"],
                local=wan_near(unit["hard_local_part"]), capacity=wan_near(unit["capacity"]),
                items=_sep(lang).join(unit.get("items", []))))
    lines.append(label("diag_help", lang) + ("：" if lang == "zh" else ":"))
    lines += ["  " + line for line in advice(diagnosis, config, lang)]
    soft = diagnosis.get("short_if_hard_were_soft") or {}
    if soft.get("rows"):
        lines.append(label("diag_soft_sentence", lang).format(
            n=soft.get("count", 0), total=wan_near(soft.get("total", 0))))
    return "\n".join(lines)


def _money(value, lang) -> str:
    return label("diag_no_limit", lang) if value is None else f"{value:,.2f}"


def _year_line(row: dict, lang: str) -> str:
    return label("diag_year_row", lang).format(
        year=row["year"], extra=wan_up(row.get("extra_budget", 0)),
        pool_extra=wan_up(row.get("extra_pool", 0)),
        budget=_money(wan_up(row.get("budget")), lang),
        pool=_money(wan_up(row.get("pool")), lang))


def write_diagnosis_workbook(diagnosis: dict, attrs: dict, path: Path, lang: str = "zh") -> Path:
    """``diagnosis.xlsx``: the same account as tables."""
    config = attrs.get("model_config") or {}
    if isinstance(config, str):
        import json

        config = json.loads(config)
    period = label("period", lang).format(attrs.get("first_year", ""), attrs.get("last_year", ""))
    gap = "　" if lang == "zh" else "   "
    colon = "：" if lang == "zh" else ": "
    head = TitleBlock(
        title=str(attrs.get("province") or attrs.get("case") or "") + ("" if lang == "zh"
                                                                       else " — "),
        lines=(f"{label('about_period', lang)}{colon}{period}{gap}"
               f"{label('about_scenario', lang)}{colon}{scenario_text(config, lang)}",),
        unit_note=label("money_unit", lang),
        footer_left=f"{attrs.get('province') or attrs.get('case') or ''} {period}",
        page_words=tuple(label("page_words", lang).split("|")))
    book = Book(path, head)
    sheet = book.sheet(label("sheet_diagnosis", lang), label("title_diagnosis", lang))
    sheet.add(Paragraph(label("diag_head", lang), bold=True))
    if diagnosis.get("money_helps"):
        sheet.add(Paragraph(label("diag_money", lang).format(
            total=wan_near(diagnosis.get("least_extra_money", 0)))))
        frame = pd.DataFrame([{
            label("year", lang): int(row["year"]),
            label("diag_extra_budget", lang): wan_up(row.get("extra_budget", 0)),
            label("diag_extra_pool", lang): wan_up(row.get("extra_pool", 0)),
            label("diag_budget", lang): _or_text(wan_up(row.get("budget")), lang),
            label("diag_pool", lang): _or_text(wan_up(row.get("pool")), lang),
        } for row in diagnosis.get("split", [])])
        money = {c: "money" for c in frame.columns[1:]}
        sheet.add(Table(frame, {label("year", lang): "integer", **money},
                        title=label("diag_by_year", lang)))
        alone = diagnosis.get("least_budget_each_year_alone") or []
        if alone:
            frame = pd.DataFrame([{
                label("year", lang): int(row["year"]),
                label("diag_budget", lang): _or_text(wan_up(row.get("least_budget")), lang),
                label("diag_pool", lang): _or_text(wan_up(row.get("least_pool")), lang),
            } for row in alone])
            sheet.add(Table(frame, {label("year", lang): "integer",
                                    **{c: "money" for c in frame.columns[1:]}},
                            title=label("diag_alone_head", lang)))
    elif "money_helps" in diagnosis:
        sheet.add(Paragraph(label("diag_no_money", lang)))
        units = diagnosis.get("units_short", [])
        frame = pd.DataFrame([{
            label("unit", lang): u["unit"], label("unit_name", lang): u["name"],
            label("year", lang): int(u["year"]),
            label("diag_local_part", lang): wan_near(u["hard_local_part"]),
            label("capacity", lang): wan_near(u["capacity"]),
            label("diag_gap", lang): round(wan_near(u["hard_local_part"])
                                           - wan_near(u["capacity"]), 2),
            label("item", lang): _sep(lang).join(u.get("items", [])),
        } for u in units])
        if len(frame):
            sheet.add(Table(frame, {label("year", lang): "integer",
                                    label("diag_local_part", lang): "money",
                                    label("capacity", lang): "money",
                                    label("diag_gap", lang): "money"},
                            title=label("diag_units", lang), keys=2))
    sheet.add(Paragraph(label("diag_help", lang), bold=True))
    for line in advice(diagnosis, config, lang):
        sheet.add(Paragraph(line))
    soft = diagnosis.get("short_if_hard_were_soft") or {}
    if soft.get("rows"):
        frame = pd.DataFrame([{
            label("region", lang): r["region"], label("region_name", lang): r["name"],
            label("item", lang): r["item"], label("year", lang): int(r["year"]),
            label("shortfall", lang): wan_near(r["shortfall"]),
        } for r in soft["rows"]])
        notes = ()
        if soft.get("count", 0) > len(frame):
            notes = (label("diag_more_rows", lang).format(soft["count"] - len(frame)),)
        sheet.add(Table(frame, {label("year", lang): "integer", label("shortfall", lang): "money"},
                        title=label("diag_soft", lang), keys=2, notes=notes))
    return book.close()


def _or_text(value, lang):
    return label("diag_no_limit", lang) if value is None else value
