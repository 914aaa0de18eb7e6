"""The one module that talks to HiGHS (highspy).

It hands over a compiled :class:`~fiscalshare.model.StandardForm` in one ``passModel`` call,
changes costs, bounds and rows of the kept model between stages, runs, and reads the model
status.  It never raises on a non-optimal result: :class:`Outcome` carries the status mapped to
one of ``optimal``, ``infeasible``, ``limit`` or ``other`` and the caller decides.  Solutions and
duals come back as numpy arrays by position, never one object per variable.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np

from fiscalshare.config import as_config
from fiscalshare.model import StandardForm

OPTIMAL, INFEASIBLE, LIMIT, OTHER = "optimal", "infeasible", "limit", "other"

_STATUS = {
    highspy.HighsModelStatus.kOptimal: OPTIMAL,
    highspy.HighsModelStatus.kModelEmpty: OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: INFEASIBLE,
    # both objectives are bounded below by zero, so "unbounded or infeasible" is infeasible
    highspy.HighsModelStatus.kUnboundedOrInfeasible: INFEASIBLE,
    highspy.HighsModelStatus.kTimeLimit: LIMIT,
    highspy.HighsModelStatus.kIterationLimit: LIMIT,
    highspy.HighsModelStatus.kSolutionLimit: LIMIT,
    highspy.HighsModelStatus.kInterrupt: LIMIT,
    highspy.HighsModelStatus.kMemoryLimit: LIMIT,
}
_FEASIBLE = 2  # HiGHS's kSolutionStatusFeasible
_HIGHS_DEFAULTS = {"primal_feasibility_tolerance": 1e-7, "dual_feasibility_tolerance": 1e-7,
                   "mip_feasibility_tolerance": 1e-6}

# ``auto`` gives every LP to dual simplex.  Measured on the national-scale synthetic case
# (642k columns, 2 cores): unlimited budget, stage 1 + 2 took 4.2 s with interior point +
# crossover and 5.0 s with dual simplex; with a budget tight enough for shortfalls, 69.6 s with
# interior point (crossover dominated) and 8.0 s with dual simplex.  ``method`` overrides.

_METHOD_OPTIONS = {
    "dual": {"solver": "simplex", "simplex_strategy": 1},
    "primal": {"solver": "simplex", "simplex_strategy": 4},
    "ipm": {"solver": "ipm", "run_crossover": "on"},
    "ipm-nocrossover": {"solver": "ipm", "run_crossover": "off"},
    "choose": {"solver": "choose"},
}


def status_of(model_status) -> str:
    """HiGHS's model status as one of optimal, infeasible, limit or other."""
    return _STATUS.get(model_status, OTHER)


def solver_options(config: dict, *, time_limit=None, threads=None) -> dict:
    """HiGHS options from the resolved configuration (JSON-able; stored with every run).

    One thread and a fixed seed by default: HiGHS is then deterministic, so the same input gives
    the same numbers on every run.  Money is in 万元 inside the model, so the feasibility
    tolerances below are in 万元 too.
    """
    config = as_config(config)
    limit = time_limit if time_limit is not None else config.time_limit
    options = {
        "threads": int(threads if threads is not None else config.threads),
        "random_seed": int(config.random_seed),
        "mip_rel_gap": float(config.mip_rel_gap),
        # in 万元: 1e-8 is 1e-4 yuan, inside the contract's 1e-3 yuan per row.  HiGHS's MIP
        # default of 1e-6 let a menu-mode budget row over by 3e-3 yuan; 1e-8 made its MIP end
        # in "Solve error" on a county-level case, 1e-7 (1e-3 yuan) did not

        "primal_feasibility_tolerance": 1e-8,
        "dual_feasibility_tolerance": 1e-8,
        "mip_feasibility_tolerance": 1e-7,
        "method": str(config.method),
    }
    if limit is not None:
        options["time_limit"] = float(limit)
    return options


def method_options(method: str, *, integer: bool) -> dict:
    """The HiGHS algorithm for one model: ``auto`` picks by model class."""
    if method in ("auto", "plain", "face", "decomposed"):
        method = "choose" if integer else "dual"
    return dict(_METHOD_OPTIONS[method])


@dataclass
class Outcome:
    """What one HiGHS run ended with (money in model units)."""

    status: str
    word: str  # HiGHS's own word for the model status
    objective: float
    x: np.ndarray | None  # column values, when HiGHS has a feasible point
    row_dual: np.ndarray | None  # row duals, when valid (LPs solved to optimality)
    seconds: float  # HiGHS's own clock for this run
    best_bound: float | None = None  # MIP dual bound, when there is one


PROGRESS_EVERY = 1.0  # seconds between two progress events of one run
_INFEASIBILITY = re.compile(r"Pr:\s*\d+\(([-+0-9.eE]+)\)")


class Solver:
    """One kept HiGHS model: load once, then change costs, bounds and rows between runs.

    ``progress``, when given, is called at most every ``every`` seconds while HiGHS works, with
    keyword arguments ``stage`` (:attr:`stage`: ``stage1``, ``stage2`` …), ``objective`` (model
    units), ``iterations``, and ``gap`` (a MIP's relative gap) or ``infeasibility`` (the
    simplex's sum of primal infeasibilities, read from its log) when known.
    Ctrl-C during a run stops HiGHS through its interrupt callback and raises
    ``KeyboardInterrupt`` once HiGHS has returned (HiGHS is never left mid-run); with
    ``stop_mid_run=False`` (no callback) the run finishes first.
    """

    def __init__(self, options: dict, *, progress=None, every: float | None = None,
                 stop_mid_run: bool = True):
        self.options = dict(options)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        for key, value in self.options.items():
            if key != "method":
                self.highs.setOptionValue(key, value)
        self.integer = False
        self.stage = ""
        self.progress = progress
        self.every = PROGRESS_EVERY if every is None else every
        self._interrupted = threading.Event()
        self._last_event = 0.0
        self._infeasibility = None
        if stop_mid_run or progress is not None:
            # a Python call at every interrupt check: it costs a short solve several times its
            # own time, so a what-if sweep (many short solves) goes without it and Ctrl-C takes
            # effect when the run returns
            for event in (self.highs.cbSimplexInterrupt, self.highs.cbIpmInterrupt,
                          self.highs.cbMipInterrupt):
                event.subscribe(self._on_interrupt_check)
        if progress is not None:
            # the simplex log carries the infeasibilities; it reaches the callback only with
            # output on, so output goes to the callback and not to the console
            self.highs.setOptionValue("output_flag", True)
            self.highs.setOptionValue("log_to_console", False)
            self.highs.cbLogging.subscribe(self._on_log)

    def _on_log(self, event) -> None:
        found = _INFEASIBILITY.search(event.message or "")
        if found:
            self._infeasibility = float(found.group(1))

    def _on_interrupt_check(self, event) -> None:
        if self._interrupted.is_set():
            event.data_in.user_interrupt = True
            return
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self._last_event < self.every:
            return
        self._last_event = now
        out = event.data_out
        if event.callback_type == highspy.cb.HighsCallbackType.kCallbackMipInterrupt:
            self.progress(stage=self.stage, objective=float(out.mip_primal_bound),
                          gap=float(out.mip_gap), iterations=int(out.mip_node_count))
        else:
            iterations = max(int(out.simplex_iteration_count), int(out.ipm_iteration_count), 0)
            self.progress(stage=self.stage, objective=float(out.objective_function_value),
                          infeasibility=self._infeasibility, iterations=iterations)

    def load(self, form: StandardForm, cost: np.ndarray, *, integer: bool = True,
             col_lower: np.ndarray | None = None, col_upper: np.ndarray | None = None) -> None:
        """Pass the whole model in one call; ``integer=False`` relaxes the menu binaries."""
        lp = highspy.HighsLp()
        n_rows, n_cols = form.matrix.shape
        lp.num_col_ = n_cols
        lp.num_row_ = n_rows
        lp.col_cost_ = np.ascontiguousarray(cost, dtype=float)
        lp.col_lower_ = np.ascontiguousarray(form.col_lower if col_lower is None else col_lower)
        lp.col_upper_ = np.ascontiguousarray(form.col_upper if col_upper is None else col_upper)
        lp.row_lower_ = np.ascontiguousarray(form.row_lower)
        lp.row_upper_ = np.ascontiguousarray(form.row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = form.matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = form.matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = form.matrix.data.astype(float)
        self.highs.passModel(lp)
        integer_columns = form.integer_columns if integer else np.empty(0, dtype=np.int64)
        if integer_columns.size:
            self.highs.changeColsIntegrality(
                integer_columns.size, integer_columns.astype(np.int32),
                np.full(integer_columns.size, highspy.HighsVarType.kInteger.value, np.uint8))
        self.integer = bool(integer_columns.size)
        self.use_method(self.options.get("method", "auto"))

    def use_method(self, method: str) -> None:
        for key, value in method_options(method, integer=self.integer).items():
            self.highs.setOptionValue(key, value)

    def set_costs(self, cost: np.ndarray) -> None:
        index = np.arange(cost.size, dtype=np.int32)
        self.highs.changeColsCost(cost.size, index, np.ascontiguousarray(cost, dtype=float))

    def set_offset(self, offset: float) -> None:
        """A constant added to the objective (the co-financing at shares that are data)."""
        self.highs.changeObjectiveOffset(float(offset))

    def set_column_bounds(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if columns.size:
            self.highs.changeColsBounds(columns.size, columns.astype(np.int32),
                                        np.ascontiguousarray(lower, dtype=float),
                                        np.ascontiguousarray(upper, dtype=float))

    def set_row_bounds(self, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if rows.size:
            self.highs.changeRowsBounds(rows.size, rows.astype(np.int32),
                                        np.ascontiguousarray(lower, dtype=float),
                                        np.ascontiguousarray(upper, dtype=float))

    def add_row(self, columns: np.ndarray, values: np.ndarray, upper: float) -> None:
        self.highs.addRow(-highspy.kHighsInf, float(upper), columns.size,
                          columns.astype(np.int32), np.ascontiguousarray(values, dtype=float))

    def set_coefficients(self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray) -> None:
        """Change matrix entries in place (a what-if that scales a remainder ``D``)."""
        for row, column, value in zip(rows.tolist(), columns.tolist(), values.tolist(),
                                      strict=True):
            self.highs.changeCoeff(int(row), int(column), float(value))

    @property
    def row_count(self) -> int:
        return int(self.highs.getNumRow())

    def drop_rows_from(self, first: int) -> None:
        """Delete every row from position ``first`` on (stage 2's row, before a re-solve)."""
        count = self.row_count - first
        if count > 0:
            self.highs.deleteRows(count, np.arange(first, first + count, dtype=np.int32))

    def basis(self):
        """HiGHS's current basis (to start a later solve of a changed model from it)."""
        return self.highs.getBasis()

    def start_from(self, basis) -> None:
        self.highs.setBasis(basis)

    def offer_solution(self, x: np.ndarray) -> None:
        """A known feasible point as the MIP's first incumbent."""
        solution = highspy.HighsSolution()
        solution.col_value = np.ascontiguousarray(x, dtype=float)
        self.highs.setSolution(solution)

    def forget_solution(self) -> None:
        """Drop the basis and solution, so the next run starts from scratch (with presolve)."""
        self.highs.clearSolver()

    def column_duals(self) -> np.ndarray:
        """Reduced costs of the last solve."""
        return np.asarray(self.highs.getSolution().col_dual, dtype=float)

    def row_values(self) -> np.ndarray:
        """Row activities ``A x`` of the last solve."""
        return np.asarray(self.highs.getSolution().row_value, dtype=float)

    def set_time_limit(self, seconds: float | None) -> None:
        if seconds is not None:
            self.highs.setOptionValue("time_limit", max(float(seconds), 0.0))

    def run(self) -> Outcome:
        """Solve, with a second opinion where HiGHS's first answer is doubtful.

        - "infeasible" is confirmed once more without presolve: HiGHS 1.15's MIP presolve has
          been seen to declare a small menu-mode model infeasible that has a feasible point
          (found by the randomised property tests);
        - a solve error is retried once with HiGHS's own, looser feasibility tolerances (the
          independent verifier still checks the answer against the contract's).
        Either costs one more solve, and only in a case that went wrong.
        """
        outcome = self._run_once()
        if outcome.status == INFEASIBLE:
            retry = {"presolve": "off"}
        elif outcome.status == OTHER:
            retry = {key: _HIGHS_DEFAULTS[key] for key in _HIGHS_DEFAULTS}
        else:
            return outcome
        before = {key: self.highs.getOptionValue(key)[1] for key in retry}
        for key, value in retry.items():
            self.highs.setOptionValue(key, value)
        self.highs.clearSolver()
        second = self._run_once()
        for key, value in before.items():
            self.highs.setOptionValue(key, value)
        second.seconds += outcome.seconds
        return second

    def _run_once(self) -> Outcome:
        before = self.highs.getRunTime()
        self._last_event = -float("inf")  # the first callback of a run reports at once
        self._infeasibility = None
        self._run_interruptibly()
        seconds = self.highs.getRunTime() - before
        status = self.highs.getModelStatus()
        word = self.highs.modelStatusToString(status)
        mapped = status_of(status)
        info = self.highs.getInfo()
        bound = float(info.mip_dual_bound) if self.integer else None
        x = row_dual = None
        if info.primal_solution_status == _FEASIBLE or mapped == OPTIMAL:
            solution = self.highs.getSolution()
            x = np.asarray(solution.col_value, dtype=float)
            if mapped == OPTIMAL and solution.dual_valid and not self.integer:
                row_dual = np.asarray(solution.row_dual, dtype=float)
        objective = float(info.objective_function_value) if x is not None else np.nan
        return Outcome(mapped, word, objective, x, row_dual, seconds, bound)

    def _run_interruptibly(self) -> None:
        """``Highs.run`` with Ctrl-C turned into HiGHS's user interrupt (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            self.highs.run()
            return
        self._interrupted.clear()
        previous = signal.signal(signal.SIGINT, lambda *_: self._interrupted.set())
        try:
            self.highs.run()
        finally:
            signal.signal(signal.SIGINT, previous)
        if self._interrupted.is_set():
            raise KeyboardInterrupt

    def write(self, path: Path) -> None:
        """The model as HiGHS holds it now (MPS or LP by the file's suffix)."""
        self.highs.writeModel(str(path))
