"""The benchmark behind ``make bench``: every row of issue 15's table as a ratio to a reference.

The reference (``bench/reference_highspy.py``) reads the same CSV case with pandas, builds the
same LP with scipy.sparse and solves its two stages with raw highspy.  Each row runs the real
``fiscalshare solve`` command and the reference as separate processes, one after the other, and
records their wall times (start-up included), peak memory (``wait4``'s ru_maxrss), the stage
times of fiscalshare's manifest, and z1, z2 of both (they must agree to 1e-6).  Loading is
measured apart: ``load_case`` against pandas' own read of the same files with
``engine="pyarrow"``.  Results go to ``bench/results/<date>.json`` and ``.md``.

The machine is shared, and the same run varies by a fifth from one minute to the next, so each
row is run several times (:data:`REPEATS`), alternating with its reference where it has one (a
row measured against another row, national with reports, alternates with runs of that row), and
the table gives the medians (every time is kept in the JSON).

    python bench/run.py                       # every row
    python bench/run.py --rows county,county-no-reports
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "results" / "bench"
OUT = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
REFERENCE = ROOT / "bench" / "reference_highspy.py"

NATIONAL = ["--regions", "2850", "--items", "80", "--years", "5", "--seed", "1"]
CASES = {  # name: synthetic generator arguments
    "county": ["--regions", "90", "--items", "12", "--years", "5", "--seed", "1"],
    "national": NATIONAL,
    "national-hard": [*NATIONAL, "--hard"],
}
# row: (case, reports?, what the ratio is taken against, label in the table)
ROWS = {
    "county": ("county", True, "reference",
               "county-level province, 90 × 12 × 5, with reports"),
    "county-no-reports": ("county", False, "reference", "same, `--no-reports`"),
    "national": ("national", False, "reference",
                 "national 2,850 × 80 × 5, unlimited budget, `--no-reports`"),
    "national-reports": ("national", True, "national",
                         "national with reports (ratio: to the same run without reports, "
                         "run alternately with it)"),
    "national-hard": ("national-hard", False, "reference",
                      "national, hard regime (tight budget and pool), `--no-reports`"),
}
TARGETS = {"county": 3.0, "national": 1.0, "national-reports": 2.0}
REPEATS = {"county": 7, "county-no-reports": 7, "national": 3, "national-reports": 3,
           "national-hard": 1}  # runs of each row (and of its reference), medians reported


def run_process(args: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and peak resident memory (MiB) of one child process (output via files, so
    that no pipe fills while the child is waited for)."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(args, process.returncode, out.read(), err.read())
    return wall, usage.ru_maxrss / 1024.0, done


def fiscalshare(*args: str) -> list[str]:
    return [str(BIN / "fiscalshare"), *args]


def prepare_case(name: str) -> Path:
    folder = WORK / "cases" / name
    if not (folder / "budget.csv").exists() and not (folder / "regions.csv").exists():
        wall, _, done = run_process(fiscalshare("example", "synthetic", str(folder), "--force",
                                                *CASES[name]))
        if done.returncode != 0:
            raise SystemExit(f"generating {name} failed:\n{done.stderr}")
        print(f"  generated {name} in {wall:.1f} s", flush=True)
    return folder


LOAD_REPEATS = 31  # loading takes a fifth of a second: the machine's moments weigh more
# (a median of fifteen moved by a tenth either way from one sitting to the next)


def measure_load(case: Path) -> dict:
    """Loading as ``solve`` loads (``io.open_case``: validation and the inputs Dataset, the
    input's hash left running beside what follows), and ``load_case`` (the same, waiting for
    the hash too), against pandas' pyarrow read of the same files, each in its own process
    (imports excluded from the clocks), alternating, :data:`LOAD_REPEATS` times each; then
    once the full reader alone (what a case with a warning or a problem costs: ``io.clean_csv``
    leaves it to that reader)."""
    import statistics

    start = ("import time; from fiscalshare.io import load_case, open_case; import xarray;"
             "from fiscalshare.numpy_only import numpy_arrays_only; numpy_arrays_only()\n"
             "t=time.perf_counter(); ")
    ours = start + f"open_case(r'{case}'); print(time.perf_counter()-t)"
    hashed = start + f"load_case(r'{case}'); print(time.perf_counter()-t)"
    pandas = ("import time, glob, pandas as pd;"
              "t=time.perf_counter();"
              f"[pd.read_csv(f, engine='pyarrow') for f in sorted(glob.glob(r'{case}/*.csv'))];"
              "print(time.perf_counter()-t)")
    full = ("import time; from fiscalshare.io import read_tables;"
            "from fiscalshare.io.dataset import build_inputs; import xarray\n"
            f"t=time.perf_counter(); build_inputs(read_tables(r'{case}')[0]);"
            "print(time.perf_counter()-t)")
    record: dict = {}
    times: dict[str, list[float]] = {"load": [], "load_with_hash": [], "pandas_pyarrow_read": [],
                                     "full_reader": []}
    peaks: dict[str, float] = {}
    plan = [("load", ours), ("pandas_pyarrow_read", pandas),
            ("load_with_hash", hashed)] * LOAD_REPEATS
    by_round: dict[int, dict[str, float]] = {}  # the runs of each alternation, for the pairs
    for step, (key, code) in enumerate([*plan, ("full_reader", full)]):
        _, peak, done = run_process([sys.executable, "-c", code])
        if done.returncode != 0:
            record[f"{key}_error"] = done.stderr.strip()[-300:]
            continue
        times[key].append(float(done.stdout.strip().splitlines()[-1]))
        by_round.setdefault(step // 3, {})[key] = times[key][-1]
        peaks[key] = max(peaks.get(key, 0.0), peak)
    for key, values in times.items():
        if values:
            record[f"{key}_seconds"] = round(statistics.median(values), 3)
            record[f"{key}_runs_seconds"] = [round(v, 3) for v in values]
            record[f"{key}_peak_mib"] = round(peaks[key], 1)
    if "load_seconds" in record and "pandas_pyarrow_read_seconds" in record:
        record["load_over_pandas_read"] = round(
            record["load_seconds"] / record["pandas_pyarrow_read_seconds"], 2)
        if "load_with_hash_seconds" in record:
            record["load_with_hash_over_pandas_read"] = round(
                record["load_with_hash_seconds"] / record["pandas_pyarrow_read_seconds"], 2)
        pairs = [runs["load"] / runs["pandas_pyarrow_read"] for runs in by_round.values()
                 if "load" in runs and "pandas_pyarrow_read" in runs]
        record["load_over_pandas_read_paired"] = round(statistics.median(pairs), 2)
        record["load_faster_in_pairs"] = f"{sum(r < 1 for r in pairs)}/{len(pairs)}"
        record["target"] = 1.0
        record["met"] = record["load_over_pandas_read"] <= 1.0 and peaks["load"] < 4096
    return record


RUNS = WORK / "runs" / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")  # this invocation's runs


def run_fiscalshare(name: str, case: Path, reports: bool, attempt: int = 0) -> dict:
    out = RUNS / f"{name}-{attempt}"
    args = ["solve", str(case), "--out", str(out), "--quiet"]
    if not reports:
        args.append("--no-reports")
    wall, peak, done = run_process(fiscalshare(*args))
    record = {"seconds": round(wall, 2), "peak_mib": round(peak, 1), "exit_code": done.returncode}
    if done.returncode != 0:
        record["error"] = done.stderr.strip()[-600:]
        return record
    manifest = json.loads((out / "manifest.json").read_text())
    for key, value in manifest.items():
        if (key.endswith("_seconds") or key.startswith("highs_")
                or key in ("decomposed", "stage2_on_face", "benders_rounds", "stage1_boxes")):
            record[key] = value
    record["z1"] = manifest.get("objective_shortfall")
    record["z2"] = manifest.get("objective_cost")
    return record


def run_reference(case: Path) -> dict:
    wall, peak, done = run_process([sys.executable, str(REFERENCE), str(case)])
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-600:]}
    record = json.loads(done.stdout.strip().splitlines()[-1])
    record.update(seconds=round(wall, 2), peak_mib=round(peak, 1))
    return record


def relative(a, b) -> float | None:
    if a is None or b is None:
        return None
    return abs(a - b) / max(abs(a), abs(b), 1.0)


def median_run(runs: list[dict]) -> dict:
    """The run of median wall time (the upper one of an even count), with every time listed."""
    done = [r for r in runs if "error" not in r]
    if not done:
        return runs[-1]
    chosen = sorted(done, key=lambda r: r["seconds"])[len(done) // 2]
    return {**chosen, "runs_seconds": [r["seconds"] for r in runs], "runs": len(runs)}


def bench(rows: list[str]) -> dict:
    results, references, loads = {}, {}, {}
    for row in rows:
        case_name, reports, against, label = ROWS[row]
        print(f"== {row}", flush=True)
        case = prepare_case(case_name)
        if case_name not in loads and case_name != "county":
            loads[case_name] = measure_load(case)
        ours, theirs = [], []
        for attempt in range(REPEATS.get(row, 1)):  # alternating: both see the same moments
            ours.append(run_fiscalshare(row, case, reports, attempt))
            if against == "reference":
                theirs.append(run_reference(case))
            else:  # a row measured against another row: that row's run, paired with this one
                theirs.append(run_fiscalshare(f"{against}-paired", case, ROWS[against][1],
                                              attempt))
        record = {"label": label, "case": case_name, "reports": reports,
                  "fiscalshare": median_run(ours)}
        if against == "reference":
            earlier = references.get(case_name, [])
            references[case_name] = earlier + theirs
            reference = median_run(references[case_name])
            record["reference"] = reference
            if "seconds" in reference and "error" not in record["fiscalshare"]:
                record["ratio"] = round(record["fiscalshare"]["seconds"] / reference["seconds"], 2)
                record["z1_relative_difference"] = relative(record["fiscalshare"]["z1"],
                                                            reference.get("z1"))
                record["z2_relative_difference"] = relative(record["fiscalshare"]["z2"],
                                                            reference.get("z2"))
        else:
            base = median_run(theirs)
            record["paired"] = base
            if "seconds" in base and "error" not in record["fiscalshare"]:
                record["ratio"] = round(record["fiscalshare"]["seconds"] / base["seconds"], 2)
            earlier = results.get(against, {}).get("fiscalshare", {})
            if "seconds" in earlier and "error" not in record["fiscalshare"]:  # as until 2026-11-27
                record["ratio_to_the_row"] = round(
                    record["fiscalshare"]["seconds"] / earlier["seconds"], 2)
        if row in TARGETS and "ratio" in record:
            record["target"] = TARGETS[row]
            record["met"] = record["ratio"] <= TARGETS[row]
        if row == "national-hard" and "error" not in record["fiscalshare"]:
            record["target_seconds"] = 120
            same = all((record.get(k) or 0) <= 1e-6 for k in ("z1_relative_difference",
                                                              "z2_relative_difference"))
            record["met"] = record["fiscalshare"]["seconds"] < 120 and same
        results[row] = record
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return {"rows": results, "loading": loads}


def markdown(report: dict) -> str:
    lines = ["Median of the runs (how many: n); every run's time is in the JSON.", "",
             "| case | fiscalshare | reference | ratio | target | met | z1, z2 vs reference |",
             "|---|---|---|---|---|---|---|"]
    for row, record in report["rows"].items():
        ours = record["fiscalshare"]
        parts = [f"{ours.get('seconds', '—')} s"]
        if ours.get("runs", 1) > 1:
            parts.append(f"n = {ours['runs']}, {min(ours['runs_seconds'])}–"
                         f"{max(ours['runs_seconds'])} s")
        for key, name in (("load_seconds", "load"), ("solve_seconds", "solve"),
                          ("highs_stage1_seconds", "HiGHS stage 1"),
                          ("highs_stage2_seconds", "stage 2"), ("report_seconds", "reports")):
            if ours.get(key) is not None:
                parts.append(f"{name} {ours[key]:.1f} s")
        if ours.get("error"):
            parts.append(f"exit {ours.get('exit_code')}")
        reference = record.get("reference") or {}
        paired = record.get("paired") or {}
        spread = (f"n = {reference['runs']}, {min(reference['runs_seconds'])}–"
                  f"{max(reference['runs_seconds'])} s, " if reference.get("runs", 1) > 1 else "")
        ref = (f"{reference['seconds']} s ({spread}read {reference['read_seconds']} s, stages "
               f"{reference['stage1_seconds']} + {reference['stage2_seconds']} s)"
               if "seconds" in reference else ("—" if not reference else "error"))
        if "seconds" in paired:
            ref = (f"the run without reports, paired: {paired['seconds']} s (n = "
                   f"{paired.get('runs', 1)}, {min(paired.get('runs_seconds', [0]))}–"
                   f"{max(paired.get('runs_seconds', [0]))} s)")
        diffs = ("" if record.get("z1_relative_difference") is None else
                 f"{record['z1_relative_difference']:.1e}, {record['z2_relative_difference']:.1e}")
        target = record.get("target", "< 120 s" if row == "national-hard" else "")
        met = {True: "yes", False: "no"}.get(record.get("met"), "")
        lines.append(f"| {record['label']} | {parts[0]} ({', '.join(parts[1:])}) | {ref} | "
                     f"{record.get('ratio', '—')}× | {target} | {met} | {diffs} |")
    lines += ["", f"Loading: medians of {LOAD_REPEATS} runs each, alternating; the full reader "
              "(a case with a warning or a problem) once.  Paired: the median of each run's "
              "time over the pandas run after it, and in how many pairs ours was faster.", "",
              "| case | as solve loads (validation, Dataset; hash beside) | pandas read, "
              "pyarrow | ratio | target | met | paired (faster in) | load_case (hash waited "
              "for) | ratio | peak | full reader |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for case, load in report["loading"].items():
        met = {True: "yes", False: "no"}.get(load.get("met"), "")
        lines.append(f"| {case} | {_median_and_range(load, 'load')} | "
                     f"{_median_and_range(load, 'pandas_pyarrow_read')} | "
                     f"{load.get('load_over_pandas_read')}× | ≤ 1× | {met} | "
                     f"{load.get('load_over_pandas_read_paired')}× "
                     f"({load.get('load_faster_in_pairs')}) | "
                     f"{_median_and_range(load, 'load_with_hash')} | "
                     f"{load.get('load_with_hash_over_pandas_read')}× | "
                     f"{load.get('load_peak_mib')} MiB | {load.get('full_reader_seconds')} s |")
    return "\n".join(lines) + "\n"


def _median_and_range(load: dict, key: str) -> str:
    runs = load.get(f"{key}_runs_seconds")
    if not runs:
        return "—"
    return f"{load[f'{key}_seconds']} s ({min(runs)}–{max(runs)} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=",".join(ROWS), help="comma-separated row names")
    parser.add_argument("--sweep", action=argparse.BooleanOptionalAction, default=False,
                        help="also run the sweep benchmark (bench/sweep_bench.py)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    # byte-compiled as `make install` and an installed package leave it (PYTHONDONTWRITEBYTECODE
    # would otherwise have every run compile the package again)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")],
                   capture_output=True, check=False)
    report = {
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_at_start": os.getloadavg()},
        **bench(args.rows.split(",")),
    }
    report["machine"]["load_average_at_end"] = os.getloadavg()
    sweep_script = ROOT / "bench" / "sweep_bench.py"
    if args.sweep and sweep_script.exists():
        sweep_json = WORK / "sweep.json"
        subprocess.run([sys.executable, str(sweep_script), str(sweep_json)], check=False)
        if sweep_json.exists():
            report["sweep"] = json.loads(sweep_json.read_text())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    earlier = OUT / f"{stamp}.json"
    if earlier.exists():  # rows measured earlier today and not now are kept, marked as such
        before = json.loads(earlier.read_text())
        for part in ("rows", "loading"):
            kept = {k: {**v, "measured_utc": v.get("measured_utc", before.get("created_utc"))}
                    for k, v in before.get(part, {}).items() if k not in report[part]}
            report[part] = {**kept, **report[part]}
        order = list(ROWS)
        report["rows"] = dict(sorted(report["rows"].items(),
                                     key=lambda kv: order.index(kv[0]) if kv[0] in order else 99))
    earlier.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    table = markdown(report)
    (OUT / f"{stamp}.md").write_text(table)
    print(table)
    import shutil

    shutil.rmtree(RUNS, ignore_errors=True)  # the runs this invocation wrote


if __name__ == "__main__":
    main()
