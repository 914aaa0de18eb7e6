"""Run folders: written whole or not at all, owned by a marker, replaced only under a lock.

A run is assembled in a hidden temporary sibling and renamed into place only when every file is
written, so a run killed at any moment leaves either the complete folder or nothing (docs/results.md).

Ownership, never name patterns, decides what this program may delete or replace:

* every folder it stages carries a marker file (``.fiscalshare-run``: run id, process id and
  start time), written by this program before anything else;
* a temporary (``.<name>.tmp-<id>``) is removed only when it carries our marker *and* the process
  that made it is gone; a user's ``.<name>.tmp-keep`` is never touched;
* ``--out`` may not be the input, hold the input, be the current folder or one of its ancestors,
  or be a non-empty folder without our marker (``--force`` or not): :func:`check_out_path`;
* one writer at a time per ``--out``: a lock file ``.<name>.lock`` beside it, held with ``flock``
  from before the solve to the end of the write; a second writer is refused (exit 2);
* ``--force`` replacement is crash-safe: the old run is first renamed to ``.<name>.old-<id>``
  (still marked), then the new one renamed into place, then the old removed.  A kill between the
  two renames leaves ``--out`` missing and the old run whole in ``.<name>.old-<id>``; the next
  writer to that ``--out`` puts it back before doing anything else.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from fiscalshare.errors import FiscalshareError
from fiscalshare.forked import Standby, run_jobs

MANIFEST = "manifest.json"
ALLOCATION = "allocation.nc"
DIAGNOSIS = "diagnosis.json"
DIAGNOSIS_WORKBOOK = "diagnosis.xlsx"  # the same account for a reader, in the run's language
MARKER = ".fiscalshare-run"
_MARKER_KEY = "fiscalshare_run"
_TEMP_MARK = ".tmp-"
_OLD_MARK = ".old-"
_LOCK_TAG = "fiscalshare lock"
# a folder name this long leaves room for ".<name>.tmp-<32 hex>" under the usual 255-byte limit
MAX_NAME_BYTES = 200
PAUSE_ENV = "FISCALSHARE_TEST_PAUSE_AT"  # tests only: stop at a named step of the replacement


class OutPathError(FiscalshareError):
    """``--out`` cannot be used (exit 2: refused before any work, nothing written or deleted)."""

    exit_code = 2


class RunExistsError(OutPathError):
    """The output folder exists and may not be replaced (exit 2: nothing is written)."""


class RunBusyError(OutPathError):
    """Another fiscalshare process is writing the same ``--out`` (exit 2)."""


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def default_run_dir(root: Path, case: str, model: str) -> Path:
    """``results/<UTC time>-<case>-<model>/`` with names made safe for any file system."""
    def safe(text: str) -> str:
        return ("".join(c if c.isalnum() or c in "-_." else "-" for c in text) or "case")[:60]

    return Path(root) / f"{utc_stamp()}-{safe(case)}-{safe(model)}"


# --- ownership ---------------------------------------------------------------------------------

def _process_start(pid: int) -> str:
    """The kernel's start time of ``pid`` (guards against a reused process id), or ""."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def _marker_text(run_id: str, **extra) -> str:
    pid = os.getpid()
    record = {_MARKER_KEY: run_id, "pid": pid, "started": _process_start(pid),
              "created_utc": datetime.now(UTC).isoformat(timespec="seconds"), **extra}
    return json.dumps(record, ensure_ascii=False)


def read_marker(folder: Path) -> dict | None:
    """The marker of a folder this program wrote, or None (no marker, a symlink, not ours)."""
    path = Path(folder) / MARKER
    if Path(folder).is_symlink() or path.is_symlink() or not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get(_MARKER_KEY), str):
        return None
    return record


def is_run_folder(folder: Path) -> bool:
    """Does ``folder`` carry the marker this program writes into every folder it creates?"""
    return read_marker(folder) is not None


def mark_run_folder(folder: Path, **extra) -> str:
    """Write our marker into ``folder`` (a folder this program just created); returns the run id.

    Sweeps and other writers that build their folder in place call this first, so that a later
    ``--force`` may replace the folder and nothing else."""
    run_id = uuid.uuid4().hex
    (Path(folder) / MARKER).write_text(_marker_text(run_id, **extra), encoding="utf-8")
    return run_id


def _owner_alive(record: dict) -> bool:
    pid = record.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    if not _alive(pid):
        return False
    started = record.get("started") or ""
    return not started or _process_start(pid) in ("", started)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the --out checks ----------------------------------------------------------------------------

def check_out_path(out: Path, *, inputs: Iterable[Path] = (), force: bool = False,
                   owned: Callable[[Path], bool] = is_run_folder) -> Path:
    """Refuse, before any work, an ``--out`` that would lose someone's data (raises exit 2).

    ``inputs`` are the files or folders the command reads (the case): ``--out`` may be neither
    one of them nor hold one.  ``owned`` says whether an existing non-empty folder is one this
    program wrote (by default: it carries our marker); only such a folder is replaced, and only
    with ``force``.  Returns ``out`` unchanged."""
    out = Path(out)
    shown = str(out)
    if not shown or shown.strip() == "":
        raise OutPathError("--out is empty (nothing was written)")
    if out.is_symlink():
        raise OutPathError(f"--out {shown} is a symbolic link; give the folder itself "
                           "(nothing was written)")
    target = Path(os.path.abspath(out))
    real = target.resolve()
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise OutPathError(f"--out {shown} is the current folder or one that holds it; "
                           "choose a new folder (nothing was written)")
    for source in inputs:
        source = Path(os.path.abspath(source)).resolve()
        if real == source or real in source.parents:
            raise OutPathError(f"--out {shown} is the input or holds it ({source}); choose "
                               "another folder (nothing was written)")
    if len(target.name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        raise OutPathError(f"--out: the folder name is longer than {MAX_NAME_BYTES} bytes "
                           "(nothing was written)")
    if target.exists():
        if not target.is_dir():
            raise RunExistsError(f"{shown} exists and is not a folder (nothing was written)")
        if any(target.iterdir()):
            if not owned(target):
                raise RunExistsError(
                    f"{shown} is a folder that fiscalshare did not write and it is not empty; "
                    "it is never replaced, not even with --force: choose another --out "
                    "(nothing was written)")
            if not force:
                raise RunExistsError(f"{shown} exists; give --force to replace it "
                                     "(nothing was written)")
        _probe_writable(target, shown)
    ancestor = target.parent
    while not ancestor.exists():
        if ancestor.is_symlink():
            raise OutPathError(f"--out {shown}: {ancestor} is a dangling symbolic link "
                               "(nothing was written)")
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutPathError(f"--out {shown}: {ancestor} is not a folder (nothing was written)")
    _probe_writable(ancestor, shown)
    return out


def _probe_writable(folder: Path, shown: str) -> None:
    """Create and remove our own probe folder: the only test of writability that root obeys."""
    probe = folder / f".fiscalshare-probe-{uuid.uuid4().hex}"
    try:
        probe.mkdir()
    except OSError as exc:
        raise OutPathError(f"--out {shown}: cannot write in {folder} ({exc.strerror}); "
                           "nothing was written") from None
    probe.rmdir()


def ensure_writable(out: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse before any work is done (kept for callers of the earlier name)."""
    check_out_path(out, inputs=inputs, force=force)


# --- the lock ------------------------------------------------------------------------------------

_HELD: dict[str, list] = {}  # lock path -> [fd, depth]: re-entrant within one process


def lock_path(out: Path) -> Path:
    target = Path(os.path.abspath(out))
    return target.parent / f".{target.name}.lock"


@contextmanager
def out_lock(out: Path) -> Iterator[None]:
    """Hold ``.<name>.lock`` beside ``out`` (created and removed by us); refuse when it is held.

    Re-entrant within one process, so a command may take it before solving and the writer take
    it again around the rename."""
    path = lock_path(out)
    key = str(path)
    if key in _HELD:
        _HELD[key][1] += 1
        try:
            yield
        finally:
            _HELD[key][1] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(path, out)
    _HELD[key] = [fd, 1]
    try:
        yield
    finally:
        del _HELD[key]
        with suppress(OSError):
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                path.unlink()
        os.close(fd)


def _acquire(path: Path, out: Path) -> int:
    for _attempt in range(50):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            created = True
        except FileExistsError:
            if path.is_symlink() or not path.is_file():
                raise OutPathError(f"{path} is in the way of the lock for --out {out} and "
                                   "fiscalshare did not create it (nothing was written)") from None
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue  # removed by its holder meanwhile: try again
            created = False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise RunBusyError(f"another fiscalshare process is writing {out} (lock {path}); "
                                   "nothing was written") from None
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # the holder removed the file between our open and our lock
            os.close(fd)
            continue
        if not created:
            text = os.pread(fd, 200, 0).decode("utf-8", "replace")
            if text and not text.startswith(_LOCK_TAG):
                os.close(fd)
                raise OutPathError(f"{path} is in the way of the lock for --out {out} and "
                                   "fiscalshare did not create it (nothing was written)")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{_LOCK_TAG} pid {os.getpid()}\n".encode(), 0)
        return fd
    raise RunBusyError(f"could not take the lock {path} for --out {out}; nothing was written")


# --- leftovers and recovery ----------------------------------------------------------------------

def _siblings(out: Path, mark: str) -> list[Path]:
    target = Path(os.path.abspath(out))
    if not target.parent.is_dir():
        return []
    prefix = f".{target.name}{mark}"
    return sorted(p for p in target.parent.iterdir()
                  if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink())


def clean_leftovers(out: Path) -> list[Path]:
    """Remove the temporaries of killed writers of ``out``: ours (marker) and their process gone."""
    removed = []
    for path in _siblings(out, _TEMP_MARK):
        record = read_marker(path)
        if record is None or _owner_alive(record):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def recover_interrupted(out: Path) -> list[Path]:
    """Finish what a writer killed during a ``--force`` replacement of ``out`` left.

    ``--out`` missing and the old run parked as ``.<name>.old-<id>``: put it back.  ``--out``
    present and it records that it replaced that old run: the old one is removed.  Anything else
    is left alone.  Call only while holding the lock."""
    target = Path(os.path.abspath(out))
    touched = []
    for parked in _siblings(out, _OLD_MARK):
        record = read_marker(parked)
        if record is None or _owner_alive(record.get("parked_by") or {}):
            continue
        if not target.exists() and not target.is_symlink():
            os.replace(parked, target)
            with suppress(FileNotFoundError):
                current = json.loads((target / MARKER).read_text(encoding="utf-8"))
                current.pop("parked_by", None)
                (target / MARKER).write_text(json.dumps(current, ensure_ascii=False),
                                             encoding="utf-8")
            print(f"fiscalshare: restored {target} from an interrupted replacement",
                  file=sys.stderr)
            touched.append(target)
        elif (read_marker(target) or {}).get("replaces") == record[_MARKER_KEY]:
            shutil.rmtree(parked, ignore_errors=True)
            touched.append(parked)
    return touched


def _pause(step: str) -> None:
    """Tests only: with FISCALSHARE_TEST_PAUSE_AT=<step>, announce the step and wait to be killed."""
    if os.environ.get(PAUSE_ENV) == step:
        print(f"paused at {step}", file=sys.stderr, flush=True)
        time.sleep(600)


# --- writing ------------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` except the manifest and our marker."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() not in (MANIFEST, MARKER)
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
def claim_out(out: Path, *, inputs: Iterable[Path] = (), force: bool = False,
              owned: Callable[[Path], bool] = is_run_folder) -> Iterator[Path]:
    """Take the lock of ``out``, finish an interrupted replacement, then check ``out``.

    Held by a command from before its solve to the end of its write, so a second writer to the
    same ``--out`` is refused at once (exit 2) instead of replacing the first one's run."""
    if not lock_path(out).parent.is_dir():  # nothing to recover: check before creating folders
        check_out_path(out, inputs=inputs, force=force, owned=owned)
    with out_lock(out):
        recover_interrupted(out)
        clean_leftovers(out)
        check_out_path(out, inputs=inputs, force=force, owned=owned)
        yield Path(out)


@contextmanager
def staged_folder(out: Path, *, force: bool = False,
                  inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield a marked temporary sibling of ``out``; put it in place only if the block completes."""
    out = Path(out)
    with claim_out(out, inputs=inputs, force=force):
        target = Path(os.path.abspath(out))
        target.parent.mkdir(parents=True, exist_ok=True)
        run_id = uuid.uuid4().hex
        temp = target.parent / f".{target.name}{_TEMP_MARK}{run_id}"
        temp.mkdir()
        (temp / MARKER).write_text(_marker_text(run_id, stage="temporary"), encoding="utf-8")
        with _terminate_as_interrupt():
            try:
                _pause("staged")
                yield temp
                _pause("written")
                _put_in_place(temp, target, run_id)
            except BaseException:
                shutil.rmtree(temp, ignore_errors=True)
                raise


def _put_in_place(temp: Path, target: Path, run_id: str) -> None:
    """Rename the finished ``temp`` to ``target``, parking an earlier run of ours on the way."""
    old = read_marker(target) if target.exists() else None
    final = json.loads((temp / MARKER).read_text(encoding="utf-8"))
    final.pop("stage", None)
    if old is not None:
        final["replaces"] = old[_MARKER_KEY]
    (temp / MARKER).write_text(json.dumps(final, ensure_ascii=False), encoding="utf-8")
    if old is None:
        os.replace(temp, target)  # nothing there, or an empty folder
        _pause("placed")
        return
    parked = target.parent / f".{target.name}{_OLD_MARK}{old[_MARKER_KEY]}"
    parked_marker = dict(old, parked_by=json.loads(_marker_text(run_id)))
    (target / MARKER).write_text(json.dumps(parked_marker, ensure_ascii=False), encoding="utf-8")
    os.replace(target, parked)
    try:
        _pause("parked")
        os.replace(temp, target)
    except BaseException:
        if not target.exists():  # interrupted between the renames: the old run goes back
            os.replace(parked, target)
        raise
    _pause("placed")
    shutil.rmtree(parked, ignore_errors=True)
    _pause("removed")


def write_run(
    results,
    out: Path,
    *,
    force: bool = False,
    lang: str = "zh",
    log_lines: list[str] | None = None,
    reports: bool = True,
    extra: Callable[[Path], None] | None = None,
    plotter=None,
    money=None,
) -> Path:
    """Write ``allocation.nc``, the reports, ``run.log`` and ``manifest.json`` as one folder;
    ``plotter`` (:func:`fiscalshare.report.plots_standby`), when given, has been sent the plots
    to draw (:func:`fiscalshare.report.submit_plots`), and ``money``
    (:func:`fiscalshare.report.displayed_money`), when given, is the reports'."""
    timings = {}
    listed = {"reports": "yes" if reports else "no"}
    if reports:
        listed["report_lang"] = lang
    results.attrs["reports_written"] = listed["reports"]  # for the audit: which files to expect
    with staged_folder(out, force=force) as folder:
        started = time.perf_counter()
        netcdf = partial(_timed, write_allocation, results, folder / ALLOCATION)
        if not reports:
            timings["netcdf_seconds"] = netcdf()
        else:
            _write_reports(results, folder, lang, netcdf, plotter, timings, listed, money)
        if reports:
            timings["report_seconds"] = round(time.perf_counter() - started, 3)
        if extra is not None:
            extra(folder)
        (folder / "run.log").write_text("\n".join(log_lines or []) + "\n", encoding="utf-8")
        write_manifest(folder, {**manifest_attrs(results), "status": "solved", **timings,
                                **listed})
    return Path(out)


def _write_reports(results, folder: Path, lang: str, netcdf, plotter, timings: dict,
                   listed: dict, money=None) -> None:
    """allocation.nc, started in a process of its own while this one prepares the reports'
    money (unless ``money`` is given); then the workbooks on every core, and the plots that
    ``plotter`` has drawn meanwhile (:func:`fiscalshare.report.submit_plots`), else drawn here
    as one more job.  Every process is stopped on the way out, before a failed run's folder is
    removed."""
    from fiscalshare.report import report_jobs, save_submitted_plots
    from fiscalshare.report.filenames import prefecture_files

    plotted = plotter is not None
    with Standby.started(netcdf) as writing:
        try:
            jobs = report_jobs(results, folder, lang=lang, plots=not plotted, money=money)
            listed["prefectures"] = prefecture_files(results)  # which workbook is whose
            run_jobs(jobs)
            timings["netcdf_seconds"] = writing.result()
            if plotted:
                save_submitted_plots(plotter, folder)
        finally:
            if plotted:
                plotter.close()


def write_diagnosis(diagnosis: dict, attrs: dict, out: Path, *, force: bool = False,
                    log_lines: list[str] | None = None, lang: str = "zh") -> Path:
    """A run that found no solution: the diagnosis (JSON in yuan for programs, diagnosis.xlsx in
    万元 for readers) and the manifest, no allocation."""
    from fiscalshare.report.diagnosis import write_diagnosis_workbook

    with staged_folder(out, force=force) as folder:
        text = json.dumps(diagnosis, ensure_ascii=False, indent=2, default=_json_default)
        (folder / DIAGNOSIS).write_text(text, encoding="utf-8")
        write_diagnosis_workbook(diagnosis, attrs, folder / DIAGNOSIS_WORKBOOK, lang=lang)
        (folder / "run.log").write_text("\n".join(log_lines or []) + "\n", encoding="utf-8")
        write_manifest(folder, {**attrs, "status": "infeasible"})
    return Path(out)


def _timed(write: Callable[..., object], *args) -> float:
    started = time.perf_counter()
    write(*args)
    return round(time.perf_counter() - started, 3)


def write_allocation(results, path: Path) -> None:
    """netCDF4 (docs/results.md), readable with ``xarray.open_dataset`` on either engine.

    Written by the netCDF-C library (xarray's ``netcdf4`` engine), not h5netcdf: the file holds
    some 50 variables, and h5netcdf's work per variable in Python took 0.3–0.7 s where the C
    library takes 0.1–0.2 s, on the county and the national case alike.  The Dataset read back
    is identical (``tests/test_runs.py``)."""
    results.to_netcdf(path, engine="netcdf4")


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
