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


class Standby:
    """A process forked now that prepares at once (``prepare()``: imports, font lookups) while
    this one goes on, then runs the one call :meth:`submit` sends it later.

    The plots use it: matplotlib's import takes 0.4 s, which a county-level run would otherwise
    add to its end; in a process forked before the solve it is done on the core the solve leaves
    idle.  The call and its arguments are pickled (send small data: module-level functions and
    arrays).  Where ``fork`` does not exist, the call runs here when its result is asked for.
    The process ignores Ctrl-C (the caller decides) and is killed by :meth:`close`, which the
    ``with`` block calls on every way out.
    """

    def __init__(self, prepare: Callable[[], Any], *, call: Callable[[], Any] | None = None):
        self._call = None if call is None else (call, (), {})
        self._process = self._connection = None
        if not can_fork() or multiprocessing.current_process().daemon:
            return
        context = multiprocessing.get_context("fork")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_stand_by,
                                        args=(prepare, child_end, self._call), daemon=True)
        self._process.start()
        child_end.close()

    @classmethod
    def started(cls, job: Callable[[], Any]) -> Standby:
        """``job()`` started now in a process forked from this one, which inherits everything
        (only the result is pickled), while this one goes on; :meth:`result` waits for it."""
        return cls(lambda: None, call=job)

    def __enter__(self) -> Standby:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def submit(self, function: Callable[..., Any], *args, **kwargs) -> None:
        """Start ``function(*args, **kwargs)`` in the standing-by process (once)."""
        if self._call is not None:
            raise RuntimeError("a Standby runs one call")
        self._call = (function, args, kwargs)
        if self._process is not None:
            self._connection.send(self._call)

    def result(self) -> Any:
        """The call's value, once it is done; its error is raised here."""
        if self._call is None:
            raise RuntimeError("nothing was submitted")
        if self._process is None:
            function, args, kwargs = self._call
            return function(*args, **kwargs)
        wait([self._connection, self._process.sentinel])
        try:
            succeeded, value = self._connection.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError("the standby process ended with exit code "
                               f"{self._process.exitcode}") from None
        if not succeeded:
            raise value
        return value

    def close(self) -> None:
        if self._process is not None and self._process.pid is not None:
            self._process.kill()
            self._process.join()
            self._connection.close()
            self._process = None


def _stand_by(prepare, connection, call) -> None:
    import signal
    from contextlib import suppress

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with suppress(Exception):  # preparing only saves time: the call itself shows any error
        prepare()
    if call is not None:  # given at the fork (Standby.started)
        function, args, kwargs = call
    else:
        try:
            function, args, kwargs = connection.recv()
        except EOFError:  # the parent ended without a call
            return
    try:
        message = (True, function(*args, **kwargs))
    except BaseException as error:  # noqa: BLE001 - every failure goes to the parent
        message = (False, _sendable(error))
    connection.send(message)
