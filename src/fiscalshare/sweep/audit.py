"""Audit a sweep folder (``fiscalshare verify SWEEP_DIR``).

The questions are those of a run folder's audit, asked of a sweep: were the files altered since
the sweep wrote them (sha256 against ``manifest.json``), is the input the one that was swept
(``plan.json``'s hash, the manifest's and ``sweep.nc``'s agree, and the case still has it), does
``sweep.nc`` hold exactly the plan's scenarios with the figures of their records, and do the
figures hold up — the baseline and a few solved scenarios are solved again from the case and
compared.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fiscalshare.runs.audit import check_hashes
from fiscalshare.runs.folder import MANIFEST, read_manifest
from fiscalshare.sweep import folder as sweep_folder

RESOLVED = 3  # scenarios solved again (besides the baseline)
TOLERANCE = 1e-6  # relative, on z1 and z2


def is_sweep_folder(folder: Path) -> bool:
    return (Path(folder) / sweep_folder.PLAN).is_file()


def audit_sweep(folder: Path, case: Path | None = None) -> list[str]:
    """Every finding that makes the sweep untrustworthy; an empty list means it checks out."""
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        return [f"{folder}: no {MANIFEST}: an unfinished sweep (finish it with "
                f"fiscalshare sweep --resume {folder})"]
    try:
        manifest = read_manifest(folder)
        plan = sweep_folder.read_plan(folder)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a finding
        return [f"{folder}: {MANIFEST} or {sweep_folder.PLAN} unreadable ({exc})"]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return [f"{MANIFEST}: not a sweep manifest (no file list)"]
    findings = check_hashes(folder, manifest["files"], "sweep")
    if manifest.get("input_sha256") != plan.input_sha256:
        findings.append(f"{MANIFEST}: input_sha256 differs from {sweep_folder.PLAN}")
    sweep = _open_sweep(folder, findings)
    if sweep is None:
        return findings
    if sweep.attrs.get("input_sha256") != plan.input_sha256:
        findings.append(f"sweep.nc: input_sha256 differs from {sweep_folder.PLAN}")
    ids = [str(s) for s in sweep["scenario"].values]
    expected = sorted(s.id for s in plan.scenarios)
    if ids != expected:
        findings.append(f"sweep.nc: its scenarios ({len(ids)}) are not the plan's "
                        f"({len(expected)})")
        return findings
    findings += _records_match(folder, sweep)
    findings += _solved_again(folder, plan, sweep, case)
    return findings


def _open_sweep(folder: Path, findings: list[str]):
    import xarray as xr

    try:
        with xr.open_dataset(folder / "sweep.nc", engine="h5netcdf") as opened:
            return opened.load()
    except Exception as exc:  # noqa: BLE001 - missing or truncated: a finding
        findings.append(f"sweep.nc: unreadable ({type(exc).__name__})")
        return None


def _records_match(folder: Path, sweep) -> list[str]:
    findings = []
    for k, scenario_id in enumerate(sweep["scenario"].values):
        record = sweep_folder.load(folder, str(scenario_id))
        status = str(sweep["status"].values[k])
        if record is None:
            findings.append(f"records/{scenario_id}: missing")
            continue
        if record.status != status:
            findings.append(f"sweep.nc: scenario {scenario_id} is {status}, its record "
                            f"{record.status}")
            continue
        if record.figures is not None:
            for name in ("objective_shortfall", "objective_cost"):
                kept, shown = float(record.figures[name]), float(sweep[name].values[k])
                if not np.isclose(kept, shown, rtol=1e-12, atol=1e-9):
                    findings.append(f"sweep.nc: scenario {scenario_id}'s {name} {shown:,.2f} "
                                    f"differs from its record's {kept:,.2f}")
    return findings


def _solved_again(folder: Path, plan, sweep, case: Path | None) -> list[str]:
    """The baseline and a few solved scenarios, solved afresh, must give the recorded z1, z2."""
    from fiscalshare.errors import FiscalshareError
    from fiscalshare.io import load_case
    from fiscalshare.sweep.results import reference_spending
    from fiscalshare.sweep.runner import Settings, solve_scenario

    path = Path(case) if case is not None else Path(plan.case)
    if not path.exists():
        return [f"input {path}: not found; give the case with --case to solve scenarios again"]
    try:
        inputs = load_case(path)
    except FiscalshareError as exc:
        return [f"input {path}: cannot be read ({exc})"]
    if str(inputs.attrs.get("input_sha256", "")) != plan.input_sha256:
        return [f"input {path}: its hash differs from the one swept ({sweep_folder.PLAN})"]
    baseline = sweep_folder.load(folder, sweep_folder.BASELINE)
    reference = reference_spending(baseline)
    solved = [s for s in plan.scenarios
              if str(sweep["status"].values[list(sweep["scenario"].values).index(s.id)])
              == "optimal"]
    chosen = solved[:1] + solved[len(solved) // 2:len(solved) // 2 + 1] + solved[-1:]
    chosen = list({s.id: s for s in chosen}.values())[:RESOLVED]
    findings = []
    settings = Settings(reuse=False, time_limit=plan.time_limit)
    checks = [(sweep_folder.BASELINE, {}, baseline)] + [
        (s.id, s.changes, sweep_folder.load(folder, s.id)) for s in chosen]
    for scenario_id, changes, record in checks:
        if record is None or record.figures is None:
            continue
        again = solve_scenario(inputs, plan.config, scenario_id, changes, settings,
                               None if scenario_id == sweep_folder.BASELINE else reference)
        if again.record.figures is None:
            findings.append(f"{scenario_id}: solved again it is {again.record.status}, the sweep "
                            "recorded it solved")
            continue
        for name in ("objective_shortfall", "objective_cost"):
            kept, fresh = float(record.figures[name]), float(again.record.figures[name])
            if not np.isclose(kept, fresh, rtol=TOLERANCE, atol=1e-3):
                findings.append(f"{scenario_id}: {name} {kept:,.2f} recorded, {fresh:,.2f} "
                                "when solved again")
    return findings
