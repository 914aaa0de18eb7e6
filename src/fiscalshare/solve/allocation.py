"""One case under one configuration: built once, solved, updated and solved again.

:class:`AllocationModel` is what ``solve_case`` uses once and what a what-if sweep keeps.
``update`` recomputes the prepared coefficients for the changed data (numpy, cheap) and compares
the resulting constraint matrix and column layout with the built ones.  When they are the same,
only bounds and costs differ, and those are handed to HiGHS directly — the Pyomo model is not
rebuilt.  That holds for:

- budget and pool of years that already have a limit (row bounds);
- share bounds in ``optimise`` mode (σ's column bounds);
- fixed shares in ``fixed`` mode (right-hand sides and shortfall bounds);
- η and φ (the stage-1 costs).

Anything that changes the matrix or which variables and rows exist rebuilds the model: standards
(``q``) or central shares (both scale the remainder ``D`` in the coefficients), a limit for a
year that had none (or dropping one), and share bounds in ``menu`` mode (they decide which menu
binaries exist).  Every solve hands the kept matrix to a fresh HiGHS model, so an updated model
gives exactly what a freshly built one gives.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import numpy as np
import xarray as xr

from fiscalshare.datasets import version_attrs
from fiscalshare.errors import InfeasibleError
from fiscalshare.model import MONEY_UNIT, StandardForm, build, prepare
from fiscalshare.model.build import assemble, stack_standard_form
from fiscalshare.quantities import exact_labels
from fiscalshare.solve import extract, sensitivity
from fiscalshare.solve.highs import solver_options
from fiscalshare.solve.stages import CaseInfeasible, solve_stages

_DATA_OF = {"budget": "provincial_budget", "pool": "equalisation_pool",
            "share_min": "province_min", "share_max": "province_max",
            "share_fixed": "province_share", "central_share": "central_share"}


class AllocationModel:
    """The allocation model of ``inputs`` under the resolved ``config``, ready to solve."""

    @exact_labels
    def __init__(self, inputs: xr.Dataset, config: dict):
        from fiscalshare.model.checks import check_case

        check_case(inputs, config)
        self.inputs = inputs
        self.config = dict(config)
        started = time.perf_counter()
        self.form: StandardForm = build(inputs, self.config)
        self.build_seconds = time.perf_counter() - started
        self.rebuilt = False  # whether the last update had to rebuild

    # -- what sweeps change -------------------------------------------------------------------
    @exact_labels
    def update(self, *, budget=None, pool=None, share_min=None, share_max=None, share_fixed=None,
               standards_scale=None, central_share=None, eta=None, phi=None) -> bool:
        """Change the data a sweep varies; returns ``True`` when done in place (no rebuild).

        Money in yuan; ``budget``/``pool`` by year (NaN = no limit), shares by ``(tier, item)``,
        ``central_share`` by ``(item, year)``, ``standards_scale`` a factor on ``q`` by item (or
        by ``(item, year)``).  Plain arrays follow the inputs' coordinate order; DataArrays are
        aligned by label.  Raises ``InputError`` when the new shares contradict themselves.
        """
        from fiscalshare.model.checks import check_case

        inputs = self.inputs.copy()
        given = {"budget": budget, "pool": pool, "share_min": share_min, "share_max": share_max,
                 "share_fixed": share_fixed, "central_share": central_share}
        for key, values in given.items():
            if values is not None:
                inputs[_DATA_OF[key]] = _aligned(inputs[_DATA_OF[key]], values)
        if standards_scale is not None:
            inputs["unit_cost"] = _scaled(inputs["unit_cost"], standards_scale)
        config = dict(self.config)
        if eta is not None:
            config["eta"] = float(eta)
        if phi is not None:
            config["phi"] = {**config.get("phi", {}), **dict(phi)}
        check_case(inputs, config)
        started = time.perf_counter()
        in_place = self._reuse_or_rebuild(inputs, config)
        self.build_seconds = time.perf_counter() - started
        self.inputs, self.config, self.rebuilt = inputs, config, not in_place
        return in_place

    def _reuse_or_rebuild(self, inputs: xr.Dataset, config: dict) -> bool:
        """Prepare and assemble the new numbers through the one build path (numpy only); keep
        the built model when its matrix is unchanged (only bounds and costs differ), else build
        afresh."""
        c = prepare(inputs, config)
        candidate = stack_standard_form(c, *assemble(c))
        if candidate.structure() == self.form.structure():
            self.form = candidate
            return True
        self.form = build(inputs, config)
        return False

    # -- solving ------------------------------------------------------------------------------
    @exact_labels
    def solve(self, *, time_limit=None, threads=None, progress=None) -> xr.Dataset:
        """The results Dataset of docs/results.md; ``InfeasibleError`` (with its diagnosis) when
        no allocation meets the hard items, ``SolverLimitError`` at a time limit.  ``progress``
        receives the solver's progress events (:class:`fiscalshare.solve.highs.Solver`)."""
        options = solver_options(self.config, time_limit=time_limit, threads=threads)
        started = time.perf_counter()
        try:
            stages = solve_stages(self.form, options, progress=progress)
        except CaseInfeasible:
            from fiscalshare.solve.diagnosis import diagnose

            diagnosis = diagnose(self.inputs, self.config, options)
            raise InfeasibleError("no allocation meets the hard items and the co-financing "
                                  "within the limits: " + diagnosis["summary"],
                                  diagnosis) from None
        solve_seconds = time.perf_counter() - started
        started = time.perf_counter()
        results = extract.results_dataset(self.inputs, self.form, stages.x,
                                          self.form.coefficients.weight)
        self._add_sensitivities(results, stages)
        extract.annotate(results)
        _, z2 = extract.objective_values(results)
        extract_seconds = time.perf_counter() - started
        results.attrs.update(self._attrs(z2, stages, options))
        results.attrs.update(
            build_seconds=round(self.build_seconds, 4),
            solve_seconds=round(solve_seconds, 4),
            extract_seconds=round(extract_seconds, 4),
        )
        return results

    def _add_sensitivities(self, results: xr.Dataset, stages) -> None:
        form = self.form
        share = results["provincial_share"].values
        if stages.z1 > 0:
            results["budget_value"] = ("year", sensitivity.budget_value(form, stages.stage1_duals))
            results["marginal_cost"] = (("item", "year"), sensitivity.marginal_cost(form, None,
                                                                                     share))
            results["capacity_value"] = (("unit", "year"), sensitivity.capacity_value(form, None))
        else:
            results["budget_value"] = ("year", sensitivity.budget_value(form, None))
            results["marginal_cost"] = (("item", "year"),
                                        sensitivity.marginal_cost(form, stages.stage2_duals, share))
            results["capacity_value"] = (("unit", "year"),
                                         sensitivity.capacity_value(form, stages.stage2_duals))

    def _attrs(self, z2: float, stages, options: dict) -> dict:
        config = self.config
        attrs = {
            # z1 is stage 1's optimum; the allocation may use stage 2's slack above it
            "objective_shortfall": float(stages.z1 * MONEY_UNIT),
            "objective_cost": z2,
            "ratio_mode": str(config["ratio_mode"]),
            "equalisation": str(config["equalisation"]),
            "eta": float(config["eta"]),
            "phi": _json(config["phi"]),
            "termination": stages.termination,
            **version_attrs(),
            "model_config": _json(config),
            "solver_options": _json(options),
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "n_columns": int(self.form.shape[1]),
            "n_rows": int(self.form.shape[0]),
        }
        attrs.update({key: round(float(v), 4) for key, v in self.form.seconds.items()})
        attrs.update({key: round(float(v), 4) for key, v in stages.seconds.items()})
        return attrs


def solve_case(inputs: xr.Dataset, config: dict, *, time_limit=None, threads=None,
               progress=None) -> xr.Dataset:
    """Build and solve once: the results Dataset, or ``InfeasibleError`` (exit 3) /
    ``SolverLimitError`` (exit 4)."""
    return AllocationModel(inputs, config).solve(time_limit=time_limit, threads=threads,
                                                 progress=progress)


def _aligned(current: xr.DataArray, values) -> xr.DataArray:
    """``values`` in the shape of ``current``: a DataArray aligned by label, or a plain array in
    the inputs' coordinate order."""
    if isinstance(values, xr.DataArray):
        aligned = values.broadcast_like(current).transpose(*current.dims)
        return current.copy(data=aligned.values.astype(float))
    return current.copy(data=np.broadcast_to(np.asarray(values, dtype=float),
                                             current.shape).copy())


def _scaled(unit_cost: xr.DataArray, factor) -> xr.DataArray:
    """``q`` times a factor by item, or by ``(item, year)``."""
    if not isinstance(factor, xr.DataArray):
        values = np.asarray(factor, dtype=float)
        dims = ("item",) if values.ndim <= 1 else ("item", "year")
        factor = xr.DataArray(np.broadcast_to(values, [unit_cost.sizes[d] for d in dims]),
                              dims=dims, coords={d: unit_cost[d].values for d in dims})
    scaled = (unit_cost * factor).transpose(*unit_cost.dims)
    return scaled.assign_attrs(unit_cost.attrs)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
