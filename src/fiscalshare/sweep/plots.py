"""A sweep's plots: z2 against each varied key, and the tornado.

Every scenario appears: a solved one as a point on its line, an infeasible one as a red cross
at the axis bottom labelled with the least extra budget its diagnosis found, the baseline as a
dashed line.  Text comes from the label catalogue in the run's language (English where no CJK
font is installed), money in 万元.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.report.labels import label
from fiscalshare.report.plots import cjk_font, plot_language, plot_text
from fiscalshare.sweep.results import WAN, coordinate_name


def write_all(folder: Path, sweep: xr.Dataset, baseline: xr.Dataset,
              tornado: pd.DataFrame | None, *, lang: str = "zh") -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lang = plot_language(lang)
    folder.mkdir(parents=True, exist_ok=True)
    style = {"font.family": "sans-serif", "axes.unicode_minus": False}
    if cjk_font():  # Chinese text (names, domains in keys) draws in English plots too
        style["font.sans-serif"] = ([cjk_font(), "DejaVu Sans"] if lang == "zh"
                                    else ["DejaVu Sans", cjk_font()])
    written = []
    with plt.rc_context(style):
        for key in json.loads(sweep.attrs["keys"]):
            written.append(_line(plt, folder, sweep, baseline, key, lang))
        if tornado is not None and len(tornado):
            written.append(_tornado(plt, folder, tornado, float(baseline["objective_cost"]),
                                    lang))
    return written


def _line(plt, folder: Path, sweep: xr.Dataset, baseline: xr.Dataset, key: str,
          lang: str) -> Path:
    keys = json.loads(sweep.attrs["keys"])
    values = [str(v) for v in sweep[coordinate_name(key)].values]
    others = [k for k in keys if k != key]
    rest = [" ".join(f"{o}={sweep[coordinate_name(o)].values[k]}" for o in others)
            for k in range(len(values))]
    z2 = sweep["objective_cost"].values / WAN
    status = sweep["status"].values
    extra = sweep["extra_money_needed"].values / WAN
    order_of = sorted(set(values), key=_number)
    x_of = {v: k for k, v in enumerate(order_of)}
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=110)
    frame = pd.DataFrame({"x": [x_of[v] for v in values], "z2": z2, "ok": status == "optimal",
                          "rest": rest})
    for group_name, group in frame[frame["ok"]].groupby("rest", sort=False):
        group = group.sort_values("x")
        ax.plot(group["x"], group["z2"], marker="o", label=plot_text(group_name) or None)
    base = float(baseline["objective_cost"]) / WAN
    if np.isfinite(base):
        ax.axhline(base, color="grey", linestyle="--", linewidth=1,
                   label=label("sweep_baseline", lang))
    failed = np.flatnonzero(status != "optimal")
    if failed.size:
        solved = z2[np.isfinite(z2)]
        floor = float(np.min(solved)) if solved.size else (base if np.isfinite(base) else 0.0)
        ax.scatter([x_of[values[k]] for k in failed], [floor] * failed.size, marker="x",
                   color="red", s=70, zorder=5, label=label("plot_sweep_infeasible", lang))
        for k in failed:
            text = (f"+{extra[k]:,.0f}" if np.isfinite(extra[k])
                    else label(f"status_{status[k]}", lang))
            ax.annotate(text, (x_of[values[k]], floor), textcoords="offset points",
                        xytext=(0, 8), ha="center", fontsize=7, color="red")
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)  # 万元 as they are
    ax.set_xticks(range(len(order_of)), [plot_text(v) for v in order_of])
    meanings = json.loads(sweep.attrs.get("meanings", "[]"))  # "budget：省级预算（元或倍数）"
    ax.set_xlabel(plot_text(meanings[keys.index(key)] if len(meanings) == len(keys) else key))
    ax.set_ylabel(label("sweep_z2", lang))
    ax.set_title(label("plot_sweep_title", lang).format(plot_text(key)))
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = folder / f"line_{_safe(key)}.png"
    fig.savefig(path)
    plt.close(fig)
    return path


def _tornado(plt, folder: Path, tornado: pd.DataFrame, base: float, lang: str) -> Path:
    """Bars from the change at −10 % to the change at +10 %, the widest (most telling) on top."""
    rows = tornado.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.35 * len(rows) + 1.5)), dpi=110)
    for k, (_, row) in enumerate(rows.iterrows()):
        low, high = row["change at -10%"] / WAN, row["change at +10%"] / WAN
        ax.barh(k, 0 if np.isnan(low) else low, color="#4472c4",
                label="−10%" if k == 0 else None)
        ax.barh(k, 0 if np.isnan(high) else high, color="#ed7d31",
                label="+10%" if k == 0 else None)
        for value, side in ((low, "low"), (high, "high")):
            if np.isnan(value):
                ax.annotate(label("status_infeasible", lang), (0, k), fontsize=7, color="red",
                            xytext=(4 if side == "high" else -4, 0), textcoords="offset points",
                            ha="left" if side == "high" else "right", va="center")
    ax.set_yticks(range(len(rows)), [plot_text(v) for v in rows["input"]], fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(matplotlib_formatter())
    ax.set_xlabel(label("tornado_axis", lang))
    ax.set_title(label("tornado_title", lang), fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = folder / "tornado.png"
    fig.savefig(path)
    plt.close(fig)
    return path


def matplotlib_formatter():
    """Money ticks in 万元 with thousands separators (no offset or scientific notation)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: f"{value:,.0f}" if abs(value) >= 100 or value == 0
                         else f"{value:,.2f}")


def _number(value) -> float:
    text = str(value).lstrip("x×X")
    try:
        return float(text)
    except ValueError:
        return float("inf")


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in key)
