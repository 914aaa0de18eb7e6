"""What would make an infeasible case solvable (docs/model.md, "When it cannot be met").

Three questions, each answered by solving a variant of the same model:

1. *Does money help, and how much?*  In the elastic variant each year's budget may grow by
   ``b⁺[y]`` and its pool by ``p⁺[y]`` (a pool yuan is provincial money, so it raises the budget
   too); minimising ``Σ_y b⁺ + p⁺`` gives the least extra money and one split of it that
   attains it.  Given back — budget ``B + b⁺ + p⁺`` and pool ``E + p⁺``, rounded up to whole
   yuan with one yuan to spare — the case solves.
2. *Each year taken alone*: the same with every other year's limits lifted.
3. *Who would fall short if the hard items were soft*: stage 1 with every item soft.

When no money helps (equalisation off, so money reaches a unit only through σ, and even the
highest shares the bounds and the priority chain allow leave a hard item's local part above the
unit's capacity), the units, years and items are named with what would help.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from fiscalshare import quantities
from fiscalshare.model import MONEY_UNIT, Coefficients, StandardForm, build
from fiscalshare.model.constraints import affordability
from fiscalshare.solve import highs

MAX_ROWS = 50  # rows of a list shown in a diagnosis; totals always cover every row
SPARE_YUAN = 1.0  # added to a figure given back, above HiGHS's feasibility tolerance


def diagnose(inputs: xr.Dataset, config: dict, options: dict) -> dict:
    """A JSON-able account of why no allocation meets the hard items, and what would."""
    form = build(inputs, config, elastic=True)
    years = [int(y) for y in inputs["year"].values]
    diagnosis: dict = {"summary": ""}
    extra = least_extra_money(form, options)
    if extra is None:
        units = units_short_at_highest_shares(inputs, form.coefficients)
        diagnosis.update(
            money_helps=False,
            units_short=units[:MAX_ROWS],
            units_short_count=len(units),
            what_would_help=_advice(inputs, form.coefficients, units),
        )
        diagnosis["summary"] = (
            "no amount of budget or pool meets the hard items: "
            + ("equalisation is off and " if not form.coefficients.equalisation else "")
            + "their local part exceeds the capacity of "
            + (", ".join(sorted({u["unit"] for u in units})) if units else "some units")
            + " even at the highest shares allowed"
        )
    else:
        extra_budget, extra_pool = extra
        budget, pool = given_back(form.coefficients, extra_budget, extra_pool)
        total = float(np.sum(extra_budget) + np.sum(extra_pool))
        diagnosis.update(
            money_helps=True,
            least_extra_money=round(total, 2),
            split=[{"year": years[y],
                    "extra_budget": round(float(extra_budget[y] + extra_pool[y]), 2),
                    "extra_pool": round(float(extra_pool[y]), 2),
                    "budget": _figure(budget[y]), "pool": _figure(pool[y])}
                   for y in range(len(years))],
            least_budget_each_year_alone=each_year_alone(form, options, years),
        )
        diagnosis["summary"] = (
            f"{total:,.0f} yuan more over the planning years than the budget and pool allow "
            "would do it"
        )
    diagnosis["short_if_hard_were_soft"] = short_if_hard_were_soft(inputs, config, options)
    return diagnosis


def least_extra_money(form: StandardForm, options: dict, *, only_year: int | None = None):
    """``(b⁺[y], p⁺[y])`` in yuan at the least total, or ``None`` when no money helps.

    ``only_year`` lifts every other year's budget and pool and prices only that year's money.
    """
    if form.unmet:
        return None  # a row without any variable, money included, is violated
    c, cols = form.coefficients, form.columns
    cost = form.costs["extra_money"].copy()
    solver = highs.Solver(options)
    if only_year is not None:
        for block in ("extra_budget", "extra_pool"):
            other = cols.positions(block)[getattr(cols, f"{block}_years") != only_year]
            cost[other] = 0.0
    solver.load(form, cost)
    if only_year is not None:
        for name in ("budget", "pool"):
            rows = form.family(name)
            lifted = np.flatnonzero(rows.keys != only_year) + form.rows_of(name).start
            solver.set_row_bounds(lifted, np.full(lifted.size, -np.inf),
                                  np.full(lifted.size, np.inf))
    outcome = solver.run()
    if outcome.status != highs.OPTIMAL:
        return None
    n_year = c.shape[2]
    extra_budget, extra_pool = np.zeros(n_year), np.zeros(n_year)
    extra_budget[cols.extra_budget_years] = outcome.x[cols.span("extra_budget")]
    extra_pool[cols.extra_pool_years] = outcome.x[cols.span("extra_pool")]
    if only_year is not None:
        keep = np.arange(n_year) == only_year
        extra_budget, extra_pool = extra_budget * keep, extra_pool * keep
    return (np.maximum(extra_budget, 0.0) * MONEY_UNIT,
            np.maximum(extra_pool, 0.0) * MONEY_UNIT)


def given_back(c: Coefficients, extra_budget: np.ndarray, extra_pool: np.ndarray):
    """Budget and pool in yuan that meet the hard items (NaN stays "no limit")."""
    def rounded_up(limit_yuan, extra):
        # solver noise (≤ 1e-4 yuan) must not round a whole yuan up; the spare yuan covers it
        raised = np.ceil(limit_yuan + extra - 1e-3) + np.where(extra > 0, SPARE_YUAN, 0.0)
        return np.where(np.isfinite(limit_yuan), raised, np.nan)

    return (rounded_up(c.budget * MONEY_UNIT, extra_budget + extra_pool),
            rounded_up(c.pool * MONEY_UNIT, extra_pool))


def each_year_alone(form: StandardForm, options: dict, years: list[int]) -> list[dict]:
    c = form.coefficients
    rows = []
    for y in range(len(years)):
        if not (np.isfinite(c.budget[y]) or np.isfinite(c.pool[y])):
            continue
        extra = least_extra_money(form, options, only_year=y)
        if extra is None:
            continue
        budget, pool = given_back(c, *extra)
        rows.append({"year": years[y], "least_budget": _figure(budget[y]),
                     "least_pool": _figure(pool[y])})
    return rows


def highest_shares(c: Coefficients) -> np.ndarray:
    """The largest σ ``[t,i]`` the bounds, the menu and the priority chain allow together."""
    if c.sigma_is_data:
        return np.nan_to_num(c.data_share)
    top = np.where(c.sharing_given, c.share_max, 0.0)
    if c.ratio_mode == "menu":
        for t, i in zip(*np.nonzero(c.chosen_given), strict=True):
            options = c.menu_options(t, i)
            top[t, i] = options.max() if options.size else 0.0
    # a richer tier may not exceed the next poorer one: walk each chain from the poorest
    richer, poorer, items = quantities.priority_links(c.chosen_given)
    for k in np.argsort(-richer, kind="stable"):
        t, t_next, i = richer[k], poorer[k], items[k]
        if top[t, i] > top[t_next, i]:
            allowed = c.menu_options(t, i) if c.ratio_mode == "menu" else None
            if allowed is None:
                top[t, i] = top[t_next, i]
            else:
                below = allowed[allowed <= top[t_next, i] + 1e-12]
                top[t, i] = below.max() if below.size else top[t_next, i]
    return top


def units_short_at_highest_shares(inputs: xr.Dataset, c: Coefficients) -> list[dict]:
    """Units whose hard items' local part exceeds capacity even at the highest shares (with
    every soft item's local part cut to nothing)."""
    top = highest_shares(c)
    hard = ~c.soft
    burden = np.zeros((c.n_unit, c.shape[1], c.shape[2]))
    for regions, units, alpha in affordability.bearers(c):
        local = alpha[:, :, None] * (1.0 - top[c.tier_of_region[regions]])[:, :, None]
        local = local * c.remainder[regions] * hard[None, :, None]
        np.add.at(burden, units, local)
    total = burden.sum(axis=1)
    units, names = inputs["unit"].values, inputs["unit_name"].values
    items, years = inputs["item"].values, inputs["year"].values
    short = total > c.capacity + 1e-9
    found = []
    for a, y in zip(*np.nonzero(short), strict=True):
        found.append({
            "unit": str(units[a]), "name": str(names[a]), "year": int(years[y]),
            "hard_local_part": round(float(total[a, y] * MONEY_UNIT), 2),
            "capacity": round(float(c.capacity[a, y] * MONEY_UNIT), 2),
            "items": [str(items[i]) for i in np.flatnonzero(burden[a, :, y] > 0)],
        })
    return found


def _advice(inputs: xr.Dataset, c: Coefficients, units: list[dict]) -> list[str]:
    advice = []
    if not c.equalisation:
        advice.append("turn equalisation on (equalisation: on), so the province can top up the "
                      "units named")
    if c.sigma_is_data:
        advice.append("raise province_share in the sharing sheet for their tiers and hard items, "
                      "or let the model choose the shares (ratio_mode: optimise)")
    else:
        tiers = sorted({int(inputs["unit_tier"].values[list(inputs["unit"].values).index(u["unit"])])
                        for u in units})
        items = sorted({i for u in units for i in u["items"]})
        where = (f" (tiers {', '.join(map(str, tiers))}; items {', '.join(items)})"
                 if units else "")
        advice.append("raise province_max in the sharing sheet for the hard items of the poorer "
                      f"tiers{where}, so the province carries more of their remainder")
    advice.append("or make those items soft (binding = soft) if falling short is acceptable")
    return advice


def short_if_hard_were_soft(inputs: xr.Dataset, config: dict, options: dict) -> dict:
    """Stage 1 with every item soft: who would fall short, by how much (yuan)."""
    form = build(inputs, config, soft_everything=True)
    if form.unmet:
        return {"count": None, "rows": [], "note": "not solvable even then: a constraint "
                "without variables is violated"}
    solver = highs.Solver(options)
    solver.load(form, form.costs["shortfall"])
    outcome = solver.run()
    if outcome.status != highs.OPTIMAL:
        return {"count": None, "rows": [],
                "note": f"not solvable even then ({outcome.word}): the co-financing at the "
                        "lowest shares exceeds the budget"}
    c, cols = form.coefficients, form.columns
    shortfall = np.zeros(c.remainder.size)
    shortfall[cols.shortfall_keys] = outcome.x[cols.span("shortfall")] * MONEY_UNIT
    shortfall = shortfall.reshape(c.shape)
    hits = np.argwhere(shortfall > 0.5)
    order = np.argsort(-shortfall[tuple(hits.T)], kind="stable") if hits.size else []
    regions, items, years = (inputs[k].values for k in ("region", "item", "year"))
    names = inputs["region_name"].values
    rows = [{"region": str(regions[r]), "name": str(names[r]), "item": str(items[i]),
             "year": int(years[y]), "shortfall": round(float(shortfall[r, i, y]), 2)}
            for r, i, y in (hits[k] for k in order[:MAX_ROWS])]
    return {"count": len(hits), "total": round(float(shortfall.sum()), 2), "rows": rows}


def _figure(value) -> float | None:
    return None if not np.isfinite(value) else float(value)
