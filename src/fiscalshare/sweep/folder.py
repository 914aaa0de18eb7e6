"""The sweep folder on disk: the plan, one record per finished scenario, and the solve log.

::

    plan.json         the scenarios and settings (what --resume reads)
    records/          one file per finished scenario, written the moment it finishes:
                      <id>.json: its status, and its key figures (solved) or its message and
                      diagnosis (infeasible, stopped, failed)
    sweep.log         one line per scenario solved, in the order they finished
    sweep.nc, sweep.xlsx, plots/, manifest.json    the results, written when every one is done

A record is written under a temporary name and renamed, so a sweep killed at any moment leaves
whole records only; the temporary leftovers are removed when the sweep resumes.  A folder without
``manifest.json`` is an unfinished sweep.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from fiscalshare.errors import InputError, Problem
from fiscalshare.runs.folder import MANIFEST, RunExistsError, is_run_folder, mark_run_folder
from fiscalshare.sweep.plan import SweepPlan

PLAN = "plan.json"
RECORDS = "records"
LOG = "sweep.log"
BASELINE = "baseline"
_PARTIAL = ".part"


@dataclass
class Record:
    """A finished scenario as kept on disk."""

    status: str  # optimal, infeasible, limit, invalid, failed
    figures: xr.Dataset | None = None
    message: str = ""
    diagnosis: dict | None = None


def prepare(out: Path, *, force: bool) -> Path:
    """An empty folder for a new sweep.  With ``force`` an earlier sweep or run folder there is
    replaced; a folder that is neither is never deleted."""
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise RunExistsError(f"{out} exists and is not a folder (nothing was written)")
        if any(out.iterdir()):
            ours = is_run_folder(out) or (out / PLAN).exists()
            if not force:
                hint = (" or --resume to finish it" if (out / PLAN).exists()
                        and not (out / MANIFEST).exists() else "")
                raise RunExistsError(f"{out} exists; give --force to replace it{hint} "
                                     "(nothing was written)")
            if not ours:
                raise RunExistsError(f"{out} is not a sweep or run folder; refusing to replace "
                                     "it even with --force (nothing was written)")
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    mark_run_folder(out, kind="sweep")  # ours: a later --force may replace it, nothing else
    (out / RECORDS).mkdir()
    return out


def write_plan(folder: Path, plan: SweepPlan) -> None:
    _replace_text(Path(folder) / PLAN, plan.to_json())


def read_plan(folder: Path) -> SweepPlan:
    path = Path(folder) / PLAN
    if not path.is_file():
        raise InputError([Problem("sweep", f"{folder} is not a sweep folder (no {PLAN})")])
    return SweepPlan.from_json(path.read_text(encoding="utf-8"))


def remove_partials(folder: Path) -> None:
    """Temporary files of records that a killed sweep did not finish writing."""
    for path in (Path(folder) / RECORDS).glob(f".*{_PARTIAL}"):
        path.unlink(missing_ok=True)


def finished(folder: Path) -> set[str]:
    """Ids of the scenarios (and the baseline) that have a record."""
    records = Path(folder) / RECORDS
    if not records.is_dir():
        return set()
    return {p.stem for p in records.iterdir()
            if p.suffix == ".json" and not p.name.startswith(".")}


def save(folder: Path, scenario_id: str, record: Record) -> None:
    """Keep one finished scenario as ``records/<id>.json`` (atomically: a temporary name, then
    rename).  JSON, not netCDF: a record is a few hundred numbers, and an HDF5 file per scenario
    cost far more than solving it (JSON keeps every float exactly)."""
    records = Path(folder) / RECORDS
    target = records / f"{scenario_id}.json"
    temp = records / f".{scenario_id}.json{_PARTIAL}"
    content = {"status": record.status, "message": record.message,
               "diagnosis": record.diagnosis,
               "figures": None if record.figures is None else record.figures.to_dict(
                   data="list")}
    temp.write_text(json.dumps(content, ensure_ascii=False, default=_plain), encoding="utf-8")
    os.replace(temp, target)


def load(folder: Path, scenario_id: str) -> Record | None:
    """The record of one scenario, or ``None`` when it has not finished."""
    path = Path(folder) / RECORDS / f"{scenario_id}.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    figures = data.get("figures")
    return Record(data["status"], message=data.get("message", ""),
                  diagnosis=data.get("diagnosis"),
                  figures=None if figures is None else xr.Dataset.from_dict(figures))


def log(folder: Path, line: str) -> None:
    """Append one line to ``sweep.log`` (flushed at once: it is the audit of what was solved)."""
    with open(Path(folder) / LOG, "a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")
        handle.flush()


def replace_file(path: Path, write) -> None:
    """Write a result file under a temporary name with ``write(temp)``, then rename it."""
    path = Path(path)
    temp = path.with_name(f".{path.name}{_PARTIAL}")
    try:
        write(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _replace_text(path: Path, text: str) -> None:
    replace_file(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
