"""The lexicographic solve of docs/model.md on one kept HiGHS model.

Stage 1 minimises the priority-weighted shortfall ``z1``.  Stage 2 switches the costs to the
province's money on the same HiGHS model and keeps stage 1's optimum in one of two ways:

- ``z1 = 0``: every shortfall column is fixed at zero and HiGHS starts from scratch, because
  presolve then removes those columns (a warm start would skip presolve);
- ``z1 > 0``: the row ``Σ w u ≤ z1 + max(1e-7 z1, 1e-6)`` is added and an LP is warm-started
  from stage 1's basis with primal simplex (stage 1's optimum stays feasible); a MIP is given
  stage 1's solution as its first incumbent.

The ``method`` option picks the route (measured in docs/performance.md):

- ``plain``: stage 1 on the whole model by dual simplex, stage 2 as above;
- ``face``: stage 1 the same; where z1 > 0, stage 2 on stage 1's optimal face (cold: presolve
  removes most of the model);
- ``decomposed``: stage 1 through the years' structure (:mod:`.decompose`), stage 2 as ``face``;
- ``auto``: ``face`` for an LP of at least :data:`FACE_FROM` columns, ``plain`` otherwise;
- ``dual``, ``primal``, ``ipm``, ``ipm-nocrossover``, ``choose``: ``plain`` with that HiGHS
  algorithm for stage 1 (and for a cold stage 2).

In ``menu`` mode the sensitivities need duals of a linear programme: the LP of the stage they
come from is solved once more with the chosen menu shares fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fiscalshare.errors import SolverLimitError
from fiscalshare.model import MONEY_UNIT, StandardForm
from fiscalshare.model.objective import stage_two_limit
from fiscalshare.solve import decompose, highs

ZERO_SHORTFALL = 1e-6 / MONEY_UNIT  # z1 below 1e-6 weighted yuan counts as zero
FACE_FROM = 200_000  # columns: below this the plain stage 2 is as fast (docs/performance.md)


def route(form: StandardForm, method: str) -> str:
    """``plain``, ``face`` or ``decomposed`` for this model under the configured ``method``."""
    linear = form.integer_columns.size == 0
    if method == "decomposed" and decompose.applicable(form):
        return "decomposed"
    if linear and (method == "face" or (method == "auto" and form.shape[1] >= FACE_FROM)):
        return "face"
    return "plain"


class CaseInfeasible(Exception):  # noqa: N818 - a signal inside fiscalshare.solve, not an error
    """Stage 1 has no solution: the caller diagnoses the case."""


@dataclass
class Stages:
    """The outcome of both stages (money in model units)."""

    x: np.ndarray
    z1: float
    stage1_duals: np.ndarray | None  # where z1 > 0: for budget_value
    stage2_duals: np.ndarray | None  # where z1 = 0: for marginal_cost and capacity_value
    termination: str
    seconds: dict = field(default_factory=dict)


def solve_stages(form: StandardForm, options: dict, *, progress=None) -> Stages:
    """Both stages on one HiGHS model; raises :class:`CaseInfeasible` or ``SolverLimitError``.

    ``progress`` (optional) is called while HiGHS works (see :class:`.highs.Solver`)."""
    if form.unmet:
        raise CaseInfeasible("a constraint without variables is violated by the data")
    clock = _Clock(options.get("time_limit"))
    solver = highs.Solver(options, progress=progress)
    solver.stage = "stage1"
    solver.load(form, form.costs["shortfall"])
    way = route(form, options.get("method", "auto"))
    clock.info["decomposed"] = int(way == "decomposed")
    clock.info["stage2_on_face"] = 0  # set where stage 2 runs on the face
    clock.info["stage1_skipped"] = int(zero_shortfall_evident(form))
    if clock.info["stage1_skipped"]:
        first = highs.Outcome(highs.OPTIMAL, "Optimal", 0.0, None, None, 0.0)
    elif way == "decomposed":
        first = _stage_one_decomposed(solver, form, options, clock, progress)
    else:
        first = clock.run(solver, "highs_stage1_seconds")
    _require_optimal(first, "stage 1")
    solver.stage = "stage2"
    z1 = found = max(first.objective, 0.0)
    stage1_duals = first.row_dual

    if z1 <= ZERO_SHORTFALL:
        z1 = 0.0
        set_up_stage_two(solver, form, z1)
        second = clock.run(solver, "highs_stage2_seconds")
        if second.status == highs.INFEASIBLE and first.x is None:  # stage 1 was skipped
            raise CaseInfeasible(second.word)
        if second.status == highs.INFEASIBLE:  # z1 was a rounding away from zero: keep it
            shortfall = form.columns.positions("shortfall")
            solver.set_column_bounds(shortfall, form.col_lower[shortfall],
                                     form.col_upper[shortfall])
            z1 = found
            second = _with_stage_one_row(solver, form, first, z1, clock)
    elif way in ("face", "decomposed"):
        clock.info["stage2_on_face"] = 1
        second = _on_optimal_face(solver, form, first, z1, clock)
    else:
        second = _with_stage_one_row(solver, form, first, z1, clock)
    _require_optimal(second, "stage 2")
    stage2_duals = second.row_dual if z1 == 0.0 else None
    if form.integer_columns.size:
        # the duals of a MIP are those of its LP at the chosen shares
        if z1 > 0:
            stage1_duals = _duals_at_chosen_shares(form, options, second.x, "shortfall", clock,
                                                   "highs_stage1_lp_seconds")
        else:
            stage2_duals = _duals_at_chosen_shares(form, options, second.x, "provincial_money",
                                                   clock, "highs_stage2_lp_seconds",
                                                   without_shortfall=True)
    return Stages(x=second.x, z1=z1, stage1_duals=stage1_duals, stage2_duals=stage2_duals,
                  termination=second.word, seconds={**clock.seconds, **clock.info})


def zero_shortfall_evident(form: StandardForm) -> bool:
    """Whether z1 = 0 holds by the model's shape alone, so stage 1 need not be solved: every
    affordability row has its own unbounded equalisation column and no year has a budget or a
    pool (untied money then closes any gap, and only affordability rows involve shortfalls)."""
    if form.integer_columns.size or not form.columns.size("shortfall"):
        return False
    names = {rows.name for rows in form.blocks if rows.size}
    if names - {"local_part", "affordability", "priority"}:
        return False  # a budget, a pool, menu rows: stage 1 decides
    equalisation = form.columns.positions("equalisation")
    if not equalisation.size or np.isfinite(form.col_upper[equalisation]).any():
        return False
    rows = form.rows_of("affordability")
    part = form.matrix[rows][:, equalisation]
    covered = np.diff(part.tocsr().indptr) > 0
    return bool(covered.all()) and bool((part.data < 0).all())


def set_up_stage_two(solver: highs.Solver, form: StandardForm, z1: float, *,
                     warm: bool = False) -> None:
    """Turn the kept stage-1 model into stage 2 for a stage-1 optimum ``z1`` (model units): the
    provincial money as costs; with ``z1 = 0`` (exactly: stage 1 sets a z1 within
    :data:`ZERO_SHORTFALL` to zero) every shortfall fixed at zero and, unless ``warm``, the
    solution forgotten (a cold start lets presolve remove them); otherwise the row
    ``Σ w u ≤ z1 + tolerance`` added.  A warm LP goes on by primal simplex (stage 1's optimum
    stays feasible).  The one set-up of fresh solves, sweeps (``warm``: a sweep keeps its basis
    from scenario to scenario) and ``--write-mps``."""
    solver.set_costs(form.costs["provincial_money"])
    if z1 == 0.0:
        shortfall = form.columns.positions("shortfall")
        solver.set_column_bounds(shortfall, np.zeros(shortfall.size), np.zeros(shortfall.size))
        if not warm:
            solver.forget_solution()
            return
    else:
        weights = form.costs["shortfall"]
        columns = np.flatnonzero(weights)
        solver.add_row(columns, weights[columns], stage_two_limit(z1))
    if not solver.integer:
        solver.use_method("primal")


def _stage_one_decomposed(solver: highs.Solver, form: StandardForm, options: dict, clock,
                          progress) -> highs.Outcome:
    """Benders over σ for a centre, then the whole stage-1 LP boxed around it (exact)."""
    centre = decompose.benders(form, options, progress=progress)
    clock.seconds["benders_seconds"] = centre.seconds
    clock.info["benders_rounds"] = centre.rounds
    if centre.upper_bound <= ZERO_SHORTFALL / 10 and centre.x is not None:
        # a point without shortfall: z1 = 0 is proven, the boxed LP is not needed
        return highs.Outcome(highs.OPTIMAL, "Optimal", 0.0, centre.x, None, 0.0)
    outcome, boxes = decompose.boxed_stage_one(solver, form, centre.sigma, clock,
                                               progress=progress)
    clock.info["stage1_boxes"] = boxes
    return outcome


def _on_optimal_face(solver: highs.Solver, form: StandardForm, first: highs.Outcome, z1: float,
                     clock) -> highs.Outcome:
    """Stage 2 restricted to stage 1's optimal face (see :mod:`.decompose`), solved cold.

    Its optimum is stage 2's with no tolerance on z1; the plain route's row
    ``Σ w u ≤ z1 + tolerance`` can buy a little less money (measured: 3e-9 relative on the hard
    national case).  Opening the face to that row and finishing warm by primal simplex took
    2–93 s there (against 3.6 s for the face), so it is not done.  Should HiGHS not finish the
    face, stage 2 falls back to the plain set-up."""
    col_lower, col_upper, row_lower, row_upper, _, _ = decompose.optimal_face_bounds(
        form, first.x, solver.column_duals(), first.row_dual, solver.row_values())
    solver.set_costs(form.costs["provincial_money"])
    everything = np.arange(form.shape[1])
    solver.set_column_bounds(everything, col_lower, col_upper)
    solver.set_row_bounds(np.arange(form.shape[0]), row_lower, row_upper)
    solver.forget_solution()
    on_face = clock.run(solver, "highs_stage2_seconds")
    if on_face.status == highs.OPTIMAL:
        return on_face
    solver.set_column_bounds(everything, form.col_lower, form.col_upper)
    solver.set_row_bounds(np.arange(form.shape[0]), form.row_lower, form.row_upper)
    set_up_stage_two(solver, form, z1)
    return clock.run(solver, "highs_stage2_seconds")


def _with_stage_one_row(solver: highs.Solver, form: StandardForm, first: highs.Outcome,
                        z1: float, clock) -> highs.Outcome:
    set_up_stage_two(solver, form, z1)
    if solver.integer:
        solver.offer_solution(first.x)
    return clock.run(solver, "highs_stage2_seconds")


def _duals_at_chosen_shares(form: StandardForm, options: dict, x: np.ndarray, cost: str, clock,
                            key: str, *, without_shortfall: bool = False) -> np.ndarray | None:
    lower, upper = form.col_lower.copy(), form.col_upper.copy()
    choice = form.integer_columns
    lower[choice] = upper[choice] = np.round(x[choice])
    if without_shortfall:
        upper[form.columns.positions("shortfall")] = 0.0
    solver = highs.Solver(options)
    solver.load(form, form.costs[cost], integer=False, col_lower=lower, col_upper=upper)
    outcome = clock.run(solver, key)
    return outcome.row_dual if outcome.status == highs.OPTIMAL else None


class _Clock:
    """HiGHS seconds per run, and what is left of the time limit across all runs."""

    def __init__(self, limit: float | None):
        self.limit = limit
        self.seconds: dict[str, float] = {}
        self.info: dict[str, int] = {}  # counts that describe the route taken

    def run(self, solver: highs.Solver, key: str) -> highs.Outcome:
        if self.limit is not None:
            solver.set_time_limit(self.limit - sum(self.seconds.values()))
        outcome = solver.run()
        self.seconds[key] = self.seconds.get(key, 0.0) + outcome.seconds
        return outcome


def _require_optimal(outcome: highs.Outcome, stage: str) -> None:
    if outcome.status == highs.OPTIMAL:
        return
    if outcome.status == highs.INFEASIBLE:
        if stage == "stage 1":
            raise CaseInfeasible(outcome.word)
        raise RuntimeError(f"{stage} found no solution after stage 1 did ({outcome.word}): "
                           "numerical trouble in the solver")
    if outcome.status == highs.LIMIT:
        bound = outcome.best_bound
        bound = None if bound is None or not np.isfinite(bound) else bound * MONEY_UNIT
        what = "weighted shortfall" if stage == "stage 1" else "provincial money"
        raise SolverLimitError(
            f"the solver stopped in {stage} at a limit ({outcome.word}) without a proven "
            "optimum" + (f"; best bound on the {what}: {bound:,.2f}" if bound is not None else ""),
            best_bound=bound,
        )
    raise RuntimeError(f"HiGHS ended {stage} with status {outcome.word!r}")
