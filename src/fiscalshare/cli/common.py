"""Pieces shared by the commands: the CASE argument, the console, warnings."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_EXAMPLE = "guizhou"

case_argument = click.argument("case", required=False, type=click.Path(path_type=Path))


def resolve_case(case: Path | None) -> Path:
    """The given case, or the packaged example when none is given."""
    if case is not None:
        return Path(case)
    from fiscalshare.examples import example_path

    return example_path(DEFAULT_EXAMPLE)


_CONSOLE = None


def console():
    """One rich console on stdout (imported lazily: rich costs start-up time)."""
    global _CONSOLE
    if _CONSOLE is None:
        from rich.console import Console

        _CONSOLE = Console(highlight=False)
    return _CONSOLE


def print_warnings(warnings) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
