"""What would make an infeasible case solvable (spec/model.md, "When it cannot be met").

Three questions, each one more LP on the same matrix:

1. *Does money help, and how much?*  Elastic columns ``xb[y]`` (extra budget) and ``xe[y]`` (extra
   equalisation pool) enter the budget and pool rows; minimising ``Σ_y xb + xe`` gives the least
   extra money.  A yuan added to the pool is new provincial money earmarked for equalisation, so
   it raises the year's budget too: the budget to give back is ``B + xb + xe`` and the pool
   ``E + xe``.  Figures are rounded up to whole yuan so that, given back, the case solves.
2. *Each year taken alone*: the same LP with every other year's limits lifted.
3. *Who would fall short if the hard items were soft*: stage 1 with every item soft.

When even unlimited money cannot help (equalisation off, so only the shares move money), the
spending units whose hard items' local part exceeds their capacity at the highest allowed share
are named, with what would help.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from fiscalshare.lp import highs
from fiscalshare.lp.assemble import LinearModel, assemble
from fiscalshare.lp.structure import SCALE, Structure, prepare

MAX_ROWS = 50  # rows of a list shown in a diagnosis; the total count is always given


def diagnose(inputs, config: dict, options: dict) -> dict:
    s = prepare(inputs, config)
    model = assemble(s)
    years = [int(y) for y in inputs["year"].values]
    diagnosis: dict = {"summary": ""}
    extra = _least_extra_money(model, options)
    if extra is None:
        diagnosis["money_helps"] = False
        diagnosis["units_short"] = _units_short_without_money(inputs, s)
        diagnosis["what_would_help"] = _advice(s)
        diagnosis["summary"] = (
            "No amount of budget or pool makes the hard items affordable: "
            + ("equalisation is off and " if not s.equalisation else "")
            + "the local part of hard items exceeds capacity even at the highest allowed shares."
        )
    else:
        xb, xe = extra
        budget_back, pool_back = _given_back(s, xb, xe)
        diagnosis["money_helps"] = True
        diagnosis["least_extra_money"] = round(float(np.sum(np.ceil(xb * SCALE))
                                                     + np.sum(np.ceil(xe * SCALE))), 2)
        diagnosis["split"] = [
            {"year": years[y], "extra_budget": float(np.ceil(xb[y] * SCALE)),
             "extra_pool": float(np.ceil(xe[y] * SCALE)),
             "budget": _money(budget_back[y]), "pool": _money(pool_back[y])}
            for y in range(s.n_year)
        ]
        diagnosis["least_budget_each_year_alone"] = _each_year_alone(model, options, years)
        diagnosis["summary"] = (
            f"The hard items cannot all be met within the budget and pool; "
            f"{diagnosis['least_extra_money']:,.0f} yuan more over the planning years would do it."
        )
    diagnosis["short_if_hard_were_soft"] = _short_if_soft(inputs, config, options)
    return diagnosis


def _money(value) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _elastic(model: LinearModel, limited_years: np.ndarray | None = None):
    """Append xb[y], xe[y] columns; return the model and their column positions."""
    s = model.structure
    budget_rows = model.rows_of("provincial_budget")
    budget_years = model.blocks["provincial_budget"].keys
    pool_rows = model.rows_of("equalisation_pool")
    pool_years = model.blocks["equalisation_pool"].keys
    n_old = model.matrix.shape[1]
    n_b, n_e = budget_rows.size, pool_rows.size
    rows = np.concatenate([budget_rows, pool_rows])
    cols = np.concatenate([np.arange(n_b), n_b + np.arange(n_e)])
    vals = -np.ones(n_b + n_e)
    # a pool yuan is new money: it also raises that year's budget
    budget_of_year = {int(y): int(r) for y, r in zip(budget_years, budget_rows, strict=True)}
    for k, y in enumerate(pool_years):
        if int(y) in budget_of_year:
            rows = np.append(rows, budget_of_year[int(y)])
            cols = np.append(cols, n_b + k)
            vals = np.append(vals, -1.0)
    extra = sp.csc_matrix((vals, (rows, cols)), shape=(model.n_row, n_b + n_e))
    row_upper = model.row_upper.copy()
    if limited_years is not None:
        for rows_of, years_of in ((budget_rows, budget_years), (pool_rows, pool_years)):
            lifted = ~np.isin(years_of, limited_years)
            row_upper[rows_of[lifted]] = np.inf
    upper = model.col_upper.copy()
    upper[s.u_start : s.u_start + s.n_u] = model.col_upper[s.u_start : s.u_start + s.n_u]
    elastic = LinearModel(**{
        **model.__dict__,
        "matrix": sp.hstack([model.matrix, extra], format="csc"),
        "row_upper": row_upper,
        "col_lower": np.concatenate([model.col_lower, np.zeros(n_b + n_e)]),
        "col_upper": np.concatenate([upper, np.full(n_b + n_e, np.inf)]),
        "integrality": np.concatenate([model.integrality, np.zeros(n_b + n_e, dtype=np.int8)]),
    })
    cost = np.concatenate([np.zeros(n_old), np.ones(n_b + n_e)])
    return elastic, cost, (n_old, budget_years, pool_years)


def _least_extra_money(model: LinearModel, options: dict, limited_years=None):
    elastic, cost, (start, budget_years, pool_years) = _elastic(model, limited_years)
    h = highs.new_solver(options)
    highs.pass_model(h, elastic, cost, integer=True)
    outcome = highs.run(h)
    if outcome.status != highs.OPTIMAL:
        return None
    s = model.structure
    xb = np.zeros(s.n_year)
    xe = np.zeros(s.n_year)
    values = outcome.x[start:]
    xb[budget_years] = np.maximum(values[: budget_years.size], 0.0)
    xe[pool_years] = np.maximum(values[budget_years.size :], 0.0)
    return xb, xe


def _given_back(s: Structure, xb, xe):
    """Budget and pool (yuan) that, given back, solve: rounded up to whole yuan plus one."""
    budget = s.budget * SCALE
    pool = s.pool * SCALE
    extra_budget = np.ceil((xb + xe) * SCALE) + np.where((xb + xe) > 0, 1.0, 0.0)
    extra_pool = np.ceil(xe * SCALE) + np.where(xe > 0, 1.0, 0.0)
    return budget + extra_budget, pool + extra_pool


def _each_year_alone(model: LinearModel, options: dict, years: list[int]) -> list[dict]:
    s = model.structure
    rows = []
    for y in range(s.n_year):
        if not (np.isfinite(s.budget[y]) or np.isfinite(s.pool[y])):
            continue
        extra = _least_extra_money(model, options, limited_years=np.array([y]))
        if extra is None:
            continue
        xb, xe = extra
        budget, pool = _given_back(s, xb, xe)
        rows.append({"year": years[y], "least_budget": _money(budget[y]),
                     "least_pool": _money(pool[y])})
    return rows


def _units_short_without_money(inputs, s: Structure) -> list[dict]:
    """Units whose hard items' local part exceeds capacity even at the highest allowed share."""
    top = (s.share_fixed if s.sigma_fixed else s.share_max).copy()
    if s.ratio_mode == "menu" and s.n_z:
        best = np.full(s.n_sigma, -np.inf)
        np.maximum.at(best, s.z_tier_item, s.z_value)
        flat = top.ravel()
        flat[np.isfinite(best)] = best[np.isfinite(best)]
        top = flat.reshape(top.shape)
    rest = (1.0 - top[s.tier_of_region])[:, :, None] * s.remainder * s.hard[None, :, None]
    own, parent = s.unit_shares()
    burden = np.zeros((s.n_unit, s.n_item, s.n_year))
    np.add.at(burden, s.own_unit, own[:, :, None] * rest)
    counties = np.flatnonzero(s.parent_unit >= 0)
    np.add.at(burden, s.parent_unit[counties], parent[counties][:, :, None] * rest[counties])
    total = burden.sum(axis=1)
    units = inputs["unit"].values
    names = inputs["unit_name"].values
    items = inputs["item"].values
    years = inputs["year"].values
    found = []
    for a, y in zip(*np.nonzero(total > s.capacity + 1e-9), strict=True):
        found.append({
            "unit": str(units[a]), "name": str(names[a]), "year": int(years[y]),
            "hard_local_part": round(float(total[a, y] * SCALE), 2),
            "capacity": round(float(s.capacity[a, y] * SCALE), 2),
            "items": [str(items[i]) for i in np.flatnonzero(burden[a, :, y] > 0)],
        })
    return found


def _advice(s: Structure) -> list[str]:
    advice = []
    if not s.equalisation:
        advice.append("turn equalisation on (--equalisation on), so the province can top up "
                      "the units named above")
    advice.append("raise province_max in the sharing sheet for the tiers and hard items named "
                  "above, so the province carries more of their remainder")
    advice.append("or make those items soft (binding = soft) if falling short is acceptable")
    return advice


def _short_if_soft(inputs, config: dict, options: dict) -> dict:
    s = prepare(inputs, config, soft_everything=True)
    model = assemble(s)
    h = highs.new_solver(options)
    highs.pass_model(h, model, model.shortfall_cost, integer=True)
    outcome = highs.run(h)
    if outcome.status != highs.OPTIMAL:
        return {"count": None, "rows": [], "note": f"not solvable either ({outcome.word})"}
    u = np.zeros(s.remainder.size)
    u[s.u_index] = outcome.x[s.u_start : s.u_start + s.n_u]
    u = u.reshape(s.remainder.shape) * SCALE
    hits = np.argwhere(u > 0.5)
    order = np.argsort(-u[tuple(hits.T)], kind="stable") if hits.size else []
    regions, items, years = (inputs[k].values for k in ("region", "item", "year"))
    rows = [
        {"region": str(regions[r]), "name": str(inputs["region_name"].values[r]),
         "item": str(items[i]), "year": int(years[y]), "shortfall": round(float(u[r, i, y]), 2)}
        for r, i, y in (hits[k] for k in order[:MAX_ROWS])
    ]
    return {"count": int(len(hits)), "total": round(float(u.sum()), 2), "rows": rows}
