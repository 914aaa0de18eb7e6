r"""Constraint 1 — a shortfall only ever reduces the local part.

.. math:: u_{r,i,y} \le (1 - \sigma_{t(r),i})\, D_{r,i,y}
          \quad\Longleftrightarrow\quad
          u_{r,i,y} + D_{r,i,y}\,\sigma_{t(r),i} \le D_{r,i,y}

One row per shortfall column, in ``optimise`` and ``menu`` mode.  In ``fixed`` mode σ is data
and the row is the column bound :math:`u \le (1 - s^0) D` instead (see the variables), so the
family has no rows.  The province's co-financing :math:`P = \sigma D` is an obligation at the
chosen share: a shortfall never reduces it.
"""

from __future__ import annotations

import numpy as np

from fiscalshare.model.coefficients import Coefficients
from fiscalshare.model.rows import RowBlock, block
from fiscalshare.model.variables import Columns

NAME = "local_part"


def rows(c: Coefficients, cols: Columns) -> list[RowBlock]:
    n_region, n_item, n_year = c.shape
    keys = cols.shortfall_keys if not c.sigma_is_data else np.empty(0, dtype=np.int64)
    r, i, y = np.unravel_index(keys, c.shape)
    d = c.remainder[r, i, y]
    row = np.arange(keys.size)
    pair = c.tier_of_region[r] * n_item + i
    sigma_col = cols.lookup("sigma", c.n_tier * n_item)[pair]
    variable = sigma_col >= 0
    share = np.nan_to_num(c.data_share.ravel()[pair])
    return [block(
        NAME,
        rows=np.concatenate([row, row[variable]]),
        cols=np.concatenate([cols.positions("shortfall")[: keys.size], sigma_col[variable]]),
        vals=np.concatenate([np.ones(keys.size), d[variable]]),
        lower=np.full(keys.size, -np.inf),
        upper=np.where(variable, d, (1.0 - share) * d),
        n_columns=cols.count,
        key_dims=("region", "item", "year"),
        key_shape=c.shape,
        keys=keys,
    )]
