"""Run folders: written whole or not at all, with a manifest an auditor can check.

A run is assembled in a hidden temporary sibling and renamed into place only when every file is
written, so a run killed at any moment leaves either the complete folder or nothing (spec/results.md).
Leftovers of killed runs are removed by the next run that writes beside them. An existing folder
is replaced only with ``force`` and even then only after the new one is complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from fiscalshare.errors import FiscalshareError

MANIFEST = "manifest.json"
ALLOCATION = "allocation.nc"
DIAGNOSIS = "diagnosis.json"
_TEMP_MARK = ".tmp-"


class RunExistsError(FiscalshareError):
    """The output folder exists and ``--force`` was not given (exit 2: nothing is written)."""

    exit_code = 2


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def default_run_dir(root: Path, case: str, model: str) -> Path:
    """``results/<UTC time>-<case>-<model>/`` with names made safe for any file system."""
    def safe(text: str) -> str:
        return "".join(c if c.isalnum() or c in "-_." else "-" for c in text) or "case"

    return Path(root) / f"{utc_stamp()}-{safe(case)}-{safe(model)}"


def ensure_writable(out: Path, *, force: bool) -> None:
    """Refuse before any work is done when the run would overwrite an earlier one."""
    out = Path(out)
    if out.exists() and not force:
        raise RunExistsError(f"{out} exists; give --force to replace it (nothing was written)")
    if out.exists() and not out.is_dir():
        raise RunExistsError(f"{out} exists and is not a folder (nothing was written)")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` except the manifest, by relative POSIX path."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def write_manifest(folder: Path, attrs: dict) -> Path:
    """The run's attributes plus every file with its sha256 (the audit trail)."""
    manifest = dict(attrs)
    manifest["files"] = file_hashes(folder)
    path = Path(folder) / MANIFEST
    _write_atomically(path, json.dumps(manifest, ensure_ascii=False, indent=2, default=str))
    return path


def read_manifest(folder: Path) -> dict:
    return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))


def _write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}{_TEMP_MARK}{uuid.uuid4().hex}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def clean_leftovers(parent: Path) -> list[Path]:
    """Remove temporary folders of runs that died (their process is gone)."""
    removed = []
    parent = Path(parent)
    if not parent.is_dir():
        return removed
    for path in parent.glob(f".*{_TEMP_MARK}*"):
        pid = path.name.rsplit("-", 2)[-2] if path.name.count("-") >= 2 else ""
        if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
            continue
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt while writing, so the temporary folder is removed."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def staged_folder(out: Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling of ``out``; rename it to ``out`` only if the block completes."""
    out = Path(out)
    ensure_writable(out, force=force)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out.parent)
    temp = out.parent / f".{out.name}{_TEMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    with _terminate_as_interrupt():
        try:
            yield temp
            if out.exists():
                retired = out.parent / f".{out.name}{_TEMP_MARK}{os.getpid()}-old"
                os.replace(out, retired)
                os.replace(temp, out)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                os.replace(temp, out)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise


def write_run(
    results,
    out: Path,
    *,
    force: bool = False,
    lang: str = "zh",
    log_lines: list[str] | None = None,
    reports: bool = True,
    extra: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``allocation.nc``, the reports, ``run.log`` and ``manifest.json`` as one folder."""
    timings = {}
    with staged_folder(out, force=force) as folder:
        started = time.perf_counter()
        write_allocation(results, folder / ALLOCATION)
        timings["netcdf_seconds"] = round(time.perf_counter() - started, 3)
        if reports:
            from fiscalshare.report import write_reports

            started = time.perf_counter()
            write_reports(results, folder, lang=lang)
            timings["report_seconds"] = round(time.perf_counter() - started, 3)
        if extra is not None:
            extra(folder)
        (folder / "run.log").write_text("\n".join(log_lines or []) + "\n", encoding="utf-8")
        write_manifest(folder, {**manifest_attrs(results), "status": "solved", **timings})
    return Path(out)


def write_diagnosis(diagnosis: dict, attrs: dict, out: Path, *, force: bool = False,
                    log_lines: list[str] | None = None, lang: str = "zh") -> Path:
    """A run that found no solution: the diagnosis (JSON in yuan for programs, diagnosis.xlsx in
    万元 for readers) and the manifest, no allocation."""
    from fiscalshare.report.diagnosis import write_diagnosis_workbook

    with staged_folder(out, force=force) as folder:
        text = json.dumps(diagnosis, ensure_ascii=False, indent=2, default=_json_default)
        (folder / DIAGNOSIS).write_text(text, encoding="utf-8")
        write_diagnosis_workbook(diagnosis, attrs, folder / "diagnosis.xlsx", lang=lang)
        (folder / "run.log").write_text("\n".join(log_lines or []) + "\n", encoding="utf-8")
        write_manifest(folder, {**attrs, "status": "infeasible"})
    return Path(out)


def write_allocation(results, path: Path) -> None:
    """netCDF4 through h5netcdf (spec/results.md), readable with ``xarray.open_dataset``."""
    results.to_netcdf(path, engine="h5netcdf", invalid_netcdf=False)


def manifest_attrs(results) -> dict:
    """The results attributes as plain JSON values (JSON text attributes are decoded)."""
    attrs = {}
    for key, value in results.attrs.items():
        if key in ("phi", "model_config") and isinstance(value, str):
            with suppress(json.JSONDecodeError):
                value = json.loads(value)
        attrs[key] = _json_default(value) if not isinstance(value, str | int | float | dict) else value
    return attrs


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    return value if isinstance(value, str | int | float | bool | None | list | dict) else str(value)
