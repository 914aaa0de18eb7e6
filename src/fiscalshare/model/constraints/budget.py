r"""Constraint 3 — the province spends no more than its budget, in every year that has one.

.. math:: \sum_{r,i} \sigma_{t(r),i} D_{r,i,y} + \sum_a e_{a,y} \le B_y
          \quad\Longleftrightarrow\quad
          \sum_{t,i} \Big(\sum_{r: t(r)=t} D_{r,i,y}\Big) \sigma_{t,i} + \sum_a e_{a,y} \le B_y

In ``fixed`` mode the co-financing :math:`\sum s^0 D` is data and moves to the right-hand side.
When an infeasible case is diagnosed, the budget may grow by :math:`b^+_y \ge 0` and by the extra
pool money :math:`p^+_y` (a pool yuan is provincial money too):
:math:`\ldots - b^+_y - p^+_y \le B_y`.
"""

from __future__ import annotations

import numpy as np

from fiscalshare.model.coefficients import Coefficients
from fiscalshare.model.rows import RowBlock, block
from fiscalshare.model.variables import Columns

NAME = "budget"


def rows(c: Coefficients, cols: Columns) -> list[RowBlock]:
    n_region, n_item, n_year = c.shape
    years = np.flatnonzero(np.isfinite(c.budget))
    row_of_year = np.full(n_year, -1)
    row_of_year[years] = np.arange(years.size)
    totals = c.tier_remainder  # [t,i,y]
    fixed_part = (np.nan_to_num(c.data_share)[:, :, None] * totals).sum(axis=(0, 1))
    entries = []
    sigma_totals = totals.reshape(-1, n_year)[cols.sigma_pairs]  # [σ column, y]
    for k, y in enumerate(years):
        nonzero = np.flatnonzero(sigma_totals[:, y])
        entries.append((np.full(nonzero.size, k), cols.positions("sigma")[nonzero],
                        sigma_totals[nonzero, y]))
    a, y = np.divmod(cols.equalisation_keys, n_year)
    limited = row_of_year[y] >= 0
    entries.append((row_of_year[y[limited]], cols.positions("equalisation")[limited],
                    np.ones(int(limited.sum()))))
    for extra in ("extra_budget", "extra_pool"):
        extra_years = getattr(cols, f"{extra}_years")
        limited = row_of_year[extra_years] >= 0
        entries.append((row_of_year[extra_years[limited]], cols.positions(extra)[limited],
                        -np.ones(int(limited.sum()))))
    return [block(
        NAME,
        rows=np.concatenate([e[0] for e in entries]),
        cols=np.concatenate([e[1] for e in entries]),
        vals=np.concatenate([e[2] for e in entries]),
        lower=np.full(years.size, -np.inf),
        upper=c.budget[years] - fixed_part[years],
        n_columns=cols.count,
        key_dims=("year",),
        key_shape=(n_year,),
        keys=years,
    )]
