"""The structured two-stage solve: the years tied only through the shares σ.

Every column but σ belongs to one year (``u[r,i,y]``, ``e[a,y]``) and so does every row but the
priority rows (which hold σ alone).  With σ fixed, the LP therefore falls apart into one LP per
year.  A plain dual simplex on the whole hard national LP takes minutes; this route reaches the
same optimum in four steps:

1. **Benders over σ** (a few hundred columns): the master minimises ``Σ_y θ_y`` over σ within
   its bounds and the priority rows; each year-LP, solved at the master's σ with an elastic
   slack on affordability and budget (so that every σ gives a finite value), returns its optimum
   and, from its row duals π, the cut ``θ_y ≥ Q_y(σᵏ) − (A_σᵀπ)·(σ − σᵏ)``.  The year-LPs are
   kept and re-solved warm (only their right-hand sides move, so their bases stay dual
   feasible).  Stops at a relative gap :data:`BENDERS_GAP` or :data:`BENDERS_ROUNDS` rounds.
2. **Stage 1 exactly**: the whole stage-1 LP with σ boxed to ``±δ`` around Benders' point.  If
   no box bound binds (no σ at an inner box bound with a reduced cost pushing outwards), the
   box's multipliers are zero, so the point is optimal for the unboxed LP too (it is convex);
   otherwise the box is re-centred on the new σ and widened, and solved again warm.
3. **Stage 2 on the optimal face**: with the duals of step 2 (dual optimal for the unboxed LP),
   stage 1's optimal solutions are exactly the feasible points whose columns with a non-zero
   reduced cost stay at their bound and whose rows with a non-zero dual stay at their bound.
   Fixing those, the provincial money is minimised cold; presolve shrinks the model to a
   fraction.
4. Where stage 1 gives z1 = 0, stage 2 is the plain one (every shortfall fixed at zero, cold).

z1 is exact (step 2 is the whole LP); z2 is the minimum over stage 1's optimal face, which the
plain solve's ``Σ w u ≤ z1 + tolerance`` relaxes by at most that tolerance.  Timings and what
each alternative gave are in docs/performance.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from fiscalshare.model import StandardForm
from fiscalshare.solve import highs

BENDERS_GAP = 1e-3  # relative gap between Benders' bounds at which the centre is good enough
BENDERS_ROUNDS = 60
BOX = 0.02  # first half-width of the box around Benders' σ
DUAL_ZERO = 1e-7  # a reduced cost or row dual below this (model units) counts as zero
ELASTIC_ROWS = ("affordability", "budget")


def applicable(form: StandardForm) -> bool:
    """Whether the structure is there: σ columns, no integers, more than one year, every other
    column and row within one year."""
    c = form.coefficients
    return (form.columns.size("sigma") > 0 and form.integer_columns.size == 0
            and not c.elastic and c.shape[2] > 1
            and form.columns.size("extra_budget") + form.columns.size("extra_pool") == 0)


@dataclass
class YearSplit:
    """Columns and rows of each year, and the σ part of each year's rows."""

    sigma: np.ndarray  # σ column positions
    column_year: np.ndarray  # year position per column, -1 for σ
    row_year: np.ndarray  # year position per row, -1 for rows of σ alone
    csr: sp.csr_matrix  # the constraint matrix by rows

    @classmethod
    def of(cls, form: StandardForm) -> YearSplit:
        cols = form.columns
        n_year = form.coefficients.shape[2]
        column_year = np.full(cols.count, -1, dtype=np.int64)
        column_year[cols.span("shortfall")] = cols.shortfall_keys % n_year
        column_year[cols.span("equalisation")] = cols.equalisation_keys % n_year
        csr = form.matrix.tocsr()
        entry_year = column_year[csr.indices]
        row_of_entry = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
        row_year = np.full(csr.shape[0], -1, dtype=np.int64)
        np.maximum.at(row_year, row_of_entry, entry_year)
        lowest = np.full(csr.shape[0], n_year, dtype=np.int64)
        dated = entry_year >= 0
        np.minimum.at(lowest, row_of_entry[dated], entry_year[dated])
        mixed = (row_year >= 0) & (lowest != row_year)
        if mixed.any():
            raise ValueError("a row spans two years: the years do not separate")
        return cls(cols.positions("sigma"), column_year, row_year, csr)


class _YearLP:
    """One year's LP at a given σ, elastic on affordability and budget, kept warm."""

    def __init__(self, form: StandardForm, split: YearSplit, year: int, cost: np.ndarray,
                 options: dict, penalty: float):
        self.columns = np.flatnonzero(split.column_year == year)
        self.rows = np.flatnonzero(split.row_year == year)
        csr = split.csr[self.rows]
        self.sigma_part = csr[:, split.sigma].tocsr()  # A_σ of this year's rows
        own = csr[:, self.columns].tocsc()
        self.lower = form.row_lower[self.rows]
        self.upper = form.row_upper[self.rows]
        elastic = np.zeros(self.rows.size, dtype=bool)
        for name in ELASTIC_ROWS:
            try:
                rows = form.rows_of(name)
            except KeyError:
                continue
            elastic[(self.rows >= rows.start) & (self.rows < rows.stop)] = True
        elastic &= np.isfinite(self.upper)
        slack_rows = np.flatnonzero(elastic)
        slack = sp.csc_matrix((-np.ones(slack_rows.size), (slack_rows, np.arange(slack_rows.size))),
                              shape=(self.rows.size, slack_rows.size))
        matrix = sp.hstack([own, slack], format="csc")
        n_own = self.columns.size
        self.n_own = n_own
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
        lp.col_cost_ = np.concatenate([cost[self.columns], np.full(slack_rows.size, penalty)])
        lp.col_lower_ = np.concatenate([form.col_lower[self.columns], np.zeros(slack_rows.size)])
        lp.col_upper_ = np.concatenate([form.col_upper[self.columns],
                                        np.full(slack_rows.size, np.inf)])
        lp.row_lower_ = self.lower
        lp.row_upper_ = self.upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        # short warm re-solves: no per-iteration callback (Ctrl-C acts when each returns)
        self.solver = highs.Solver({**options, "method": "dual"}, stop_mid_run=False)
        self.solver.highs.passModel(lp)
        self.solver.use_method("dual")
        self.all_rows = np.arange(self.rows.size)

    def solve(self, sigma: np.ndarray) -> tuple[float, np.ndarray, float, np.ndarray]:
        """``(Q, subgradient over σ, slack used, the year's column values)`` at ``sigma``."""
        shift = self.sigma_part @ sigma
        self.solver.set_row_bounds(self.all_rows, self.lower - shift, self.upper - shift)
        outcome = self.solver.run()
        if outcome.status != highs.OPTIMAL or outcome.row_dual is None:
            raise RuntimeError(f"a year-LP ended {outcome.word!r}")
        gradient = -(self.sigma_part.T @ outcome.row_dual)
        slack = float(outcome.x[self.n_own:].sum())
        return outcome.objective, gradient, slack, outcome.x[: self.n_own]


@dataclass
class BendersResult:
    sigma: np.ndarray
    lower_bound: float
    upper_bound: float
    rounds: int
    x: np.ndarray | None  # a stage-1 feasible point when the best σ needed no slack
    seconds: float


def benders(form: StandardForm, options: dict, *, progress=None) -> BendersResult:
    """Step 1: a σ close to stage 1's optimum (see the module docstring)."""
    started = time.perf_counter()
    split = YearSplit.of(form)
    cost = form.costs["shortfall"]
    n_year = form.coefficients.shape[2]
    penalty = 1e3 * max(float(cost.max()), 1.0)
    years = [_YearLP(form, split, y, cost, options, penalty) for y in range(n_year)]
    sigma_cols = split.sigma
    n_sigma = sigma_cols.size

    # master: σ and θ_y; the rows of σ alone (priority); cuts added as rows
    master = highs.Solver({**options, "method": "dual"}, stop_mid_run=False)
    only_sigma = np.flatnonzero(split.row_year < 0)
    sub = split.csr[only_sigma][:, sigma_cols].tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_sigma + n_year, only_sigma.size
    lp.col_cost_ = np.concatenate([np.zeros(n_sigma), np.ones(n_year)])
    lp.col_lower_ = np.concatenate([form.col_lower[sigma_cols], np.zeros(n_year)])
    lp.col_upper_ = np.concatenate([form.col_upper[sigma_cols], np.full(n_year, np.inf)])
    lp.row_lower_ = form.row_lower[only_sigma]
    lp.row_upper_ = form.row_upper[only_sigma]
    full = sp.hstack([sub, sp.csc_matrix((only_sigma.size, n_year))], format="csc")
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = full.indptr.astype(np.int32)
    lp.a_matrix_.index_ = full.indices.astype(np.int32)
    lp.a_matrix_.value_ = full.data.astype(float)
    master.highs.passModel(lp)
    master.use_method("dual")

    sigma = form.col_upper[sigma_cols].copy()  # the most the province can pay: least shortfall
    sigma = np.minimum(sigma, np.maximum(form.col_lower[sigma_cols], sigma))
    lower_bound, upper_bound = 0.0, np.inf
    best_sigma, best_x, rounds = sigma.copy(), None, 0
    for rounds in range(1, BENDERS_ROUNDS + 1):
        total, total_slack, xs = 0.0, 0.0, []
        for y, year in enumerate(years):
            value, gradient, slack, x = year.solve(sigma)
            total += value
            total_slack += slack
            xs.append(x)
            index = np.concatenate([np.arange(n_sigma), [n_sigma + y]]).astype(np.int32)
            coefficients = np.concatenate([-gradient, [1.0]])
            master.highs.addRow(value - gradient @ sigma, highspy.kHighsInf, index.size, index,
                                coefficients)
        if total < upper_bound:
            upper_bound, best_sigma = total, sigma.copy()
            best_x = None
            if total_slack <= 1e-9:
                best_x = _assemble(form, split, years, sigma, xs)
        outcome = master.run()
        if outcome.status != highs.OPTIMAL:
            raise RuntimeError(f"the Benders master ended {outcome.word!r}")
        lower_bound = max(lower_bound, outcome.objective)
        sigma = outcome.x[:n_sigma]
        gap = (upper_bound - lower_bound) / max(abs(upper_bound), 1e-9)
        if progress is not None:
            progress(stage="benders", objective=upper_bound, gap=gap, iterations=rounds)
        if upper_bound <= 1e-12 or gap <= BENDERS_GAP:
            break
    return BendersResult(best_sigma, lower_bound, upper_bound, rounds, best_x,
                         time.perf_counter() - started)


def _assemble(form, split, years, sigma, xs) -> np.ndarray:
    x = np.zeros(form.columns.count)
    x[split.sigma] = sigma
    for year, values in zip(years, xs, strict=True):
        x[year.columns] = values
    return x


def boxed_stage_one(solver: highs.Solver, form: StandardForm, centre: np.ndarray, clock, *,
                    progress=None) -> tuple[highs.Outcome, int]:
    """Step 2: the stage-1 LP with σ boxed around ``centre``, widened until no box bound binds.

    ``solver`` holds the whole model with the stage-1 costs.  Returns the optimum of the unboxed
    LP (with σ's original bounds restored on ``solver``) and the number of boxes tried.
    """
    sigma_cols = form.columns.positions("sigma")
    low, high = form.col_lower[sigma_cols], form.col_upper[sigma_cols]
    width, boxes = BOX, 0
    while True:
        boxes += 1
        box_low = np.maximum(low, centre - width)
        box_high = np.minimum(high, centre + width)
        solver.set_column_bounds(sigma_cols, box_low, box_high)
        solver.stage = "boxed"
        outcome = clock.run(solver, "highs_stage1_seconds")
        whole = bool(np.all(box_low <= low) and np.all(box_high >= high))
        if outcome.status == highs.INFEASIBLE and not whole:  # too narrow a box: widen it
            width *= 4.0
            continue
        if outcome.status != highs.OPTIMAL:
            solver.set_column_bounds(sigma_cols, low, high)
            return outcome, boxes
        reduced = solver.column_duals()[sigma_cols]
        value = outcome.x[sigma_cols]
        tight = 1e-9
        pushes_up = (value >= box_high - tight) & (box_high < high - tight) & (reduced < -DUAL_ZERO)
        pushes_down = (value <= box_low + tight) & (box_low > low + tight) & (reduced > DUAL_ZERO)
        binding = int(pushes_up.sum() + pushes_down.sum())
        if progress is not None:
            progress(stage="boxed", objective=outcome.objective, iterations=boxes)
        if binding == 0:
            solver.set_column_bounds(sigma_cols, low, high)
            return outcome, boxes
        centre, width = value, width * 2.0


def optimal_face_bounds(form: StandardForm, x: np.ndarray, column_dual: np.ndarray,
                        row_dual: np.ndarray, row_activity: np.ndarray):
    """Column and row bounds of stage 1's optimal face (complementary slackness with the given
    dual optimum): a column with a non-zero reduced cost stays at its bound, a row with a
    non-zero dual at its bound (the nearer one, whatever the dual's sign convention)."""
    col_lower, col_upper = form.col_lower.copy(), form.col_upper.copy()
    fixed = np.flatnonzero(np.abs(column_dual) > DUAL_ZERO)
    at = _nearer(x[fixed], col_lower[fixed], col_upper[fixed])
    col_lower[fixed] = col_upper[fixed] = at
    row_lower, row_upper = form.row_lower.copy(), form.row_upper.copy()
    active = np.flatnonzero(np.abs(row_dual) > DUAL_ZERO)
    at = _nearer(row_activity[active], row_lower[active], row_upper[active])
    row_lower[active] = row_upper[active] = at
    return col_lower, col_upper, row_lower, row_upper, fixed.size, active.size


def _nearer(value: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(value - lower) <= np.abs(upper - value), lower, upper)
