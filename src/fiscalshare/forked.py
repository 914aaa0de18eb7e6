"""Independent jobs on every core, in processes forked from this one.

A run's outputs (allocation.nc, the province workbook, one workbook per prefecture, the plots)
are independent once the results are known.  Forked children inherit the results and every
imported module, so nothing large is pickled and no child pays Python's start-up again; each
job returns something small (a path, a few timings).  Where ``fork`` does not exist (Windows),
inside a daemonic worker, or when one worker is asked for, the jobs run here in turn: the
outputs are the same either way (tested), only the wall time differs.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

_JOBS: list[Callable[[], Any]] = []  # what the forked children read (inherited, never pickled)


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every platform
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_jobs(jobs: Sequence[Callable[[], Any]], *, workers: int | None = None) -> list[Any]:
    """Each job's result, in the order given, with the jobs spread over ``workers`` processes.

    List the longest jobs first: the pool hands them out in that order.  If a job fails, or
    the user presses Ctrl-C, the other children are stopped at once (not left to finish the
    queue) before the error goes on, so the caller can remove what was half written.
    """
    workers = min(workers or default_workers(), len(jobs))
    if (workers <= 1 or not can_fork() or _JOBS  # _JOBS set: inside a run already (no nesting)
            or multiprocessing.current_process().daemon):  # e.g. a pool's worker: no children
        return [job() for job in jobs]
    _JOBS[:] = jobs
    settled = threading.Event()  # every job done, or one failed
    failures: list[BaseException] = []
    left = [len(jobs)]

    def succeeded(_result) -> None:
        left[0] -= 1  # callbacks run one at a time, on the pool's result thread
        if left[0] == 0:
            settled.set()

    def failed(error: BaseException) -> None:
        failures.append(error)
        settled.set()

    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending = [pool.apply_async(_run, (k,), callback=succeeded, error_callback=failed)
                   for k in range(len(jobs))]
        settled.wait()
        if failures:
            raise failures[0]
        done = [result.get() for result in pending]
        pool.close()
        return done
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _JOBS.clear()


def _run(k: int) -> Any:
    return _JOBS[k]()
