"""Sweep benchmark (called by bench/run.py): 100 scenarios on a county-level province.

The case is a synthetic province of 100 counties × 12 items × 5 years (examples/synthetic.py,
seed 1, budget factor 0.9: at the case's own budget soft items fall short, at a little more they
do not, so both stage-2 paths run).  The 100 scenarios are 50 budgets (×1.000 … ×1.098) × two upper
bounds of tier 5's shares.  Per-scenario seconds are each scenario's own time in the process
that solved it (applying the scenario, the solve and its figures: ``sweep.log``); wall seconds
are the whole ``run_sweep`` (baseline, writing sweep.nc, sweep.xlsx and plots included).

    python bench/sweep_bench.py OUT.json
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "results" / "bench" / "sweep"
VARY = ["budget=" + ",".join(f"x{1.0 + 0.002 * k:.3f}" for k in range(50)),
        "province_max:t5=0.9,1.0"]


def per_scenario(folder: Path) -> list[float]:
    seconds = []
    for line in (folder / "sweep.log").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3].endswith("s"):
            seconds.append(float(parts[3][:-1]))
    return seconds


def main(out: Path) -> None:
    from fiscalshare.examples.synthetic import generate
    from fiscalshare.io import write_case
    from fiscalshare.sweep import run_sweep

    case = WORK / "case-100x12x5"
    if not case.exists():
        write_case(generate(100, 12, 5, 1, budget_factor=0.9), case)
    runs = []
    for label, kwargs in (
        ("serial, reuse", {"serial": True, "reuse": True}),
        ("serial, rebuild", {"serial": True, "reuse": False}),
        ("2 workers, reuse", {"workers": 2, "reuse": True}),
        ("2 workers, rebuild", {"workers": 2, "reuse": False}),
    ):
        target = WORK / label.replace(", ", "-").replace(" ", "")
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        outcome = run_sweep(case, "default", target, vary=VARY, **kwargs)
        seconds = time.perf_counter() - started
        each = per_scenario(target)
        runs.append({"run": label, "scenarios": outcome.total, "wall_seconds": round(seconds, 2),
                     "per_scenario_mean_ms": round(1000 * statistics.mean(each), 2),
                     "per_scenario_median_ms": round(1000 * statistics.median(each), 2),
                     "solved": outcome.counts["done"], "failed": outcome.counts["failed"]})
        print(runs[-1], flush=True)
    by = {r["run"]: r for r in runs}
    report = {
        "case": "synthetic 100 counties × 12 items × 5 years (seed 1, budget factor 0.9), "
                "100 scenarios",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
        "reuse_over_rebuild_per_scenario_serial": round(
            by["serial, reuse"]["per_scenario_mean_ms"]
            / by["serial, rebuild"]["per_scenario_mean_ms"], 3),
        "reuse_over_rebuild_per_scenario_2_workers": round(
            by["2 workers, reuse"]["per_scenario_mean_ms"]
            / by["2 workers, rebuild"]["per_scenario_mean_ms"], 3),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "results" / "sweep.json")
