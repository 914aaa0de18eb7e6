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
import pickle
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait
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

    List the longest jobs first: each child takes the next job when it is free.  If a job
    fails, a child dies, or the user presses Ctrl-C, every child is killed at once (not left to
    finish the queue) before the error goes on, so the caller can remove what was half written.
    (``multiprocessing.Pool.terminate`` can wait forever for an idle worker's queue lock, so the
    children here are plain processes this function kills itself.)
    """
    workers = min(workers or default_workers(), len(jobs))
    if (workers <= 1 or not can_fork() or _JOBS  # _JOBS set: inside a run already (no nesting)
            or multiprocessing.current_process().daemon):  # e.g. a pool's worker: no children
        return [job() for job in jobs]
    context = multiprocessing.get_context("fork")
    _JOBS[:] = jobs
    next_job = context.Value("i", 0)
    reader, writer = context.Pipe(duplex=False)
    sending = context.Lock()
    children = [context.Process(target=_work, args=(next_job, writer, sending), daemon=True)
                for _ in range(workers)]
    try:
        for child in children:
            child.start()
        return _collect(reader, children, len(jobs))
    except BaseException:
        for child in children:
            if child.pid is not None:
                child.kill()
        raise
    finally:
        for child in children:
            if child.pid is not None:
                child.join()
        _JOBS.clear()


def _collect(reader, children, count: int) -> list[Any]:
    """The children's results by job number; a failure or a child that dies raises here."""
    done: dict[int, Any] = {}
    running = {child.sentinel: child for child in children}
    while len(done) < count:
        ready = wait([reader, *running])
        if reader in ready:
            k, succeeded, value = reader.recv()
            if not succeeded:
                raise value
            done[k] = value
            continue
        for sentinel in ready:
            child = running.pop(sentinel)
            child.join()  # the sentinel fires at exit; the exit code is known once reaped
            if child.exitcode != 0:
                raise RuntimeError(f"a worker process ended with exit code {child.exitcode}")
        if not running and not reader.poll():
            raise RuntimeError("the worker processes ended with jobs left undone")
    return [done[k] for k in range(count)]


def _work(next_job, writer, sending) -> None:
    """A child: take the next job until none is left; send each result (or the failure)."""
    while True:
        with next_job.get_lock():
            k = next_job.value
            next_job.value += 1
        if k >= len(_JOBS):
            return
        try:
            message = (k, True, _JOBS[k]())
        except BaseException as error:  # noqa: BLE001 - every failure goes to the parent
            message = (k, False, _sendable(error))
        with sending:
            writer.send(message)
        if not message[1]:
            return


def _sendable(error: BaseException) -> BaseException:
    """The error itself when it pickles, else a RuntimeError that names it."""
    try:
        pickle.dumps(error)
    except Exception:  # noqa: BLE001 - any pickling failure
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
