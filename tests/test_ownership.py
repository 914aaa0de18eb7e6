"""The program deletes or replaces only what it created (issue 16: data loss).

Every test runs the real command in a subprocess: ``--out`` checks happen before the solve, a
user's files beside or under ``--out`` survive, two writers to one ``--out`` are serialised by a
lock, and a ``--force`` replacement killed at any step leaves the old or the new run intact and
findable (restored by the next writer).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from fiscalshare.examples import example_path
from fiscalshare.runs.folder import MARKER, PAUSE_ENV, lock_path, out_lock, read_marker

CASE = example_path("guizhou")


def fiscalshare(*args, cwd: Path | None = None, env: dict | None = None,
                timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fiscalshare", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def case_copy(tmp_path) -> Path:
    copy = tmp_path / "inputs" / "case"
    shutil.copytree(CASE, copy)
    (tmp_path / "inputs" / "notes.txt").write_text("the user's notes")
    return copy


@pytest.fixture(scope="module")
def old_run(tmp_path_factory) -> Path:
    """A real run folder (no reports, to keep it quick), copied by each test that replaces it."""
    out = tmp_path_factory.mktemp("old") / "run"
    done = fiscalshare("solve", CASE, "--out", out, "--no-reports", "--quiet")
    assert done.returncode == 0, done.stderr
    return out


def test_a_users_tmp_files_beside_out_survive_a_solve(tmp_path):
    out = tmp_path / "run"
    keep = tmp_path / ".run.tmp-keep"
    keep.write_text("mine")
    notes = tmp_path / ".notes.tmp-keep"
    notes.write_text("mine too")
    lookalike = tmp_path / ".run.tmp-123-abcdef12"  # the old name pattern of a dead writer
    lookalike.mkdir()
    (lookalike / "data.txt").write_text("not fiscalshare's")
    done = fiscalshare("solve", CASE, "--out", out, "--no-reports", "--quiet")
    assert done.returncode == 0, done.stderr
    assert keep.read_text() == "mine" and notes.read_text() == "mine too"
    assert (lookalike / "data.txt").read_text() == "not fiscalshare's"
    assert read_marker(out) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".notes.tmp-keep", ".run.tmp-123-abcdef12", ".run.tmp-keep", "run"])


@pytest.mark.parametrize("where", ["case", "parent", "grandparent"])
def test_out_that_is_or_holds_the_input_is_refused_with_nothing_deleted(case_copy, where):
    out = {"case": case_copy, "parent": case_copy.parent,
           "grandparent": case_copy.parent.parent}[where]
    before = snapshot(out)
    done = fiscalshare("solve", case_copy, "--out", out, "--force", "--lang", "en")
    assert done.returncode == 2, done.stderr
    assert "input" in done.stderr and "Traceback" not in done.stderr
    assert "Running HiGHS" not in done.stdout  # refused before the solve
    assert snapshot(out) == before


@pytest.mark.parametrize("command", ["solve", "sweep", "compare"])
def test_out_dot_is_refused_in_every_command(case_copy, command):
    here = case_copy.parent
    before = snapshot(here)
    extra = ["--vary", "eta=0.5", "--serial"] if command == "sweep" else []
    done = fiscalshare(command, case_copy, *extra, "--out", ".", "--force", "--lang", "en", cwd=here)
    assert done.returncode == 2, done.stderr
    assert "current folder" in done.stderr
    assert snapshot(here) == before


def test_sweep_out_case_is_refused(case_copy):
    before = snapshot(case_copy)
    done = fiscalshare("sweep", case_copy, "--vary", "eta=0.5", "--serial", "--out", case_copy, "--lang", "en",
                       "--force")
    assert done.returncode == 2, done.stderr
    assert snapshot(case_copy) == before


def test_a_folder_we_did_not_write_is_never_replaced_even_with_force(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "budget.xlsx").write_text("the user's work")
    done = fiscalshare("solve", CASE, "--out", out, "--force", "--lang", "en")
    assert done.returncode == 2
    assert "did not write" in done.stderr
    assert (out / "budget.xlsx").read_text() == "the user's work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_an_empty_folder_is_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    done = fiscalshare("solve", CASE, "--out", out, "--no-reports", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (out / "allocation.nc").is_file()


def test_bad_out_paths_are_refused_before_solving(tmp_path):
    dangling = tmp_path / "link"
    dangling.symlink_to(tmp_path / "nowhere")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    for out, says in ((dangling, "symbolic link"), (a_file, "not a folder"),
                      (a_file / "run", "not a folder"),
                      (Path("/proc/fiscalshare-test/run"), "cannot write"),
                      (tmp_path / ("x" * 240), "longer than")):
        done = fiscalshare("solve", CASE, "--out", out, "--lang", "en")
        assert done.returncode == 2, (out, done.stderr)
        assert says in done.stderr, (out, done.stderr)
        assert "Running HiGHS" not in done.stdout and "Traceback" not in done.stderr
    assert not (tmp_path / "nowhere").exists()
    assert a_file.read_text() == "x"


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    out = tmp_path / "run"
    with out_lock(out):  # this test process is "the first writer"
        assert lock_path(out).is_file()
        second = fiscalshare("solve", CASE, "--out", out, "--no-reports", "--quiet", "--lang", "en")
        assert second.returncode == 2
        assert "another fiscalshare process" in second.stderr
        assert "Running HiGHS" not in second.stdout
        assert not out.exists()
    assert not lock_path(out).exists()  # removed by the one who created it
    first = fiscalshare("solve", CASE, "--out", out, "--no-reports", "--quiet")
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_second_sweep_into_the_same_folder_is_refused_while_the_first_holds_it(tmp_path):
    out = tmp_path / "sweep"
    with out_lock(out):  # this test process is "the first sweep"
        second = fiscalshare("sweep", CASE, "--vary", "eta=0.5,1", "--serial", "--out", out, "--lang", "en")
        assert second.returncode == 2, second.stderr
        assert "another fiscalshare process" in second.stderr
        assert not out.exists()
    assert not lock_path(out).exists()


def test_a_lock_file_we_did_not_create_is_left_alone(tmp_path):
    out = tmp_path / "run"
    lock_path(out).write_text("someone else's file")
    done = fiscalshare("solve", CASE, "--out", out, "--no-reports")
    assert done.returncode == 2
    assert lock_path(out).read_text() == "someone else's file"


STEPS = ("staged", "written", "parked", "placed", "removed")


@pytest.mark.parametrize("step", STEPS)
def test_force_replacement_killed_at_any_step_keeps_a_whole_run(tmp_path, old_run, step):
    out = tmp_path / "run"
    shutil.copytree(old_run, out, symlinks=True)
    old_id = read_marker(out)["fiscalshare_run"]
    old_files = snapshot(out)
    process = subprocess.Popen(
        [sys.executable, "-m", "fiscalshare", "solve", str(CASE), "--out", str(out), "--force",
         "--no-reports", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, PAUSE_ENV: step})
    for line in process.stderr:
        if line.strip() == f"paused at {step}":
            break
    else:
        raise AssertionError(f"the writer never reached {step}")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()

    # findable right after the kill: at --out, or parked beside it under our marker
    parked = [p for p in tmp_path.iterdir() if p.name.startswith(".run.old-")]
    if out.exists():
        marker = read_marker(out)
        assert marker["fiscalshare_run"] == old_id or marker.get("replaces") == old_id
    else:
        assert step == "parked"
        assert [read_marker(p)["fiscalshare_run"] for p in parked] == [old_id]

    # the next writer (without --force) restores or tidies, then refuses: the run exists
    again = fiscalshare("solve", CASE, "--out", out, "--no-reports", "--quiet")
    assert again.returncode == 2, again.stderr
    assert "已存在" in again.stderr  # the refusal in the default language
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    marker = read_marker(out)
    if step in ("placed", "removed"):
        assert marker.get("replaces") == old_id
    else:
        assert marker["fiscalshare_run"] == old_id
        assert {k: v for k, v in snapshot(out).items() if k != MARKER} == {
            k: v for k, v in old_files.items() if k != MARKER}
    audit = fiscalshare("verify", out)
    assert audit.returncode == 0, audit.stderr


def test_forced_replacement_records_what_it_replaced(tmp_path, old_run):
    out = tmp_path / "run"
    shutil.copytree(old_run, out, symlinks=True)
    old_id = read_marker(out)["fiscalshare_run"]
    done = fiscalshare("solve", CASE, "--out", out, "--force", "--no-reports", "--quiet")
    assert done.returncode == 0, done.stderr
    assert json.loads((out / MARKER).read_text())["replaces"] == old_id
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
