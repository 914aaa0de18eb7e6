"""The errors a user can cause, each with its exit code (docs/results.md).

Anything else that escapes is a bug and exits 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fiscalshare.messages import render_problem, render_problems, translate

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: object) -> str:
    """``text`` safe for a terminal: control characters (ESC, NUL, …; not newline or tab) and
    lone surrogates are shown as ``\\x1b``-style escapes, never sent raw.  Input text is data:
    a name must not move the cursor, colour the screen or hide what follows."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", str(text))


@dataclass(frozen=True)
class Problem:
    """One finding about the input, located as Excel (or a CSV line) numbers it."""

    sheet: str
    message: str
    row: int | None = None
    column: str | None = None
    cell: str | None = None  # e.g. "D7"; for CSV files the line number is given as the row

    def __str__(self) -> str:
        return render_problem(self, "en")

    def render(self, lang: str = "en") -> str:
        """The located problem in ``lang`` (the message catalogue: fiscalshare.messages)."""
        return render_problem(self, lang)


class FiscalshareError(Exception):
    """Base of the errors that end a command with a one-line message and a distinct exit code."""

    exit_code = 1

    def render(self, lang: str = "en") -> str:
        """The message in ``lang``: Chinese from the catalogue, English as raised."""
        return translate(str(self), lang)


class InputError(FiscalshareError):
    """Bad input (exit 2): carries every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(sheet="input", message=problems)]
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self, lang: str = "en") -> str:
        """Every problem, located, under one head line, in ``lang``."""
        return render_problems(self.problems, lang)


class ConfigError(InputError):
    """A bad model configuration or option: treated like bad input (exit 2)."""


class InfeasibleError(FiscalshareError):
    """No allocation meets the hard items (exit 3); ``diagnosis`` says what would."""

    exit_code = 3

    def __init__(self, message: str, diagnosis=None):
        self.diagnosis = diagnosis
        super().__init__(message)


class SolverLimitError(FiscalshareError):
    """The solver stopped at a limit without a proven optimum (exit 4)."""

    exit_code = 4

    def __init__(self, message: str, best_bound: float | None = None):
        self.best_bound = best_bound
        super().__init__(message)


class VerificationError(FiscalshareError):
    """A solution or a run folder fails an independent check (exit 1: a bug or an altered file)."""

    exit_code = 1
