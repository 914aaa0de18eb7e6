"""Audit a run folder: is every file the one the run wrote, and does the allocation still hold?

An auditor needs three answers: the files were not altered since the run (sha256 against the
manifest), the input is the one that was solved (its hash), and the allocation meets every
constraint of docs/model.md for that input (re-checked independently from ``allocation.nc``).
"""

from __future__ import annotations

from pathlib import Path

from fiscalshare.runs.folder import ALLOCATION, MANIFEST, file_hashes, read_manifest


def audit_run(run_dir: Path, case: Path | None = None) -> list[str]:
    """Every finding that makes the run untrustworthy; an empty list means it checks out."""
    run_dir = Path(run_dir)
    if not (run_dir / MANIFEST).is_file():
        return [f"{run_dir}: no {MANIFEST}: not a fiscalshare run folder, or it was removed"]
    try:
        manifest = read_manifest(run_dir)
    except ValueError as exc:
        return [f"{MANIFEST}: not valid JSON ({exc})"]
    findings = _check_files(run_dir, manifest.get("files", {}))
    if not (run_dir / ALLOCATION).is_file():
        if manifest.get("status") != "infeasible":
            findings.append(f"{ALLOCATION}: missing")
        return findings
    import xarray as xr

    with xr.open_dataset(run_dir / ALLOCATION, engine="h5netcdf") as opened:
        results = opened.load()
    if results.attrs.get("input_sha256") != manifest.get("input_sha256"):
        findings.append(f"{ALLOCATION}: input_sha256 differs from {MANIFEST}")
    findings += _check_input_and_solution(results, manifest, case)
    return findings


def _check_files(run_dir: Path, recorded: dict) -> list[str]:
    findings = []
    actual = file_hashes(run_dir)
    for name, digest in sorted(recorded.items()):
        if name not in actual:
            findings.append(f"{name}: listed in {MANIFEST} but missing")
        elif actual[name] != digest:
            findings.append(f"{name}: altered (sha256 differs from {MANIFEST})")
    for name in sorted(set(actual) - set(recorded)):
        findings.append(f"{name}: not written by the run (absent from {MANIFEST})")
    return findings


def _check_input_and_solution(results, manifest: dict, case: Path | None) -> list[str]:
    from fiscalshare.analysis.verify import check_solution
    from fiscalshare.io import load_case

    case = Path(case) if case is not None else Path(str(manifest.get("input_path", "")))
    if not str(case) or not case.exists():
        return [f"input {case}: not found; give the case with --case to re-check the constraints"]
    inputs = load_case(case)
    findings = []
    if inputs.attrs.get("input_sha256") != manifest.get("input_sha256"):
        findings.append(f"input {case}: sha256 differs from the one the run solved")
    findings += [f"constraint: {v}" for v in check_solution(inputs, results)]
    return findings
