"""The benchmark suite behind ``make bench`` (not part of ``make test``).

For each case it runs the real ``fiscalshare solve`` command as a separate process and records the
wall time of the whole process (start-up included), its peak memory (``wait4``'s ru_maxrss), and
the stage times the run stores in its manifest (load, build, HiGHS per stage by HiGHS's own clock,
extraction, netCDF and report writing).  The same model is written as MPS files with
``--write-mps`` and solved by highspy alone with the same options, which gives the floor that the
end-to-end time is compared against.  Results go to ``bench/results/<date>.json`` and ``.md``.

    python bench/run.py                  # every case
    python bench/run.py --cases example,county
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "results" / "bench"
OUT = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent

# name: (synthetic generator arguments or None for the packaged example, extra solve arguments)
CASES = {
    "example": (None, []),
    "county": (["--regions", "130", "--items", "80", "--years", "5", "--seed", "1"], []),
    "national": (["--regions", "2850", "--items", "80", "--years", "5", "--seed", "1"], []),
    "national-tight": (
        ["--regions", "2850", "--items", "80", "--years", "5", "--seed", "1",
         "--budget-factor", "0.9"],
        [],
    ),
}


def run_process(args: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and peak resident memory (MiB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    completed = subprocess.CompletedProcess(args, process.returncode, stdout, stderr)
    return wall, usage.ru_maxrss / 1024.0, completed


def fiscalshare(*args: str) -> list[str]:
    return [str(BIN / "fiscalshare"), *args]


def prepare_case(name: str, generator_args: list[str] | None) -> Path:
    if generator_args is None:
        from fiscalshare.examples import example_path

        return example_path("guizhou")
    folder = WORK / "cases" / name
    if not folder.exists():
        wall, peak, done = run_process(
            fiscalshare("example", "synthetic", str(folder), *generator_args)
        )
        if done.returncode != 0:
            raise SystemExit(f"generating {name} failed:\n{done.stderr}")
        print(f"  generated {name} in {wall:.1f} s")
    return folder


def measure_load(case: Path) -> dict:
    code = (
        "import time; t=time.perf_counter();"
        f"from fiscalshare.io import load_case; ds=load_case(r'{case}');"
        "print(time.perf_counter()-t)"
    )
    wall, peak, done = run_process([sys.executable, "-c", code])
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-500:]}
    return {"load_seconds": round(float(done.stdout.strip()), 3),
            "load_process_seconds": round(wall, 3), "load_peak_mib": round(peak, 1)}


def highs_alone(mps_files: list[Path], options: dict) -> float:
    """Seconds HiGHS itself needs for the written stage models (its own clock, summed)."""
    code = (
        "import json, sys, highspy\n"
        "total = 0.0\n"
        "for path in sys.argv[2:]:\n"
        "    h = highspy.Highs(); h.setOptionValue('output_flag', False)\n"
        "    for k, v in json.loads(sys.argv[1]).items(): h.setOptionValue(k, v)\n"
        "    h.readModel(path); h.run(); total += h.getRunTime()\n"
        "print(total)\n"
    )
    wall, peak, done = run_process(
        [sys.executable, "-c", code, json.dumps(options), *map(str, mps_files)]
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return float(done.stdout.strip())


def bench_case(name: str) -> dict:
    generator_args, solve_args = CASES[name]
    print(f"== {name}")
    case = prepare_case(name, generator_args)
    record = {"case": name, **measure_load(case)}
    out = WORK / "runs" / name
    mps = WORK / "mps" / name
    shutil.rmtree(mps, ignore_errors=True)
    mps.mkdir(parents=True)
    wall, peak, done = run_process(
        fiscalshare("solve", str(case), "--out", str(out), "--force", "--quiet",
                    "--write-mps", str(mps / "model.mps"), *solve_args)
    )
    record.update(exit_code=done.returncode, end_to_end_seconds=round(wall, 3),
                  peak_mib=round(peak, 1))
    if done.returncode not in (0, 3):
        record["error"] = done.stderr.strip()[-1000:]
        return record
    manifest = json.loads((out / "manifest.json").read_text())
    for key, value in manifest.items():
        if key.endswith("_seconds") or key.startswith("highs_"):
            record[key] = value
    record["objective_shortfall"] = manifest.get("objective_shortfall")
    record["objective_cost"] = manifest.get("objective_cost")
    files = sorted(mps.glob("*.mps"))
    if files:
        options = json.loads(manifest.get("solver_options", "{}")) if isinstance(
            manifest.get("solver_options"), str) else manifest.get("solver_options") or {}
        alone = highs_alone(files, options)
        record["highs_alone_seconds"] = round(alone, 3)
        record["end_to_end_over_highs_alone"] = round(wall / alone, 2) if alone > 0 else None
    return record


def startup_times() -> dict:
    from fiscalshare.examples import example_path

    help_wall, _, _ = run_process(fiscalshare("--help"))
    validate_wall, _, _ = run_process(fiscalshare("validate", str(example_path("guizhou"))))
    return {"help_seconds": round(help_wall, 3), "validate_example_seconds": round(validate_wall, 3)}


def markdown(records: list[dict], startup: dict) -> str:
    columns = ["case", "exit_code", "load_seconds", "load_peak_mib", "build_seconds",
               "solve_seconds", "extract_seconds", "report_seconds", "end_to_end_seconds",
               "highs_alone_seconds", "end_to_end_over_highs_alone", "peak_mib"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in records:
        lines.append("| " + " | ".join(str(record.get(c, "")) for c in columns) + " |")
    lines.append("")
    lines.append(f"`fiscalshare --help`: {startup['help_seconds']} s; "
                 f"`fiscalshare validate` (example): {startup['validate_example_seconds']} s")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--sweep", action=argparse.BooleanOptionalAction, default=True,
                        help="also run the sweep benchmark (bench/sweep_bench.py)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    records = [bench_case(name) for name in args.cases.split(",")]
    startup = startup_times()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    report = {
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "cases": records,
        "startup": startup,
    }
    sweep_script = ROOT / "bench" / "sweep_bench.py"
    if args.sweep and sweep_script.exists():
        sweep_json = WORK / "sweep.json"
        subprocess.run([sys.executable, str(sweep_script), str(sweep_json)], check=False)
        if sweep_json.exists():
            report["sweep"] = json.loads(sweep_json.read_text())
    (OUT / f"{stamp}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    table = markdown(records, startup)
    (OUT / f"{stamp}.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
