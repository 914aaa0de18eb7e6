"""The constraint families of spec/model.md, each a block of sparse rows built with numpy.

Notation (all money in model units, see ``structure.SCALE``): ``D[r,i,y]`` remainder,
``σ[t,i]`` provincial share, ``u[r,i,y]`` shortfall, ``e[a,y]`` equalisation, ``π[t,i]``
prefecture share, ``Cap[a,y]`` capacity, ``B[y]`` budget, ``E[y]`` pool.  Each family's docstring
carries its mathematics; ``docs/formulation.md`` is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalshare.lp.structure import Structure

INF = np.inf


@dataclass
class Block:
    """Rows ``lower ≤ A x ≤ upper`` of one family; ``keys`` label each row for diagnostics."""

    name: str
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    keys: np.ndarray  # per row: a flat index into the family's own index space

    @property
    def n_rows(self) -> int:
        return self.lower.size


def local_part_nonnegative(s: Structure) -> Block:
    r"""Constraint 1 — a shortfall only ever reduces the local part.

    .. math:: u_{r,i,y} + D_{r,i,y}\,\sigma_{t(r),i} \le D_{r,i,y}

    One row per shortfall column.  In ``fixed`` mode σ is data and the row becomes the column
    bound :math:`u \le (1 - s^0) D` instead (no row).
    """
    if s.sigma_fixed or s.n_u == 0:
        return _empty("local_part_nonnegative")
    r, i, y = np.unravel_index(s.u_index, s.remainder.shape)
    d = s.remainder[r, i, y]
    rows = np.arange(s.n_u)
    cols = np.concatenate([s.u_start + rows, s.sigma_col(s.tier_of_region[r], i)])
    vals = np.concatenate([np.ones(s.n_u), d])
    return Block("local_part_nonnegative", np.concatenate([rows, rows]), cols, vals,
                 np.full(s.n_u, -INF), d, s.u_index)


def affordability(s: Structure) -> Block:
    r"""Constraint 2 — every spending unit can afford its share of local parts.

    .. math:: \sum_{r,i} \alpha_{a,r,i}\big((1-\sigma_{t(r),i}) D_{r,i,y} - u_{r,i,y}\big)
              \le Cap_{a,y} + e_{a,y}

    with :math:`\alpha = 1-\pi` for a county's own unit, :math:`\pi` for its prefecture and 1 for
    a prefecture-level region.  Moving the data to the right-hand side:

    .. math:: -\sum \alpha D\,\sigma - \sum \alpha\,u - e_{a,y} \le Cap_{a,y} - \sum \alpha D
    """
    own, parent = s.unit_shares()
    n_r, n_i, n_y = s.remainder.shape
    terms_unit, terms_alpha = [s.own_unit], [own]
    if (s.parent_unit >= 0).any():
        terms_unit.append(np.where(s.parent_unit >= 0, s.parent_unit, s.own_unit))
        terms_alpha.append(parent)
    rows, cols, vals = [], [], []
    rhs = s.capacity.copy()  # [a,y]
    u_lookup = np.full(n_r * n_i * n_y, -1, dtype=np.int64)
    u_lookup[s.u_index] = np.arange(s.n_u)
    r_grid, i_grid, y_grid = np.meshgrid(np.arange(n_r), np.arange(n_i), np.arange(n_y),
                                         indexing="ij")
    flat = np.ravel_multi_index((r_grid, i_grid, y_grid), (n_r, n_i, n_y))
    for unit, alpha in zip(terms_unit, terms_alpha, strict=True):
        a = np.broadcast_to(unit[:, None, None], (n_r, n_i, n_y))
        coef = alpha[:, :, None] * s.remainder  # α·D [r,i,y]
        np.subtract.at(rhs, (a.ravel(), y_grid.ravel()), coef.ravel())
        row = a * n_y + y_grid
        keep = coef != 0
        # σ terms: −α·D, summed per (row, σ) by the matrix assembly
        rows.append(row[keep])
        cols.append(s.sigma_col(s.tier_of_region[r_grid[keep]], i_grid[keep]))
        vals.append(-coef[keep])
        # u terms: −α
        has_u = (u_lookup[flat] >= 0) & (np.broadcast_to(alpha[:, :, None], coef.shape) != 0)
        rows.append(row[has_u])
        cols.append(s.u_start + u_lookup[flat[has_u]])
        vals.append(-np.broadcast_to(alpha[:, :, None], coef.shape)[has_u])
    if s.equalisation:
        row = np.arange(s.n_unit * n_y)
        rows.append(row)
        cols.append(s.e_start + row)
        vals.append(-np.ones(row.size))
    n_rows = s.n_unit * n_y
    return Block("affordability", np.concatenate(rows), np.concatenate(cols),
                 np.concatenate(vals), np.full(n_rows, -INF), rhs.ravel(), np.arange(n_rows))


def provincial_budget(s: Structure) -> Block:
    r"""Constraint 3 — the province spends no more than its budget, where one is given.

    .. math:: \sum_{r,i} \sigma_{t(r),i} D_{r,i,y} + \sum_a e_{a,y} \le B_y
    """
    years = np.flatnonzero(np.isfinite(s.budget))
    return _spending_rows("provincial_budget", s, years, s.budget[years], with_shares=True)


def equalisation_pool(s: Structure) -> Block:
    r"""Constraint 4 — equalisation transfers stay within the pool, where one is given.

    .. math:: \sum_a e_{a,y} \le E_y
    """
    years = np.flatnonzero(np.isfinite(s.pool)) if s.equalisation else np.empty(0, dtype=int)
    return _spending_rows("equalisation_pool", s, years, s.pool[years], with_shares=False)


def _spending_rows(name, s: Structure, years, upper, *, with_shares: bool) -> Block:
    rows, cols, vals = [], [], []
    tier_item_year = sharing_totals(s)  # Σ_{r in t} D [t,i,y]
    for k, y in enumerate(years):
        if with_shares:
            coef = tier_item_year[:, :, y].ravel()
            nz = np.flatnonzero(coef)
            rows.append(np.full(nz.size, k))
            cols.append(s.sigma_start + nz)
            vals.append(coef[nz])
        if s.equalisation:
            units = np.arange(s.n_unit)
            rows.append(np.full(s.n_unit, k))
            cols.append(s.e_col(units, y))
            vals.append(np.ones(s.n_unit))
    if not rows:
        return Block(name, *(np.empty(0, dtype=np.int64),) * 2, np.empty(0), np.full(len(years), -INF),
                     np.asarray(upper, dtype=float), np.asarray(years))
    return Block(name, np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
                 np.full(len(years), -INF), np.asarray(upper, dtype=float), np.asarray(years))


def sharing_totals(s: Structure) -> np.ndarray:
    """``Σ_{r: t(r)=t} D[r,i,y]`` as ``[t,i,y]``: what one point of σ costs the province."""
    totals = np.zeros((s.n_tier, s.n_item, s.n_year))
    np.add.at(totals, s.tier_of_region, s.remainder)
    return totals


def priority_for_poorer(s: Structure) -> Block:
    r"""Constraint 5 — a poorer tier never gets a smaller provincial share (``optimise``, ``menu``).

    .. math:: \sigma_{t',i} - \sigma_{t,i} \ge 0 \quad \text{for consecutive tiers } t < t'
              \text{ that both have a sharing row for } i
    """
    if s.sigma_fixed or s.n_tier < 2:
        return _empty("priority_for_poorer")
    t, i = np.nonzero(s.sharing_given[:-1] & s.sharing_given[1:])
    n = t.size
    rows = np.arange(n)
    cols = np.concatenate([s.sigma_col(t + 1, i), s.sigma_col(t, i)])
    vals = np.concatenate([np.ones(n), -np.ones(n)])
    return Block("priority_for_poorer", np.concatenate([rows, rows]), cols, vals,
                 np.zeros(n), np.full(n, INF), t * s.n_item + i)


def ratio_menu_choice(s: Structure) -> Block:
    r"""``menu`` mode — each share is one of the allowed values inside its bounds.

    .. math:: \sigma_{t,i} = \sum_k m_k z_{t,i,k}, \qquad \sum_k z_{t,i,k} = 1,
              \qquad z \in \{0,1\}, \; m_k \in \text{menu} \cap [s^{min}_{t,i}, s^{max}_{t,i}]
    """
    if s.n_z == 0:
        return _empty("ratio_menu_choice")
    pairs = np.unique(s.z_tier_item)
    position = {p: k for k, p in enumerate(pairs)}
    link = np.array([position[p] for p in s.z_tier_item])
    n = pairs.size
    z_cols = s.z_start + np.arange(s.n_z)
    rows = np.concatenate([np.arange(n), link, n + link])
    cols = np.concatenate([s.sigma_start + pairs, z_cols, z_cols])
    vals = np.concatenate([np.ones(n), -s.z_value, np.ones(s.n_z)])
    lower = np.concatenate([np.zeros(n), np.ones(n)])
    return Block("ratio_menu_choice", rows, cols, vals, lower, lower.copy(),
                 np.concatenate([pairs, pairs]))


def _empty(name: str) -> Block:
    nothing = np.empty(0, dtype=np.int64)
    return Block(name, nothing, nothing, np.empty(0), np.empty(0), np.empty(0), nothing)


FAMILIES = (
    local_part_nonnegative,
    affordability,
    provincial_budget,
    equalisation_pool,
    priority_for_poorer,
    ratio_menu_choice,
)
