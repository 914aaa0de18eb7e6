"""The run's plots (matplotlib, Agg): who gets provincial money, who pays, what falls short.

Chinese labels need a CJK font; where none is installed the plots fall back to English labels
rather than draw boxes.
"""

from __future__ import annotations

import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from fiscalshare.constants import WAN
from fiscalshare.report.labels import label

if TYPE_CHECKING:  # not imported here: the drawing process is forked before xarray is imported
    import xarray as xr

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", "WenQuanYi Micro Hei",
                 "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "AR PL UMing CN")
_LEVEL_COLOURS = ("#4472c4", "#ed7d31", "#a5a5a5", "#ffc000", "#c00000")
MAX_BARS = 60  # above this many regions the bars show prefectures (their counties summed)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font family that has Chinese glyphs, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in installed:
            return family
    # matplotlib's font cache predates a font installed later (e.g. by `make install`)
    for path in font_manager.findSystemFonts():
        name = Path(path).name.lower()
        if any(mark in name for mark in ("wqy", "notosanscjk", "sourcehansans", "droidsansfallback")):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def plot_language(lang: str) -> str:
    return "zh" if lang == "zh" and cjk_font() else "en"


@dataclass(frozen=True)
class PlotData:
    """What the plots show, reduced from the results to arrays by region, prefecture and item:
    small at any scale, so that a process started before the solve (with matplotlib imported
    while the model is solved) can draw them (:func:`fiscalshare.forked.Standby`)."""

    per_head_capacity: np.ndarray  # by region: fiscal capacity per head and year (yuan)
    per_head_transfer: np.ndarray  # by region: provincial transfer per head and year (yuan)
    tiers: np.ndarray
    region_names: dict  # lang -> names, by region
    bar_names: dict  # lang -> names of the bars of shares_by_level (regions or prefectures)
    bar_parts: np.ndarray  # bars × (central, province, prefecture, county, shortfall) / cost
    item_names: dict  # lang -> names, by item
    item_shortfall: np.ndarray  # by item, 万元


def plot_data(results: xr.Dataset) -> PlotData:
    regions = results["region"].values
    population = results["population"].values
    n_years = results.sizes["year"]
    unit_transfer = results["transfer"].sel(unit=regions).sum("year").values
    capacity = results["fiscal_capacity"].sel(unit=regions).sum("year").values

    funding = results["funding"].sum(("item", "year")).transpose("region", "level").values
    short = results["shortfall"].sum(("item", "year")).values
    cost = results["standard_cost"].sum(("item", "year")).values
    region_names = {lang: _names(results, "region", lang) for lang in ("zh", "en")}
    bar_names = region_names
    if results.sizes["region"] > MAX_BARS:  # prefectures in code order, their regions summed
        codes, inverse = np.unique(results["region_prefecture"].values, return_inverse=True)
        funding, short, cost = (_summed(values, inverse, len(codes))
                                for values in (funding, short, cost))
        unit_names = dict(zip(results["unit"].values, results["unit_name"].values, strict=True))
        bar_names = {"zh": [plot_text(unit_names.get(c, c)) for c in codes],
                     "en": [plot_text(c) for c in codes]}
    parts = np.column_stack([funding, short]) / np.where(cost > 0, cost, 1.0)[:, None]
    return PlotData(
        per_head_capacity=capacity / population / n_years,
        per_head_transfer=unit_transfer / population / n_years,
        tiers=results["region_tier"].values,
        region_names=region_names, bar_names=bar_names, bar_parts=parts,
        item_names={lang: _names(results, "item", lang) for lang in ("zh", "en")},
        item_shortfall=results["shortfall"].sum(("region", "year")).values / WAN)


def _summed(values: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Rows of ``values`` added up by ``group`` (xarray's groupby takes 0.1 s per variable for
    the 190 prefectures of a national run)."""
    out = np.zeros((groups, *values.shape[1:]))
    np.add.at(out, group, values)
    return out


def write_plots(results: xr.Dataset, folder: Path, *, lang: str = "zh") -> list[Path]:
    return save_plots(draw_plots(plot_data(results), lang=lang), folder)


def save_plots(images: dict[str, bytes], folder: Path) -> list[Path]:
    """The drawn plots (:func:`draw_plots`) as files in ``folder``, in the order drawn."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in images.items():
        (folder / name).write_bytes(png)
        written.append(folder / name)
    return written


def prepare_drawing() -> None:
    """Import what drawing needs and find the CJK font: the slow part of the plots (0.4 s),
    done ahead by a process waiting for the results."""
    _figure_classes()
    import matplotlib.ticker  # noqa: F401
    import matplotlib.transforms  # noqa: F401

    cjk_font()


def draw_plots(data: PlotData, *, lang: str = "zh") -> dict[str, bytes]:
    """Each plot as PNG bytes by file name: drawn in memory, so that a process may draw them
    while the solution is still being checked, before the run's folder exists."""
    import matplotlib

    lang = plot_language(lang)
    style = {"font.family": "sans-serif"}
    if lang == "zh":
        style["font.sans-serif"] = [cjk_font(), "DejaVu Sans"]
    drawn = {}
    with matplotlib.rc_context(style), warnings.catch_warnings():
        # a name with a character no installed font has (an emoji) draws as a box: not an error
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        drawn["transfer_vs_capacity.png"] = _png(_transfer_vs_capacity(data, lang))
        drawn["shares_by_level.png"] = _png(_shares_by_level(data, lang))
        if float(data.item_shortfall.sum()) > 0:
            drawn["shortfall_by_item.png"] = _png(_shortfall_by_item(data, lang))
    return drawn


def _png(fig) -> bytes:
    """The figure as PNG, deflated at zlib's level 1: a tenth of a second less CPU for a run's
    plots than the default level 6, for files about a tenth larger (the same pixels)."""
    from io import BytesIO

    buffer = BytesIO()
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _figure_classes():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    return Figure, FigureCanvasAgg


def _figure(**options):
    """A figure and its axes without pyplot (whose import costs a third of a second and whose
    global state a forked writer does not need); ``savefig`` draws with Agg."""
    Figure, FigureCanvasAgg = _figure_classes()
    fig = Figure(**options)
    FigureCanvasAgg(fig)  # the canvas measures text (labels placed beside points)
    return fig, fig.subplots()


def _viridis(fraction: float):
    import matplotlib

    return matplotlib.colormaps["viridis"](fraction)


def plot_text(text) -> str:
    """Input text as a plot label: no control characters (they draw as missing glyphs), single
    spaces, and ``$`` escaped so that a name never turns into mathtext."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in str(text))
    return " ".join(text.split()).replace("$", r"\$")


def _names(results, dim, lang):
    key = "region_name" if dim == "region" else "item_name"
    return [plot_text(n if lang == "zh" else c)
            for n, c in zip(results[key].values, results[dim].values, strict=True)]


def _transfer_vs_capacity(data: PlotData, lang):
    x, y, tiers = data.per_head_capacity, data.per_head_transfer, data.tiers
    fig, ax = _figure(figsize=(8, 5.5), dpi=120)
    for k, tier in enumerate(sorted(set(tiers))):
        chosen = tiers == tier
        ax.scatter(x[chosen], y[chosen], s=40, color=_viridis(k / max(len(set(tiers)) - 1, 1)),
                   label=label("tier_label", lang).format(int(tier)), edgecolor="black",
                   linewidth=0.4)
    ax.set_xlabel(label("plot_capacity_axis", lang))
    ax.set_ylabel(label("plot_transfer_axis", lang))
    ax.set_title(label("plot_transfer_title", lang))
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    if len(tiers) <= 40:
        _label_points(fig, ax, data.region_names[lang], x, y)
    return fig


def _label_points(fig, ax, names, x, y, fontsize=8) -> None:
    """Name each point without overlaps: try spots right/left of the point, then further up and
    down (with a thin leader line), keeping the first free spot inside the axes."""
    from matplotlib.transforms import Bbox

    ax.set_xlim(ax.get_xlim())  # labels must not rescale the axes after they are placed
    ax.set_ylim(ax.get_ylim())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    scale = fig.dpi / 72.0
    points = ax.transData.transform(np.column_stack([x, y]))
    radius = 4 * scale
    markers = [Bbox.from_extents(px - radius, py - radius, px + radius, py + radius)
               for px, py in points]
    taken = []  # the labels placed so far and the legend
    legend = ax.get_legend()
    if legend is not None:
        taken.append(legend.get_window_extent(renderer))
    order = sorted(range(len(names)), key=lambda k: (-points[k][1], points[k][0]))
    for k in order:
        if not (np.isfinite(x[k]) and np.isfinite(y[k])):
            continue
        text = ax.annotate(names[k], (x[k], y[k]), textcoords="offset points", xytext=(4, 2),
                           fontsize=fontsize, va="bottom")
        box = text.get_window_extent(renderer)
        width, height = box.width / scale, box.height / scale
        chosen, fallback = None, None
        for step in range(12):
            lift = step * (height + 1)
            for dx in (4, -4 - width):
                for dy in (2 + lift, -2 - height - lift):
                    text.xyann = (dx, dy)
                    box = text.get_window_extent(renderer)
                    others = taken + markers[:k] + markers[k + 1:]  # its own point is cleared
                    if any(box.overlaps(other) for other in others):
                        continue
                    if fallback is None:
                        fallback = (dx, dy, box, step)
                    if (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
                            and box.y1 <= frame.y1):
                        chosen = (dx, dy, box, step)
                        break
                if chosen:
                    break
            if chosen:
                break
        dx, dy, box, step = chosen or fallback or (4, 2, text.get_window_extent(renderer), 0)
        text.remove()
        leader = {"arrowstyle": "-", "color": "0.55", "lw": 0.5} if step > 0 else None
        ax.annotate(names[k], (x[k], y[k]), textcoords="offset points", xytext=(dx, dy),
                    fontsize=fontsize, va="bottom", arrowprops=leader)
        taken.append(box)


def _shares_by_level(data: PlotData, lang):
    names, parts = data.bar_names[lang], data.bar_parts
    keys = ("level_central", "level_province", "level_prefecture", "level_county", "shortfall")
    height = max(3.0, 0.28 * len(names) + 1.5)
    fig, ax = _figure(figsize=(8, min(height, 40)), dpi=120, layout="constrained")
    from matplotlib.collections import PolyCollection

    rows = np.arange(len(names))  # positions, not names: two regions may share a name
    right = np.cumsum(parts, axis=1)
    left = right - parts
    for k, key in enumerate(keys):
        # one collection of rectangles per level, as barh draws them (a patch per bar costs
        # a second and a half for the 190 prefectures of a national run)
        x0, x1 = left[:, k], right[:, k]
        bars = np.stack([np.column_stack([x0, rows - 0.4]), np.column_stack([x1, rows - 0.4]),
                         np.column_stack([x1, rows + 0.4]), np.column_stack([x0, rows + 0.4])],
                        axis=1)
        ax.add_collection(PolyCollection(
            bars, facecolors=_LEVEL_COLOURS[k], edgecolors="none", linewidths=0,
            label=label(key, lang).replace("（万元）", "").replace(" (10k yuan)", "")))
    ax.set_yticks(rows, names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    from matplotlib.ticker import PercentFormatter

    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(label("plot_shares_axis", lang))
    ax.set_title(label("plot_shares_title", lang))
    fig.legend(loc="outside lower center", ncol=5, fontsize=8, frameon=False)
    if len(names) > 60:
        ax.set_yticks([])
    return fig


def _shortfall_by_item(data: PlotData, lang):
    short = data.item_shortfall
    keep = short > 0
    names = np.array(data.item_names[lang])[keep]
    fig, ax = _figure(figsize=(8, max(3.0, 0.35 * keep.sum() + 1.5)), dpi=120)
    bars = ax.barh(np.arange(len(names)), short[keep], height=0.6, color=_LEVEL_COLOURS[4])
    ax.set_yticks(np.arange(len(names)), names)
    ax.bar_label(bars, fmt="{:,.2f}", padding=3, fontsize=8)
    pad = max(3 - len(names), 0) / 2  # room for at least three bars: a lone bar stays slim
    ax.set_ylim(len(names) - 0.5 + pad, -0.5 - pad)  # first item on top
    ax.margins(x=0.12)
    ax.set_xlabel(label("plot_shortfall_axis", lang))
    ax.set_title(label("plot_shortfall_title", lang))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
