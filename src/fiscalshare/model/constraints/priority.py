r"""Constraint 5 — a poorer tier never gets a smaller provincial share (``optimise``, ``menu``).

.. math:: \sigma_{t',i} - \sigma_{t,i} \ge 0

for every item :math:`i` and every two tiers :math:`t < t'` (1 = strongest) that both have a
sharing row for :math:`i` and are consecutive among the tiers that do.  A tier without a row has
a zero remainder for that item and does not break the chain: tier 3 is still compared with
tier 1 when tier 2 has no row.  The row is keyed by the richer tier :math:`t`.  An item whose
provincial share is fixed by policy (``province_rule = fixed``) has no chain: its σ is the policy
table, whatever its order.
"""

from __future__ import annotations

import numpy as np

from fiscalshare.model.coefficients import Coefficients
from fiscalshare.model.rows import RowBlock, block
from fiscalshare.model.variables import Columns
from fiscalshare.quantities import priority_links

NAME = "priority"


def rows(c: Coefficients, cols: Columns) -> list[RowBlock]:
    n_item = c.shape[1]
    if c.sigma_is_data:
        richer = poorer = item = np.empty(0, dtype=np.int64)
    else:
        richer, poorer, item = priority_links(c.chosen_given)
    sigma_of = cols.lookup("sigma", c.n_tier * n_item)
    n = richer.size
    row = np.arange(n)
    return [block(
        NAME,
        rows=np.concatenate([row, row]),
        cols=np.concatenate([sigma_of[poorer * n_item + item], sigma_of[richer * n_item + item]]),
        vals=np.concatenate([np.ones(n), -np.ones(n)]),
        lower=np.zeros(n),
        upper=np.full(n, np.inf),
        n_columns=cols.count,
        key_dims=("tier", "item"),
        key_shape=(c.n_tier, n_item),
        keys=richer * n_item + item,
    )]
