"""``fiscalshare compare``: the optimised allocation beside today's status quo.

Officials ask two questions of an optimised allocation: what does it cost the province compared
with what it does today, and is it fairer?  :func:`compare_case` answers them on one case: it
solves the model, computes the status-quo baseline (``fiscalshare.analysis.baseline``), solves once more
with ``eta = 0`` to price equity, and returns the side-by-side tables; :func:`write_compare`
writes them as ``compare.xlsx`` with plots, in a folder that appears whole or not at all.

The price of equity is ``z2(η) − z2(η = 0)``: the provincial money the priority for poorer areas
costs (Bertsimas et al., policy.md §5.1).  It is 0 where every standard is met (then the
shortfall weights, the only place η enters, do not matter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.analysis.baseline import baseline_allocation
from fiscalshare.analysis.equity import METRIC_LABELS, per_capita_funding, summary_metrics
from fiscalshare.config import as_config
from fiscalshare.quantities import WAN

WORKBOOK = "compare.xlsx"
ALLOCATIONS = ("baseline", "optimised")


@dataclass
class CompareResult:
    """The two allocations of one case and what sets them apart."""

    optimised: xr.Dataset
    baseline: xr.Dataset
    equal_weight_cost: float  # z2 of the optimised model solved with η = 0
    config: dict = field(default_factory=dict)
    _tables: dict | None = field(default=None, repr=False)

    @property
    def price_of_equity(self) -> float:
        """Provincial yuan that the priority for poorer areas costs: ``z2(η) − z2(0)``."""
        return float(self.optimised.attrs["objective_cost"]) - self.equal_weight_cost

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every comparison table by name (money in yuan), computed once."""
        if self._tables is None:
            self._tables = {
                "overview": overview(self),
                "provincial_money": provincial_money(self.baseline, self.optimised),
                "shortfall_by_item": shortfall_by_item(self.baseline, self.optimised),
                "shortfall_by_tier": shortfall_by_tier(self.baseline, self.optimised),
                "equity": equity_table(self.baseline, self.optimised),
                "transfers": transfers_by_unit(self.baseline, self.optimised),
                "shortfall_by_flag": shortfall_by_flag(self.baseline, self.optimised),
                "transfer_by_tier": transfer_by_tier(self.baseline, self.optimised),
            }
        return self._tables

    @property
    def story(self) -> Story:
        """The headline facts: what the optimum changes against the status quo, or why not."""
        return tell_story(self)


def compare_case(
    inputs: xr.Dataset,
    config: dict,
    *,
    time_limit: float | None = None,
    threads: int | None = None,
) -> CompareResult:
    """Solve ``inputs`` with ``config``, again with ``eta = 0``, and build the baseline.

    Raises what ``solve_case`` raises (no solution meeting the hard items: ``InfeasibleError``).
    """
    from fiscalshare.solve import solve_case

    options = {"time_limit": time_limit, "threads": threads}
    options = {key: value for key, value in options.items() if value is not None}
    optimised = solve_case(inputs, config, **options)
    config = as_config(config)
    if config.eta == 0.0:
        equal_weight_cost = float(optimised.attrs["objective_cost"])
    else:
        equal_weight = solve_case(inputs, config.with_changes(eta=0.0), **options)
        equal_weight_cost = float(equal_weight.attrs["objective_cost"])
    baseline = baseline_allocation(inputs, config)
    return CompareResult(optimised, baseline, equal_weight_cost, config.as_dict())


# --- tables (money in yuan; the workbook converts to 万元) ------------------------------------


def _co_financing(results: xr.Dataset) -> xr.DataArray:
    """Provincial co-financing ``Σ_i P`` per unit and year (0 for a prefecture with counties)."""
    return results["transfer"] - results["equalisation"]


def provincial_money(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Per year and in total: co-financing, equalisation and all provincial money under both."""
    table = pd.DataFrame({"year": [int(y) for y in baseline["year"].values]})
    for name, results in zip(ALLOCATIONS, (baseline, optimised), strict=True):
        table[f"{name}_co_financing"] = _co_financing(results).sum("unit").values
        table[f"{name}_equalisation"] = results["equalisation"].sum("unit").values
        table[f"{name}_total"] = results["transfer"].sum("unit").values
    table["difference"] = table["optimised_total"] - table["baseline_total"]
    total = table.drop(columns="year").sum().to_frame().T
    total.insert(0, "year", "total")
    return pd.concat([table.astype({"year": object}), total], ignore_index=True)


def shortfall_by_item(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Shortfall of each item, all regions and years, under both allocations."""
    return pd.DataFrame(
        {
            "item": baseline["item"].values,
            "item_name": baseline["item_name"].values,
            "binding": baseline["binding"].values,
            "standard_cost": baseline["standard_cost"].sum(["region", "year"]).values,
            "baseline": baseline["shortfall"].sum(["region", "year"]).values,
            "optimised": optimised["shortfall"].sum(["region", "year"]).values,
        }
    )


def shortfall_by_tier(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Shortfall of each provincial tier's regions, all items and years, under both."""
    def by_tier(results: xr.Dataset, name: str) -> xr.DataArray:
        return results[name].sum(["item", "year"]).groupby(results["region_tier"]).sum()

    cost = by_tier(baseline, "standard_cost")
    return pd.DataFrame(
        {
            "tier": cost["region_tier"].values.astype(int),
            "standard_cost": cost.values,
            "baseline": by_tier(baseline, "shortfall").values,
            "optimised": by_tier(optimised, "shortfall").values,
        }
    )


def equity_table(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """The equity metrics (``equity.summary_metrics``) of both allocations, side by side."""
    table = pd.DataFrame({"metric": list(METRIC_LABELS)})
    for name, results in zip(ALLOCATIONS, (baseline, optimised), strict=True):
        metrics = summary_metrics(results).set_index("metric")
        table[f"{name}_before"] = metrics.loc[table["metric"], "before"].values
        table[f"{name}_after"] = metrics.loc[table["metric"], "after"].values
    with np.errstate(invalid="ignore"):
        table["difference_after"] = table["optimised_after"] - table["baseline_after"]
    return table


def transfers_by_unit(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Each spending unit's provincial money over all years under both allocations."""
    table = pd.DataFrame(
        {
            "unit": baseline["unit"].values,
            "unit_name": baseline["unit_name"].values,
            "unit_level": baseline["unit_level"].values,
            "tier": baseline["unit_tier"].values.astype(int),
            "population": baseline["unit_population"].values,
            "fiscal_capacity": baseline["fiscal_capacity"].sum("year").values,
        }
    )
    for name, results in zip(ALLOCATIONS, (baseline, optimised), strict=True):
        table[f"{name}_co_financing"] = _co_financing(results).sum("year").values
        table[f"{name}_equalisation"] = results["equalisation"].sum("year").values
        table[f"{name}_total"] = results["transfer"].sum("year").values
    table["difference"] = table["optimised_total"] - table["baseline_total"]
    return table


FLAG_GROUPS = ("poverty_exited", "ethnic", "border", "old_revolutionary", "no_flag", "all")


def shortfall_by_flag(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Shortfall of the regions of each flag group (脱贫县, 民族地区, 边境, 革命老区, none of
    them, all), all items and years, under both allocations; a region may be in several groups."""
    flags = [baseline[f].values.astype(bool) for f in FLAG_GROUPS[:4]]
    masks = [*flags, ~np.any(flags, axis=0), np.ones(baseline.sizes["region"], dtype=bool)]
    cost = baseline["standard_cost"].sum(["item", "year"]).values
    before = baseline["shortfall"].sum(["item", "year"]).values
    after = optimised["shortfall"].sum(["item", "year"]).values
    population = baseline["population"].values
    rows = [(group, int(mask.sum()), float(population[mask].sum()), float(cost[mask].sum()),
             float(before[mask].sum()), float(after[mask].sum()))
            for group, mask in zip(FLAG_GROUPS, masks, strict=True)]
    table = pd.DataFrame(rows, columns=["group", "regions", "population", "standard_cost",
                                        "baseline", "optimised"])
    table["difference"] = table["optimised"] - table["baseline"]
    return table


def _transfer_to_regions(results: xr.Dataset) -> tuple[np.ndarray, float]:
    """All provincial money over the years reaching each receiving region (its co-financing
    and its own equalisation), and what goes to prefectures that have counties."""
    co_financing = results["funding"].sel(level="province").sum(["item", "year"]).values
    equalisation = results["equalisation"].sum("year")
    receives = results["unit_receives"].values.astype(bool)
    own = equalisation.sel(unit=results["region"].values).values
    return co_financing + own, float(equalisation.values[~receives].sum())


def transfer_by_tier(baseline: xr.Dataset, optimised: xr.Dataset) -> pd.DataFrame:
    """Provincial money (co-financing and equalisation, all years) reaching each tier's regions,
    and the prefectures above counties, under both allocations, with each row's share."""
    tiers = baseline["region_tier"].values.astype(int)
    levels = sorted(set(tiers))
    table = pd.DataFrame({"tier": [*levels, "prefecture"]}, dtype=object)
    table["population"] = [float(baseline["population"].values[tiers == t].sum())
                           for t in levels] + [math.nan]
    for name, results in zip(ALLOCATIONS, (baseline, optimised), strict=True):
        regions, prefectures = _transfer_to_regions(results)
        money = [float(regions[tiers == t].sum()) for t in levels] + [prefectures]
        total = sum(money)
        table[f"{name}_total"] = money
        table[f"{name}_share"] = [m / total if total > 0 else math.nan for m in money]
    table["difference"] = table["optimised_total"] - table["baseline_total"]
    return table


@dataclass(frozen=True)
class Story:
    """What the optimum changes against the status quo, as numbers (money in yuan).

    ``coincide`` is true when both allocations spend the same and fall short by the same; then
    ``reasons`` names why (keys of the label catalogue's ``why_*`` entries, without the prefix).
    """

    money: tuple[float, float]  # (status quo, optimised)
    shortfall: tuple[float, float]
    hard_shortfall: tuple[float, float]
    weighted_shortfall: tuple[float, float]
    poorest_tier: int
    poorest_tier_shortfall: tuple[float, float]
    poorest_tier_share: tuple[float, float]  # share of provincial money reaching that tier
    flag_shortfall: dict  # flag group → (status quo, optimised)
    gini_after: tuple[float, float]
    coincide: bool
    reasons: tuple[str, ...] = ()

    @property
    def money_saved(self) -> float:
        return self.money[0] - self.money[1]

    @property
    def shortfall_reduction(self) -> float:
        return self.shortfall[0] - self.shortfall[1]


def _same(a: float, b: float) -> bool:
    """Equal up to solver noise: 1e-6 relative, and a yuan."""
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 1.0


def tell_story(result: CompareResult) -> Story:
    """The headline facts of a comparison (the console and compare.xlsx render them)."""
    figures = result.tables["overview"].set_index("figure")

    def pair(name: str) -> tuple[float, float]:
        return float(figures.loc[name, "baseline"]), float(figures.loc[name, "optimised"])

    by_tier = result.tables["shortfall_by_tier"].set_index("tier")
    poorest = int(by_tier.index.max())
    shares = result.tables["transfer_by_tier"].set_index("tier")
    flags = result.tables["shortfall_by_flag"].set_index("group")
    equity = result.tables["equity"].set_index("metric")
    money, shortfall = pair("provincial_money"), pair("shortfall")
    weighted = pair("weighted_shortfall")
    coincide = _same(*money) and _same(*shortfall) and _same(*weighted)
    return Story(
        money=money, shortfall=shortfall, hard_shortfall=pair("hard_shortfall"),
        weighted_shortfall=weighted, poorest_tier=poorest,
        poorest_tier_shortfall=(float(by_tier.loc[poorest, "baseline"]),
                                float(by_tier.loc[poorest, "optimised"])),
        poorest_tier_share=(float(shares.loc[poorest, "baseline_share"]),
                            float(shares.loc[poorest, "optimised_share"])),
        flag_shortfall={g: (float(flags.loc[g, "baseline"]), float(flags.loc[g, "optimised"]))
                        for g in FLAG_GROUPS if flags.loc[g, "regions"] > 0},
        gini_after=(float(equity.loc["gini", "baseline_after"]),
                    float(equity.loc["gini", "optimised_after"])),
        coincide=coincide,
        reasons=why_they_coincide(result) if coincide else (),
    )


def why_they_coincide(result: CompareResult) -> tuple[str, ...]:
    """Why the optimum cannot improve on the status quo, from the case and the configuration."""
    config, inputs = result.config, result.baseline
    reasons = []
    if float(result.baseline["shortfall"].sum()) <= 1.0:
        reasons.append("no_shortfall")
    mode = str(config.get("ratio_mode", "optimise"))
    if mode == "fixed":
        reasons.append("fixed")
    else:  # the status quo's shares are the sharing sheet's province_share
        table = inputs["provincial_share"].transpose("tier", "item").values
        floor = inputs["province_min"].transpose("tier", "item").values
        if np.allclose(table, floor, atol=1e-9):
            reasons.append("lower_bounds")
    if str(config.get("equalisation", "on")) != "on":
        reasons.append("equalisation_off")
    elif np.all(np.isnan(inputs["equalisation_pool"].values)):
        reasons.append("no_pool")
    return tuple(reasons) or ("same_choice",)


def overview(result: CompareResult) -> pd.DataFrame:
    """Headline figures: provincial money, shortfalls, hard items, the price of equity."""
    rows = []
    for key, unit, getter in (
        ("provincial_money", "yuan", lambda r: float(r["transfer"].sum())),
        ("co_financing", "yuan", lambda r: float(_co_financing(r).sum())),
        ("equalisation", "yuan", lambda r: float(r["equalisation"].sum())),
        ("shortfall", "yuan", lambda r: float(r["shortfall"].sum())),
        ("hard_shortfall", "yuan", _hard_shortfall),
        ("weighted_shortfall", "weighted", lambda r: float(r.attrs["objective_shortfall"])),
    ):
        before, after = getter(result.baseline), getter(result.optimised)
        rows.append((key, unit, before, after, after - before))
    z2 = float(result.optimised.attrs["objective_cost"])
    rows.append(("cost_at_eta_zero", "yuan", math.nan, result.equal_weight_cost, math.nan))
    rows.append(("price_of_equity", "yuan", math.nan, z2 - result.equal_weight_cost, math.nan))
    return pd.DataFrame(rows, columns=["figure", "unit", "baseline", "optimised", "difference"])


def _hard_shortfall(results: xr.Dataset) -> float:
    hard = results["binding"] == "hard"
    return float(results["shortfall"].where(hard, 0.0).sum())


# --- the workbook ---------------------------------------------------------------------------

_HEADERS = {
    "year": ("年度", "year"),
    "item": ("项目编码", "item"),
    "item_name": ("项目名称", "item name"),
    "binding": ("约束性质", "binding"),
    "tier": ("档次", "tier"),
    "unit": ("单位编码", "unit"),
    "unit_name": ("单位名称", "unit name"),
    "unit_level": ("层级", "level"),
    "population": ("常住人口", "population"),
    "fiscal_capacity": ("可用财力（万元）", "fiscal capacity (10k yuan)"),
    "standard_cost": ("标准支出（万元）", "standard cost (10k yuan)"),
    "baseline": ("现行办法（万元）", "status quo (10k yuan)"),
    "optimised": ("优化方案（万元）", "optimised (10k yuan)"),
    "difference": ("差额（万元）", "difference (10k yuan)"),
    "baseline_co_financing": ("现行：共同事权补助（万元）", "status quo: co-financing (10k yuan)"),
    "baseline_equalisation": ("现行：均衡性转移支付（万元）", "status quo: equalisation (10k yuan)"),
    "baseline_total": ("现行：合计（万元）", "status quo: total (10k yuan)"),
    "optimised_co_financing": ("优化：共同事权补助（万元）", "optimised: co-financing (10k yuan)"),
    "optimised_equalisation": ("优化：均衡性转移支付（万元）", "optimised: equalisation (10k yuan)"),
    "optimised_total": ("优化：合计（万元）", "optimised: total (10k yuan)"),
    "metric": ("指标", "metric"),
    "label": ("说明", "description"),
    "baseline_before": ("现行：省级转移前", "status quo: before provincial transfers"),
    "baseline_after": ("现行：省级转移后", "status quo: after provincial transfers"),
    "optimised_before": ("优化：省级转移前", "optimised: before provincial transfers"),
    "optimised_after": ("优化：省级转移后", "optimised: after provincial transfers"),
    "difference_after": ("转移后差值（优化−现行）", "after: optimised − status quo"),
    "figure": ("项目", "figure"),
    "group": ("地区类型", "group"),
    "regions": ("地区数", "regions"),
    "baseline_share": ("现行：占比", "status quo: share"),
    "optimised_share": ("优化：占比", "optimised: share"),
}
# Columns holding yuan, shown in 万元 with two decimals.
_MONEY = {
    "fiscal_capacity", "standard_cost", "baseline", "optimised", "difference",
    "baseline_co_financing", "baseline_equalisation", "baseline_total",
    "optimised_co_financing", "optimised_equalisation", "optimised_total",
}
_FIGURES = {
    "provincial_money": ("省级资金合计（z2）", "provincial money (z2)"),
    "co_financing": ("其中：共同事权补助", "of which co-financing"),
    "equalisation": ("其中：均衡性转移支付", "of which equalisation"),
    "shortfall": ("保障缺口合计", "shortfall against the standards"),
    "hard_shortfall": ("其中：约束性项目缺口", "of which hard (约束性) items"),
    "weighted_shortfall": ("加权缺口（z1，权重×万元）", "weighted shortfall (z1, weight × 10k yuan)"),
    "cost_at_eta_zero": ("η=0 时的省级资金", "provincial money at η = 0"),
    "price_of_equity": ("公平的代价（z2(η) − z2(0)）", "price of equity (z2(η) − z2(0))"),
}
_SHEETS = {
    "overview": ("概要", "Overview"),
    "provincial_money": ("省级资金", "Provincial money"),
    "shortfall_by_item": ("缺口（按项目）", "Shortfall by item"),
    "shortfall_by_tier": ("缺口（按档次）", "Shortfall by tier"),
    "equity": ("均等化指标", "Equity"),
    "transfers": ("转移支付对比", "Transfers"),
    "shortfall_by_flag": ("缺口（按地区类型）", "Shortfall by flag"),
    "transfer_by_tier": ("资金流向（按档次）", "Money by tier"),
}
# Codes in the tables, and the words a Chinese reader expects for them.
_WORDS = {
    "year": {"total": "合计"},
    "binding": {"hard": "约束性", "soft": "预期性"},
    "unit_level": {"prefecture": "市级", "county": "县级"},
    "group": {"poverty_exited": "脱贫县", "ethnic": "民族地区", "border": "边境地区",
              "old_revolutionary": "革命老区", "no_flag": "其他地区", "all": "全部地区"},
    "tier": {"prefecture": "市级（有县的市州）"},
}
_FORMULA_START = ("=", "+", "-", "@", "\t")


def _label(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _display(name: str, table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table as shown: money in 万元, figures and metrics labelled, headers translated."""
    shown = table.copy()
    for column in shown.columns:  # in the overview every figure is yuan (z1: weight × yuan)
        if column in _MONEY:
            shown[column] = (pd.to_numeric(shown[column]) / WAN).round(2)
    for column, words in _WORDS.items():
        if column in shown and lang == "zh":
            shown[column] = [words.get(value, value) for value in shown[column]]
    if name == "overview":
        shown["figure"] = [_label(_FIGURES[key], lang) for key in shown["figure"]]
        shown = shown.drop(columns="unit")
    if name == "equity":
        shown.insert(1, "label", [_label(METRIC_LABELS[key], lang) for key in shown["metric"]])
    return shown


def _cell_value(value):
    """A value openpyxl can write: NaN blank, infinity as text, numpy scalars as Python."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
    return value


def _number_format(table: str, column: str) -> str:
    if column in _MONEY or table == "overview":
        return "#,##0.00"
    if column in ("population", "year", "tier"):
        return "#,##0"
    return "0.0000"


def write_workbook(result: CompareResult, path: Path, *, lang: str = "zh") -> Path:
    """``compare.xlsx``: one sheet per table, headers frozen, strings always text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, table in result.tables.items():
        sheet = book.create_sheet(_label(_SHEETS[name], lang))
        shown = _display(name, table, lang)
        sheet.append([_label(_HEADERS.get(c, (c, c)), lang) for c in shown.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        formats = [_number_format(name, column) for column in shown.columns]
        for row in shown.itertuples(index=False):
            sheet.append([_cell_value(v) for v in row])
            for k, cell in enumerate(sheet[sheet.max_row]):
                if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                    cell.data_type = "s"  # text from the inputs is never a formula
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.number_format = formats[k]
        sheet.freeze_panes = "A2"
        for k, column in enumerate(shown.columns, start=1):
            header = _label(_HEADERS.get(column, (column, column)), lang)
            longest = max([len(str(v)) for v in shown[column]] + [len(header)])
            sheet.column_dimensions[get_column_letter(k)].width = min(60, 4 + 1.6 * longest)
    book.save(path)
    return path


# --- plots ----------------------------------------------------------------------------------

_CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC",
    "Heiti SC", "Noto Serif CJK SC", "AR PL UMing CN",
)
_PLOT_TEXT = {
    "baseline": ("现行办法", "status quo"),
    "optimised": ("优化方案", "optimised"),
    "baseline_before": ("现行：省级转移前", "status quo, before provincial transfers"),
    "transfers_title": ("各单位省级资金（规划期合计）", "Provincial money per spending unit, all years"),
    "transfers_axis": ("万元", "10k yuan"),
    "funding_title": ("人均基本公共服务资金与人均财力", "Per-capita funding against capacity"),
    "funding_x": ("人均可用财力（元/人/年）", "fiscal capacity per capita (yuan/person/year)"),
    "funding_y": ("人均资金（元/人/年）", "funding per capita (yuan/person/year)"),
    "shortfall_title": ("各项目保障缺口（规划期合计）", "Shortfall by item, all years"),
}


def cjk_font() -> str | None:
    """The name of an installed font that can draw Chinese, or None (then plots are in English)."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for name in _CJK_FONTS:
        if name in installed:
            return name
    return next((name for name in sorted(installed) if "CJK" in name), None)


def write_plots(result: CompareResult, folder: Path) -> list[Path]:
    """Transfers side by side, per-capita funding against capacity, shortfall by item (PNG)."""
    import matplotlib
    from matplotlib.figure import Figure

    folder.mkdir(parents=True, exist_ok=True)
    font = cjk_font()
    lang = "zh" if font else "en"
    settings = {"axes.unicode_minus": False}
    if font:
        settings["font.sans-serif"] = [font, "DejaVu Sans"]
        settings["font.family"] = "sans-serif"

    def text(key: str) -> str:
        return _label(_PLOT_TEXT[key], lang)

    written = []
    with matplotlib.rc_context(settings):
        transfers = result.tables["transfers"]
        names = transfers["unit_name"] if font else transfers["unit"]
        figure = Figure(figsize=(8, 1.5 + 0.35 * len(transfers)))
        axes = figure.add_subplot()
        rows = np.arange(len(transfers))
        for offset, name in ((-0.2, "baseline"), (0.2, "optimised")):
            axes.barh(rows + offset, transfers[f"{name}_total"] / WAN, height=0.4,
                      label=text(name))
        axes.set_yticks(rows, [str(n) for n in names])
        axes.invert_yaxis()
        axes.set_xlabel(text("transfers_axis"))
        axes.set_title(text("transfers_title"))
        axes.legend()
        written.append(_save(figure, folder / "transfers.png"))

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
            axes.bar(columns + offset, items[name] / WAN, width=0.4, label=text(name))
        labels = items["item_name"] if font else items["item"]
        axes.set_xticks(columns, [str(n) for n in labels], rotation=45, ha="right")
        axes.set_ylabel(text("transfers_axis"))
        axes.set_title(text("shortfall_title"))
        axes.legend()
        written.append(_save(figure, folder / "shortfall_by_item.png"))
    return written


def _capacity_per_capita(results: xr.Dataset) -> np.ndarray:
    """Each receiving region's own capacity per resident per year."""
    capacity = results["fiscal_capacity"].sel(unit=results["region"].values).sum("year").values
    return capacity / (results["population"].values * results.sizes["year"])


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    return path
