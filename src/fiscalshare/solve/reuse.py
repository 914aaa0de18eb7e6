"""A case's model kept across the scenarios of a what-if sweep: one HiGHS instance, changed in place.

A sweep solves the same case many times with a few numbers changed.  :class:`KeptModel` builds
the model once (:func:`fiscalshare.model.build`, as a fresh solve does) and loads it into one
HiGHS instance.  For each scenario it

1. recomputes only the prepared coefficients that the scenario's changed inputs decide
   (:func:`fiscalshare.model.coefficients.refresh`, the same computations as ``prepare``) —
   together with those the previous scenario changed, so every scenario is solved from the
   case's own numbers and never depends on which scenario came before;
2. assembles columns, rows and costs from them (:func:`fiscalshare.model.build.assemble`, the
   one build path) and, when which columns, rows and non-zeros exist is unchanged, hands HiGHS
   only the column bounds, row bounds, costs and matrix entries that differ — otherwise (a
   remainder becoming zero, a budget for a year that had none, ``menu`` mode) it builds afresh;
3. runs the two lexicographic stages starting from the previous scenario's stage-1 basis, then
   puts the model back in its stage-1 form (stage 2's extra row deleted, shortfall bounds and
   costs restored), ready for the next scenario.

The figures it returns are computed from the column vector exactly as the results Dataset
computes them; a test holds every scenario to a standalone ``solve_case``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fiscalshare.errors import InfeasibleError
from fiscalshare.model import MONEY_UNIT, StandardForm, build, prepare
from fiscalshare.model.build import assemble, sparsity, stack_standard_form
from fiscalshare.model.coefficients import refresh
from fiscalshare.solve import extract, highs
from fiscalshare.solve.stages import (
    ZERO_SHORTFALL,
    CaseInfeasible,
    _require_optimal,
    set_up_stage_two,
)

# configuration entries that change which columns and rows exist: a new model, not new numbers
STRUCTURAL = ("ratio_mode", "equalisation", "backend", "method")


@dataclass
class Solved:
    """One scenario's optimum, by position (money in yuan)."""

    z1: float
    z2: float
    share: np.ndarray  # σ[t,i]
    equalisation: np.ndarray  # e[a,y]
    provincial_money: np.ndarray  # co-financing plus equalisation, by year
    shortfall: np.ndarray  # u[r,i,y]
    how: str  # "built" (a fresh model) or "updated" (numbers changed in place)


class KeptModel:
    """The model of one case under one configuration, kept in one HiGHS instance."""

    def __init__(self, inputs: xr.Dataset, config: dict, *, time_limit: float | None = None):
        self.inputs = inputs
        self.config = dict(config)
        self.time_limit = time_limit
        self._fresh(prepare(inputs, self.config), build(inputs, self.config))
        self._touched: set[str] = set()

    def _fresh(self, c, form: StandardForm) -> None:
        self.c, self.form = c, form
        self.sparsity = sparsity(form.columns, form.blocks)
        self.options = highs.solver_options(self.config, time_limit=self.time_limit)
        self.solver = highs.Solver(self.options, stop_mid_run=False)  # scenarios are short
        self.solver.load(form, form.costs["shortfall"])
        self.stage_one_rows = form.shape[0]
        self.stage_one_basis = None
        self.how = "built"

    # -- a scenario ---------------------------------------------------------------------------
    def solve(self, inputs: xr.Dataset, config: dict, changed: set[str]) -> Solved:
        """The optimum of ``inputs`` under ``config``, which differ from the kept case's only in
        ``changed`` (names of input variables and configuration entries).

        Raises ``InfeasibleError`` (with its diagnosis) or ``SolverLimitError`` as a fresh solve
        does.
        """
        config = dict(config)
        if set(changed) & set(STRUCTURAL) or any(config.get(k) != self.config.get(k)
                                                 for k in STRUCTURAL):
            raise ValueError("a kept model cannot change its ratio mode, equalisation or method")
        self.inputs_now, self.config_now = inputs, config
        self._take(inputs, config, set(changed))
        try:
            return self._stages()
        finally:
            self._back_to_stage_one()

    def _take(self, inputs: xr.Dataset, config: dict, changed: set[str]) -> None:
        c = refresh(self.c, inputs, config, changed | self._touched)
        self._touched = set(changed)
        cols, blocks, costs = assemble(c)
        if self.form.integer_columns.size or sparsity(cols, blocks) != self.sparsity:
            self._fresh(c, stack_standard_form(c, cols, blocks, costs))
            return
        new = stack_standard_form(c, cols, blocks, costs)
        old = self.form
        if not (np.array_equal(new.matrix.indptr, old.matrix.indptr)
                and np.array_equal(new.matrix.indices, old.matrix.indices)):
            self._fresh(c, new)  # the compiled matrix HiGHS holds is laid out otherwise
            return
        solver = self.solver
        moved = np.flatnonzero((new.col_lower != old.col_lower) | (new.col_upper != old.col_upper))
        solver.set_column_bounds(moved, new.col_lower[moved], new.col_upper[moved])
        moved = np.flatnonzero((new.row_lower != old.row_lower) | (new.row_upper != old.row_upper))
        solver.set_row_bounds(moved, new.row_lower[moved], new.row_upper[moved])
        if not np.array_equal(new.costs["shortfall"], old.costs["shortfall"]):
            solver.set_costs(new.costs["shortfall"])
        moved = np.flatnonzero(new.matrix.data != old.matrix.data)
        if moved.size:
            columns = np.repeat(np.arange(new.shape[1]), np.diff(new.matrix.indptr))
            solver.set_coefficients(new.matrix.indices[moved], columns[moved],
                                    new.matrix.data[moved])
        self.c, self.form, self.how = c, new, "updated"

    def _stages(self) -> Solved:
        form, solver = self.form, self.solver
        if form.unmet:
            self._infeasible()
        if self.stage_one_basis is not None:
            solver.start_from(self.stage_one_basis)
        solver.use_method("dual")  # a changed bound or right-hand side keeps the basis dual feasible
        first = solver.run()
        if first.status == highs.INFEASIBLE:
            self.stage_one_basis = None
            self._infeasible()
        _require_optimal(first, "stage 1")
        self.stage_one_basis = solver.basis()
        z1 = found = max(first.objective, 0.0)
        shortfall = form.columns.positions("shortfall")
        second = None
        if z1 <= ZERO_SHORTFALL:
            z1 = 0.0
            set_up_stage_two(solver, form, z1, warm=True)
            second = solver.run()
            if second.status == highs.INFEASIBLE:  # z1 was a rounding away from zero
                solver.set_column_bounds(shortfall, form.col_lower[shortfall],
                                         form.col_upper[shortfall])
                z1, second = found, None
        if second is None:
            set_up_stage_two(solver, form, z1)  # the row's slack enters the basis as basic
            second = solver.run()
        _require_optimal(second, "stage 2")
        return self._solved(second.x, z1)

    def _back_to_stage_one(self) -> None:
        form, solver = self.form, self.solver
        solver.drop_rows_from(self.stage_one_rows)
        shortfall = form.columns.positions("shortfall")
        solver.set_column_bounds(shortfall, form.col_lower[shortfall], form.col_upper[shortfall])
        solver.set_costs(form.costs["shortfall"])

    def _infeasible(self):
        from fiscalshare.solve.diagnosis import diagnose

        diagnosis = diagnose(self.inputs_now, self.config_now, self.options)
        raise InfeasibleError("no allocation meets the hard items and the co-financing within "
                              "the limits: " + diagnosis["summary"], diagnosis) from None

    def _solved(self, x: np.ndarray, z1: float) -> Solved:
        c = self.form.coefficients
        chosen = extract.decisions(self.form, x)
        province = chosen.share[c.tier_of_region][:, :, None] * c.remainder * MONEY_UNIT
        money = province.sum(axis=(0, 1)) + chosen.equalisation.sum(axis=0)
        return Solved(z1=float(z1 * MONEY_UNIT), z2=float(money.sum()), share=chosen.share,
                      equalisation=chosen.equalisation, provincial_money=money,
                      shortfall=chosen.shortfall, how=self.how)


def solve_fresh(inputs: xr.Dataset, config: dict, *, time_limit: float | None = None) -> Solved:
    """A scenario solved on a model of its own (what a sweep without reuse does)."""
    model = KeptModel(inputs, config, time_limit=time_limit)
    return model.solve(inputs, config, set())


__all__ = ["CaseInfeasible", "KeptModel", "Solved", "solve_fresh"]
