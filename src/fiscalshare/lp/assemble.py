"""Assemble the families into one sparse LP: columns, bounds, both objectives, rows.

The orchestrator :func:`assemble` reads like the model's table of contents: variables and their
bounds, then each constraint family, then the two objectives of the lexicographic solve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from fiscalshare.lp import families
from fiscalshare.lp.structure import Structure


@dataclass
class LinearModel:
    """``min c x  s.t.  row_lower ≤ A x ≤ row_upper, col_lower ≤ x ≤ col_upper``."""

    structure: Structure
    matrix: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray  # 1 for the menu binaries
    shortfall_cost: np.ndarray  # stage 1: Σ w u
    provincial_cost: np.ndarray  # stage 2: Σ_y (Σ σ D + Σ e)
    blocks: dict[str, families.Block] = field(default_factory=dict)
    offsets: dict[str, int] = field(default_factory=dict)

    @property
    def n_row(self) -> int:
        return self.row_lower.size

    def rows_of(self, family: str) -> np.ndarray:
        start = self.offsets[family]
        return np.arange(start, start + self.blocks[family].n_rows)


def column_bounds(s: Structure) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Bounds: :math:`s^{min} \le \sigma \le s^{max}` (σ = s⁰ in ``fixed`` mode), ``u ≥ 0``
    (and :math:`u \le (1-s^0) D` in ``fixed`` mode), ``e ≥ 0``, menu binaries in [0, 1]."""
    lower = np.zeros(s.n_col)
    upper = np.full(s.n_col, np.inf)
    if s.sigma_fixed:
        lower[: s.n_sigma] = s.share_fixed.ravel()
        upper[: s.n_sigma] = s.share_fixed.ravel()
    else:
        lower[: s.n_sigma] = s.share_min.ravel()
        upper[: s.n_sigma] = s.share_max.ravel()
    r, i, y = np.unravel_index(s.u_index, s.remainder.shape)
    room = s.remainder[r, i, y]
    if s.sigma_fixed:
        room = (1.0 - s.share_fixed[s.tier_of_region[r], i]) * room
    upper[s.u_start : s.u_start + s.n_u] = room
    integrality = np.zeros(s.n_col, dtype=np.int8)
    if s.n_z:
        upper[s.z_start :] = 1.0
        integrality[s.z_start :] = 1
    return lower, upper, integrality


def objectives(s: Structure) -> tuple[np.ndarray, np.ndarray]:
    r"""Stage 1 :math:`z_1 = \sum w_{r,i} u_{r,i,y}`; stage 2
    :math:`z_2 = \sum_y \big(\sum_{r,i} \sigma_{t(r),i} D_{r,i,y} + \sum_a e_{a,y}\big)`."""
    shortfall = np.zeros(s.n_col)
    r, i, _ = np.unravel_index(s.u_index, s.remainder.shape)
    shortfall[s.u_start : s.u_start + s.n_u] = s.weight[r, i]
    provincial = np.zeros(s.n_col)
    provincial[: s.n_sigma] = families.sharing_totals(s).sum(axis=2).ravel()
    provincial[s.e_start : s.e_start + s.n_e] = 1.0
    return shortfall, provincial


def assemble(s: Structure) -> LinearModel:
    lower, upper, integrality = column_bounds(s)
    shortfall, provincial = objectives(s)
    blocks, offsets = {}, {}
    rows, cols, vals, row_lower, row_upper = [], [], [], [], []
    start = 0
    for family in families.FAMILIES:
        block = family(s)
        blocks[block.name] = block
        offsets[block.name] = start
        rows.append(block.rows + start)
        cols.append(block.cols)
        vals.append(block.vals)
        row_lower.append(block.lower)
        row_upper.append(block.upper)
        start += block.n_rows
    matrix = sp.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(start, s.n_col),
    )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return LinearModel(
        structure=s,
        matrix=matrix,
        row_lower=np.concatenate(row_lower),
        row_upper=np.concatenate(row_upper),
        col_lower=lower,
        col_upper=upper,
        integrality=integrality,
        shortfall_cost=shortfall,
        provincial_cost=provincial,
        blocks=blocks,
        offsets=offsets,
    )
