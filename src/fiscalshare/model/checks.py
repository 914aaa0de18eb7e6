"""Inputs that contradict themselves under a configuration (docs/model.md, exit 2).

Run once per solve, by the solve itself (``solve.AllocationModel``), before any model is built,
so that a contradiction is reported with the sheet and row it comes from rather than as an
infeasible model.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from fiscalshare.config import SHARE_TOLERANCE, as_config
from fiscalshare.errors import InputError, Problem
from fiscalshare.quantities import priority_chains


def check_case(inputs: xr.Dataset, config: Mapping) -> None:
    """Raise ``InputError`` with every contradiction of ``inputs`` under ``config``.

    In ``menu`` mode: no menu at all, or no menu share inside a row's ``[smin, smax]``.  In
    ``optimise`` and ``menu`` mode: a priority chain (``quantities.priority_chains``) that no
    shares can satisfy — some tier's ``smin`` above the ``smax`` of a poorer tier (in ``menu``
    mode only menu shares count).  An item whose provincial share policy fixes is skipped: its σ
    is the sharing sheet's province_share whatever the bounds, the menu and the chain.
    """
    mode = as_config(config).ratio_mode
    if mode == "fixed":
        return
    tiers = [int(t) for t in inputs["tier"].values]
    items = [str(i) for i in inputs["item"].values]
    low = inputs["province_min"].transpose("tier", "item").values
    high = inputs["province_max"].transpose("tier", "item").values
    given = inputs["sharing_given"].transpose("tier", "item").values.astype(bool)
    menu = np.sort(np.asarray(inputs["ratio_menu"].values, dtype=float))
    problems = []
    if mode == "menu" and menu.size == 0:
        problems.append(Problem("ratio_menu", "ratio_mode menu needs a ratio_menu sheet with at "
                                "least one share"))
    fixed_by_policy = (inputs["province_rule"].values == "fixed"
                       if "province_rule" in inputs.coords else np.zeros(len(items), bool))
    for i, chain in enumerate(priority_chains(given)):
        if fixed_by_policy[i]:  # σ = province_share (province_rule fixed): no menu, no chain
            continue
        item = items[i]
        floor, floor_tier = -np.inf, None  # the least share the richer tiers force on this one
        for t in chain:
            place = f"sharing (tier {tiers[t]}, item {item})"
            allowed = np.array([low[t, i], high[t, i]])
            if mode == "menu" and menu.size:
                allowed = menu[(menu >= low[t, i] - SHARE_TOLERANCE)
                               & (menu <= high[t, i] + SHARE_TOLERANCE)]
                if allowed.size == 0:
                    problems.append(Problem(place, "no ratio_menu share lies in "
                                            f"[{low[t, i]:g}, {high[t, i]:g}]"))
                    floor, floor_tier = -np.inf, None
                    continue
            feasible = allowed[allowed >= floor - SHARE_TOLERANCE] if mode == "menu" else (
                allowed if high[t, i] >= floor - SHARE_TOLERANCE else allowed[:0])
            if feasible.size == 0:
                problems.append(Problem(place, (
                    f"province_max {high[t, i]:g} is below the share {floor:g} that richer "
                    f"tier {floor_tier} must get at least; a poorer tier may never get a "
                    "smaller share") if mode != "menu" else (
                    f"no menu share in [{low[t, i]:g}, {high[t, i]:g}] reaches {floor:g}, the "
                    f"least share richer tier {floor_tier} can get; a poorer tier may never "
                    "get a smaller share")))
                floor, floor_tier = -np.inf, None
                continue
            least = float(feasible.min()) if mode == "menu" else max(float(low[t, i]), floor)
            if least > floor:
                floor, floor_tier = least, tiers[t]
    if problems:
        raise InputError(problems)
