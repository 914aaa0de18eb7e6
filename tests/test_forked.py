"""Jobs on every core (fiscalshare.forked): the same results as in turn, errors and Ctrl-C stop
every child at once, and a run interrupted while its reports are written leaves nothing; a
Standby prepares in its own process and runs the one call it is sent there."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from fiscalshare.examples.synthetic import generate
from fiscalshare.forked import Standby, can_fork, run_jobs
from fiscalshare.io import write_case

pytestmark = pytest.mark.skipif(not can_fork(), reason="fork is not available here")


def _square(k: int) -> tuple[int, int]:
    return k * k, os.getpid()


def _fail() -> None:
    raise ValueError("a job failed")


def _wait_forever(event) -> None:
    event.wait()


def test_results_come_back_in_the_order_given_from_child_processes():
    done = run_jobs([partial(_square, k) for k in range(7)], workers=2)
    assert [value for value, _ in done] == [k * k for k in range(7)]
    assert os.getpid() not in {pid for _, pid in done}
    assert run_jobs([partial(_square, k) for k in range(7)], workers=1) == [
        (k * k, os.getpid()) for k in range(7)]


def test_a_failing_job_raises_here_and_stops_the_children_still_working():
    never = multiprocessing.get_context("fork").Event()
    with pytest.raises(ValueError, match="a job failed"):
        run_jobs([partial(_wait_forever, never), _fail, partial(_wait_forever, never)],
                 workers=2)
    assert multiprocessing.active_children() == []


def _die() -> None:
    os._exit(3)  # as a worker killed by the system would end: without a word


def test_a_child_that_dies_is_an_error_here_not_a_wait_forever():
    never = multiprocessing.get_context("fork").Event()
    with pytest.raises(RuntimeError, match="exit code 3"):
        run_jobs([partial(_wait_forever, never), _die], workers=2)
    assert multiprocessing.active_children() == []


def test_ctrl_c_while_reports_are_written_exits_130_and_leaves_nothing(tmp_path):
    case = tmp_path / "case"
    write_case(generate(600, 30, 5, 2), case)
    out = tmp_path / "run"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "fiscalshare"), "solve", str(case), "--out", str(out)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if any(tmp_path.glob(".run.tmp-*/prefectures/*.xlsx")):  # writing has begun
                break
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before its reports were being written"
        process.send_signal(signal.SIGINT)
        process.wait(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]


_PREPARED: list[int] = []


def _prepare() -> None:
    _PREPARED.append(os.getpid())


def _prepared_where(offset: int) -> tuple[list[int], int]:
    return list(_PREPARED), os.getpid() + offset


def test_a_standby_prepares_in_its_own_process_and_runs_the_call_there():
    with Standby(_prepare) as standby:
        standby.submit(_prepared_where, 0)
        prepared, pid = standby.result()
    assert prepared == [pid] and pid != os.getpid()  # prepared first, in the same process
    assert _PREPARED == []  # not here
    assert multiprocessing.active_children() == []


def test_a_standby_raises_the_calls_error_here_and_reports_a_death():
    with Standby(_prepare) as standby:
        standby.submit(_fail)
        with pytest.raises(ValueError, match="a job failed"):
            standby.result()
    with Standby(_prepare) as standby:
        standby.submit(_die)
        with pytest.raises(RuntimeError, match="exit code 3"):
            standby.result()
    with pytest.raises(RuntimeError, match="one call"), Standby(_prepare) as standby:
        standby.submit(_die)
        standby.submit(_die)


def test_a_standby_never_sent_a_call_is_stopped_when_its_block_ends():
    with Standby(_prepare) as standby:
        assert multiprocessing.active_children() != []
    assert multiprocessing.active_children() == []
    with pytest.raises(RuntimeError, match="nothing was submitted"):
        standby.result()


def _no_drawing(*args, **kwargs):
    raise ValueError("the plots failed")


def test_a_run_whose_plots_fail_in_the_standby_leaves_nothing(tmp_path, monkeypatch):
    from fiscalshare.report import plots
    from fiscalshare.workflows import SolveRequest, run_solve

    case = tmp_path / "case"
    write_case(generate(12, 4, 2, 3), case)
    monkeypatch.setattr(plots, "draw_plots", _no_drawing)  # before the standby is forked
    with pytest.raises(ValueError, match="the plots failed"):
        run_solve(SolveRequest(case=case, out=tmp_path / "run"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]
    assert multiprocessing.active_children() == []


def test_a_job_started_in_a_forked_process_inherits_what_it_needs_and_returns_its_value():
    import threading

    lock = threading.Lock()  # cannot be pickled: the job is inherited, not sent
    with Standby.started(lambda: (os.getpid(), lock.locked())) as job:
        pid, locked = job.result()
    assert pid != os.getpid() and locked is False
    with Standby.started(_fail) as job, pytest.raises(ValueError, match="a job failed"):
        job.result()
    assert multiprocessing.active_children() == []


START_UP = """
import sys
import fiscalshare.cli.solve  # what the command line has imported when `solve` starts
from fiscalshare.workflows import plots_ahead  # which forks the plots' process
from fiscalshare.report.plots import PlotData, draw_plots, prepare_drawing  # what it runs
print(" ".join(m for m in ("pandas", "xarray", "scipy", "pyarrow", "highspy") if m in sys.modules))
"""


def test_the_plots_process_is_forked_before_pandas_and_xarray_are_imported():
    """The ``solve`` command forks the process that draws the plots first (workflows.plots_ahead),
    so that it imports matplotlib on the core the start-up leaves idle; were pandas or xarray
    among what it needs, that process would import them too, beside the command."""
    done = subprocess.run([sys.executable, "-c", START_UP], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
