"""Input text is data, never markup or control codes (issue 16, "Console").

A name holding rich markup (``[/]``, ``[link=…]``) is printed as typed, a path holding it does not
crash the summary, and control characters never reach the terminal raw — in a real subprocess,
with colours forced on as a terminal would have them.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.factories import tables

from fiscalshare.errors import printable
from fiscalshare.io import write_case

MARKUP = ("[/]甲市[bold]", "[link=http://example.com]乙市[/link]")


def fiscalshare(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fiscalshare", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "200"})


def _case(path, names=MARKUP, case_name="测试[/]"):
    data = tables(
        regions=[{"code": c, "name": n, "parent": "", "tier": 1, "population": 100.0}
                 for c, n in zip("AB", names, strict=True)],
        items=[{"code": "X", "name": "[red]项目[/red]", "domain": "病有所医", "rule": "ratio",
                "binding": "soft"}],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "central_share": 0.8}],
        beneficiaries=[{"region": c, "item": "X", "year": 2021, "units": 100.0} for c in "AB"],
        capacity=[{"region": "A", "year": 2021, "fiscal_capacity": 10.0},
                  {"region": "B", "year": 2021, "fiscal_capacity": 1.0}],
        sharing=[{"tier": 1, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.2, "prefecture_share": 0.0}],
        budget=[{"year": 2021, "provincial_budget": 0.0, "equalisation_pool": 0.0}],
    )
    data.meta["case"] = case_name
    write_case(data, path)


def test_markup_in_names_and_out_is_printed_as_typed_and_makes_no_hyperlink(tmp_path):
    case = tmp_path / "case"
    _case(case)
    out = tmp_path / "run[/]x[link=http://evil]"
    done = fiscalshare("solve", case, "--out", out, "--no-reports")
    assert done.returncode == 0, done.stderr
    assert "\x1b]8;" not in done.stdout  # the OSC 8 hyperlink sequence
    plain = _strip_sgr(done.stdout)
    assert "测试[/]" in plain
    assert str(out) in plain.replace("\n", "")  # the run folder, printed as typed
    assert "[red]项目[/red]" in plain  # the item falls short: its name printed as typed
    audit = fiscalshare("verify", out)
    assert audit.returncode == 0, audit.stderr


def test_control_characters_never_reach_the_terminal_raw(tmp_path):
    missing = tmp_path / "no\x1b[2Jsuch\x07case"
    done = fiscalshare("validate", missing)
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "\\x1b[2J" in done.stderr and "\\x07" in done.stderr


def test_a_control_character_in_the_case_name_is_refused_with_its_place(tmp_path):
    case = tmp_path / "case"
    _case(case, case_name="测\x1b[31m试")
    done = fiscalshare("validate", case)
    assert done.returncode == 2
    assert "meta.csv" in done.stderr and "U+001B" in done.stderr
    assert "\x1b" not in done.stderr


def test_printable_escapes_controls_but_keeps_text_newlines_and_tabs():
    assert printable("a\x1b[31mb\x00c\n\td") == "a\\x1b[31mb\\x00c\n\td"
    assert printable("贵阳市 [/]") == "贵阳市 [/]"


def _strip_sgr(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_compare_and_sweep_keep_the_solver_banner_out_of_the_console_unless_verbose(tmp_path):
    """HiGHS prints a copyright banner when its first model is made (in a fresh process)."""
    from tests.test_sweep import BUDGET_CASE

    write_case(tables(**BUDGET_CASE), tmp_path / "case")
    runs = {
        "compare": ("compare", tmp_path / "case", "--force", "--out"),
        "sweep": ("sweep", tmp_path / "case", "--serial", "--vary", "budget=x0.5,x1.0",
                  "--force", "--out"),
    }
    for name, args in runs.items():
        quiet = fiscalshare(*args, tmp_path / f"{name}-quiet")
        assert quiet.returncode == 0, quiet.stderr
        assert "HiGHS" not in quiet.stdout + quiet.stderr, (name, quiet.stdout)
        loud = fiscalshare(*args, tmp_path / f"{name}-loud", "--verbose")
        assert loud.returncode == 0, loud.stderr
        assert "HiGHS" in loud.stdout, name  # the banner is there to be hidden
