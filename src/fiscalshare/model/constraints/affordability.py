r"""Constraint 2 — every spending unit can afford its share of the local parts.

.. math:: \sum_{r,i} \alpha_{a,r,i}\,\big((1 - \sigma_{t(r),i}) D_{r,i,y} - u_{r,i,y}\big)
          \le Cap_{a,y} + e_{a,y}

for every spending unit :math:`a` and year :math:`y`, where :math:`\alpha_{a,r,i}` is the part of
region :math:`r`'s local part that unit :math:`a` bears: :math:`1 - \pi_{t(r),i}` for a county's
own unit, :math:`\pi_{t(r),i}` for the prefecture above it, 1 for a prefecture-level region.
With the data moved to the right-hand side (σ aggregated per tier, as every region of a tier
shares one σ):

.. math:: -\sum_{t,i} \Big(\sum_{r: t(r)=t} \alpha_{a,r,i} D_{r,i,y}\Big)\sigma_{t,i}
          - \sum_{r,i} \alpha_{a,r,i}\,u_{r,i,y} - e_{a,y}
          \le Cap_{a,y} - \sum_{r,i} \alpha_{a,r,i} D_{r,i,y}

In ``fixed`` mode σ is data and its terms join the right-hand side.  A unit whose row has no
variable (no shortfall, no equalisation, σ fixed) either holds by its data or makes the case
infeasible as given.
"""

from __future__ import annotations

import numpy as np

from fiscalshare.model.coefficients import Coefficients
from fiscalshare.model.rows import RowBlock, block
from fiscalshare.model.variables import Columns

NAME = "affordability"


def bearers(c: Coefficients) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``(regions, units, α[regions, item])``: who bears which share of each local part."""
    everyone = np.arange(c.shape[0])
    counties = np.flatnonzero(c.is_county)
    return [(everyone, c.own_unit, c.own_part),
            (counties, c.parent_unit[counties], c.parent_part[counties])]


def rows(c: Coefficients, cols: Columns) -> list[RowBlock]:
    n_region, n_item, n_year = c.shape
    sigma_of = cols.lookup("sigma", c.n_tier * n_item)
    shortfall_of = cols.lookup("shortfall", c.remainder.size).reshape(c.shape)
    share = np.nan_to_num(c.data_share)
    years = np.arange(n_year)
    local_at_data_share = np.zeros((c.n_unit, n_year))
    entries = []
    for regions, units, alpha in bearers(c):
        alpha_d = alpha[:, :, None] * c.remainder[regions]  # α·D [r,i,y]
        tier = c.tier_of_region[regions]
        kept = alpha_d * (1.0 - share[tier])[:, :, None]
        np.add.at(local_at_data_share, units, kept.sum(axis=1))
        row = (units[:, None, None] * n_year + years[None, None, :])
        row = np.broadcast_to(row, alpha_d.shape)
        sigma_col = np.broadcast_to(sigma_of[tier[:, None] * n_item + np.arange(n_item)][:, :, None],
                                    alpha_d.shape)
        with_sigma = (sigma_col >= 0) & (alpha_d != 0)
        entries.append((row[with_sigma], sigma_col[with_sigma], -alpha_d[with_sigma]))
        u_col = shortfall_of[regions]
        alpha_full = np.broadcast_to(alpha[:, :, None], alpha_d.shape)
        with_u = (u_col >= 0) & (alpha_full != 0)
        entries.append((row[with_u], u_col[with_u], -alpha_full[with_u]))
    if cols.size("equalisation"):
        entries.append((cols.equalisation_keys, cols.positions("equalisation"),
                        -np.ones(cols.size("equalisation"))))
    n_rows = c.n_unit * n_year
    return [block(
        NAME,
        rows=np.concatenate([e[0] for e in entries]),
        cols=np.concatenate([e[1] for e in entries]),
        vals=np.concatenate([e[2] for e in entries]),
        lower=np.full(n_rows, -np.inf),
        upper=(c.capacity - local_at_data_share).ravel(),
        n_columns=cols.count,
        key_dims=("unit", "year"),
        key_shape=(c.n_unit, n_year),
    )]
