"""Solve a sweep's scenarios in this process or on dask.distributed, handing each back as it
finishes so the caller can keep it at once.

Model reuse: each process (the command's own with ``--serial``, each dask worker otherwise)
keeps one :class:`~fiscalshare.solve.reuse.KeptModel` of the case in one HiGHS instance.  A
scenario is handed to it as the case with the scenario applied plus the names of what changed;
the kept model changes only those numbers (bounds, right-hand sides, costs, matrix entries) and
starts from the previous basis, so no scenario depends on which came before it.  A scenario that
changes which columns or rows exist makes the model build itself afresh.

Faults: an infeasible scenario keeps its diagnosis, a scenario stopped at the time limit or
failing for any other reason keeps its message, and the sweep goes on.  Ctrl-C reaches only the
command's process (local workers start with SIGINT ignored), which closes the cluster on its way
out; what finished before is already on disk.  Solved here (``--serial``), a sweep stops between
two scenarios: the one in hand is solved and kept first.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import xarray as xr

from fiscalshare.errors import ConfigError, InfeasibleError, InputError, Problem, SolverLimitError
from fiscalshare.sweep.folder import Record
from fiscalshare.sweep.results import solved_figures
from fiscalshare.sweep.scenarios import CHANGES, Scenario, Value, apply_scenario

COUNTS: Counter = Counter()  # this process: scenarios solved on a model built or updated
_KEPT: dict = {}  # this process: (sweep token, configuration) → KeptModel


@dataclass(frozen=True)
class Settings:
    """What every scenario of a sweep is solved with."""

    reuse: bool = True
    time_limit: float | None = None
    token: str = ""


@dataclass
class Outcome:
    """A finished scenario as it comes back from whoever solved it."""

    scenario_id: str
    record: Record
    seconds: float = 0.0
    how: str = ""  # updated, rebuilt, built ("" when it never reached the solver)
    process: int = 0


def solve_scenario(inputs: xr.Dataset, config: dict, scenario_id: str,
                   changes: Mapping[str, Value], settings: Settings,
                   reference: Mapping[str, np.ndarray] | None = None) -> Outcome:
    """Solve one scenario; never raises for the scenario's own faults (they are its record).

    With reuse the process's kept model takes the scenario's changed numbers in place
    (:class:`fiscalshare.solve.reuse.KeptModel`); without, the scenario gets a model of its own.
    """
    from fiscalshare.solve.reuse import solve_fresh

    started = time.perf_counter()
    how = ""
    try:
        modified, scenario_config = apply_scenario(inputs, config, changes, reference=reference)
        changed = set().union(*(CHANGES[key.split(":")[0]] for key in changes))
        if settings.reuse:
            solved = _kept_model(inputs, config, settings).solve(modified, scenario_config,
                                                                 changed)
        else:
            solved = solve_fresh(modified, scenario_config, time_limit=settings.time_limit)
        how = solved.how
        record = Record("optimal", figures=solved_figures(solved, modified))
    except InfeasibleError as exc:
        record = Record("infeasible", message=str(exc), diagnosis=exc.diagnosis)
    except SolverLimitError as exc:
        record = Record("limit", message=str(exc))
    except InputError as exc:
        record = Record("invalid", message=" ".join(str(p) for p in exc.problems))
    except Exception as exc:  # recorded: one scenario's bug never stops the sweep
        record = Record("failed", message=f"{type(exc).__name__}: {exc}")
    if how:
        COUNTS[how] += 1
    return Outcome(scenario_id, record, time.perf_counter() - started, how, os.getpid())


def _kept_model(inputs: xr.Dataset, config: dict, settings: Settings):
    """This process's model of the sweep's case (built on first use, one sweep at a time)."""
    from fiscalshare.solve.reuse import KeptModel

    key = (settings.token, json.dumps(dict(config), sort_keys=True, default=str))
    if key not in _KEPT:
        _KEPT.clear()
        _KEPT[key] = KeptModel(inputs, config, time_limit=settings.time_limit)
    return _KEPT[key]


def forget_models() -> None:
    """Drop this process's kept model (tests; a new sweep replaces it anyway)."""
    _KEPT.clear()


def run(inputs: xr.Dataset, config: dict, pending: list[Scenario], settings: Settings,
        reference: Mapping[str, np.ndarray] | None, on_finished: Callable[[Outcome], None], *,
        workers: int | None = None, scheduler: str | None = None, serial: bool = False) -> int:
    """Solve ``pending`` and call ``on_finished`` (in this process) as each one finishes.

    A worker that dies costs only the scenarios it held: dask hands them to another worker
    (and ``retries`` once more); a scenario the cluster loses for good is solved in this
    process.  Returns how many were solved that way.
    """
    if serial or not pending:
        with _interrupt_between_scenarios() as interrupted:
            for scenario in pending:
                on_finished(solve_scenario(inputs, config, scenario.id, scenario.changes,
                                           settings, reference))
                if interrupted.is_set():
                    raise KeyboardInterrupt
        return 0
    from dask.distributed import as_completed

    lost: list[Scenario] = []
    by_id = {s.id: s for s in pending}
    with connect(workers=workers, scheduler=scheduler) as client:
        shared = client.scatter(inputs, broadcast=True, hash=False)
        futures = {client.submit(solve_scenario, shared, config, s.id, s.changes, settings,
                                 reference, key=f"fiscalshare-sweep-{settings.token}-{s.id}",
                                 pure=False, retries=2): s.id for s in pending}
        for future in as_completed(futures):
            outcome = _result(future, futures[future])
            future.release()
            if outcome is None:
                lost.append(by_id[futures[future]])
            else:
                on_finished(outcome)
    for scenario in lost:  # the cluster lost them: solved here instead
        on_finished(solve_scenario(inputs, config, scenario.id, scenario.changes, settings,
                                   reference))
    return len(lost)


def _result(future, scenario_id: str) -> Outcome | None:
    """A future's outcome; a scenario that killed its workers is recorded as failed, one lost to
    a cluster going away is not recorded (``None``), so that a resume solves it again."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        return Outcome(scenario_id, Record("failed", message=f"its worker died: {exc}"))
    except Exception:  # noqa: BLE001 - cancelled, lost connection: not the scenario's fault
        return None


SCHEDULER_TIMEOUT = "10s"  # how long a --scheduler may take to answer (dask retries until then)


def check_scheduler(scheduler: str) -> None:
    """Refuse an unreachable ``--scheduler`` (exit 2) before the sweep folder is written."""
    with connect(scheduler=scheduler):
        pass


@contextmanager
def connect(*, workers: int | None = None, scheduler: str | None = None):
    """A dask client: of a LocalCluster on 127.0.0.1 (dashboard off, one single-threaded worker
    process per core unless ``workers`` says otherwise), or of the cluster at ``scheduler``."""
    import logging

    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise ConfigError([Problem("--scheduler", f"cannot reach the dask scheduler at "
                                       f"{scheduler}: {exc}")]) from None
        try:
            _check_versions(client)
            yield client
        finally:
            client.close()
        return
    # the workers inherit SIGINT ignored: Ctrl-C is the command's to handle
    with _sigint_handled_by(signal.SIG_IGN):
        # no fixed port anywhere: the scheduler, and the HTTP server it starts even without a
        # dashboard (which would otherwise try 8787), take a free port on 127.0.0.1
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, host="127.0.0.1", scheduler_port=0,
                               dashboard_address=None, worker_dashboard_address=None,
                               scheduler_kwargs={"dashboard": False,
                                                 "dashboard_address": "127.0.0.1:0"},
                               silence_logs=logging.CRITICAL)
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def _check_versions(client) -> None:
    """Workers of an existing cluster must run this fiscalshare, or results would mix versions."""
    from fiscalshare import __version__

    theirs = client.run(_fiscalshare_version)
    other = {address: v for address, v in theirs.items() if v != __version__}
    if other:
        raise ConfigError([Problem("--scheduler", f"workers run another fiscalshare than this "
                                   f"{__version__}: " + ", ".join(f"{a} has {v}" for a, v in
                                                                   sorted(other.items())))])


def _fiscalshare_version() -> str:
    try:
        from fiscalshare import __version__
    except ImportError:
        return "none"
    return __version__


@contextmanager
def _interrupt_between_scenarios():
    """Ctrl-C noted while the scenarios are solved here, and acted on between two of them
    (the loop raises ``KeyboardInterrupt``).  Raised at whatever line the signal found, the
    interrupt was lost in 2 of 60 trial sweeps, which then ran to their end and exited 0; where
    it went was not found.  Yields the event the signal sets."""
    import threading

    interrupted = threading.Event()
    with _sigint_handled_by(lambda *_: interrupted.set()):
        yield interrupted
    if interrupted.is_set():  # during the last scenario
        raise KeyboardInterrupt


@contextmanager
def _sigint_handled_by(handler):
    """SIGINT given to ``handler`` meanwhile (left alone outside the main thread, where
    signals are not ours to change)."""
    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
