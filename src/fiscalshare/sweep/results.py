"""What a sweep writes: sweep.nc, sweep.xlsx (one row per scenario, differences from the
baseline) and plots (one line plot per varied key; a tornado chart of z2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.quantities import WAN


def table(sweep: xr.Dataset, baseline: xr.Dataset, keys: list[str]) -> pd.DataFrame:
    """One row per scenario: the varied values, z1, z2, money by year, shortfall by domain."""
    frame = pd.DataFrame({"scenario": sweep["scenario"].values,
                          "name": sweep["scenario_name"].values,
                          "status": sweep["status"].values})
    for key in keys:
        frame[key] = sweep[key.replace(":", "_")].values
    frame["z1"] = sweep["objective_shortfall"].values
    frame["z2 (万元)"] = sweep["objective_cost"].values / WAN
    frame["Δz2 vs baseline (万元)"] = (sweep["objective_cost"].values
                                       - float(baseline["objective_cost"])) / WAN
    frame["Δz1 vs baseline"] = sweep["objective_shortfall"].values - float(
        baseline["objective_shortfall"])
    for k, year in enumerate(sweep["year"].values):
        frame[f"provincial money {int(year)} (万元)"] = sweep["provincial_money"].values[:, k] / WAN
    frame["equalisation (万元)"] = sweep["equalisation_total"].values / WAN
    for k, domain in enumerate(sweep["domain"].values):
        frame[f"shortfall {domain} (万元)"] = sweep["shortfall_by_domain"].values[:, k] / WAN
    frame["regions short"] = sweep["regions_short"].values
    frame["message"] = sweep["message"].values
    return frame


def write_workbook(frame: pd.DataFrame, path: Path) -> None:
    from fiscalshare.report.xlsx import (
        MONEY,
        finish_sheet,
        new_workbook,
        write_table,
    )

    book = new_workbook("fiscalshare sweep")
    ws = book.create_sheet("sweep")
    money = {c: MONEY for c in frame.columns if "万元" in c or c.startswith(("z1", "Δz1"))}
    write_table(ws, frame, formats=money)
    finish_sheet(ws)
    book.save(path)


def write_plots(sweep: xr.Dataset, keys: list[str], folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    ok = sweep["status"].values == "optimal"
    for key in keys:
        coord = sweep[key.replace(":", "_")].values
        others = [k for k in keys if k != key]
        fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
        groups = pd.DataFrame({"x": coord, "z2": sweep["objective_cost"].values / WAN, "ok": ok,
                               "rest": [" ".join(f"{o}={sweep[o.replace(':', '_')].values[i]}"
                                                 for o in others) for i in range(len(coord))]})
        for rest, group in groups[groups["ok"]].groupby("rest", sort=False):
            order = np.argsort([_number(v) for v in group["x"]])
            ax.plot(group["x"].to_numpy()[order], group["z2"].to_numpy()[order], marker="o",
                    label=rest or None)
        ax.set_xlabel(key)
        ax.set_ylabel("z2, provincial money (10k yuan)")
        ax.set_title(f"Provincial money as {key} varies")
        if len(others):
            ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        path = folder / f"line_{_safe(key)}.png"
        fig.savefig(path)
        plt.close(fig)
        written.append(path)
    return written


def write_tornado(rows: list[tuple[str, float, float]], base: float, path: Path) -> Path:
    """Bars from z2 at −10 % to z2 at +10 % of each input, widest on top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(rows, key=lambda r: abs(r[2] - r[1]))
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.35 * len(rows) + 1.5)), dpi=110)
    for k, (_, low, high) in enumerate(rows):
        ax.barh(k, (low - base) / WAN, color="#4472c4")
        ax.barh(k, (high - base) / WAN, color="#ed7d31")
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("change of z2 from the baseline (10k yuan): blue −10 %, orange +10 %")
    ax.set_title("Tornado: z2 for ±10 % on each ratio and standard")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def _number(value) -> float:
    text = str(value).lstrip("x×")
    try:
        return float(text)
    except ValueError:
        return 0.0


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in key)
