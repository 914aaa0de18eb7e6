"""Stage methods on evidence: each HiGHS algorithm for stage 1 and each way to run stage 2.

    python bench/methods.py CASE [--time-limit 600] [--out bench/results/methods-<case>.json]

Stage 1 (least weighted shortfall) by dual simplex, interior point with crossover and
interior point without it; stage 2 (least provincial money), after a dual-simplex stage 1, as
(a) a warm primal simplex from stage 1's basis with the row Σ w u ≤ z1 + tolerance, (b) the
same model solved cold (dual simplex, presolve on), (c) stage 1's optimal face solved cold and
then opened to (a)'s row and finished warm (fiscalshare's ``face`` stage 2), and, where z1 = 0,
(d) every shortfall fixed at zero, cold.  Then the decomposed route end to end.  HiGHS's own
clock; one JSON record per line on stdout and all of them in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from fiscalshare.config import load_config
from fiscalshare.io import load_case
from fiscalshare.model import build
from fiscalshare.model.objective import stage_two_limit
from fiscalshare.solve import decompose, highs
from fiscalshare.solve.highs import solver_options
from fiscalshare.solve.stages import ZERO_SHORTFALL, solve_stages


def record(rows: list, **fields) -> None:
    rows.append(fields)
    print(json.dumps(fields), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--skip", default="", help="comma-separated methods to leave out")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    inputs = load_case(args.case)
    config = load_config("default", {"time_limit": args.time_limit})
    form = build(inputs, config)
    options = solver_options(config)
    money = form.costs["provincial_money"]
    rows: list = []

    first_dual = None
    for method in ("dual", "ipm", "ipm-nocrossover"):
        if method in skip:
            continue
        solver = highs.Solver({**options, "method": method})
        solver.load(form, form.costs["shortfall"])
        outcome = solver.run()
        record(rows, stage=1, method=method, status=outcome.word, seconds=round(outcome.seconds, 2),
               z1=outcome.objective * 1e4)
        if method == "dual":
            first_dual = (solver, outcome)
    if first_dual is None:
        return
    solver, first = first_dual
    z1 = max(first.objective, 0.0)
    column_dual, row_value = solver.column_duals(), solver.row_values()
    weights = form.costs["shortfall"]
    columns = np.flatnonzero(weights)
    everything = np.arange(form.shape[1])
    basis = solver.highs.getBasis()

    def stage_two(name, prepare):
        s = highs.Solver({**options, "method": "dual"})
        s.load(form, money)
        seconds = prepare(s)
        outcome = s.run()
        record(rows, stage=2, method=name, status=outcome.word,
               seconds=round(outcome.seconds + seconds, 2), z2=float(money @ outcome.x) * 1e4
               if outcome.x is not None else None)

    if z1 <= ZERO_SHORTFALL:
        def fixed(s):
            u = form.columns.positions("shortfall")
            s.set_column_bounds(u, np.zeros(u.size), np.zeros(u.size))
            return 0.0
        stage_two("cold, shortfalls fixed at zero", fixed)
    else:
        def warm(s):
            s.highs.setBasis(basis)
            s.add_row(columns, weights[columns], stage_two_limit(z1))
            s.use_method("primal")
            return 0.0
        if "warm" not in skip:
            stage_two("warm primal simplex from stage 1's basis", warm)

        def cold(s):
            s.add_row(columns, weights[columns], stage_two_limit(z1))
            return 0.0
        if "cold" not in skip:
            stage_two("cold dual simplex with the z1 row", cold)

        def face(s):
            bounds = decompose.optimal_face_bounds(form, first.x, column_dual, first.row_dual,
                                                   row_value)
            s.set_column_bounds(everything, bounds[0], bounds[1])
            s.set_row_bounds(np.arange(form.shape[0]), bounds[2], bounds[3])
            on_face = s.run()
            record(rows, stage=2, method="on the optimal face alone", status=on_face.word,
                   seconds=round(on_face.seconds, 2), z2=float(money @ on_face.x) * 1e4,
                   fixed_columns=bounds[4], fixed_rows=bounds[5])
            s.set_column_bounds(everything, form.col_lower, form.col_upper)
            s.set_row_bounds(np.arange(form.shape[0]), form.row_lower, form.row_upper)
            s.add_row(columns, weights[columns], stage_two_limit(z1))
            s.use_method("primal")
            return on_face.seconds
        stage_two("optimal face, then opened warm (face)", face)

    for route in ("plain", "face", "decomposed"):
        if route in skip:
            continue
        started = time.perf_counter()
        stages = solve_stages(form, {**options, "method": route})
        record(rows, route=route, wall_seconds=round(time.perf_counter() - started, 2),
               z1=stages.z1 * 1e4, z2=float(money @ stages.x) * 1e4,
               **{k: round(v, 2) for k, v in stages.seconds.items()})
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"case": str(args.case), "records": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
