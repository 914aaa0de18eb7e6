r"""``menu`` mode — each provincial share is one of the allowed menu values.

.. math:: \sigma_{t,i} = \sum_k m_k\, z_{t,i,k}, \qquad \sum_k z_{t,i,k} = 1, \qquad
          z_{t,i,k} \in \{0, 1\}

over the menu shares :math:`m_k \in \text{menu} \cap [s^{min}_{t,i}, s^{max}_{t,i}]` of every
``(tier, item)`` pair with a sharing row whose share is not fixed by policy.  Two row kinds: ``menu_share`` links σ to the chosen
binary, ``menu_choice`` chooses exactly one.
"""

from __future__ import annotations

import numpy as np

from fiscalshare.model.coefficients import Coefficients
from fiscalshare.model.rows import RowBlock, block
from fiscalshare.model.variables import Columns


def rows(c: Coefficients, cols: Columns) -> list[RowBlock]:
    n_item = c.shape[1]
    space = c.n_tier * n_item
    pairs = np.unique(cols.choice_pairs)
    row_of_pair = np.full(space, -1)
    row_of_pair[pairs] = np.arange(pairs.size)
    sigma_of = cols.lookup("sigma", space)
    link = row_of_pair[cols.choice_pairs]
    choice = cols.positions("choice")
    shape = dict(n_columns=cols.count, key_dims=("tier", "item"), key_shape=(c.n_tier, n_item),
                 keys=pairs)
    share = block(
        "menu_share",
        rows=np.concatenate([np.arange(pairs.size), link]),
        cols=np.concatenate([sigma_of[pairs], choice]),
        vals=np.concatenate([np.ones(pairs.size), -cols.choice_share]),
        lower=np.zeros(pairs.size), upper=np.zeros(pairs.size), **shape,
    )
    one = block(
        "menu_choice", rows=link, cols=choice, vals=np.ones(choice.size),
        lower=np.ones(pairs.size), upper=np.ones(pairs.size), **shape,
    )
    return [share, one]
