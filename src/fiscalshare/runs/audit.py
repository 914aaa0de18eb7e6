"""Audit a run folder: is every file the one the run wrote, and does the allocation still hold?

Hashes alone prove little: anyone who edits a file can recompute the manifest's hashes too.  So
the audit re-derives whatever it can and reports every disagreement:

* the files: each listed one present with its sha256, nothing unlisted, and exactly the set the
  run writes — re-derived from ``allocation.nc`` and the run's settings (the province workbook,
  one workbook per prefecture named by its code and name, the plots), not taken from the manifest;
* the settings: every attribute the manifest repeats from ``allocation.nc`` (η, ratio mode,
  objective values, termination, status, input hash, model configuration) agrees with it, and the
  attributes agree with the configuration they came from;
* the input: its hash, and every label and figure the results carry from it (names, codes,
  capacity, bounds) equal to the case's;
* the solution: every constraint of docs/model.md, re-checked independently;
* the reports: rendered again from ``allocation.nc`` and compared cell by cell with the stored
  workbooks, so a changed figure is found whatever the layout;
* an infeasible run: its diagnosis is there, and the case really has no solution under the run's
  configuration (solved again);
* a ``compare`` folder: both allocations, the optimum's constraints, the status quo computed
  again from the case, and compare.xlsx rendered again from the two allocations.

A malformed manifest or an unreadable ``allocation.nc`` is a finding, never a traceback.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from fiscalshare.runs.folder import (
    ALLOCATION,
    DIAGNOSIS,
    DIAGNOSIS_WORKBOOK,
    MANIFEST,
    file_hashes,
    manifest_attrs,
)

_RUN_LOG = "run.log"
# the manifest's own keys, not repeated from allocation.nc
_MANIFEST_ONLY = {"files", "status", "prefectures", "report_lang", "reports",
                  "netcdf_seconds", "report_seconds"}


def audit_run(run_dir: Path, case: Path | None = None) -> list[str]:
    """Every finding that makes the run untrustworthy; an empty list means it checks out."""
    run_dir = Path(run_dir)
    manifest, findings = _read_manifest(run_dir)
    if manifest is None:
        return findings
    recorded = manifest.get("files", {})
    if not isinstance(recorded, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in recorded.items()):
        findings.append(f"{MANIFEST}: 'files' is not a mapping of file name to sha256")
        recorded = {}
    findings += check_hashes(run_dir, recorded)
    if manifest.get("kind") == "compare":
        return findings + _check_compare(run_dir, manifest, case)
    status = manifest.get("status")
    if status == "infeasible":
        return findings + _check_infeasible(run_dir, manifest, case)
    if status != "solved":
        findings.append(f"{MANIFEST}: status {status!r} is neither 'solved' nor 'infeasible'")
    if not (run_dir / ALLOCATION).is_file():
        return findings + [f"{ALLOCATION}: missing"]
    results, problem = _open_allocation(run_dir / ALLOCATION)
    if results is None:
        return findings + [problem]
    findings += _check_settings(manifest, results)
    findings += _check_input_and_solution(results, manifest, case)
    findings += _check_reports(run_dir, results, manifest)
    return findings


def is_compare_folder(folder: Path) -> bool:
    """A folder written by ``fiscalshare compare`` (its manifest says so)."""
    manifest, _ = _read_manifest(Path(folder))
    return manifest is not None and manifest.get("kind") == "compare"


def _read_manifest(run_dir: Path) -> tuple[dict | None, list[str]]:
    path = run_dir / MANIFEST
    if not path.is_file():
        return None, [f"{run_dir}: no {MANIFEST}: not a fiscalshare run folder, or it was removed"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        return None, [f"{MANIFEST}: not valid JSON ({type(exc).__name__}: {str(exc)[:200]})"]
    if not isinstance(manifest, dict):
        return None, [f"{MANIFEST}: expected a JSON object, found {type(manifest).__name__}"]
    return manifest, []


def _open_allocation(path: Path):
    import xarray as xr

    try:
        with xr.open_dataset(path, engine="h5netcdf") as opened:
            return opened.load(), ""
    except Exception as exc:  # truncated, not HDF5, not netCDF: a finding, not a crash
        return None, f"{path.name}: cannot be read ({type(exc).__name__}: {str(exc)[:200]})"


def check_hashes(folder: Path, recorded: dict, writer: str = "run") -> list[str]:
    """Every file below ``folder`` against the sha256 the manifest recorded for it: missing,
    altered, or not written by the ``writer`` (a run or a sweep)."""
    findings = []
    actual = file_hashes(folder)
    for name, digest in sorted(recorded.items()):
        if name not in actual:
            findings.append(f"{name}: listed in {MANIFEST} but missing")
        elif actual[name] != digest:
            findings.append(f"{name}: altered (sha256 differs from {MANIFEST})")
    for name in sorted(set(actual) - set(recorded)):
        findings.append(f"{name}: not written by the {writer} (absent from {MANIFEST})")
    return findings


def _check_expected_files(run_dir: Path, expected: set[str]) -> list[str]:
    """The files on disk against the set the run writes (independent of the manifest)."""
    actual = set(file_hashes(run_dir))
    findings = [f"{name}: the run writes it, but it is missing (and not listed)"
                for name in sorted(expected - actual)]
    findings += [f"{name}: not a file this run writes" for name in sorted(actual - expected)]
    return findings


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0) or (
                math.isnan(float(a)) and math.isnan(float(b)))
        except (TypeError, ValueError):
            return False
    return a == b


def _check_settings(manifest: dict, results) -> list[str]:
    """What the manifest repeats from allocation.nc, and the attributes against their config."""
    findings = []
    attrs = {key: value.item() if hasattr(value, "item") else value
             for key, value in manifest_attrs(results).items()}
    for key, value in sorted(attrs.items()):
        if key in _MANIFEST_ONLY:
            continue
        if key not in manifest:
            findings.append(f"{MANIFEST}: '{key}' is missing (allocation.nc has {value!r})")
        elif not _same(manifest[key], value):
            findings.append(f"{MANIFEST}: '{key}' is {manifest[key]!r} but allocation.nc "
                            f"says {value!r}")
    config = attrs.get("model_config")
    if isinstance(config, dict):
        for key in ("eta", "ratio_mode", "equalisation"):
            if key in config and key in attrs and not _same(config[key], attrs[key]):
                findings.append(f"{ALLOCATION}: attribute '{key}' is {attrs[key]!r} but the "
                                f"run's model configuration says {config[key]!r}")
    termination = str(attrs.get("termination", ""))
    if termination.lower() != "optimal":
        findings.append(f"{ALLOCATION}: termination {termination!r}: a written run is optimal")
    return findings


def _load_inputs(manifest: dict, case: Path | None):
    """The case the run solved, or a finding saying why it cannot be re-checked."""
    from fiscalshare.errors import InputError
    from fiscalshare.io import load_case

    case = Path(case) if case is not None else Path(str(manifest.get("input_path", "")))
    if not str(case) or str(case) == "." or not case.exists():
        return None, [f"input {case}: not found; give the case with --case to re-check the "
                      "constraints"]
    try:
        inputs = load_case(case)
    except InputError as exc:
        return None, [f"input {case}: cannot be read ({exc.problems[0] if exc.problems else exc})"]
    findings = []
    if inputs.attrs.get("input_sha256") != manifest.get("input_sha256"):
        findings.append(f"input {case}: sha256 differs from the one the run solved")
    return inputs, findings


def _check_input_and_solution(results, manifest: dict, case: Path | None) -> list[str]:
    from fiscalshare.analysis.verify import check_labels, check_solution

    inputs, findings = _load_inputs(manifest, case)
    if inputs is None:
        return findings
    if results.attrs.get("input_sha256") != inputs.attrs.get("input_sha256"):
        findings.append(f"{ALLOCATION}: input_sha256 is not the case's: the allocation of "
                        "another input")
    labels = check_labels(inputs, results)
    findings += [f"{ALLOCATION}: {line}" for line in labels]
    if not any("coordinate" in line for line in labels):
        findings += [f"constraint: {v}" for v in check_solution(inputs, results)]
    return findings


def _reports_expected(manifest: dict, results, run_dir: Path) -> bool:
    said = {manifest.get("reports"), results.attrs.get("reports_written")}
    if "yes" in said:
        return True
    if "no" in said:
        return False
    return (run_dir / "responsibility.xlsx").exists()  # a run from before these keys


def _check_reports(run_dir: Path, results, manifest: dict) -> list[str]:
    """Render the reports again from allocation.nc: the expected file set, and every cell."""
    from fiscalshare.report import write_reports

    expected = {ALLOCATION, _RUN_LOG}
    if not _reports_expected(manifest, results, run_dir):
        return _check_expected_files(run_dir, expected)
    lang = manifest.get("report_lang", "zh")
    lang = lang if lang in ("zh", "en") else "zh"
    findings = []
    with tempfile.TemporaryDirectory(prefix="fiscalshare-audit-") as scratch:
        scratch = Path(scratch)
        written = write_reports(results, scratch, lang=lang)
        rendered = {Path(p).relative_to(scratch).as_posix() for p in written}
        findings += _check_expected_files(run_dir, expected | rendered)
        listed = manifest.get("prefectures")
        if isinstance(listed, dict):
            from fiscalshare.report.filenames import prefecture_files

            if listed != prefecture_files(results):
                findings.append(f"{MANIFEST}: 'prefectures' does not map each workbook to the "
                                "prefecture allocation.nc names it for")
        for name in sorted(n for n in rendered if n.endswith(".xlsx")):
            if (run_dir / name).is_file():
                findings += _compare_workbooks(run_dir / name, scratch / name, name)
    return findings


def _compare_workbooks(stored: Path, fresh: Path, name: str,
                       source: str = ALLOCATION) -> list[str]:
    """Cell values of every sheet, stored against rendered from ``source``."""
    import openpyxl

    try:
        old = openpyxl.load_workbook(stored, read_only=True, data_only=True)
    except Exception as exc:
        return [f"{name}: not a readable workbook ({type(exc).__name__})"]
    new = openpyxl.load_workbook(fresh, read_only=True, data_only=True)
    try:
        if old.sheetnames != new.sheetnames:
            return [f"{name}: its sheets are not the ones the run writes"]
        for title in new.sheetnames:
            old_rows = list(old[title].iter_rows(values_only=True))
            new_rows = list(new[title].iter_rows(values_only=True))
            for r, (a, b) in enumerate(zip(old_rows, new_rows, strict=False), start=1):
                a = list(a) + [None] * (len(b) - len(a))
                b = list(b) + [None] * (len(a) - len(b))
                for c, (x, y) in enumerate(zip(a, b, strict=True), start=1):
                    if not _same_cell(x, y):
                        from fiscalshare.io.files import column_letter

                        return [f"{name}: sheet '{title}' cell {column_letter(c - 1)}{r} holds "
                                f"{x!r}, but {source} gives {y!r}"]
            if len(old_rows) != len(new_rows):
                return [f"{name}: sheet '{title}' has {len(old_rows)} rows, {source} "
                        f"gives {len(new_rows)}"]
    finally:
        old.close()
        new.close()
    return []


def _same_cell(x, y) -> bool:
    if x in (None, "") and y in (None, ""):  # an empty string reads back as an empty cell
        return True
    if isinstance(x, int | float) and isinstance(y, int | float) and not isinstance(x, bool):
        return math.isclose(float(x), float(y), rel_tol=1e-12, abs_tol=1e-9)
    return x == y


_COMPARED = ("optimised.nc", "baseline.nc")


def _check_compare(run_dir: Path, manifest: dict, case: Path | None) -> list[str]:
    """A ``compare`` folder: both allocations readable and the manifest's figures theirs, the
    optimum's constraints re-checked and the status quo computed again from the case, and
    compare.xlsx and the plots rendered again from the two allocations (cell by cell)."""
    import numpy as np

    from fiscalshare.analysis.baseline import baseline_allocation
    from fiscalshare.analysis.compare import CompareResult
    from fiscalshare.analysis.verify import check_labels, check_solution
    from fiscalshare.config import ModelConfig
    from fiscalshare.errors import FiscalshareError
    from fiscalshare.report.compare import WORKBOOK, write_compare_plots, write_compare_workbook

    findings, opened = [], {}
    for name in _COMPARED:
        if not (run_dir / name).is_file():
            findings.append(f"{name}: missing")
            continue
        results, problem = _open_allocation(run_dir / name)
        if results is None:
            findings.append(problem)
        else:
            opened[name] = results
    config = manifest.get("model_config")
    if not isinstance(config, dict):
        findings.append(f"{MANIFEST}: 'model_config' is missing: the comparison cannot be "
                        "re-checked")
    if len(opened) < len(_COMPARED) or not isinstance(config, dict):
        return findings
    optimised, baseline = (opened[name] for name in _COMPARED)
    figures = {"optimised_cost": optimised.attrs.get("objective_cost"),
               "baseline_cost": baseline.attrs.get("objective_cost")}
    for key, value in figures.items():
        if not _same(manifest.get(key), float(value) if value is not None else None):
            findings.append(f"{MANIFEST}: '{key}' is {manifest.get(key)!r} but "
                            f"{'optimised' if key.startswith('opt') else 'baseline'}.nc says "
                            f"{value!r}")
    equal_weight = manifest.get("cost_at_eta_zero")
    if not isinstance(equal_weight, int | float) or isinstance(equal_weight, bool):
        return findings + [f"{MANIFEST}: 'cost_at_eta_zero' is not a number"]
    price = manifest.get("price_of_equity")
    if not (isinstance(price, int | float) and math.isclose(
            price, float(figures["optimised_cost"] or 0.0) - equal_weight, rel_tol=1e-12,
            abs_tol=1e-6)):
        findings.append(f"{MANIFEST}: 'price_of_equity' is not optimised_cost − "
                        "cost_at_eta_zero")
    try:
        typed = ModelConfig.from_mapping(config, source=MANIFEST)
    except (FiscalshareError, ValueError, KeyError, TypeError) as exc:
        return findings + [f"{MANIFEST}: 'model_config' is not a configuration "
                           f"({type(exc).__name__}: {str(exc)[:200]})"]
    inputs, problems = _load_inputs(manifest, case)
    findings += problems
    if inputs is not None:
        labels = check_labels(inputs, optimised)
        findings += [f"optimised.nc: {line}" for line in labels]
        if not any("coordinate" in line for line in labels):
            findings += [f"constraint: {v}" for v in check_solution(inputs, optimised)]
            again = baseline_allocation(inputs, typed)
            for name in ("transfer", "equalisation", "shortfall"):
                if again[name].shape != baseline[name].shape or not np.allclose(
                        again[name].values, baseline[name].values, rtol=1e-9, atol=1e-6):
                    findings.append(f"baseline.nc: '{name}' is not the status quo the case "
                                    "gives")
    lang = manifest.get("report_lang", "zh")
    lang = lang if lang in ("zh", "en") else "zh"
    result = CompareResult(optimised, baseline, float(equal_weight), config)
    with tempfile.TemporaryDirectory(prefix="fiscalshare-audit-") as scratch:
        scratch = Path(scratch)
        write_compare_workbook(result, scratch / WORKBOOK, lang=lang)
        plots = write_compare_plots(result, scratch / "plots", lang=lang)
        expected = {WORKBOOK, *_COMPARED} | {p.relative_to(scratch).as_posix() for p in plots}
        findings += _check_expected_files(run_dir, expected)
        if (run_dir / WORKBOOK).is_file():
            findings += _compare_workbooks(run_dir / WORKBOOK, scratch / WORKBOOK, WORKBOOK,
                                           source="optimised.nc with baseline.nc")
    return findings


def _check_infeasible(run_dir: Path, manifest: dict, case: Path | None) -> list[str]:
    """An infeasible run: a diagnosis, no allocation, and a case that really has no solution."""
    from fiscalshare.errors import FiscalshareError, InfeasibleError

    findings = _check_expected_files(run_dir, {DIAGNOSIS, DIAGNOSIS_WORKBOOK, _RUN_LOG})
    path = run_dir / DIAGNOSIS
    if path.is_file():
        try:
            diagnosis = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, RecursionError, UnicodeDecodeError):
            diagnosis = None
        if not isinstance(diagnosis, dict):
            findings.append(f"{DIAGNOSIS}: not a diagnosis (expected a JSON object)")
    inputs, problems = _load_inputs(manifest, case)
    findings += problems
    config = manifest.get("model_config")
    if inputs is None:
        return findings
    if not isinstance(config, dict):
        return findings + [f"{MANIFEST}: 'model_config' is missing: the infeasibility cannot be "
                           "re-checked"]
    from fiscalshare.config import ModelConfig
    from fiscalshare.solve import solve_case

    try:
        solve_case(inputs, ModelConfig.from_mapping(config, source=MANIFEST))
    except InfeasibleError:
        return findings
    except (FiscalshareError, ValueError, KeyError, TypeError) as exc:
        return findings + [f"{MANIFEST}: the run's configuration cannot be solved again "
                           f"({type(exc).__name__}: {str(exc)[:200]})"]
    return findings + [f"{MANIFEST}: status 'infeasible', but the case has a solution under the "
                       "run's configuration"]
