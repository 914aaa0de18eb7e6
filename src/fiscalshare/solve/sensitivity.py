"""The sensitivities of docs/model.md, from the duals of the linear programmes.

HiGHS's row dual ``y`` is the rate of change of the optimum with the row's active bound
(``∂z/∂b``); all rates here are per yuan because money is scaled the same way on both sides.
For a parameter ``p`` that the data depend on, the envelope theorem gives

    dz/dp = ∂c/∂p · x + Σ_rows y · (∂b/∂p − ∂A/∂p · x)

at the optimum, as long as the optimal basis does not change.  A 1 % rise of ``q[i,y]`` scales
every remainder ``D[·,i,y]``, and every coefficient, cost and bound that holds one is linear in
it, so the rows' terms have a plain meaning: the co-financing ``P``, each unit's local part
``Σ α (1−σ) D`` and each region's room ``(1−σ) D``, summed per ``(i, y)`` in one pass.
"""

from __future__ import annotations

import numpy as np

from fiscalshare.model import MONEY_UNIT, StandardForm
from fiscalshare.model.constraints import affordability


def _family_duals(form: StandardForm, dual: np.ndarray, name: str) -> np.ndarray:
    """The duals of one family spread over its key space (0 where a key has no row)."""
    rows = form.family(name)
    spread = np.zeros(int(np.prod(rows.key_shape)))
    spread[rows.keys] = dual[form.rows_of(name)]
    return spread.reshape(rows.key_shape)


def budget_value(form: StandardForm, dual: np.ndarray | None) -> np.ndarray:
    """Reduction of z1 per extra yuan of ``B[y]`` (0 in a year without a budget limit)."""
    if dual is None:
        return np.full(form.coefficients.shape[2], np.nan)
    return -_family_duals(form, dual, "budget")


def capacity_value(form: StandardForm, dual: np.ndarray | None) -> np.ndarray:
    """Provincial yuan saved per extra yuan of ``Cap[a,y]``."""
    c = form.coefficients
    if dual is None:
        return np.full((c.n_unit, c.shape[2]), np.nan)
    return -_family_duals(form, dual, "affordability")


def marginal_cost(form: StandardForm, dual: np.ndarray | None, share: np.ndarray) -> np.ndarray:
    """Rise of z2 (yuan) for a 1 % rise of ``q[i,y]``, to first order, as ``[i, y]``.

    ``share`` is the solution's σ ``[t,i]`` (data or decision alike).
    """
    c = form.coefficients
    if dual is None:
        return np.full(c.shape[1:], np.nan)
    sigma = share[c.tier_of_region][:, :, None]  # [r,i,1]
    d = c.remainder
    co_financing = (sigma * d).sum(axis=0)  # P[i,y]
    # objective and budget rows: the co-financing itself
    rate = co_financing * (1.0 - _family_duals(form, dual, "budget")[None, :])
    # affordability rows: each unit's local part before shortfalls
    affordable = _family_duals(form, dual, "affordability")  # [a,y]
    for regions, units, alpha in affordability.bearers(c):
        local = alpha[:, :, None] * (1.0 - sigma[regions]) * d[regions]  # [r,i,y]
        rate -= (affordable[units][:, None, :] * local).sum(axis=0)
    # rows of constraint 1: each region's room (1 − σ)·D
    room = _family_duals(form, dual, "local_part")  # [r,i,y]
    rate += (room * (1.0 - sigma) * d).sum(axis=0)
    return 0.01 * rate * MONEY_UNIT
