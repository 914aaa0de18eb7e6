"""Solve a case: the seam between the inputs Dataset and the results Dataset.

:func:`solve_case` builds the model of docs/model.md once (:mod:`fiscalshare.model`), runs the
two lexicographic stages on one kept HiGHS model (:mod:`.stages`), and returns the results
Dataset of docs/results.md with its sensitivities.  :class:`AllocationModel` keeps the built
model for what-if sweeps (see :mod:`.allocation` for what ``update`` changes in place).
"""

from __future__ import annotations

import json
from pathlib import Path

import xarray as xr

from fiscalshare.solve.allocation import AllocationModel, solve_case

__all__ = ["AllocationModel", "solve_case", "write_mps"]


def write_mps(inputs: xr.Dataset, config: dict, path: Path, *, z1: float = 0.0) -> list[Path]:
    """Write the models ``solve`` hands to HiGHS as MPS files, one per stage.

    ``<stem>-stage1.mps`` carries the shortfall objective.  ``<stem>-stage2.mps`` carries the
    provincial money: with ``z1 = 0`` every shortfall fixed at zero, otherwise with the row
    ``Σ w u ≤ z1 + max(1e-7 z1, 1e-6)`` — the second stage of a solve whose stage 1 gave ``z1``
    (weighted yuan); its objective includes the co-financing at shares that are data, so both
    files' optima are z1 and z2 in 万元.  ``<stem>-options.json`` holds the HiGHS options used.
    """
    from fiscalshare.model import MONEY_UNIT, build
    from fiscalshare.model.objective import fixed_money
    from fiscalshare.solve.highs import Solver, solver_options
    from fiscalshare.solve.stages import set_up_stage_two

    form = build(inputs, config)
    options = solver_options(config)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    first = path.with_name(f"{path.stem}-stage1.mps")
    second = path.with_name(f"{path.stem}-stage2.mps")
    solver = Solver(options)
    solver.load(form, form.costs["shortfall"])
    solver.write(first)
    set_up_stage_two(solver, form, float(z1) / MONEY_UNIT)
    solver.set_offset(fixed_money(form.coefficients))
    solver.write(second)
    (path.parent / f"{path.stem}-options.json").write_text(json.dumps(options))
    return [first, second]
