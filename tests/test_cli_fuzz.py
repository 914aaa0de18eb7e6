"""A fuzz target for the command line over names, codes and numbers (issue 16, item 5).

Hypothesis writes a small case whose codes, names and magnitudes range over what broke the
program before — control characters, non-characters, rich markup, full-width look-alikes, codes
that collide once made safe for a file name, very long text, magnitudes from 1e-3 to 1e300 — and
runs ``fiscalshare solve`` on it.  The only outcomes allowed:

* exit 0, and ``fiscalshare verify`` accepts the run;
* exit 2, with a message that names the sheet (and row) or the option at fault;
* exit 3, with a diagnosis.

Most examples run in-process (click's CliRunner isolation around the real entry point, so the
exit code is the one a user sees); a few run in a real subprocess.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import tables

from fiscalshare.cli import main
from fiscalshare.io import write_case
from fiscalshare.report.labels import label
from fiscalshare.runs.audit import audit_run

# no lone surrogates: a CSV file is UTF-8 and cannot hold them (test_odd_input covers them)
_CHARS = st.characters(exclude_categories=("Cs",))
_HOSTILE_BITS = st.sampled_from(["\x00", "\x1b[31m", "\x07", "\ufffe", "\uffff", "\n"])
_BENIGN_BITS = st.sampled_from(["[/]", "[link=http://x]", "[bold]", "Ａ", "ａ", "/", "\\", "..",
                                "_", "-", " ", "贵阳市", "=SUM(A1)", "$x$", "\t", "\u202e",
                                "CON", "é", "😀"])
_SAFE_CHARS = st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn"))
_BENIGN = st.lists(st.one_of(_BENIGN_BITS, st.text(_SAFE_CHARS, min_size=1, max_size=4)),
                   min_size=1, max_size=5).map("".join).filter(lambda t: t.strip() != "")
_HOSTILE = st.lists(st.one_of(_HOSTILE_BITS, _BENIGN_BITS, st.text(_CHARS, max_size=4)),
                    min_size=1, max_size=6).map("".join)
_BENIGN_CODES = st.one_of(st.sampled_from(["a/b", "a_b", "a_b-2", "A1", "a:1", "x" * 64]),
                          _BENIGN.map(lambda t: t[:64]))
_HOSTILE_CODES = st.one_of(st.sampled_from(["Ａ1", "a1", "x" * 70]), _HOSTILE)
_IN_RANGE = st.one_of(st.sampled_from([1e-3, 1.0, 1e4]), st.floats(1e-3, 1e5))
_OUT_OF_RANGE = st.one_of(st.sampled_from([1e9, 1e12, 1e13, 1e300]),
                          st.floats(1e-3, 1e13, allow_nan=False))
_FACTOR_IN = st.one_of(st.sampled_from([0.01, 1.0, 100.0]), st.floats(0.01, 100.0))
_FACTOR_OUT = st.one_of(st.sampled_from([0.001, 1e3, 1e300]), st.floats(1e-6, 1e6))

# a located problem, in Chinese (the default) or English
LOCATED = re.compile(r"(\w+\.csv!\d+(: |：)|\w+\.csv(: |：)|\w+\.yaml(: column |：列)|"
                     r"Invalid value for '--)")


@st.composite
def cases(draw):
    """Half the examples hostile (anything goes), half benign (valid text and magnitudes that
    must solve): both kinds have to end in an allowed outcome."""
    hostile = draw(st.booleans())
    text = _HOSTILE if hostile else _BENIGN
    magnitude = _OUT_OF_RANGE if hostile else _IN_RANGE
    factor = _FACTOR_OUT if hostile else _FACTOR_IN
    codes = draw(st.lists(_HOSTILE_CODES if hostile else _BENIGN_CODES, min_size=2, max_size=3,
                          unique_by=None if hostile else (lambda c: c.casefold())))
    names = [draw(text) for _ in codes]
    data = tables(
        regions=[{"code": c, "name": n, "parent": "", "tier": draw(st.integers(1, 7)),
                  "population": draw(st.sampled_from([1.0, 100.0, 1e6])),
                  "cost_index": draw(factor)} for c, n in zip(codes, names, strict=True)],
        items=[{"code": "X", "name": draw(text), "domain": "病有所医", "unit": draw(text),
                "rule": "ratio", "binding": draw(st.sampled_from(["soft", "hard"]))}],
        standards=[{"item": "X", "year": 2021, "unit_cost": draw(magnitude),
                    "topup": draw(st.sampled_from([1.0, 1.5, 100.0] + ([1e300] if hostile
                                                                       else []))),
                    "central_share": 0.8}],
        beneficiaries=[{"region": c, "item": "X", "year": 2021,
                        "units": draw(st.sampled_from([0.0, 10.0, 1e6]))} for c in codes],
        capacity=[{"region": c, "year": 2021, "fiscal_capacity": draw(magnitude)}
                  for c in codes],
        sharing=[{"tier": t, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.2, "prefecture_share": 0.0} for t in range(1, 8)],
        budget=draw(st.one_of(st.none(), st.builds(
            lambda b: [{"year": 2021, "provincial_budget": b, "equalisation_pool": None}],
            magnitude))),
    )
    data.meta["case"] = draw(text)
    eta = draw(st.sampled_from(["6", "1e300", "-1", "1"] if hostile else ["0", "1", "5"]))
    return data, ["--eta", eta]


def _in_process(argv: list[str]) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        try:
            main(argv)
            code = 0
        except SystemExit as ended:
            code = ended.code if isinstance(ended.code, int) else 1
    return code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8",
                                                                                    "replace")


def _subprocess(argv: list[str]) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, "-m", "fiscalshare", *argv], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "FORCE_COLOR": "1"})
    return done.returncode, done.stdout, done.stderr


def _check_outcome(code: int, stdout: str, stderr: str, out: Path) -> None:
    assert "Traceback" not in stderr and "Unexpected error" not in stderr, stderr
    assert "意外错误" not in stderr, stderr  # the same, in the default language
    assert "\x1b]8;" not in stdout  # never a hyperlink from input text
    if code == 0:
        assert audit_run(out) == [], stdout
    elif code == 2:
        assert LOCATED.search(stderr), stderr
        assert not out.exists()
    elif code == 3:
        written = label("diag_written", "zh").format("")  # the run's language: Chinese by default
        assert written in stdout and (out / "diagnosis.json").is_file(), stdout
        assert audit_run(out) == []
    else:
        raise AssertionError(f"exit {code}: {stderr}")


def _solve(case_and_options, run) -> None:
    data, options = case_and_options
    with tempfile.TemporaryDirectory(prefix="fiscalshare-fuzz-") as scratch:
        scratch = Path(scratch)
        case = scratch / "case"
        write_case(data, case)
        out = scratch / "run[/]"
        code, stdout, stderr = run(["solve", str(case), "--out", str(out), *options])
        _check_outcome(code, stdout, stderr, out)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_solve_ends_in_a_run_verify_accepts_a_located_refusal_or_a_diagnosis(case):
    _solve(case, _in_process)


@pytest.mark.slow
@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_the_same_in_a_real_subprocess(case):
    _solve(case, _subprocess)
