"""Solve a case: the public seam between the inputs Dataset and the results Dataset.

``solve_case`` assembles the allocation LP of spec/model.md once (``fiscalshare.lp``: numpy blocks
handed to HiGHS as one matrix), runs the two lexicographic stages on the kept HiGHS model, and
returns the results Dataset of spec/results.md with its sensitivities.  ``AllocationModel`` keeps
the prepared structure for sweeps, which change budgets, pools and shares in place.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import xarray as xr

from fiscalshare.errors import InfeasibleError
from fiscalshare.lp import sensitivity
from fiscalshare.lp.assemble import LinearModel, assemble
from fiscalshare.lp.extract import annotate, attrs_json, results_dataset
from fiscalshare.lp.highs import write_model
from fiscalshare.lp.solver import InfeasibleModel, solve_model, solver_options
from fiscalshare.lp.structure import prepare
from fiscalshare.versions import version_attrs

__all__ = ["AllocationModel", "solve_case", "write_mps"]


class AllocationModel:
    """One case under one configuration, assembled once and solvable many times.

    ``update`` changes the data a sweep varies — budget and pool by year, share bounds and fixed
    shares by tier and item — directly in the assembled matrix's bounds, without rebuilding.
    Changes that alter coefficients (standards, η, the central tier) need a new model.
    """

    def __init__(self, inputs: xr.Dataset, config: dict):
        self.inputs = inputs
        self.config = config
        started = time.perf_counter()
        self.structure = prepare(inputs, config)
        self.model: LinearModel = assemble(self.structure)
        self.build_seconds = time.perf_counter() - started

    def update(self, *, budget=None, pool=None, share_min=None, share_max=None,
               share_fixed=None) -> None:
        """Replace budget/pool (yuan by year, NaN = no limit) or share tables ``[tier, item]``.

        A year that had no budget row cannot gain one in place; such a change raises
        ``ValueError`` and the caller rebuilds.
        """
        from fiscalshare.lp.structure import SCALE

        s, m = self.structure, self.model
        for name, values, family in (("budget", budget, "provincial_budget"),
                                     ("pool", pool, "equalisation_pool")):
            if values is None:
                continue
            values = np.asarray(values, dtype=float) / SCALE
            rows = m.rows_of(family)
            years = m.blocks[family].keys
            if not np.array_equal(np.flatnonzero(np.isfinite(values)), np.sort(years)):
                raise ValueError(f"{name}: the set of limited years changed; rebuild the model")
            m.row_upper[rows] = values[years]
            setattr(s, name, values)
        for name, values in (("share_min", share_min), ("share_max", share_max),
                             ("share_fixed", share_fixed)):
            if values is None:
                continue
            setattr(s, name, np.asarray(values, dtype=float))
        if share_min is not None or share_max is not None or share_fixed is not None:
            if s.ratio_mode == "menu":
                raise ValueError("menu mode: share bounds decide the binaries; rebuild the model")
            if s.sigma_fixed:
                m.col_lower[: s.n_sigma] = s.share_fixed.ravel()
                m.col_upper[: s.n_sigma] = s.share_fixed.ravel()
                r, i, y = np.unravel_index(s.u_index, s.remainder.shape)
                m.col_upper[s.u_start : s.u_start + s.n_u] = (
                    (1.0 - s.share_fixed[s.tier_of_region[r], i]) * s.remainder[r, i, y]
                )
            else:
                m.col_lower[: s.n_sigma] = s.share_min.ravel()
                m.col_upper[: s.n_sigma] = s.share_max.ravel()

    def solve(self, *, time_limit=None, threads=None) -> xr.Dataset:
        options = solver_options(self.config, time_limit=time_limit, threads=threads)
        started = time.perf_counter()
        try:
            stages = solve_model(self.model, options)
        except InfeasibleModel:
            from fiscalshare.lp.diagnose import diagnose

            diagnosis = diagnose(self.inputs, self.config, options)
            raise InfeasibleError(
                "no allocation meets every hard item: " + diagnosis["summary"], diagnosis
            ) from None
        solve_seconds = time.perf_counter() - started
        started = time.perf_counter()
        results = results_dataset(self.inputs, self.structure, stages.x)
        self._add_sensitivities(results, stages)
        extract_seconds = time.perf_counter() - started
        results["priority_weight"] = (("region", "item"), self.structure.weight)
        annotate(results)
        results.attrs.update(self._attrs(stages, options, solve_seconds, extract_seconds))
        return results

    def _add_sensitivities(self, results: xr.Dataset, stages) -> None:
        s, m = self.structure, self.model
        nan_iy = np.full((s.n_item, s.n_year), np.nan)
        nan_ay = np.full((s.n_unit, s.n_year), np.nan)
        nan_y = np.full(s.n_year, np.nan)
        if stages.z1 > 0:
            value = (sensitivity.budget_value(m, stages.stage1_dual)
                     if stages.stage1_dual is not None else nan_y)
            results["budget_value"] = ("year", value)
            results["marginal_cost"] = (("item", "year"), nan_iy)
            results["capacity_value"] = (("unit", "year"), nan_ay)
        else:
            results["budget_value"] = ("year", nan_y)
            dual = stages.stage2_dual
            if dual is None:
                results["marginal_cost"] = (("item", "year"), nan_iy)
                results["capacity_value"] = (("unit", "year"), nan_ay)
            else:
                results["marginal_cost"] = (("item", "year"),
                                            sensitivity.marginal_cost(m, dual, stages.x))
                results["capacity_value"] = (("unit", "year"), sensitivity.capacity_value(m, dual))

    def _attrs(self, stages, options, solve_seconds, extract_seconds) -> dict:
        config = self.config
        attrs = {
            "objective_shortfall": float(stages.z1),
            "objective_cost": float(stages.z2),
            "ratio_mode": config["ratio_mode"],
            "equalisation": config["equalisation"],
            "eta": float(config["eta"]),
            "phi": attrs_json(config["phi"]),
            "termination": stages.termination,
            **version_attrs(),
            "model_config": attrs_json(config),
            "solver_options": attrs_json(options),
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "build_seconds": round(self.build_seconds, 4),
            "solve_seconds": round(solve_seconds, 4),
            "extract_seconds": round(extract_seconds, 4),
            "n_columns": int(self.model.matrix.shape[1]),
            "n_rows": int(self.model.n_row),
        }
        attrs.update({k: round(float(v), 4) for k, v in stages.seconds.items()})
        for key in ("case", "province", "central_tier", "source", "input_sha256", "input_path"):
            if key in self.inputs.attrs:
                value = self.inputs.attrs[key]
                attrs[key] = value if isinstance(value, int | float) else str(value)
        return attrs


def solve_case(inputs: xr.Dataset, config: dict, *, time_limit=None, threads=None) -> xr.Dataset:
    """The results Dataset of spec/results.md, or InfeasibleError (3) / SolverLimitError (4)."""
    return AllocationModel(inputs, config).solve(time_limit=time_limit, threads=threads)


def write_mps(inputs: xr.Dataset, config: dict, path: Path, *, z1: float = 0.0) -> list[Path]:
    """Write the models ``solve`` hands to HiGHS as MPS files, one per stage.

    ``<stem>-stage1.mps`` carries the shortfall objective.  ``<stem>-stage2.mps`` carries the
    provincial cost: with ``z1 = 0`` every shortfall fixed at zero, otherwise with the row
    ``Σ w u ≤ z1 + max(1e-7 z1, 1e-6)`` — exactly the second stage of a solve whose stage 1 gave z1.
    """
    import scipy.sparse as sp

    from fiscalshare.lp.structure import SCALE

    model = assemble(prepare(inputs, config))
    options = solver_options(config)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    first = path.with_name(f"{path.stem}-stage1.mps")
    second = path.with_name(f"{path.stem}-stage2.mps")
    write_model(model, model.shortfall_cost, first, options)
    s = model.structure
    if z1 <= 0:
        upper = model.col_upper.copy()
        upper[s.u_start : s.u_start + s.n_u] = 0.0
        stage2 = LinearModel(**{**model.__dict__, "col_upper": upper})
    else:
        bound = (z1 + max(1e-7 * z1, 1e-6)) / SCALE
        row = sp.csc_matrix(model.shortfall_cost[None, :])
        stage2 = LinearModel(**{
            **model.__dict__,
            "matrix": sp.vstack([model.matrix, row], format="csc"),
            "row_lower": np.append(model.row_lower, -np.inf),
            "row_upper": np.append(model.row_upper, bound),
        })
    write_model(stage2, model.provincial_cost, second, options)
    (path.parent / f"{path.stem}-options.json").write_text(json.dumps(options))
    return [first, second]
