"""The ``fiscalshare`` command line: a click group whose commands load only when called.

Each command lives in its own module ``fiscalshare.cli.<name>`` exposing ``command``; commands are
thin and call library functions.  Errors end in one line and a distinct exit code; ``--debug``
shows the traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from fiscalshare import __version__
from fiscalshare.errors import FiscalshareError, printable
from fiscalshare.messages import chinese, command_language, frame
from fiscalshare.numpy_only import numpy_arrays_only

COMMANDS = {
    "validate": "Check a case and summarise it.",
    "template": "Write a blank input workbook.",
    "init": "Copy the packaged example and model configurations into a new folder.",
    "example": "Write example cases (the synthetic generator).",
    "solve": "Solve a case and write a run folder.",
    "report": "Regenerate the reports of a run folder.",
    "verify": "Audit a run folder: hashes, files and every constraint.",
    "sweep": "What-if sweeps over ratios, budgets and standards.",
    "compare": "Compare the optimised allocation with today's status quo.",
    "docs": "Write the documentation pages derived from code.",
}


USES_DASK = {"sweep"}  # the commands that may hold dask arrays


class LazyGroup(click.Group):
    """Import a command's module only when that command runs (keeps ``--help`` fast)."""

    def list_commands(self, ctx):
        return [name for name in COMMANDS if self._module(name) is not None]

    @staticmethod
    def _module(name):
        spec = importlib.util.find_spec(f"fiscalshare.cli.{name}")
        return spec

    def get_command(self, ctx, name):
        if name not in COMMANDS or self._module(name) is None:
            return None
        command = importlib.import_module(f"fiscalshare.cli.{name}").command
        if name not in USES_DASK:
            numpy_arrays_only()  # saves xarray's import of dask.array (fiscalshare/numpy_only.py)
        return command

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fiscalshare")
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@click.pass_context
def cli(ctx, debug):
    """Share basic-public-service costs between the levels of a province (支出责任划分)."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = ctx.obj.get("debug", False) or debug


def main(argv=None):
    """Entry point: run the group, turning known errors into one message and an exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # accepted anywhere on the line, before or after the command
    argv = [arg for arg in argv if arg != "--debug"]
    lang = command_language(argv)
    try:
        code = cli.main(args=argv, prog_name="fiscalshare", standalone_mode=False, obj={"debug": debug})
    except click.exceptions.Abort:
        click.echo(frame("interrupted", lang), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.message = printable(exc.message)
        _show_usage_error(exc, lang)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except FiscalshareError as exc:
        if debug:
            raise
        click.echo(frame("error", lang) + printable(exc.render(lang)), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(frame("interrupted", lang), err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line unless --debug
        if debug:
            raise
        click.echo(frame("unexpected", lang).format(kind=type(exc).__name__,
                                                     detail=printable(exc)), err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _show_usage_error(exc: click.ClickException, lang: str) -> None:
    """Click's message about the command line as Click lays it out (usage, help hint, error),
    in Chinese by default (messages.MESSAGES holds Click's English); in English with
    ``--lang en`` or where the catalogue lacks the message, so that no line mixes the two."""
    message = exc.format_message()
    text = chinese(message) if lang == "zh" else None
    if text is None:
        lang, text = "en", message
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:  # its longest name, as Click says it
            option = max(ctx.command.get_help_option_names(ctx), key=len)
            hint = frame("help_hint", lang).format(command=f"{ctx.command_path} {option}") + "\n"
        usage = ctx.get_usage().removeprefix("Usage: ")
        click.echo(f"{frame('usage', lang)}{usage}\n{hint}", err=True)
    click.echo(frame("error", lang) + text, err=True)


def run():
    """The console command: :func:`main`, then an exit without the interpreter's teardown.

    Freeing every module and object at exit takes 0.13–0.17 s after a county-level solve, a tenth
    of the run; everything a command writes is closed before :func:`main` returns, so once stdout,
    stderr and the log handlers are flushed the process can end at once.  Not where something
    may still run beside it (another thread, or dask's processes in ``sweep``): there the exit
    is Python's own.  (Tests call :func:`main`, which always exits the usual way.)"""
    import threading

    try:
        main()
    except SystemExit as done:
        code = done.code
        if "dask" in sys.modules or threading.active_count() > 1:
            raise
        if not isinstance(code, int | None):  # a message: printed, exit status 1, as Python does
            print(code, file=sys.stderr)
            code = 1
        _exit_now(code or 0)


def _exit_now(code: int) -> None:
    import logging
    import multiprocessing
    import os
    from contextlib import suppress

    for child in multiprocessing.active_children():  # none by now; never left behind
        child.kill()
        child.join()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe: nothing more can reach it
            stream.flush()
    os._exit(code)

