"""Sensitivities of spec/model.md from the LP duals, by the envelope theorem.

For ``z = min c(p)ᵀx  s.t.  A(p)x ≤ b(p)`` with HiGHS's row duals ``y`` (``∂z/∂b = y``),
``dz/dp = ∂cᵀ/∂p·x − yᵀ(∂A/∂p·x − ∂b/∂p)`` at the optimum.  A 1 % rise of ``q[i,y]`` scales every
``D[·,i,y]`` by 1.01, and every coefficient, cost and right-hand side that holds D is linear in
it, so each term of that formula can be summed per ``(i, y)`` in one vectorised pass.
The tests compare every figure with a one-sided finite-difference re-solve.
"""

from __future__ import annotations

import numpy as np

from fiscalshare.lp.assemble import LinearModel
from fiscalshare.lp.structure import SCALE


def budget_value(model: LinearModel, dual: np.ndarray) -> np.ndarray:
    """Reduction of z1 per extra yuan of ``B[y]`` (0 for years without a budget)."""
    s = model.structure
    value = np.zeros(s.n_year)
    block = model.blocks["provincial_budget"]
    if block.n_rows:
        value[block.keys] = -dual[model.rows_of("provincial_budget")]
    return value


def capacity_value(model: LinearModel, dual: np.ndarray) -> np.ndarray:
    """Provincial yuan saved per extra yuan of ``Cap[a,y]``: ``−y`` of the affordability row."""
    s = model.structure
    return (-dual[model.rows_of("affordability")]).reshape(s.n_unit, s.n_year)


def marginal_cost(model: LinearModel, dual: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Rise of z2 (yuan) for a 1 % rise of ``q[i,y]``, as ``[i, y]``."""
    s = model.structure
    sigma = x[: s.n_sigma].reshape(s.n_tier, s.n_item)[s.tier_of_region]  # [r,i]
    d = s.remainder  # [r,i,y]
    # ∂c/∂p·x: the objective Σ σ D
    gradient = d * sigma[:, :, None]
    # budget rows: −y_B · (D σ)
    block = model.blocks["provincial_budget"]
    if block.n_rows:
        y_budget = np.zeros(s.n_year)
        y_budget[block.keys] = dual[model.rows_of("provincial_budget")]
        gradient -= y_budget[None, None, :] * d * sigma[:, :, None]
    # affordability rows: −y_a · α D (1 − σ)
    y_aff = dual[model.rows_of("affordability")].reshape(s.n_unit, s.n_year)
    own, parent = s.unit_shares()
    weight = own[:, :, None] * y_aff[s.own_unit][:, None, :]
    counties = s.parent_unit >= 0
    if counties.any():
        parent_dual = np.where(counties[:, None], y_aff[np.maximum(s.parent_unit, 0)], 0.0)
        weight = weight + parent[:, :, None] * parent_dual[:, None, :]
    gradient -= weight * d * (1.0 - sigma[:, :, None])
    # local-part rows: −y · D (σ − 1)
    block = model.blocks["local_part_nonnegative"]
    if block.n_rows:
        y_local = np.zeros(d.size)
        y_local[block.keys] = dual[model.rows_of("local_part_nonnegative")]
        gradient -= y_local.reshape(d.shape) * d * (sigma[:, :, None] - 1.0)
    return 0.01 * gradient.sum(axis=0) * SCALE
