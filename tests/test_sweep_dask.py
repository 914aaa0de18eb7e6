"""Sweeps on dask as users run them: no fixed port, an existing scheduler with its own workers,
a worker that dies mid-sweep, and --resume running the way the sweep was started."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from fiscalshare.examples.synthetic import generate
from fiscalshare.io import write_case
from fiscalshare.sweep import folder as sweep_folder
from fiscalshare.sweep import run_sweep

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dask") / "case"
    write_case(generate(20, 4, 2, 3), path)
    return path


def _sweep(folder: Path) -> xr.Dataset:
    with xr.open_dataset(folder / "sweep.nc", engine="h5netcdf") as opened:
        return opened.load()


@contextlib.contextmanager
def port_8787_held():
    """Hold 127.0.0.1:8787 as another program would (if something else holds it, fine too)."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind(("127.0.0.1", 8787))
        holder.listen(1)
    except OSError:
        holder.close()
        holder = None
    try:
        yield
    finally:
        if holder is not None:
            holder.close()


def test_a_local_cluster_sweep_runs_cleanly_while_8787_is_held(case, tmp_path):
    with port_8787_held(), warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        outcome = run_sweep(case, "default", tmp_path / "dask", vary=["eta=0,0.5,1"],
                            workers=2)
        run_sweep(case, "default", tmp_path / "serial", vary=["eta=0,0.5,1"], serial=True)
    assert outcome.counts == {"done": 3, "failed": 0, "skipped": 0}
    xr.testing.assert_identical(_sweep(tmp_path / "dask").drop_attrs(),
                                _sweep(tmp_path / "serial").drop_attrs())
    plan = json.loads((tmp_path / "dask" / "plan.json").read_text(encoding="utf-8"))
    assert plan["running"] == {"serial": False, "workers": 2, "scheduler": None}


def test_resume_runs_the_way_the_sweep_was_started(case, tmp_path, monkeypatch):
    out = tmp_path / "s"
    run_sweep(case, "default", out, vary=["eta=0,1"], serial=True)
    (out / "manifest.json").unlink()
    for record in (out / "records").glob("s00001.*"):
        record.unlink()
    seen = {}
    from fiscalshare.sweep import runner

    original = runner.run

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(runner, "run", spy)
    run_sweep(None, "default", out, resume=True)
    assert seen["serial"] is True and seen["workers"] is None and seen["scheduler"] is None
    assert (out / "records" / "s00001.json").exists() and (out / "manifest.json").exists()


@contextlib.contextmanager
def dask_cluster(tmp_path: Path, workers: int = 2):
    """A real ``dask scheduler --port 0`` and ``dask worker`` processes, torn down whatever
    happens; yields the scheduler's address and the worker processes."""
    scheduler_file = tmp_path / "scheduler.json"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    processes = []
    try:
        processes.append(subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--dashboard-address", "127.0.0.1:0",
             "--scheduler-file", str(scheduler_file)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True))
        deadline = time.time() + 60
        while not scheduler_file.exists() and time.time() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(workers):
            processes.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                 "--nthreads", "1", "--nworkers", "1", "--no-nanny", "--host", "127.0.0.1",
                 "--no-dashboard"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                start_new_session=True))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)
        yield address, processes[1:]
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


def test_a_sweep_on_an_existing_scheduler_with_two_workers(case, tmp_path):
    with port_8787_held(), dask_cluster(tmp_path) as (address, _):
        outcome = run_sweep(case, "default", tmp_path / "s", vary=["eta=0,0.5,1,2"],
                            scheduler=address)
    assert outcome.counts["done"] == 4
    plan = json.loads((tmp_path / "s" / "plan.json").read_text(encoding="utf-8"))
    assert plan["running"]["scheduler"] == address
    run_sweep(case, "default", tmp_path / "serial", vary=["eta=0,0.5,1,2"], serial=True)
    xr.testing.assert_identical(_sweep(tmp_path / "s").drop_attrs(),
                                _sweep(tmp_path / "serial").drop_attrs())


def test_a_worker_killed_mid_sweep_costs_only_its_scenarios(tmp_path):
    case = tmp_path / "case"
    write_case(generate(60, 10, 3, 4), case)
    values = ",".join(f"{0.05 * k:.2f}" for k in range(30))
    with dask_cluster(tmp_path) as (address, workers):
        out = tmp_path / "s"
        process = subprocess.Popen(
            [sys.executable, "-m", "fiscalshare", "sweep", str(case), "--scheduler", address,
             "--out", str(out), "--vary", f"eta={values}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 180
        while time.time() < deadline and len(sweep_folder.finished(out) - {"baseline"}) < 3:
            time.sleep(0.05)
        os.killpg(workers[0].pid, signal.SIGKILL)
        _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    sweep = _sweep(out)
    assert list(sweep["status"].values) == ["optimal"] * 30
    assert np.all(np.isfinite(sweep["objective_cost"].values))


def test_ctrl_c_to_the_process_group_ends_a_dask_sweep_with_130_and_no_traceback(tmp_path):
    case = tmp_path / "case"
    write_case(generate(60, 10, 3, 4), case)
    out = tmp_path / "s"
    values = ",".join(f"{0.05 * k:.2f}" for k in range(40))
    process = subprocess.Popen(
        [sys.executable, "-m", "fiscalshare", "sweep", str(case), "--workers", "2", "--out",
         str(out), "--vary", f"eta={values}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.time() + 180
        while time.time() < deadline and len(sweep_folder.finished(out) - {"baseline"}) < 2:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    text = err.decode()
    assert process.returncode == 130, text
    assert "Traceback" not in text and "CancelledError" not in text
    assert "--resume" in text


def test_an_unreachable_scheduler_is_refused_before_anything_is_written(case, tmp_path, capsys,
                                                                       monkeypatch):
    from fiscalshare.cli import main
    from fiscalshare.sweep import runner

    monkeypatch.setattr(runner, "SCHEDULER_TIMEOUT", "1s")  # refused at once: no need to wait 10

    # a port held bound without listening: connections are refused, and no other program can
    # take it while the test runs (a port closed again could be)
    with socket.socket() as held, pytest.raises(SystemExit) as ended:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        main(["sweep", str(case), "--vary", "eta=0,1", "--scheduler", f"tcp://127.0.0.1:{port}",
              "--out", str(tmp_path / "s"), "--lang", "en"])
    assert ended.value.code == 2
    assert "cannot reach the dask scheduler" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
