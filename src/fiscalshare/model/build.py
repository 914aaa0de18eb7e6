"""Build the allocation model of docs/model.md and compile it to the matrix HiGHS is given.

:func:`build` reads like the model's table of contents: prepare the coefficients, lay out the
variables, prepare each constraint family's rows, declare all of it in Pyomo, and compile the
Pyomo model to standard form with ``LinearStandardFormCompiler``.  The result,
:class:`StandardForm`, holds numpy arrays only (the Pyomo model is dropped unless asked for), so
the solver adapter never touches a Pyomo object and a national-scale case does not keep millions
of them alive.

Two backends produce the same :class:`StandardForm` from the same prepared rows (a test holds
them to identical matrices): ``pyomo`` declares and compiles the Pyomo model; ``matrix`` stacks
the prepared rows directly.  Measured on this 2-core machine class, Pyomo costs about 35 µs per
row: a county-level province (32k rows, 170k non-zeros) takes 1.0 s against 0.15 s of HiGHS,
the national-scale case (642k rows) 15.8 s to declare and 7.5 s to compile against 5.2 s of
HiGHS; the matrix path takes 0.04 s and 0.5 s.  Declaring the variables and long rows costs as
much as short rows (a county-level case in ``fixed`` mode, 700 rows but 32k columns, still takes
1.1 s), and importing Pyomo costs 0.25 s more (0.9 s while it loaded scipy.stats: see
``model.unused_scipy``), so ``auto`` measures a model by columns plus non-zeros: up to
:data:`PYOMO_UP_TO_SIZE` (hand cases, the Guizhou example) it declares the Pyomo model, above it
takes the matrix path, whose matrix is the same.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import xarray as xr

from fiscalshare.config import BACKENDS, as_config
from fiscalshare.model import objective, variables
from fiscalshare.model.coefficients import Coefficients, prepare
from fiscalshare.model.constraints import FAMILIES
from fiscalshare.model.rows import RowBlock, add_constraint
from fiscalshare.model.variables import Columns

PYOMO_UP_TO_SIZE = 5_000  # columns + non-zeros


@dataclass(eq=False)
class StandardForm:
    """``min cost·x  s.t.  row_lower ≤ A x ≤ row_upper,  col_lower ≤ x ≤ col_upper``."""

    coefficients: Coefficients
    columns: Columns
    blocks: list[RowBlock]
    matrix: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    costs: dict[str, np.ndarray]
    integer_columns: np.ndarray
    pyomo_model: object | None = None
    seconds: dict = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def rows_of(self, name: str) -> slice:
        """Rows of one family (as named by its Pyomo constraint) in the matrix."""
        start = 0
        for rows in self.blocks:
            if rows.name == name:
                return slice(start, start + rows.size)
            start += rows.size
        raise KeyError(name)

    def family(self, name: str) -> RowBlock:
        return next(rows for rows in self.blocks if rows.name == name)

    @property
    def unmet(self) -> dict[str, np.ndarray]:
        """Rows without variables that the data alone violate: the case is infeasible."""
        return {rows.name: rows.unmet for rows in self.blocks if rows.unmet.size}

    def structure(self) -> tuple:
        """What a fresh build would have to reproduce for an in-place update to be exact."""
        return (self.columns.structure(),
                tuple((rows.name, rows.keys.tobytes(), rows.matrix.indptr.tobytes(),
                       rows.matrix.indices.tobytes(), rows.matrix.data.tobytes())
                      for rows in self.blocks))


def constraint_rows(c: Coefficients, cols: Columns) -> list[RowBlock]:
    """Every family's rows, in build order."""
    return [rows for family in FAMILIES for rows in family.rows(c, cols)]


def assemble(c: Coefficients) -> tuple[Columns, list[RowBlock], dict[str, np.ndarray]]:
    """The columns, every family's rows and the objectives' costs of prepared coefficients.

    The one path from numbers to the model: :func:`build` compiles its result for a fresh
    solve, and a what-if sweep's kept model (:mod:`fiscalshare.solve.reuse`) compares it with
    what HiGHS holds and changes only the numbers that differ.
    """
    cols = variables.lay_out(c)
    return cols, constraint_rows(c, cols), objective.costs(c, cols)


def sparsity(cols: Columns, blocks: list[RowBlock]) -> tuple:
    """Which columns, rows and non-zeros exist (not their values): a kept model may take new
    numbers in place exactly when this is unchanged."""
    return (cols.structure(),
            tuple((rows.name, rows.keys.tobytes(), rows.matrix.indptr.tobytes(),
                   rows.matrix.indices.tobytes()) for rows in blocks))


def build(inputs: xr.Dataset, config: dict, *, soft_everything: bool = False,
          elastic: bool = False, keep_pyomo: bool = False) -> StandardForm:
    """The model of ``inputs`` under ``config``, compiled (see :func:`prepare` for variants).

    ``config.backend`` picks the path to the matrix (``auto`` by default, see above);
    ``keep_pyomo`` forces the Pyomo path and keeps the Pyomo model on the result.
    """
    seconds = {}
    started = time.perf_counter()
    c = prepare(inputs, config, soft_everything=soft_everything, elastic=elastic)
    cols, blocks, cost = assemble(c)
    seconds["prepare_seconds"] = time.perf_counter() - started

    backend = ("pyomo" if keep_pyomo
               else choose_backend(as_config(config).backend, cols, blocks))
    started = time.perf_counter()
    if backend == "pyomo":
        model = pyomo_model(c, cols, blocks, cost)
        seconds["pyomo_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        form = compile_standard_form(model, c, cols, blocks, cost)
        seconds["compile_seconds"] = time.perf_counter() - started
        form.pyomo_model = model if keep_pyomo else None
    else:
        form = stack_standard_form(c, cols, blocks, cost)
        seconds["stack_seconds"] = time.perf_counter() - started
    form.seconds = seconds
    return form


def choose_backend(backend: str, cols: Columns, blocks: list[RowBlock]) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    if backend != "auto":
        return backend
    size = cols.count + sum(rows.matrix.nnz for rows in blocks)
    return "pyomo" if size <= PYOMO_UP_TO_SIZE else "matrix"


def pyomo_model(c: Coefficients, cols: Columns, blocks: list[RowBlock], cost: dict):
    """The Pyomo model: variables, one constraint per family, the objectives."""
    import pyomo.environ as pyo

    model = pyo.ConcreteModel(name="fiscalshare_allocation")
    declared = variables.add_variables(model, c, cols)
    flat = [v for variable in declared for v in variable.values()]
    for rows in blocks:
        add_constraint(model, rows, flat)
    objective.add_objectives(model, cost, flat)
    model.column_order = declared  # plain attribute: the compiler's column order
    return model


def compile_standard_form(model, c: Coefficients, cols: Columns, blocks: list[RowBlock],
                          cost: dict) -> StandardForm:
    """Compile ``model`` with Pyomo's ``LinearStandardFormCompiler`` and check it against the
    prepared rows: the matrix HiGHS gets is Pyomo's, its bounds and costs the prepared ones
    (they are what a sweep changes in place)."""
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    info = LinearStandardFormCompiler().write(model, mixed_form=True,
                                              column_order=model.column_order)
    positions = _column_positions(info.columns, model.column_order, cols.count)
    matrix = _full_columns(sp.csc_matrix(info.A), positions, cols.count)
    n_rows = sum(rows.size for rows in blocks)
    if matrix.shape[0] != n_rows:
        raise RuntimeError(f"compiled {matrix.shape[0]} rows, prepared {n_rows}")
    row_lower = np.concatenate([rows.lower for rows in blocks]) if blocks else np.empty(0)
    row_upper = np.concatenate([rows.upper for rows in blocks]) if blocks else np.empty(0)
    _check_rows(info, row_lower, row_upper)
    compiled_costs = _full_columns(sp.csc_matrix(info.c), positions, cols.count).toarray()
    for k, name in enumerate(name for name in objective.OBJECTIVES if name in cost):
        if not np.allclose(compiled_costs[k], cost[name], rtol=1e-12, atol=0):
            raise RuntimeError(f"the compiled {name} objective differs from the prepared one")
    lower, upper = variables.bounds(c, cols)
    return StandardForm(
        coefficients=c, columns=cols, blocks=blocks, matrix=matrix,
        row_lower=row_lower, row_upper=row_upper, col_lower=lower, col_upper=upper,
        costs=cost, integer_columns=variables.integrality(cols),
    )


def stack_standard_form(c: Coefficients, cols: Columns, blocks: list[RowBlock],
                        cost: dict) -> StandardForm:
    """The standard form straight from the prepared rows, without Pyomo (same result)."""
    matrix = (sp.vstack([rows.matrix for rows in blocks], format="csc") if blocks
              else sp.csc_matrix((0, cols.count)))
    matrix.sort_indices()
    lower, upper = variables.bounds(c, cols)
    return StandardForm(
        coefficients=c, columns=cols, blocks=blocks, matrix=matrix,
        row_lower=np.concatenate([rows.lower for rows in blocks]),
        row_upper=np.concatenate([rows.upper for rows in blocks]),
        col_lower=lower, col_upper=upper, costs=cost,
        integer_columns=variables.integrality(cols),
    )


def _column_positions(compiled: list, declared: list, count: int) -> np.ndarray:
    """Position in the column layout of each compiled column (the compiler drops columns that
    appear nowhere, e.g. σ of a tier whose remainder is zero and which no chain links)."""
    if len(compiled) == count:
        return np.arange(count)
    layout = {id(v): k for k, v in enumerate(v for variable in declared
                                             for v in variable.values())}
    return np.array([layout[id(v)] for v in compiled], dtype=np.int64)


def _full_columns(matrix: sp.csc_matrix, positions: np.ndarray, count: int) -> sp.csc_matrix:
    """Spread compiled columns back to their layout positions (dropped columns stay empty)."""
    if matrix.shape[1] == count and np.array_equal(positions, np.arange(count)):
        return matrix
    coo = matrix.tocoo()
    return sp.csc_matrix((coo.data, (coo.row, positions[coo.col])),
                         shape=(matrix.shape[0], count))


def _check_rows(info, lower: np.ndarray, upper: np.ndarray) -> None:
    """The compiled right-hand sides are the prepared bounds (a guard against drift)."""
    kinds = np.fromiter((entry.bound_type for entry in info.rows), dtype=np.int8,
                        count=len(info.rows))
    rhs = np.asarray(info.rhs, dtype=float)
    expected = np.where(kinds == -1, lower, upper)
    if not np.allclose(rhs, expected, rtol=1e-12, atol=1e-12):
        raise RuntimeError("the compiled right-hand sides differ from the prepared bounds")
