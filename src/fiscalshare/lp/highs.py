"""The one place that talks to HiGHS (highspy): pass a matrix, run, read status and solution.

It never raises on a non-optimal result: the caller reads :class:`Outcome.status` and decides.
Solutions and duals come back as numpy arrays by position, never one object per variable.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from fiscalshare.lp.assemble import LinearModel

OPTIMAL, INFEASIBLE, LIMIT, OTHER = "optimal", "infeasible", "limit", "other"

_STATUS = {
    highspy.HighsModelStatus.kOptimal: OPTIMAL,
    highspy.HighsModelStatus.kModelEmpty: OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: INFEASIBLE,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: INFEASIBLE,
    highspy.HighsModelStatus.kTimeLimit: LIMIT,
    highspy.HighsModelStatus.kIterationLimit: LIMIT,
    highspy.HighsModelStatus.kSolutionLimit: LIMIT,
    highspy.HighsModelStatus.kInterrupt: LIMIT,
    highspy.HighsModelStatus.kMemoryLimit: LIMIT,
}


@dataclass
class Outcome:
    status: str
    word: str  # HiGHS's own word for the status, stored in the results
    objective: float
    x: np.ndarray | None
    row_dual: np.ndarray | None
    seconds: float  # HiGHS's own clock
    best_bound: float | None = None


def new_solver(options: dict) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in options.items():
        h.setOptionValue(key, value)
    return h


def pass_model(h: highspy.Highs, model: LinearModel, cost: np.ndarray, *, integer: bool) -> None:
    """Hand the whole LP (or MIP) to HiGHS in one call."""
    lp = highspy.HighsLp()
    lp.num_col_ = model.matrix.shape[1]
    lp.num_row_ = model.matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = model.col_lower
    lp.col_upper_ = model.col_upper
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = model.matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = model.matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = model.matrix.data
    if integer and model.integrality.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in model.integrality
        ]
    h.passModel(lp)


def run(h: highspy.Highs) -> Outcome:
    h.run()
    status = h.getModelStatus()
    word = h.modelStatusToString(status)
    mapped = _STATUS.get(status, OTHER)
    info = h.getInfo()
    seconds = h.getRunTime()
    bound = None
    if info.mip_node_count >= 0:
        bound = float(info.mip_dual_bound)
    if mapped != OPTIMAL:
        has_primal = info.primal_solution_status == 2  # kSolutionStatusFeasible
        x = np.asarray(h.getSolution().col_value) if has_primal else None
        return Outcome(mapped, word, float(info.objective_function_value), x, None, seconds, bound)
    solution = h.getSolution()
    duals = np.asarray(solution.row_dual) if solution.dual_valid else None
    return Outcome(OPTIMAL, word, float(info.objective_function_value),
                   np.asarray(solution.col_value), duals, seconds, bound)


def write_model(model: LinearModel, cost: np.ndarray, path, options: dict) -> None:
    """Write the model as HiGHS sees it (MPS/LP by the file's suffix)."""
    h = new_solver(options)
    pass_model(h, model, cost, integer=True)
    h.writeModel(str(path))
