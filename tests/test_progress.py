"""Progress of a long solve, and Ctrl-C during one."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fiscalshare.config import load_config
from fiscalshare.examples.synthetic import generate
from fiscalshare.io import write_case
from fiscalshare.io.dataset import build_inputs
from fiscalshare.model import build
from fiscalshare.report.progress import ProgressLine
from fiscalshare.solve import highs
from fiscalshare.solve.highs import solver_options
from fiscalshare.solve.stages import solve_stages


def test_a_solve_with_a_callback_records_progress_events(monkeypatch):
    monkeypatch.setattr(highs, "PROGRESS_EVERY", 0.0)
    inputs = build_inputs(generate(60, 10, 3, 3, budget_factor=0.5))
    config = load_config("default", {"method": "plain"})
    form = build(inputs, config)
    events = []
    stages = solve_stages(form, solver_options(config), progress=lambda **e: events.append(e))
    assert stages.z1 > 0
    assert {e["stage"] for e in events} == {"stage1", "stage2"}
    assert all(e["iterations"] >= 0 for e in events)
    assert max(e["iterations"] for e in events) > 0


def test_the_decomposed_route_reports_its_rounds(monkeypatch):
    monkeypatch.setattr(highs, "PROGRESS_EVERY", 0.0)
    inputs = build_inputs(generate(60, 10, 3, 3, budget_factor=0.5))
    config = load_config("default", {"method": "decomposed"})
    events = []
    solve_stages(build(inputs, config), solver_options(config),
                 progress=lambda **e: events.append(e))
    rounds = [e for e in events if e["stage"] == "benders"]
    assert rounds and rounds[0]["iterations"] == 1 and rounds[-1]["gap"] >= 0


def test_the_progress_line_is_live_on_a_terminal_and_logged(caplog):
    class Terminal:
        text = ""

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    terminal = Terminal()
    line = ProgressLine(lang="en", stream=terminal, log_every=0.0)
    with caplog.at_level("INFO", logger="fiscalshare"):
        line(stage="stage1", objective=12.5, infeasibility=0.25, iterations=40)
        line(stage="stage2", objective=3.0, iterations=7)
    line.close()
    assert "\rstage 1 (least weighted shortfall)" in terminal.text
    assert "infeasibility 2.50e-01 · iterations 40" in terminal.text
    assert terminal.text.endswith("\r")  # cleared for the summary
    assert [r.getMessage().split(" · ")[0] for r in caplog.records] == [
        "stage 1 (least weighted shortfall)", "stage 2 (least provincial money)"]
    chinese = ProgressLine(stream=None, log_every=1e9)
    chinese(stage="benders", objective=1.0, gap=0.5, iterations=3)  # no stream: nothing live


@pytest.mark.slow
def test_ctrl_c_during_a_solve_exits_130_and_leaves_no_run_folder(tmp_path):
    case = tmp_path / "case"
    write_case(generate(500, 40, 5, 1, budget_factor=0.3), case)
    out = tmp_path / "run"
    leader, follower = pty.openpty()  # stderr a terminal: the live progress line shows
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "fiscalshare"), "solve", str(case), "--out", str(out),
         "--lang", "en"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 300
    try:
        while b"stage 1" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                try:
                    seen += os.read(leader, 4096)
                except OSError:
                    break
            if process.poll() is not None:
                break
        assert b"stage 1" in seen, seen.decode(errors="replace")[-500:]
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert process.returncode == 130
    assert not out.exists()
