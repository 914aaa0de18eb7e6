"""The corpus of bad inputs (tests/data/bad) and forgiven ones (tests/data/accepted), run
through the real command line: exit 2 with the located message, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fiscalshare.cli import main

DATA = Path(__file__).parent / "data"
BAD = yaml.safe_load((DATA / "bad" / "expected.yaml").read_text(encoding="utf-8"))
ACCEPTED = yaml.safe_load((DATA / "accepted" / "expected.yaml").read_text(encoding="utf-8"))


def snapshot(root: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*")}


def validate(path: Path) -> int:
    with pytest.raises(SystemExit) as ended:
        main(["validate", str(path), "--lang", "en"])
    return ended.value.code


def test_the_corpus_covers_at_least_forty_failure_modes():
    assert len(BAD) >= 40


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_case_exits_2_naming_the_place(name, capsys):
    before = snapshot(DATA)
    assert validate(DATA / "bad" / name) == 2
    err = capsys.readouterr().err
    assert BAD[name] in err, err
    assert "Traceback" not in err
    assert snapshot(DATA) == before


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_a_forgiven_case_is_read_with_a_warning(name, capsys):
    assert validate(DATA / "accepted" / name) == 0
    captured = capsys.readouterr()
    assert ACCEPTED[name] in captured.err
    assert "valid case" in captured.out


@pytest.mark.parametrize("name", ["xxe.xlsx", "zip_bomb.xlsx", "random_bytes.xlsx"])
def test_hostile_files_fail_cleanly_in_a_real_process(name):
    done = subprocess.run([sys.executable, "-m", "fiscalshare", "validate",
                           str(DATA / "bad" / name), "--lang", "en"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert BAD[name] in done.stderr and "Traceback" not in done.stderr
