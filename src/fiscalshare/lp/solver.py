"""The lexicographic solve of spec/model.md on one kept HiGHS model.

Stage 1 minimises the priority-weighted shortfall ``z1``.  Stage 2 changes the costs to the
province's money and either fixes every shortfall at zero (``z1 = 0``: presolve then drops those
columns, so it re-solves from scratch) or adds the one row ``Σ w u ≤ z1 + max(1e-7 z1, 1e-6)``
(``z1 > 0``: warm-started from stage 1).  The model is assembled once; nothing is rebuilt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from fiscalshare.errors import SolverLimitError
from fiscalshare.lp import highs
from fiscalshare.lp.assemble import LinearModel, assemble
from fiscalshare.lp.structure import SCALE, prepare

# HiGHS options per method name of the configuration.
_METHODS = {
    "auto": {},
    "simplex": {"solver": "simplex"},
    "dual": {"solver": "simplex", "simplex_strategy": 1},
    "primal": {"solver": "simplex", "simplex_strategy": 4},
    "ipm": {"solver": "ipm", "run_crossover": "on"},
}


def solver_options(config: dict, *, time_limit=None, threads=None) -> dict:
    """HiGHS options from the configuration; single-threaded by default, which is deterministic."""
    options = {
        "random_seed": int(config.get("random_seed", 0)),
        "threads": int(threads or config.get("threads", 1)),
        "mip_rel_gap": float(config.get("mip_rel_gap", 1e-6)),
    }
    limit = time_limit if time_limit is not None else config.get("time_limit")
    if limit is not None:
        options["time_limit"] = float(limit)
    options.update(_METHODS[config.get("method", "auto")])
    return options


@dataclass
class StageResult:
    z1: float  # yuan-weighted
    z2: float  # yuan
    x: np.ndarray
    stage1_dual: np.ndarray | None
    stage2_dual: np.ndarray | None
    termination: str
    seconds: dict = field(default_factory=dict)


class InfeasibleModel(Exception):
    """Stage 1 has no solution: the caller diagnoses (kept internal to the lp package)."""


def build(inputs, config) -> LinearModel:
    return assemble(prepare(inputs, config))


def solve_model(model: LinearModel, options: dict) -> StageResult:
    """Both stages; sensitivity duals from the LPs (menu mode: with the chosen shares fixed)."""
    s = model.structure
    seconds = {}
    h = highs.new_solver(options)
    integer = s.n_z > 0
    highs.pass_model(h, model, model.shortfall_cost, integer=integer)
    first = highs.run(h)
    seconds["highs_stage1_seconds"] = first.seconds
    _raise_unless_optimal(first, "stage 1")
    z1 = max(first.objective, 0.0)
    stage1_dual = first.row_dual
    if integer and z1 > 0:
        stage1_dual = _fixed_share_duals(model, first.x, model.shortfall_cost, options, seconds,
                                         "highs_stage1_lp_seconds")

    started = time.perf_counter()
    tolerance = max(1e-7 * z1 * SCALE, 1e-6) / SCALE
    if z1 <= 0:
        upper = model.col_upper.copy()
        upper[s.u_start : s.u_start + s.n_u] = 0.0
        h2 = highs.new_solver(options)
        fixed = LinearModel(**{**model.__dict__, "col_upper": upper})
        highs.pass_model(h2, fixed, model.provincial_cost, integer=integer)
    else:
        h2 = h
        h2.changeColsCost(model.provincial_cost.size, np.arange(model.provincial_cost.size,
                                                                 dtype=np.int32),
                          model.provincial_cost)
        nz = np.flatnonzero(model.shortfall_cost)
        h2.addRow(-np.inf, z1 + tolerance, nz.size, nz.astype(np.int32),
                  model.shortfall_cost[nz])
        if not integer:
            h2.setOptionValue("solver", "simplex")
            h2.setOptionValue("simplex_strategy", 4)  # primal simplex from stage 1's basis
    seconds["stage2_setup_seconds"] = time.perf_counter() - started
    second = highs.run(h2)
    seconds["highs_stage2_seconds"] = second.seconds
    _raise_unless_optimal(second, "stage 2")
    stage2_dual = second.row_dual
    if integer:
        stage2_dual = None
        if z1 <= 0:
            stage2_dual = _fixed_share_duals(model, second.x, model.provincial_cost, options,
                                             seconds, "highs_stage2_lp_seconds", fix_u=True)
    x = second.x
    z2 = float(model.provincial_cost @ x) * SCALE
    return StageResult(z1 * SCALE, z2, x, stage1_dual, stage2_dual[: model.n_row]
                       if stage2_dual is not None else None, second.word, seconds)


def _fixed_share_duals(model, x, cost, options, seconds, key, *, fix_u=False):
    """Re-solve the LP with the menu binaries fixed at their chosen values, for duals."""
    s = model.structure
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    chosen = np.round(x[s.z_start :])
    lower[s.z_start :] = chosen
    upper[s.z_start :] = chosen
    if fix_u:
        upper[s.u_start : s.u_start + s.n_u] = 0.0
    fixed = LinearModel(**{**model.__dict__, "col_lower": lower, "col_upper": upper})
    h = highs.new_solver(options)
    highs.pass_model(h, fixed, cost, integer=False)
    outcome = highs.run(h)
    seconds[key] = outcome.seconds
    return outcome.row_dual if outcome.status == highs.OPTIMAL else None


def _raise_unless_optimal(outcome: highs.Outcome, stage: str) -> None:
    if outcome.status == highs.OPTIMAL:
        return
    if outcome.status == highs.INFEASIBLE:
        raise InfeasibleModel(outcome.word)
    if outcome.status == highs.LIMIT:
        bound = outcome.best_bound
        raise SolverLimitError(
            f"the solver stopped in {stage} at a limit ({outcome.word}) without a proven optimum"
            + (f"; best bound {bound * SCALE:,.2f}" if bound is not None and np.isfinite(bound)
               else ""),
            best_bound=None if bound is None else bound * SCALE,
        )
    raise RuntimeError(f"HiGHS ended {stage} with status {outcome.word!r}")
