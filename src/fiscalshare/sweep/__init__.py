"""What-if sweeps: many scenarios of one case, solved in parallel, kept as they finish.

``run_sweep`` writes a sweep folder::

    plan.json        the scenarios, what each key means here, the input hash, the settings
                     (reuse, time limit, serial/workers/scheduler): what --resume reads
    records/         one JSON file per finished scenario and the baseline (status, figures)
    sweep.log        one line per scenario, in the order they finished
    sweep.nc         every scenario on a ``scenario`` dimension, varied values as coordinates
    sweep.xlsx       the baseline and one row per scenario with the differences from it;
                     the tornado's table; what each key meant and which had no effect
    plots/           z2 against each varied key (infeasible and baseline marked); tornado.png
    manifest.json    file hashes and settings, written last

The results do not depend on how the scenarios were scheduled: a LocalCluster run and a serial
run give identical ``sweep.nc``.  Every scenario is recorded, the infeasible ones with the least
extra money their diagnosis found, so ``sweep.nc`` is written even when none solved.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from fiscalshare.errors import InputError, Problem
from fiscalshare.sweep import folder as sweep_folder
from fiscalshare.sweep import results as sweep_results
from fiscalshare.sweep import runner
from fiscalshare.sweep.plan import SweepPlan, make_plan

BASELINE = sweep_folder.BASELINE
PLAN = sweep_folder.PLAN


@dataclass
class SweepOutcome:
    folder: Path
    counts: dict
    total: int
    complete: bool
    meanings: list[str] = field(default_factory=list)
    no_effect: dict[str, str] = field(default_factory=dict)
    lang: str = "zh"


def run_sweep(case: Path | None, model: str, out: Path, *, vary=(), paired: bool = False,
              file: Path | None = None, workers: int | None = None, scheduler: str | None = None,
              serial: bool | None = None, force: bool = False, resume: bool = False,
              reuse: bool = True, time_limit: float | None = None, tornado: bool = False,
              prices: bool = False, lang: str | None = None, progress_factory=None,
              echo=None) -> SweepOutcome:
    """Plan (every scenario checked before anything runs), solve, collect and write.

    With ``resume`` the plan comes from ``out/plan.json``: the same case (refused when its
    input hash changed), configuration and settings, and the way it ran (serial, workers,
    scheduler) unless given again.
    """
    from fiscalshare.config import load_config
    from fiscalshare.io import load_case

    out = Path(out)
    say = echo or (lambda text: None)
    if resume:
        plan = sweep_folder.read_plan(out)
        inputs = load_case(Path(plan.case))
        if str(inputs.attrs.get("input_sha256", "")) != plan.input_sha256:
            raise InputError([Problem(str(plan.case), "the case changed since this sweep started "
                                      "(its input hash differs from plan.json); resuming would "
                                      "mix scenarios of two inputs. Start a new sweep with "
                                      "--out elsewhere, or --force to replace this one")])
        config = plan.config
        ran = plan.running
        serial = ran.get("serial", False) if serial is None else serial
        workers = ran.get("workers") if workers is None else workers
        scheduler = ran.get("scheduler") if scheduler is None else scheduler
        lang = plan.lang if lang is None else lang
        sweep_folder.remove_partials(out)
    else:
        inputs = load_case(Path(case))
        config = load_config(model).as_dict()  # the sweep package passes plain mappings
        _refuse_dangerous_out(out, Path(case))
        plan = make_plan(inputs, config, case=Path(case), model=str(model), vary=list(vary),
                         paired=paired, file=file, tornado=tornado, reuse=reuse,
                         time_limit=time_limit, prices=prices, lang=lang or "zh")
        plan.running = {"serial": bool(serial), "workers": workers, "scheduler": scheduler}
        if scheduler is not None and not serial:
            runner.check_scheduler(scheduler)
        sweep_folder.prepare(out, force=force)
        sweep_folder.write_plan(out, plan)
    lang = lang or "zh"
    for line in plan.meanings:
        say(line)
    settings = runner.Settings(reuse=plan.reuse, time_limit=plan.time_limit, token=plan.token)

    done = sweep_folder.finished(out)
    if BASELINE not in done:
        runner.forget_models()
        outcome = runner.solve_scenario(inputs, config, BASELINE, {}, settings)
        sweep_folder.save(out, BASELINE, outcome.record)
    baseline = sweep_folder.load(out, BASELINE)
    reference = sweep_results.reference_spending(baseline)

    pending = [s for s in plan.every_scenario if s.id not in done]
    counts = {"done": 0, "failed": 0, "skipped": len(plan.every_scenario) - len(pending)}
    progress = progress_factory(len(pending)) if progress_factory and pending else None

    def finished(outcome: runner.Outcome) -> None:
        sweep_folder.save(out, outcome.scenario_id, outcome.record)
        sweep_folder.log(out, f"{outcome.scenario_id} {outcome.record.status} "
                              f"{outcome.how or '-'} {outcome.seconds:.4f}s")
        counts["done" if outcome.record.status == "optimal" else "failed"] += 1
        if progress is not None:
            progress(outcome.record.status)

    try:
        runner.run(inputs, config, pending, settings, reference, finished, workers=workers,
                   scheduler=scheduler, serial=bool(serial))
    finally:
        if progress is not None:
            progress(None)
    return _write_results(out, plan, inputs, baseline, counts, lang, say)


def _price_sheets(out: Path, plan: SweepPlan, inputs: xr.Dataset, lang: str):
    """The baseline solved in full (its duals) for the prices of standards and capacity."""
    from fiscalshare.errors import InfeasibleError, SolverLimitError
    from fiscalshare.solve import solve_case
    from fiscalshare.sweep import prices

    try:
        results = solve_case(inputs, plan.config, time_limit=plan.time_limit)
    except (InfeasibleError, SolverLimitError):
        return []
    prices.write_plot(results, out / "plots", lang)
    return prices.price_sheets(results, lang)


def _write_results(out: Path, plan: SweepPlan, inputs: xr.Dataset, baseline, counts: dict,
                   lang: str, say) -> SweepOutcome:
    from fiscalshare.report.labels import label
    from fiscalshare.runs.folder import write_manifest
    from fiscalshare.sweep import plots
    from fiscalshare.sweep.tornado import bar_table

    records = {s.id: sweep_folder.load(out, s.id) for s in plan.every_scenario}
    sweep = sweep_results.collect(plan, records, inputs, baseline)
    effects = no_effect(sweep, plan, lang)
    sweep.attrs["meanings"] = json.dumps(plan.meanings, ensure_ascii=False)
    sweep.attrs["no_effect"] = json.dumps(effects, ensure_ascii=False)
    sweep_folder.replace_file(out / "sweep.nc",
                              lambda temp: sweep.to_netcdf(temp, engine="h5netcdf"))
    base_figures = sweep_results.record_figures(baseline, inputs)
    tornado = None
    if plan.bars:
        z2 = {sid: float(r.figures["objective_cost"]) for sid, r in records.items()
              if r is not None and r.figures is not None}
        tornado = bar_table(plan.bars, z2, float(base_figures["objective_cost"]), lang)
    extra = _price_sheets(out, plan, inputs, lang) if plan.prices else []
    sweep_results.write_workbook(out / "sweep.xlsx", sweep, base_figures, tornado, lang=lang,
                                 extra_sheets=extra)
    plots.write_all(out / "plots", sweep, base_figures, tornado, lang=lang)
    for key, why in effects.items():
        say(label("no_effect_console", lang).format(key, why))
    write_manifest(out, {"kind": "sweep", "case": inputs.attrs.get("case", ""),
                         "model": plan.model, "scenarios": len(plan.scenarios),
                         "input_sha256": plan.input_sha256, "token": plan.token})
    statuses = [str(s) for s in sweep["status"].values]
    return SweepOutcome(out, counts, len(plan.every_scenario),
                        "missing" not in statuses, plan.meanings, effects, lang)


def no_effect(sweep: xr.Dataset, plan: SweepPlan, lang: str = "zh") -> dict[str, str]:
    """Keys whose values never changed a solved scenario's figures, with the likely reason.

    Scenarios are grouped by the values of the other keys; a key has no effect when, in every
    group, all its values gave the same z1, z2 and provincial money by year (to 1e-9 relative).
    """
    from fiscalshare.sweep.results import coordinate_name

    effects: dict[str, str] = {}
    if not plan.keys or not sweep.sizes["scenario"]:
        return effects
    ok = sweep["status"].values == "optimal"
    figures = np.column_stack([sweep["objective_shortfall"].values,
                               sweep["objective_cost"].values,
                               sweep["provincial_money"].values.reshape(sweep.sizes["scenario"],
                                                                        -1)])
    for key in plan.keys:
        values = sweep[coordinate_name(key)].values
        if len(set(values[ok])) < 2:
            continue
        others = [coordinate_name(k) for k in plan.keys if k != key]
        groups: dict[tuple, list[int]] = {}
        for k in np.flatnonzero(ok):
            groups.setdefault(tuple(str(sweep[o].values[k]) for o in others), []).append(k)
        varied = [g for g in groups.values() if len({str(values[k]) for k in g}) > 1]
        if varied and all(np.allclose(figures[g], figures[g[0]], rtol=1e-9, atol=1e-6)
                          for g in varied):
            effects[key] = _why_no_effect(key, sweep, plan, lang)
    return effects


def _why_no_effect(key: str, sweep: xr.Dataset, plan: SweepPlan, lang: str) -> str:
    from fiscalshare.report.labels import label

    name = key.split(":")[0]
    mode = plan.config.get("ratio_mode", "optimise")
    z1 = sweep.attrs.get("baseline_objective_shortfall", np.nan)
    if name in ("budget", "pool"):
        reason = "noeffect_limit"
    elif name == "eta" and z1 == 0:
        reason = "noeffect_eta"
    elif name in ("province_min", "province_max"):
        reason = "noeffect_bounds_fixed" if mode == "fixed" else "noeffect_bounds"
    elif name == "prefecture_share" and str(plan.config.get("equalisation")) == "on":
        reason = "noeffect_prefecture"
    elif name == "capacity":
        reason = "noeffect_capacity"
    else:
        reason = "noeffect_other"
    return label(reason, lang)


def _refuse_dangerous_out(out: Path, case: Path) -> None:
    """``--out`` may not be the case, hold the case, or hold the current directory."""
    from fiscalshare.runs.folder import RunExistsError

    target = out.resolve()
    source = case.resolve()
    here = Path(os.getcwd()).resolve()
    if target == source or target in source.parents:
        raise RunExistsError(f"--out {out} is or holds the input case {case}; choose another "
                             "folder (nothing was written)")
    if target == here or target in here.parents:
        raise RunExistsError(f"--out {out} is or holds the current directory; choose a new "
                             "folder (nothing was written)")


__all__ = ["SweepOutcome", "no_effect", "run_sweep"]
