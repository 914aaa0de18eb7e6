r"""The decision variables, created only where they can be non-zero.

Columns come in blocks, in this order:

- ``sigma[p]`` — the provincial share :math:`\sigma_{t,i}` of the sub-central remainder, one per
  ``(tier, item)`` pair that has a sharing row, with :math:`s^{min}_{t,i} \le \sigma_{t,i} \le
  s^{max}_{t,i}`.  In ``fixed`` mode σ is the data :math:`s^0` and has no column; a pair without
  a sharing row has a zero remainder everywhere and σ = 0.
- ``shortfall[k]`` — :math:`u_{r,i,y} \ge 0`, only for soft items with :math:`D_{r,i,y} > 0`.
  Constraint 6 (hard items are met in full, :math:`u = 0`) is therefore built in: a hard item
  has no shortfall column at all.  In ``fixed`` mode constraint 1 becomes the bound
  :math:`u \le (1 - s^0_{t(r),i}) D_{r,i,y}`; otherwise :math:`u \le D` and the row of
  constraint 1 does the rest.
- ``equalisation[a, y]`` — :math:`e_{a,y} \ge 0`, only with equalisation on.
- ``choice[k]`` — ``menu`` mode: a binary :math:`z_{t,i,k}` per allowed menu share
  :math:`m_k \in \text{menu} \cap [s^{min}_{t,i}, s^{max}_{t,i}]`; none for an item whose
  share is fixed by policy (its σ column has :math:`s^{min} = s^{max} = s^0`).
- ``extra_budget[y]``, ``extra_pool[y]`` — only in the diagnosis of an infeasible case: money
  added to a year's budget or pool, :math:`\ge 0`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from fiscalshare.model.coefficients import Coefficients

BLOCKS = ("sigma", "shortfall", "equalisation", "choice", "extra_budget", "extra_pool")


@dataclass(frozen=True, eq=False)
class Columns:
    """Which variables exist, and where each sits in the column vector handed to HiGHS."""

    sigma_pairs: np.ndarray  # flat (t·I + i) of each σ column
    shortfall_keys: np.ndarray  # flat (r, i, y) of each u column
    equalisation_keys: np.ndarray  # flat (a·Y + y) of each e column
    choice_pairs: np.ndarray  # flat (t·I + i) each menu binary belongs to
    choice_share: np.ndarray  # the share each menu binary stands for
    extra_budget_years: np.ndarray  # year positions with an extra-budget column
    extra_pool_years: np.ndarray  # year positions with an extra-pool column

    def size(self, block: str) -> int:
        return {
            "sigma": self.sigma_pairs.size,
            "shortfall": self.shortfall_keys.size,
            "equalisation": self.equalisation_keys.size,
            "choice": self.choice_pairs.size,
            "extra_budget": self.extra_budget_years.size,
            "extra_pool": self.extra_pool_years.size,
        }[block]

    @cached_property
    def start(self) -> dict[str, int]:
        offsets, position = {}, 0
        for block in BLOCKS:
            offsets[block] = position
            position += self.size(block)
        return offsets

    @property
    def count(self) -> int:
        return sum(self.size(block) for block in BLOCKS)

    def span(self, block: str) -> slice:
        return slice(self.start[block], self.start[block] + self.size(block))

    def positions(self, block: str) -> np.ndarray:
        return np.arange(self.start[block], self.start[block] + self.size(block))

    def lookup(self, block: str, space: int) -> np.ndarray:
        """Column of each key of the block's index space (size ``space``), -1 where none."""
        keys = {"sigma": self.sigma_pairs, "shortfall": self.shortfall_keys,
                "equalisation": self.equalisation_keys, "extra_budget": self.extra_budget_years,
                "extra_pool": self.extra_pool_years}[block]
        table = np.full(space, -1, dtype=np.int64)
        table[keys] = self.positions(block)
        return table

    def structure(self) -> tuple:
        """Everything that decides the column layout (compared before updating in place)."""
        return tuple(getattr(self, name).tobytes() for name in (
            "sigma_pairs", "shortfall_keys", "equalisation_keys", "choice_pairs",
            "choice_share", "extra_budget_years", "extra_pool_years"))


def lay_out(c: Coefficients) -> Columns:
    n_region, n_item, n_year = c.shape
    empty = np.empty(0, dtype=np.int64)
    sigma_pairs = empty if c.sigma_is_data else np.flatnonzero(c.sharing_given.ravel())
    has_shortfall = c.soft[None, :, None] & (c.remainder > 0)
    equalisation = np.arange(c.n_unit * n_year) if c.equalisation else empty
    pairs, shares = [], []
    if c.ratio_mode == "menu":
        for flat in sigma_pairs[c.chosen_given.ravel()[sigma_pairs]]:
            options = c.menu_options(*divmod(int(flat), n_item))
            pairs += [flat] * options.size
            shares += options.tolist()
    elastic_budget = np.flatnonzero(np.isfinite(c.budget)) if c.elastic else empty
    elastic_pool = (np.flatnonzero(np.isfinite(c.pool)) if c.elastic and c.equalisation
                    else empty)
    return Columns(
        sigma_pairs=sigma_pairs.astype(np.int64),
        shortfall_keys=np.flatnonzero(has_shortfall.ravel()).astype(np.int64),
        equalisation_keys=equalisation.astype(np.int64),
        choice_pairs=np.asarray(pairs, dtype=np.int64),
        choice_share=np.asarray(shares, dtype=float),
        extra_budget_years=elastic_budget.astype(np.int64),
        extra_pool_years=elastic_pool.astype(np.int64),
    )


def bounds(c: Coefficients, cols: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of every column (model units)."""
    lower = np.zeros(cols.count)
    upper = np.full(cols.count, np.inf)
    lower[cols.span("sigma")] = c.share_min.ravel()[cols.sigma_pairs]
    upper[cols.span("sigma")] = c.share_max.ravel()[cols.sigma_pairs]
    r, i, y = np.unravel_index(cols.shortfall_keys, c.shape)
    room = c.remainder[r, i, y]
    if c.sigma_is_data:
        room = (1.0 - c.data_share[c.tier_of_region[r], i]) * room
    upper[cols.span("shortfall")] = np.maximum(room, 0.0)
    upper[cols.span("choice")] = 1.0
    return lower, upper


def integrality(cols: Columns) -> np.ndarray:
    """Positions of the integer (menu binary) columns."""
    return cols.positions("choice")


def add_variables(model, c: Coefficients, cols: Columns) -> list:
    """Declare the Pyomo variables block by block; returns them in column order."""
    import pyomo.environ as pyo

    lower, upper = bounds(c, cols)
    low, high = lower.tolist(), upper.tolist()
    created = []
    for block in BLOCKS:
        start = cols.start[block]

        def rule(_, k, start=start):
            top = high[start + k]
            return low[start + k], (None if top == np.inf else top)

        domain = pyo.Binary if block == "choice" else pyo.NonNegativeReals
        variable = pyo.Var(range(cols.size(block)), domain=domain, bounds=rule)
        setattr(model, block, variable)
        created.append(variable)
    return created
