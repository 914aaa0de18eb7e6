"""Run folders appear whole or not at all, even when the writing process is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fiscalshare.runs.folder import (
    MARKER,
    RunExistsError,
    clean_leftovers,
    file_hashes,
    read_manifest,
    staged_folder,
    write_manifest,
)

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from fiscalshare.runs.folder import staged_folder, write_manifest
    out = Path(sys.argv[1])
    with staged_folder(out, force=len(sys.argv) > 2) as folder:
        for n in range(40):
            (folder / f"part{n:02d}.txt").write_text("x" * 1000)
            print(n, flush=True)
            time.sleep(0.02)
        write_manifest(folder, {"status": "solved"})
    print("done", flush=True)
    """
)


def _start_writer(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(out), *extra],
        stdout=subprocess.PIPE,
        text=True,
    )


def _wait_for_line(process: subprocess.Popen, wanted: str) -> None:
    for line in process.stdout:
        if line.strip() == wanted:
            return
    raise AssertionError(f"writer ended before printing {wanted!r}")


def test_staged_folder_appears_complete(tmp_path):
    out = tmp_path / "run"
    with staged_folder(out) as folder:
        (folder / "a.txt").write_text("a")
        assert not out.exists()
        write_manifest(folder, {"status": "solved"})
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "a.txt", "manifest.json"]
    assert read_manifest(out)["files"] == file_hashes(out)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_existing_folder_is_kept_without_force(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "earlier.txt").write_text("earlier")
    with pytest.raises(RunExistsError), staged_folder(out):
        pass
    assert (out / "earlier.txt").read_text() == "earlier"


def test_an_error_while_writing_leaves_nothing(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(ZeroDivisionError), staged_folder(out) as folder:
        (folder / "a.txt").write_text("a")
        _ = 1 / 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
@pytest.mark.parametrize("after", ["3", "25"])
def test_killed_writer_leaves_no_folder_and_no_earlier_run_is_touched(tmp_path, sig, after):
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "allocation.nc").write_text("earlier run")
    out = tmp_path / "run"
    process = _start_writer(out)
    _wait_for_line(process, after)
    process.send_signal(sig)
    process.communicate(timeout=30)
    assert not out.exists()
    assert (earlier / "allocation.nc").read_text() == "earlier run"
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    if sig == signal.SIGKILL:
        assert leftovers, "SIGKILL cannot clean up: the next run must"
        temporaries = [p for p in leftovers if p.is_dir()]
        assert clean_leftovers(out) == temporaries
        with staged_folder(out) as folder:  # the next writer takes and removes the stale lock
            (folder / "a.txt").write_text("a")
        assert out.is_dir()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_forced_replacement_killed_midway_keeps_the_old_folder(tmp_path):
    out = tmp_path / "run"
    with staged_folder(out) as folder:
        (folder / "old.txt").write_text("old")
    process = _start_writer(out, "--force")
    _wait_for_line(process, "10")
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert (out / "old.txt").read_text() == "old"
    clean_leftovers(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]


def test_completed_writer_produces_a_verified_folder(tmp_path):
    out = tmp_path / "run"
    process = _start_writer(out)
    output = process.communicate(timeout=60)[0]
    assert output.strip().endswith("done")
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["files"]) == 40
    assert manifest["files"] == file_hashes(out)


def test_leftovers_of_a_live_process_are_not_removed(tmp_path):
    out = tmp_path / "run"
    live = tmp_path / ".run.tmp-live"
    dead = tmp_path / ".run.tmp-dead"
    for folder, pid in ((live, os.getppid()), (dead, _dead_pid())):
        folder.mkdir()
        (folder / MARKER).write_text(json.dumps(
            {"fiscalshare_run": folder.name, "pid": pid, "stage": "temporary"}))
    assert clean_leftovers(out) == [dead]
    assert live.exists()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    time.sleep(0.05)
    return process.pid
