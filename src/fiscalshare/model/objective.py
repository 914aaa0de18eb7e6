r"""The lexicographic objective of docs/model.md, as one cost vector per stage.

Stage 1 — the least priority-weighted shortfall:

.. math:: z_1 = \min \sum_{r,i,y} w_{r,i}\, u_{r,i,y}

Stage 2 — the least provincial money, keeping stage 1's optimum:

.. math:: z_2 = \min \sum_y \Big( \sum_{t,i} \Big(\sum_{r: t(r)=t} D_{r,i,y}\Big)\sigma_{t,i}
          + \sum_a e_{a,y} \Big)
          \quad\text{s.t.}\quad \sum w\,u \le z_1 + \max(10^{-7} z_1,\ 10^{-6})

In ``fixed`` mode the co-financing :math:`\sum s^0 D` is a constant of :math:`z_2`.  Where
:math:`z_1 = 0` the extra row is replaced by fixing every :math:`u` at zero (column bounds),
which lets presolve remove those columns; otherwise the row is added to the solved stage-1 model.

Diagnosis of an infeasible case — the least extra money:

.. math:: \min \sum_y \big(b^+_y + p^+_y\big)
"""

from __future__ import annotations

import numpy as np

from fiscalshare.model.coefficients import MONEY_UNIT, Coefficients
from fiscalshare.model.variables import Columns

OBJECTIVES = ("shortfall", "provincial_money", "extra_money")


def costs(c: Coefficients, cols: Columns) -> dict[str, np.ndarray]:
    """Column costs of each objective (model units); ``extra_money`` only when elastic."""
    r, i, _ = np.unravel_index(cols.shortfall_keys, c.shape)
    shortfall = np.zeros(cols.count)
    shortfall[cols.span("shortfall")] = c.weight[r, i]
    money = np.zeros(cols.count)
    money[cols.span("sigma")] = c.tier_remainder.sum(axis=2).ravel()[cols.sigma_pairs]
    money[cols.span("equalisation")] = 1.0
    result = {"shortfall": shortfall, "provincial_money": money}
    if c.elastic:
        extra = np.zeros(cols.count)
        extra[cols.span("extra_budget")] = 1.0
        extra[cols.span("extra_pool")] = 1.0
        result["extra_money"] = extra
    return result


def fixed_money(c: Coefficients) -> float:
    """The part of z2 (model units) that is data: co-financing at shares that are not decided."""
    return float((np.nan_to_num(c.data_share)[:, :, None] * c.tier_remainder).sum())


def stage_two_limit(z1: float) -> float:
    """Right-hand side of stage 2's row, in model units, for ``z1`` in model units.

    The tolerance of docs/model.md is stated in yuan; it is converted both ways here.
    """
    z1_yuan = z1 * MONEY_UNIT
    return (z1_yuan + max(1e-7 * z1_yuan, 1e-6)) / MONEY_UNIT


def add_objectives(model, cost: dict[str, np.ndarray], variables: list) -> None:
    """One Pyomo objective per cost vector, in :data:`OBJECTIVES` order (all active: the
    standard-form compiler returns one cost row for each; HiGHS gets one at a time)."""
    import pyomo.environ as pyo
    from pyomo.core.expr.numeric_expr import LinearExpression

    for name in OBJECTIVES:
        if name not in cost:
            continue
        nonzero = np.flatnonzero(cost[name])
        expression = LinearExpression(constant=None, linear_coefs=cost[name][nonzero].tolist(),
                                      linear_vars=[variables[j] for j in nonzero.tolist()])
        setattr(model, f"{name}_objective", pyo.Objective(expr=expression, sense=pyo.minimize))
