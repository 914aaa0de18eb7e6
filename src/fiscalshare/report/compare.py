"""``compare.xlsx`` and the comparison plots, in the run's language, on the report writer.

The tables come from :class:`fiscalshare.analysis.compare.CompareResult` (money in yuan); here they
are shown in 万元 rounded to the fen, with every difference and total computed from the figures as
shown, headers and words from the label catalogue, and the equity metrics by their names.
"""

from __future__ import annotations

import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fiscalshare.report.frames import FrameSheet, balanced, title_lines, write_frames
from fiscalshare.report.labels import label, text_of
from fiscalshare.report.plots import plot_text

WORKBOOK = "compare.xlsx"
FIGURE = "compare.png"  # in plots/: status quo against optimum by tier
YUAN_PER_FEN = 100  # a fen of 万元
MOST_UNITS_DRAWN = 30  # transfers.png: above this many units, those whose money moved most
SHEETS = ("overview", "provincial_money", "shortfall_by_item", "shortfall_by_tier", "equity",
          "transfers", "shortfall_by_flag", "transfer_by_tier")
# columns holding yuan, shown in 万元
MONEY = {"fiscal_capacity", "standard_cost", "baseline", "optimised", "difference",
         "baseline_co_financing", "baseline_equalisation", "baseline_total",
         "optimised_co_financing", "optimised_equalisation", "optimised_total"}


def _head(key: str, lang: str) -> str:
    return label(f"cmp_{key}", lang)


@dataclass
class Shown:
    """One comparison table as compare.xlsx shows it: 万元 to the fen, words in the output
    language, column keys still those of the analysis (headers are put on by ``compare_sheets``)."""

    frame: pd.DataFrame
    money: list = field(default_factory=list)
    percent: list = field(default_factory=list)
    integer: list = field(default_factory=list)
    count: list = field(default_factory=list)
    decimal4: list = field(default_factory=list)
    total: bool = False
    notes: tuple[str, ...] = ()


def displayed_tables(result) -> dict[str, pd.DataFrame]:
    """``result.tables`` with each money figure as compare.xlsx, its plots and the console
    show it: a sum of whole fen of 万元 over the region × item × year cells
    (:func:`fiscalshare.report.amounts.fen_of`, as the run's workbooks add them up), not the
    exact yuan rounded table by table.  A figure on several sheets — the shortfall by item, by
    tier, by flag group and in the overview — is then the same to the fen on each.  Computed
    once per result."""
    if "tables" not in result.derived:
        result.derived["tables"] = _displayed_tables(result)
    return result.derived["tables"]


def _displayed_tables(result) -> dict[str, pd.DataFrame]:
    from fiscalshare.analysis.compare import ALLOCATIONS, flag_masks
    from fiscalshare.report.amounts import PARTS, fen_of, to_fen

    def yuan(fen) -> np.ndarray:
        return np.asarray(fen, dtype=np.int64) * YUAN_PER_FEN

    base = result.baseline
    fens = {"baseline": fen_of(base), "optimised": fen_of(result.optimised)}
    cost = fens["optimised"].cost  # [r, i, y]: as the optimum's own workbooks show it
    short = {name: fen.parts[..., PARTS.index("shortfall")] for name, fen in fens.items()}
    co = {name: fen.by_unit("province") for name, fen in fens.items()}  # [u, y]
    equal = {name: fen.equalisation for name, fen in fens.items()}
    tables = {name: table.copy() for name, table in result.tables.items()}

    def put(name: str, columns: dict) -> None:
        table = tables[name]
        for column, fen in columns.items():
            table[column] = yuan(fen)
        if "difference" in table and "optimised" in columns:
            table["difference"] = yuan(columns["optimised"] - columns["baseline"])
        elif "difference" in table and "optimised_total" in columns:
            table["difference"] = yuan(columns["optimised_total"] - columns["baseline_total"])

    def parts_of_money(per_unit) -> dict:  # co-financing, equalisation, their total
        out = {}
        for name in ALLOCATIONS:
            a, b = per_unit(co[name]), per_unit(equal[name])
            out.update({f"{name}_co_financing": a, f"{name}_equalisation": b,
                        f"{name}_total": a + b})
        return out

    def with_total(per_year):  # the years, then the row of their total
        return np.append(per_year, per_year.sum())

    put("provincial_money", parts_of_money(lambda v: with_total(v.sum(axis=0))))
    put("transfers", {"fiscal_capacity": fens["optimised"].capacity.sum(axis=1),
                      **parts_of_money(lambda v: v.sum(axis=1))})
    put("shortfall_by_item", {"standard_cost": cost.sum(axis=(0, 2)),
                              **{name: s.sum(axis=(0, 2)) for name, s in short.items()}})

    def by_region(masks) -> dict:  # standard cost and shortfall of groups of regions
        groups = {"standard_cost": cost.sum(axis=(1, 2)),
                  **{name: s.sum(axis=(1, 2)) for name, s in short.items()}}
        return {key: np.array([v[m].sum() for m in masks], dtype=np.int64)
                for key, v in groups.items()}

    tier = base["region_tier"].values.astype(int)
    put("shortfall_by_tier", by_region([tier == t for t in tables["shortfall_by_tier"]["tier"]]))
    put("shortfall_by_flag", by_region(flag_masks(base)))

    levels = [t for t in tables["transfer_by_tier"]["tier"] if t != "prefecture"]
    receives = base["unit_receives"].values.astype(bool)
    money = {}
    for name, fen in fens.items():
        reaching = fen.parts[..., PARTS.index("province")].sum(axis=(1, 2))  # [r]
        own = equal[name].sum(axis=1)[fen.region_unit]  # each region's own equalisation
        money[f"{name}_co_financing"] = np.array(
            [reaching[tier == t].sum() for t in levels] + [0], dtype=np.int64)
        money[f"{name}_equalisation"] = np.array(
            [own[tier == t].sum() for t in levels] + [equal[name].sum(axis=1)[~receives].sum()],
            dtype=np.int64)
        money[f"{name}_total"] = money[f"{name}_co_financing"] + money[f"{name}_equalisation"]
    put("transfer_by_tier", money)
    for name in ALLOCATIONS:
        total = money[f"{name}_total"]
        tables["transfer_by_tier"][f"{name}_share"] = \
            total / total.sum() if total.sum() > 0 else np.full(len(total), np.nan)

    hard = base["binding"].values == "hard"
    figures = {"co_financing": {n: co[n].sum() for n in ALLOCATIONS},
               "equalisation": {n: equal[n].sum() for n in ALLOCATIONS},
               "shortfall": {n: short[n].sum() for n in ALLOCATIONS},
               "hard_shortfall": {n: short[n][:, hard].sum() for n in ALLOCATIONS}}
    figures["provincial_money"] = {n: figures["co_financing"][n] + figures["equalisation"][n]
                                   for n in ALLOCATIONS}
    overview = tables["overview"].set_index("figure")
    for figure, values in figures.items():
        for name in ALLOCATIONS:
            overview.loc[figure, name] = yuan(values[name])
        overview.loc[figure, "difference"] = yuan(values["optimised"] - values["baseline"])
    # the price of equity to the fen, and the cost at η = 0 what the money shown less it is
    price = int(to_fen(overview.loc["price_of_equity", "optimised"]))
    overview.loc["price_of_equity", "optimised"] = yuan(price)
    overview.loc["cost_at_eta_zero", "optimised"] = yuan(
        figures["provincial_money"]["optimised"] - price)
    tables["overview"] = overview.reset_index()
    return tables


def displayed_story(result):
    """The headline facts in the figures shown (:func:`displayed_tables`); whether the two
    allocations coincide, and why, is still judged on the exact ones."""
    from dataclasses import replace

    from fiscalshare.analysis.compare import tell_story

    if "story" not in result.derived:
        exact = result.story
        shown = tell_story(replace(result, _tables=displayed_tables(result), derived={}))
        result.derived["story"] = replace(
            shown, coincide=exact.coincide, reasons=exact.reasons,
            weighted_shortfall=exact.weighted_shortfall, gini_after=exact.gini_after)
    return result.derived["story"]


def shown_table(result, name: str, lang: str) -> Shown:
    """Table ``name`` of ``result.tables`` with the figures compare.xlsx writes."""
    table = displayed_tables(result)[name].copy()
    money = [c for c in table.columns if c in MONEY]
    percent, integer, count, decimal4, total = [], [], [], [], False
    notes: tuple[str, ...] = ()
    if name == "overview":
        table = _overview(table, lang)
        money = ["baseline", "optimised", "difference"]
        notes = (label("cmp_money_note", lang), label("cmp_z1_note", lang),
                 label("cmp_price_note", lang))
    else:
        for column in money:
            table[column] = pd.to_numeric(table[column]) / 1e4
        for prefix in ("baseline", "optimised"):  # each total the sum of its parts shown
            if f"{prefix}_co_financing" in table:
                table = balanced(table, [f"{prefix}_co_financing",
                                         f"{prefix}_equalisation"], f"{prefix}_total")
        for column in money:
            table[column] = np.round(table[column], 2)
    if name == "provincial_money":
        table = table[table["year"] != "total"].astype({"year": int})
        table["difference"] = np.round(table["optimised_total"] - table["baseline_total"], 2)
        integer, total = ["year"], True
    if name == "transfer_by_tier":
        percent, total = ["baseline_share", "optimised_share"], True
        table["difference"] = np.round(table["optimised_total"] - table["baseline_total"], 2)
    if name == "shortfall_by_flag":
        table["difference"] = np.round(table["optimised"] - table["baseline"], 2)
        table["group"] = [label(f"cmp_group_{g}", lang) for g in table["group"]]
        count = ["regions"]
        notes = (label("cmp_flag_note", lang),)
    if name in ("shortfall_by_item", "shortfall_by_tier", "transfers"):
        if {"baseline", "optimised"} <= set(table.columns):
            table["difference"] = np.round(table["optimised"] - table["baseline"], 2)
        if "baseline_total" in table:
            table["difference"] = np.round(table["optimised_total"] - table["baseline_total"], 2)
        total = True
    if name != "overview":  # the differences made above are money too
        money = [c for c in table.columns if c in MONEY]
    if "binding" in table:
        table["binding"] = [label(f"binding_{b}", lang) for b in table["binding"]]
    if "unit_level" in table:
        table["unit_level"] = [label(f"level_{v}", lang) for v in table["unit_level"]]
    if "tier" in table:
        table["tier"] = [label("tier_label", lang).format(int(t)) if str(t).isdigit()
                         else label("cmp_tier_prefecture", lang) for t in table["tier"]]
    if name == "equity":
        from fiscalshare.analysis.equity import METRIC_LABELS

        table["metric"] = [METRIC_LABELS[m][0 if lang == "zh" else 1] for m in table["metric"]]
        decimal4 = [c for c in table.columns if c != "metric"]
        for column in decimal4:
            table[column] = [round(float(v), 4) if np.isfinite(v) else v for v in table[column]]
    if "population" in table:
        count = [*count, "population"]
    if "domain" in table:
        table["domain"] = [text_of(d, lang) for d in table["domain"]]
    return Shown(table, money, percent, integer, count, decimal4, total, notes)


def compare_sheets(result, lang: str) -> list[FrameSheet]:
    """The sheets of compare.xlsx as frames in the output language."""
    sheets = []
    for name in [n for n in SHEETS if n in result.tables]:
        shown = shown_table(result, name, lang)
        headers = {c: _head(c, lang) for c in shown.frame.columns}
        sheets.append(FrameSheet(
            name=label(f"cmp_sheet_{name}", lang), frame=shown.frame.rename(columns=headers),
            money=[headers[c] for c in shown.money if c in headers],
            percent=[headers[c] for c in shown.percent],
            integer=[headers[c] for c in shown.integer if c in headers],
            count=[headers[c] for c in shown.count if c in headers],
            decimal4=[headers[c] for c in shown.decimal4], total=shown.total,
            title=label(f"cmp_title_{name}", lang), notes=shown.notes,
            keys=2 if name in ("shortfall_by_item", "transfers") else 1))
    return sheets


def by_tier(result, lang: str) -> pd.DataFrame:
    """What the comparison plot draws, as compare.xlsx shows it (万元): per tier (and the
    prefectures above counties), the shortfall and the provincial money reaching it under both
    allocations — the sheets 缺口（按档次） and 资金流向（按档次） side by side."""
    shortfall = shown_table(result, "shortfall_by_tier", lang).frame
    money = shown_table(result, "transfer_by_tier", lang).frame
    table = pd.DataFrame({"tier": money["tier"],
                          "money_baseline": money["baseline_total"],
                          "money_optimised": money["optimised_total"]})
    short = shortfall.set_index("tier")
    table["shortfall_baseline"] = table["tier"].map(short["baseline"])
    table["shortfall_optimised"] = table["tier"].map(short["optimised"])
    return table.reset_index(drop=True)


def _overview(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Headline figures in 万元 (z1 too: a weighted sum of shortfalls in 万元)."""
    rows = []
    for _, row in table.iterrows():
        base, opt = row["baseline"], row["optimised"]
        base = round(base / 1e4, 2) if np.isfinite(base) else np.nan
        opt = round(opt / 1e4, 2) if np.isfinite(opt) else np.nan
        diff = round(opt - base, 2) if np.isfinite(base) and np.isfinite(opt) else np.nan
        rows.append({"figure": label(f"cmp_fig_{row['figure']}", lang), "baseline": base,
                     "optimised": opt, "difference": diff})
    return pd.DataFrame(rows)


def write_compare_workbook(result, path: Path, *, lang: str = "zh") -> Path:
    attrs = result.optimised.attrs
    province = str(attrs.get("province") or attrs.get("case") or "")
    period = label("period", lang).format(attrs.get("first_year", ""), attrs.get("last_year", ""))
    lines = title_lines(attrs, result.config, lang, run_date=str(attrs.get("created_utc") or ""))
    return write_frames(path, title=province, lines=lines, lang=lang,
                        sheets=compare_sheets(result, lang),
                        footer=f"{province} {period}")


def compare_lines(result, lang: str) -> list[str]:
    """What ``fiscalshare compare`` prints: the headline figures in words, 万元."""
    def wan(yuan: float) -> str:
        return f"{round(float(yuan) / 1e4, 2) + 0.0:,.2f}"

    base, opt = result.baseline, result.optimised
    equity = result.tables["equity"].set_index("metric")
    shown = displayed_tables(result)["overview"].set_index("figure")  # as compare.xlsx
    money, short = shown.loc["provincial_money"], shown.loc["shortfall"]
    lines = [
        label("cmp_line_money", lang).format(base=wan(money["baseline"]),
                                             opt=wan(money["optimised"]),
                                             diff=wan(money["difference"])),
        label("cmp_line_shortfall", lang).format(base=wan(short["baseline"]),
                                                 opt=wan(short["optimised"])),
        label("cmp_line_z1", lang).format(base=wan(base.attrs["objective_shortfall"]),
                                          opt=wan(opt.attrs["objective_shortfall"])),
        label("cmp_line_gini", lang).format(
            base=equity.loc["gini", "baseline_after"], opt=equity.loc["gini", "optimised_after"],
            before=equity.loc["gini", "baseline_before"]),
        label("cmp_line_price", lang).format(wan(shown.loc["price_of_equity", "optimised"])),
    ]
    if base.attrs.get("hard_items_met") == "no":
        lines.append(label("cmp_line_hard", lang))
    return lines


# --- plots ----------------------------------------------------------------------------------


def write_compare_plots(result, folder: Path, *, lang: str = "zh") -> list[Path]:
    """The comparison by tier (``compare.png``, the one figure to look at first), then
    transfers side by side, per-capita funding against capacity, shortfall by item (PNG)."""
    import matplotlib
    from matplotlib.figure import Figure

    from fiscalshare.analysis.equity import per_capita_funding
    from fiscalshare.report.plots import cjk_font, plot_language

    folder.mkdir(parents=True, exist_ok=True)
    lang = plot_language(lang)
    settings = {"axes.unicode_minus": False}
    if lang == "zh":
        settings["font.sans-serif"] = [cjk_font(), "DejaVu Sans"]
        settings["font.family"] = "sans-serif"

    def text(key: str) -> str:
        return label(f"cmp_plot_{key}", lang)

    written = []
    with matplotlib.rc_context(settings), warnings.catch_warnings():
        # a name with a character no installed font has (an emoji) draws as a box: not an error
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        written.append(_save(_tier_figure(result, lang), folder / FIGURE))
        written.append(_save(_transfers_figure(result, lang), folder / "transfers.png"))

        figure = Figure(figsize=(7, 5))
        axes = figure.add_subplot()
        capacity = _capacity_per_capita(result.baseline)
        for key, results, stage, marker in (
            ("baseline_before", result.baseline, "before", "x"),
            ("baseline", result.baseline, "after", "o"),
            ("optimised", result.optimised, "after", "^"),
        ):
            values = per_capita_funding(results).sel(stage=stage).values
            axes.scatter(capacity, values, marker=marker, label=text(key))
        axes.set_xlabel(text("funding_x"))
        axes.set_ylabel(text("funding_y"))
        axes.set_title(text("funding_title"))
        axes.legend()
        written.append(_save(figure, folder / "per_capita_funding.png"))

        items = result.tables["shortfall_by_item"]
        figure = Figure(figsize=(max(6, 0.8 * len(items)), 4.5))
        axes = figure.add_subplot()
        columns = np.arange(len(items))
        for offset, name in ((-0.2, "baseline"), (0.2, "optimised")):
            axes.bar(columns + offset, items[name] / 1e4, width=0.4, label=text(name))
        labels = items["item_name"] if lang == "zh" else items["item"]
        axes.set_xticks(columns, [plot_text(n) for n in labels], rotation=45, ha="right")
        axes.set_ylabel(text("money_axis"))
        axes.set_title(text("shortfall_title"))
        axes.legend()
        written.append(_save(figure, folder / "shortfall_by_item.png"))
    return written


def _transfers_figure(result, lang: str):
    """Provincial money per spending unit, status quo beside optimum; above
    :data:`MOST_UNITS_DRAWN` units, the units whose money moves most (in the table's order)."""
    from matplotlib.figure import Figure

    transfers = result.tables["transfers"]
    title = label("cmp_plot_transfers_title", lang)
    if len(transfers) > MOST_UNITS_DRAWN:
        order = np.argsort(-np.abs(transfers["difference"].to_numpy()), kind="stable")
        transfers = transfers.iloc[np.sort(order[:MOST_UNITS_DRAWN])]
        title = label("cmp_plot_transfers_title_most", lang).format(MOST_UNITS_DRAWN)
    names = transfers["unit_name"] if lang == "zh" else transfers["unit"]
    figure = Figure(figsize=(8, 1.5 + 0.35 * len(transfers)))
    axes = figure.add_subplot()
    rows = np.arange(len(transfers))
    for offset, name in ((-0.2, "baseline"), (0.2, "optimised")):
        axes.barh(rows + offset, transfers[f"{name}_total"] / 1e4, height=0.4,
                  label=label(f"cmp_plot_{name}", lang))
    axes.set_yticks(rows, [plot_text(n) for n in names])
    axes.invert_yaxis()
    axes.set_xlabel(label("cmp_plot_money_axis", lang))
    axes.set_title(title)
    axes.legend()
    return figure


def _tier_figure(result, lang: str):
    """Status quo against optimum by tier: the shortfall left (left) and the provincial money
    received (right), from the figures compare.xlsx shows; the headline is the title."""
    from matplotlib.figure import Figure

    table = by_tier(result, lang)
    tiers = table[table["shortfall_baseline"].notna()]  # the prefectures above counties have
    above = table[table["shortfall_baseline"].isna()]  # money but no standards of their own
    money = table if (above[["money_baseline", "money_optimised"]].to_numpy() > 0).any() \
        else tiers
    figure = Figure(figsize=(11, 5.2))
    left, right = figure.subplots(1, 2)
    colours = {"baseline": "#a5a5a5", "optimised": "#4472c4"}
    for axes, frame, what in ((left, tiers, "shortfall"), (right, money, "money")):
        columns = np.arange(len(frame))
        highest = float(frame[[f"{what}_baseline", f"{what}_optimised"]].to_numpy().max())
        for offset, name in ((-0.2, "baseline"), (0.2, "optimised")):
            values = frame[f"{what}_{name}"].to_numpy(dtype=float)
            bars = axes.bar(columns + offset, values, width=0.4, color=colours[name],
                            label=label(f"cmp_plot_{name}", lang))
            axes.bar_label(bars, labels=[f"{v:,.0f}" for v in values], fontsize=7, padding=2)
        axes.set_xticks(columns, _tier_ticks(frame["tier"], len(tiers), lang))
        axes.set_ylim(0, highest * 1.12 if highest > 0 else 1.0)
        if highest <= 0:  # nothing falls short (or no money): say so rather than draw nothing
            axes.set_yticks([0])
            axes.text(0.5, 0.5, label("story_shortfall_none" if what == "shortfall"
                                      else "cmp_plot_no_money", lang),
                      transform=axes.transAxes, ha="center", va="center")
        axes.set_ylabel(label("cmp_plot_money_axis", lang))
        axes.set_title(label(f"cmp_plot_{what}_by_tier", lang), fontsize=11)
        axes.yaxis.set_major_formatter("{x:,.0f}")
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(frameon=False)
    figure.suptitle("\n".join(_title_lines(displayed_story(result), lang)), fontsize=11)
    return figure


def _title_lines(story, lang: str) -> list[str]:
    """The headline as title lines: money, then shortfall; the reasons one a line when the
    allocations coincide."""
    from fiscalshare.report.story import headline_parts

    parts = headline_parts(story, lang)
    if story.coincide and lang == "zh":  # no spaces to wrap at: break after ： and each ；
        return parts[0].replace("：", "：\n").replace("；", "；\n").splitlines()
    return [line for part in parts for line in textwrap.wrap(part, 100)]


def _tier_ticks(tiers, count: int, lang: str) -> list[str]:
    """Tier labels, the first marked strongest and the last weakest (tier 1 = strongest), and
    the prefectures above counties, whose row comes after the tiers."""
    ticks = [plot_text(t) for t in tiers]
    ticks[count:] = [label("cmp_plot_prefecture", lang)] * (len(ticks) - count)
    if count > 1:
        ticks[0] += "\n" + label("cmp_plot_strongest", lang)
        ticks[count - 1] += "\n" + label("cmp_plot_weakest", lang)
    return ticks


def _capacity_per_capita(results) -> np.ndarray:
    """Each receiving region's own capacity per resident per year."""
    capacity = results["fiscal_capacity"].sel(unit=results["region"].values).sum("year").values
    return capacity / (results["population"].values * results.sizes["year"])


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    return path
