"""Jobs on every core (fiscalshare.forked): the same results as in turn, errors and Ctrl-C stop
every child at once, and a run interrupted while its reports are written leaves nothing."""

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
from fiscalshare.forked import can_fork, run_jobs
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
