"""Run the scenarios of a sweep, serially or on dask.distributed, keeping every finished one.

Each finished scenario is written at once as ``scenarios/<id>.nc`` (or ``.json`` when it failed),
so an interrupted sweep keeps its work and ``--resume`` only runs what is missing.  A worker keeps
one assembled model per (case, configuration) and, when a scenario changes only budgets, pools or
share bounds, updates that model in place and re-solves instead of rebuilding it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from fiscalshare.errors import InfeasibleError, SolverLimitError
from fiscalshare.sweep import scenarios as sc

_MODELS: dict = {}  # per process: (case hash, config json) → AllocationModel
STATS = {"built": 0, "updated": 0}


@dataclass
class SweepPlan:
    scenarios: list[dict]
    names: list[str]
    reuse: bool = True
    time_limit: float | None = None
    reference_spending: list[float] | None = None
    ids: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.ids:
            self.ids = [f"s{k:05d}" for k in range(len(self.scenarios))]


def summarise(results: xr.Dataset) -> xr.Dataset:
    """The key figures of one solved scenario (everything sweep.nc holds per scenario)."""
    province = results["funding"].sel(level="province").sum(("region", "item"))
    equalisation = results["equalisation"].sum("unit")
    short_by_domain = results["shortfall"].sum(("region", "year")).groupby(
        results["domain"]).sum()
    regions_short = int((results["shortfall"].sum(("item", "year")) > 0.5).sum())
    out = xr.Dataset({
        "objective_shortfall": results.attrs["objective_shortfall"],
        "objective_cost": results.attrs["objective_cost"],
        "provincial_money": province + equalisation,
        "equalisation_total": equalisation.sum(),
        "shortfall_by_domain": short_by_domain,
        "regions_short": regions_short,
        "provincial_share": results["provincial_share"].reset_coords(drop=True),
    })
    return out.drop_vars([c for c in out.coords if c not in ("year", "domain", "tier", "item")])


def _model_for(inputs, config):
    """This process's kept model of the case (built on first use)."""
    from fiscalshare.solve import AllocationModel

    key = (inputs.attrs.get("input_sha256", id(inputs)), json.dumps(config, sort_keys=True,
                                                                   default=str))
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = AllocationModel(inputs, config)
        STATS["built"] += 1
    return _MODELS[key]


def solve_one(inputs: xr.Dataset, config: dict, scenario: dict, plan: SweepPlan) -> dict:
    """Solve one scenario; never raises for an infeasible, stopped or failed scenario.

    With reuse, the kept model takes the scenario's data through ``AllocationModel.update``,
    which changes the HiGHS model in place where the change allows (budgets, pools, share
    bounds, η) and rebuilds only what it must (standards, central shares, new limits).
    """
    from fiscalshare.model.checks import check_case
    from fiscalshare.solve import solve_case

    reference = None
    if plan.reference_spending is not None:
        reference = xr.DataArray(plan.reference_spending, dims="year",
                                 coords={"year": inputs["year"]})
    started = time.perf_counter()
    try:
        modified, scenario_config = sc.apply(inputs, config, scenario,
                                             reference_spending=reference)
        check_case(modified, scenario_config)
        same_pi = modified["prefecture_share"].equals(inputs["prefecture_share"])
        if plan.reuse and same_pi:  # π is the one input the kept model cannot take
            model = _model_for(inputs, config)
            in_place = model.update(
                budget=modified["provincial_budget"].values,
                pool=modified["equalisation_pool"].values,
                share_min=modified["province_min"].transpose("tier", "item").values,
                share_max=modified["province_max"].transpose("tier", "item").values,
                share_fixed=modified["province_share"].transpose("tier", "item").values,
                central_share=modified["central_share"].transpose("item", "year").values,
                standards_scale=(modified["unit_cost"] / inputs["unit_cost"])
                .transpose("item", "year").values,
                eta=scenario_config["eta"],
            )
            STATS["updated" if in_place else "built"] += 1
            results = model.solve(time_limit=plan.time_limit)
        else:
            STATS["built"] += 1
            results = solve_case(modified, scenario_config, time_limit=plan.time_limit)
        return {"status": "optimal", "summary": summarise(results),
                "seconds": time.perf_counter() - started}
    except InfeasibleError as exc:
        return {"status": "infeasible", "message": str(exc), "diagnosis": exc.diagnosis,
                "seconds": time.perf_counter() - started}
    except SolverLimitError as exc:
        return {"status": "limit", "message": str(exc), "seconds": time.perf_counter() - started}
    except Exception as exc:  # recorded, never stops the sweep
        return {"status": "failed", "message": f"{type(exc).__name__}: {exc}",
                "seconds": time.perf_counter() - started}


def save_outcome(folder: Path, scenario_id: str, outcome: dict) -> None:
    """Write one finished scenario atomically (a temporary name, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    if outcome["status"] == "optimal":
        target = folder / f"{scenario_id}.nc"
        temp = folder / f".{scenario_id}.nc.part"
        outcome["summary"].to_netcdf(temp, engine="h5netcdf")
    else:
        target = folder / f"{scenario_id}.json"
        temp = folder / f".{scenario_id}.json.part"
        record = {k: v for k, v in outcome.items() if k != "summary"}
        temp.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
    temp.replace(target)


def finished(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.stem for p in folder.iterdir() if p.suffix in (".nc", ".json")
            and not p.name.startswith(".")}


def run(inputs: xr.Dataset, config: dict, plan: SweepPlan, folder: Path, *, workers: int = 1,
        scheduler: str | None = None, serial: bool = False, progress=None) -> dict:
    """Run every scenario not yet in ``folder``; returns counts of done and failed."""
    todo = [k for k, sid in enumerate(plan.ids) if sid not in finished(folder)]
    counts = {"done": 0, "failed": 0, "skipped": len(plan.ids) - len(todo)}

    def record(k: int, outcome: dict) -> None:
        save_outcome(folder, plan.ids[k], outcome)
        counts["done" if outcome["status"] == "optimal" else "failed"] += 1
        if progress is not None:
            progress(outcome["status"])

    if serial or not todo:
        for k in todo:
            record(k, solve_one(inputs, config, plan.scenarios[k], plan))
        return counts
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        shared_inputs = client.scatter(inputs, broadcast=True)
        futures = {client.submit(solve_one, shared_inputs, config, plan.scenarios[k], plan,
                                 key=f"{plan.ids[k]}-{id(plan)}", pure=False): k for k in todo}
        for future in as_completed(futures):
            k = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # a worker died
                outcome = {"status": "failed", "message": f"{type(exc).__name__}: {exc}"}
            record(k, outcome)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return counts


def collect(folder: Path, plan: SweepPlan, keys: list[str]) -> xr.Dataset:
    """Stack the finished scenarios on a ``scenario`` dimension (sweep.nc)."""
    pieces, status, messages = [], [], []
    template = None
    for sid in plan.ids:
        path = folder / f"{sid}.nc"
        if path.exists():
            with xr.open_dataset(path, engine="h5netcdf") as opened:
                piece = opened.load()
            template = template if template is not None else piece
            pieces.append(piece)
            status.append("optimal")
            messages.append("")
        else:
            record = json.loads((folder / f"{sid}.json").read_text(encoding="utf-8")) \
                if (folder / f"{sid}.json").exists() else {"status": "missing", "message": ""}
            pieces.append(None)
            status.append(record["status"])
            messages.append(record.get("message", ""))
    if template is None:
        raise RuntimeError("no scenario of the sweep solved")
    filled = [p if p is not None else xr.full_like(template, np.nan, dtype=float) for p in pieces]
    stacked = xr.concat(filled, dim="scenario", join="outer")
    stacked = stacked.assign_coords(scenario=plan.ids, scenario_name=("scenario", plan.names),
                                    status=("scenario", status), message=("scenario", messages))
    for key in keys:
        stacked.coords[key.replace(":", "_")] = ("scenario", [
            str(s.get(key, "")) for s in plan.scenarios])
    return stacked
