"""The tornado chart's scenarios: each tier's shares, each item's standard and the budget moved
±10 %.

They are ordinary scenarios (ids ``t00000, …``) run beside the sweep's own, so they run in
parallel, are kept as they finish and resume like the others.  A tier's "shares" are its fixed
shares in ``fixed`` mode and its lower and upper bounds where the model decides the share;
items whose standard cannot change the provincial money (nothing left after the centre's part
in any region) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fiscalshare.quantities import remainder
from fiscalshare.sweep.scenarios import Scenario, Value

STEP = 0.1  # ±10 %


@dataclass(frozen=True)
class Bar:
    """One bar: what moves, and the scenarios at −10 % and +10 %."""

    label: str
    low: str
    high: str

    def encoded(self) -> dict:
        return {"label": self.label, "low": self.low, "high": self.high}


def tornado_scenarios(inputs: xr.Dataset, config: dict) -> tuple[list[Scenario], list[Bar]]:
    """Two scenarios per tier that shares something, per item with a sub-central remainder, and
    for the budget.  A tier's shares are its fixed shares in ``fixed`` mode and its bounds where
    the model decides them."""
    moves: list[tuple[str, list[str]]] = []
    given = inputs["sharing_given"].transpose("tier", "item").values
    names = (("province_share",) if config.get("ratio_mode", "optimise") == "fixed"
             else ("province_min", "province_max"))
    for k, tier in enumerate(inputs["tier"].values):
        if given[k].any():
            moves.append((f"tornado_shares|{int(tier)}",
                          [f"{name}:t{int(tier)}" for name in names]))
    moves.append(("tornado_budget|", ["budget"]))
    left = remainder(inputs).sum(("region", "year")).values
    for k, item in enumerate(inputs["item"].values):
        if left[k] > 0:
            name = str(inputs["item_name"].values[k])
            moves.append((f"tornado_standard|{item} {name}".strip(), [f"standard:{item}"]))
    scenarios, bars = [], []
    for label, keys in moves:
        ids = []
        for factor in (1.0 - STEP, 1.0 + STEP):
            scenario_id = f"t{len(scenarios):05d}"
            changes = {key: Value(round(factor, 12), factor=True) for key in keys}
            scenarios.append(Scenario(scenario_id, f"{label_of(label)} x{factor:g}", changes))
            ids.append(scenario_id)
        bars.append(Bar(label, *ids))
    return scenarios, bars


def label_of(code: str, lang: str = "en") -> str:
    """A bar's label (``catalogue key|argument``) in the run's language."""
    from fiscalshare.report.labels import label

    key, _, argument = code.partition("|")
    if key == "tornado_standard" and lang != "zh":
        argument = argument.split(" ")[0]  # the item's code: its name is Chinese
    return label(key, lang).format(argument)


def bar_table(bars: list[Bar], z2: dict[str, float], baseline_z2: float, lang: str = "zh"):
    """Each bar's z2 at −10 % and +10 % and their distance from the baseline (yuan), widest
    first; a missing z2 (an infeasible move) is NaN and ranks its bar first."""
    import pandas as pd

    columns = ["input", "z2 at -10%", "z2 at +10%", "change at -10%", "change at +10%"]
    rows = []
    for bar in bars:
        low, high = z2.get(bar.low, np.nan), z2.get(bar.high, np.nan)
        rows.append([label_of(bar.label, lang), low, high, low - baseline_z2,
                     high - baseline_z2])
    frame = pd.DataFrame(rows, columns=columns)
    # a move that makes the case infeasible matters more than any that can be paid for
    width = (frame["change at +10%"] - frame["change at -10%"]).abs().fillna(np.inf)
    return frame.iloc[np.argsort(-width.to_numpy(), kind="stable")].reset_index(drop=True)
