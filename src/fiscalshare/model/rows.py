"""A constraint family as prepared numbers, and the one way such rows become Pyomo constraints.

Each family module turns the coefficients into a :class:`RowBlock` — ``lower ≤ A x ≤ upper``
over the model's column vector, with a key per row saying which ``(unit, year)``, ``(region,
item, year)`` … it stands for.  The Pyomo rule then only slices prepared Python lists, and the
same blocks let a sweep check cheaply whether a change leaves the matrix as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

FEASIBILITY = 1e-9  # model money units: a row without variables may miss its bound by this


@dataclass(frozen=True, eq=False)
class RowBlock:
    """Rows ``lower ≤ matrix · x ≤ upper`` of one family, every row holding a variable."""

    name: str
    matrix: sp.csr_matrix
    lower: np.ndarray
    upper: np.ndarray
    keys: np.ndarray  # per row: a flat index into ``key_shape``
    key_dims: tuple[str, ...]
    key_shape: tuple[int, ...]
    unmet: np.ndarray  # keys of rows without variables whose bounds exclude zero

    @property
    def size(self) -> int:
        return self.lower.size

    def key_positions(self, keys=None) -> tuple[np.ndarray, ...]:
        """The rows' keys unravelled into one position array per key dimension."""
        return np.unravel_index(self.keys if keys is None else keys, self.key_shape)


def block(name: str, rows, cols, vals, lower, upper, *, n_columns: int, key_dims, key_shape,
          keys=None) -> RowBlock:
    """Assemble a family's rows from coordinate triplets (duplicates are summed).

    Rows that end up without a variable are dropped: they hold or fail by the data alone, and
    the keys of those that fail are kept in ``unmet`` (the case is then infeasible as given).
    """
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    n_rows = lower.size
    keys = np.arange(n_rows) if keys is None else np.asarray(keys, dtype=np.int64)
    vals = np.asarray(vals, dtype=float)
    keep_entries = vals != 0.0
    rows = np.asarray(rows, dtype=np.int64)[keep_entries]
    cols = np.asarray(cols, dtype=np.int64)[keep_entries]
    matrix = sp.csr_matrix(
        (vals[keep_entries], (rows, cols)),
        shape=(n_rows, n_columns),
    )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    has_variable = np.diff(matrix.indptr) > 0
    unmet = ~has_variable & ((lower > FEASIBILITY) | (upper < -FEASIBILITY))
    return RowBlock(
        name=name,
        matrix=matrix[has_variable],
        lower=lower[has_variable],
        upper=upper[has_variable],
        keys=keys[has_variable],
        key_dims=tuple(key_dims),
        key_shape=tuple(int(n) for n in key_shape),
        unmet=keys[unmet],
    )


def add_constraint(model, rows: RowBlock, variables: list) -> None:
    """Declare ``rows`` as one indexed Pyomo constraint named after the family.

    ``variables`` lists the Pyomo variables in column order; the rule builds each row as a
    ``LinearExpression`` from prepared coefficient lists, Pyomo's fastest path.
    """
    import pyomo.environ as pyo
    from pyomo.core.expr.numeric_expr import LinearExpression

    start = rows.matrix.indptr.tolist()
    index = rows.matrix.indices.tolist()
    value = rows.matrix.data.tolist()
    lower = [None if v == -np.inf else v for v in rows.lower.tolist()]
    upper = [None if v == np.inf else v for v in rows.upper.tolist()]

    def rule(_, k):
        first, last = start[k], start[k + 1]
        body = LinearExpression(constant=None, linear_coefs=value[first:last],
                                linear_vars=[variables[j] for j in index[first:last]])
        return (lower[k], body, upper[k])

    setattr(model, rows.name, pyo.Constraint(range(rows.size), rule=rule))
