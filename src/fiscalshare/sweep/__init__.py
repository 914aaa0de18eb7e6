"""What-if sweeps: many scenarios of one case, solved in parallel, kept as they finish.

``run_sweep`` writes a sweep folder::

    plan.json        the scenarios, their ids and the settings (what --resume reads)
    baseline.nc      the case as given
    scenarios/       one file per finished scenario (.nc solved, .json infeasible or failed)
    sweep.nc         every scenario on a ``scenario`` dimension, varied values as coordinates
    sweep.xlsx       one row per scenario with the differences from the baseline
    plots/           a line plot per varied key; tornado.png with --tornado
    manifest.json    file hashes and settings, written last

The results do not depend on how the scenarios were scheduled: a LocalCluster run and a serial
run give identical ``sweep.nc``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import xarray as xr

from fiscalshare.errors import InputError
from fiscalshare.sweep import results as sweep_results
from fiscalshare.sweep import runner
from fiscalshare.sweep import scenarios as sc

PLAN = "plan.json"


@dataclass
class SweepOutcome:
    folder: Path
    counts: dict
    total: int
    complete: bool


def plan_sweep(inputs, vary_options: list[str], *, paired: bool = False,
               file: Path | None = None) -> tuple[list[dict], list[str], list[str]]:
    """Scenarios, their names and the varied keys — all checked before anything runs."""
    if file is not None:
        scenarios, names = sc.load_file(file, inputs)
    else:
        vary = sc.parse_vary(vary_options, inputs)
        scenarios = sc.grid(vary, paired=paired)
        names = [sc.scenario_name(s) for s in scenarios]
    if not scenarios:
        raise InputError([sc._problem(f"nothing to vary: give --vary KEY=VALUES (keys: "
                                      f"{', '.join(sc.ACCEPTED)}) or --file")])
    keys = list(dict.fromkeys(k for s in scenarios for k in s))
    return scenarios, names, keys


def _encode(scenarios: list[dict]) -> list[dict]:
    return [{k: str(v) for k, v in s.items()} for s in scenarios]


def _decode(encoded: list[dict]) -> list[dict]:
    return [{k: sc.parse_value(k, v) for k, v in s.items()} for s in encoded]


def run_sweep(case: Path, model: str, out: Path, *, vary: list[str] = (), paired=False,
              file: Path | None = None, workers: int = 1, scheduler: str | None = None,
              serial: bool = False, force: bool = False, resume: bool = False,
              reuse: bool = True, time_limit: float | None = None, tornado: bool = False,
              progress_factory=None) -> SweepOutcome:
    from fiscalshare.config import load_config
    from fiscalshare.model.checks import check_case
    from fiscalshare.io import load_case
    from fiscalshare.runs.folder import RunExistsError, write_manifest
    from fiscalshare.solve import solve_case

    out = Path(out)
    if resume:
        plan_data = json.loads((out / PLAN).read_text(encoding="utf-8"))
        case, model = Path(plan_data["case"]), plan_data["model"]
        reuse, time_limit = plan_data["reuse"], plan_data["time_limit"]
        tornado = tornado or plan_data.get("tornado", False)
    elif out.exists() and any(out.iterdir()) and not force:
        raise RunExistsError(f"{out} exists; give --force to replace it or --resume to finish it")
    inputs = load_case(case)
    config = load_config(model)
    check_case(inputs, config)
    if resume:
        scenarios, names, keys = _decode(plan_data["scenarios"]), plan_data["names"], \
            plan_data["keys"]
    else:
        scenarios, names, keys = plan_sweep(inputs, list(vary), paired=paired, file=file)
        if out.exists():
            import shutil

            shutil.rmtree(out)
        out.mkdir(parents=True)
    baseline_path = out / "baseline.nc"
    if not baseline_path.exists():
        base = runner.summarise(solve_case(inputs, config, time_limit=time_limit))
        base.to_netcdf(baseline_path, engine="h5netcdf")
    with xr.open_dataset(baseline_path, engine="h5netcdf") as opened:
        baseline = opened.load()
    plan = runner.SweepPlan(scenarios, names, reuse, time_limit,
                            reference_spending=baseline["provincial_money"].values.tolist())
    if not resume:
        (out / PLAN).write_text(json.dumps({
            "case": str(Path(case).resolve()), "model": str(model), "reuse": reuse,
            "time_limit": time_limit, "tornado": tornado, "keys": keys, "names": names,
            "scenarios": _encode(scenarios), "ids": plan.ids}, ensure_ascii=False, indent=1),
            encoding="utf-8")
    folder = out / "scenarios"
    todo = len(plan.ids) - len(runner.finished(folder))
    progress = progress_factory(todo) if progress_factory else None
    try:
        counts = runner.run(inputs, config, plan, folder, workers=workers, scheduler=scheduler,
                            serial=serial, progress=progress)
    finally:
        if progress is not None:
            progress(None)
    sweep = runner.collect(folder, plan, keys)
    sweep.attrs.update(case=inputs.attrs.get("case", ""), model=str(model),
                       input_sha256=inputs.attrs.get("input_sha256", ""))
    sweep.to_netcdf(out / "sweep.nc", engine="h5netcdf")
    frame = sweep_results.table(sweep, baseline, keys)
    sweep_results.write_workbook(frame, out / "sweep.xlsx")
    sweep_results.write_plots(sweep, keys, out / "plots")
    if tornado:
        write_tornado(inputs, config, baseline, out / "plots" / "tornado.png", time_limit)
    write_manifest(out, {"kind": "sweep", "case": inputs.attrs.get("case", ""),
                         "model": str(model), "scenarios": len(plan.ids),
                         "input_sha256": inputs.attrs.get("input_sha256", "")})
    return SweepOutcome(out, counts, len(plan.ids), True)


def write_tornado(inputs, config, baseline, path: Path, time_limit=None) -> Path:
    """z2 with each tier's shares and each item's standard moved −10 % and +10 %."""
    from fiscalshare.errors import InfeasibleError
    from fiscalshare.solve import solve_case

    def z2(ds) -> float:
        try:
            return solve_case(ds, config, time_limit=time_limit).attrs["objective_cost"]
        except InfeasibleError:
            return float("nan")

    rows = []
    for tier in inputs["tier"].values:
        moved = []
        for factor in (0.9, 1.1):
            ds = inputs.copy(deep=True)
            for name in ("province_min", "province_max", "province_share"):
                scaled = (ds[name].sel(tier=tier) * factor).clip(0, 1)
                ds[name].loc[{"tier": tier}] = scaled
            moved.append(z2(ds))
        rows.append((f"shares tier {int(tier)}", *moved))
    for item in inputs["item"].values:
        moved = []
        for factor in (0.9, 1.1):
            ds = inputs.copy(deep=True)
            ds["unit_cost"].loc[{"item": item}] = ds["unit_cost"].sel(item=item) * factor
            moved.append(z2(ds))
        rows.append((f"standard {item}", *moved))
    return sweep_results.write_tornado(rows, float(baseline["objective_cost"]), path)
