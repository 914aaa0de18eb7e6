r"""Constraint 4 — equalisation transfers stay within the pool, in every year that has one.

.. math:: \sum_a e_{a,y} \le E_y

Only with equalisation on (with it off there is no :math:`e`).  When an infeasible case is
diagnosed the pool may grow by :math:`p^+_y \ge 0`: :math:`\sum_a e_{a,y} - p^+_y \le E_y`.
"""

from __future__ import annotations

import numpy as np

from fiscalshare.model.coefficients import Coefficients
from fiscalshare.model.rows import RowBlock, block
from fiscalshare.model.variables import Columns

NAME = "pool"


def rows(c: Coefficients, cols: Columns) -> list[RowBlock]:
    n_year = c.shape[2]
    years = (np.flatnonzero(np.isfinite(c.pool)) if c.equalisation
             else np.empty(0, dtype=np.int64))
    row_of_year = np.full(n_year, -1)
    row_of_year[years] = np.arange(years.size)
    _, y = np.divmod(cols.equalisation_keys, n_year)
    limited = row_of_year[y] >= 0
    extra = row_of_year[cols.extra_pool_years] >= 0
    return [block(
        NAME,
        rows=np.concatenate([row_of_year[y[limited]],
                             row_of_year[cols.extra_pool_years[extra]]]),
        cols=np.concatenate([cols.positions("equalisation")[limited],
                             cols.positions("extra_pool")[extra]]),
        vals=np.concatenate([np.ones(int(limited.sum())), -np.ones(int(extra.sum()))]),
        lower=np.full(years.size, -np.inf),
        upper=c.pool[years],
        n_columns=cols.count,
        key_dims=("year",),
        key_shape=(n_year,),
        keys=years,
    )]
