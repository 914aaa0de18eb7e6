"""Sweep benchmark (called by bench/run.py): ≥ 100 scenarios on a county-level province.

Measures scenarios per second serially and on a dask LocalCluster with 1 and 2 workers, with and
without model reuse (in-place budget/share updates vs a rebuild per scenario).

    python bench/sweep_bench.py OUT.json
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "results" / "bench" / "sweep"
VARY = ["budget=" + ",".join(f"x{0.95 + 0.002 * k:.3f}" for k in range(50)),
        "province_max:t5=0.9,1.0"]  # 100 scenarios that the kept model can take in place


def main(out: Path) -> None:
    from fiscalshare.examples.synthetic import generate
    from fiscalshare.io import write_case
    from fiscalshare.sweep import run_sweep

    case = WORK / "case"
    if not case.exists():
        write_case(generate(130, 80, 5, 1, budget_factor=1.5), case)
    runs = []
    for label, kwargs in (
        ("serial, reuse", {"serial": True, "reuse": True}),
        ("serial, rebuild", {"serial": True, "reuse": False}),
        ("1 worker, reuse", {"workers": 1, "reuse": True}),
        ("2 workers, reuse", {"workers": 2, "reuse": True}),
        ("2 workers, rebuild", {"workers": 2, "reuse": False}),
    ):
        target = WORK / label.replace(", ", "-").replace(" ", "")
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        outcome = run_sweep(case, "default", target, vary=VARY, **kwargs)
        seconds = time.perf_counter() - started
        runs.append({"run": label, "scenarios": outcome.total, "seconds": round(seconds, 2),
                     "scenarios_per_second": round(outcome.total / seconds, 2),
                     "solved": outcome.counts["done"], "failed": outcome.counts["failed"]})
        print(runs[-1], flush=True)
    by = {r["run"]: r["seconds"] for r in runs}
    report = {
        "case": "synthetic 130 counties × 80 items × 5 years (seed 1, budget factor 1.5)",
        "runs": runs,
        "speedup_reuse_serial": round(by["serial, rebuild"] / by["serial, reuse"], 2),
        "speedup_2_over_1_worker": round(by["1 worker, reuse"] / by["2 workers, reuse"], 2),
        "speedup_reuse_2_workers": round(by["2 workers, rebuild"] / by["2 workers, reuse"], 2),
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else WORK / "sweep.json")
