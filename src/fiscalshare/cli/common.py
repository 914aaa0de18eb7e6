"""Pieces shared by the commands: the CASE argument, the console, warnings."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_EXAMPLE = "guizhou"

case_argument = click.argument("case", required=False, type=click.Path(path_type=Path))

# the language of what a command prints, its refusals and problems included (the CLI's error
# handler reads it from the command line: fiscalshare.messages.command_language)
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh",
                           show_default=True, help="Language of the messages.")


class Seconds(click.ParamType):
    """A time limit: a finite number of seconds > 0 (``-1``, ``0``, ``nan`` and ``inf`` are
    refused as a bad option, exit 2, rather than reaching the solver)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or number <= 0 or number > 1e7:
            self.fail(f"{value!r}: expected seconds > 0 and ≤ 1e7", param, ctx)
        return number


SECONDS = Seconds()


def thread_range() -> click.IntRange:
    """1 up to this machine's processors: more threads than cores only make HiGHS wait."""
    import os

    return click.IntRange(1, max(os.cpu_count() or 1, 1))


def resolve_case(case: Path | None) -> Path:
    """The given case; a packaged example's name (e.g. ``guizhou-lowbudget``) when no such file
    exists; the packaged Guizhou example when none is given."""
    from fiscalshare.examples import example_path, list_examples

    if case is None:
        return example_path(DEFAULT_EXAMPLE)
    case = Path(case)
    if not case.exists() and str(case) in list_examples():
        return example_path(str(case))
    return case


_CONSOLE = None


def console():
    """One rich console on stdout (imported lazily: rich costs start-up time)."""
    global _CONSOLE
    if _CONSOLE is None:
        from rich.console import Console

        _CONSOLE = Console(highlight=False)
    return _CONSOLE


def print_warnings(warnings, lang: str = "zh") -> None:
    """Each warning about the input on its own line, in the command's language."""
    from fiscalshare.errors import printable
    from fiscalshare.messages import frame, render_problem

    for warning in warnings:
        click.echo(frame("warning", lang) + printable(render_problem(warning, lang)), err=True)


def silence_solver_banner() -> None:
    """HiGHS prints its banner to the process's stdout once, when its first model is created;
    create that first model here with stdout pointed at /dev/null so that the console shows only
    our own lines (``--verbose`` skips this)."""
    import os
    import sys

    from fiscalshare.solve import highs

    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout (e.g. captured by a test runner): nothing to silence
        highs.Solver({})
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highs.Solver({})
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def echo(text) -> None:
    """``click.echo`` for lines that carry input text or paths: control characters escaped."""
    from fiscalshare.errors import printable

    click.echo(printable(text))
