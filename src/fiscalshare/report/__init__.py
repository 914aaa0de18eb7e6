"""Reports of a run, written from its results Dataset alone (never from model objects).

``write_reports`` writes the province's ``responsibility.xlsx``, one
``prefectures/<code>-<name>.xlsx`` per prefecture (named by :mod:`fiscalshare.report.filenames`)
and the ``plots/``; ``print_summary`` prints the console summary.  The displayed money
(:mod:`fiscalshare.report.amounts`) is computed once and shared by every workbook, so a
prefecture's figures are exactly the province's rows for it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from fiscalshare.forked import Standby, run_jobs
from fiscalshare.report.filenames import prefecture_files

if TYPE_CHECKING:
    import xarray as xr

    from fiscalshare.report.amounts import Fen
    from fiscalshare.report.console import print_summary

__all__ = ["displayed_money", "plots_standby", "prefecture_file_names", "prefecture_files",
           "print_summary", "report_jobs", "save_submitted_plots", "submit_plots",
           "write_reports"]


def __getattr__(name: str):
    """``print_summary`` on first use: importing this package must not import pandas or xarray
    (the plots' process is forked before they are, :func:`fiscalshare.workflows.plots_ahead`)."""
    if name == "print_summary":
        from fiscalshare.report.console import print_summary

        return print_summary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def displayed_money(results: xr.Dataset) -> Fen:
    """The money every workbook displays (:func:`fiscalshare.report.amounts.fen_of`), with the
    sums over every region that every job reads, computed once before the jobs fork."""
    from fiscalshare.report.amounts import fen_of

    fen = fen_of(results)
    for part, of_prefecture in (("province", False), ("county", False), ("prefecture", True)):
        fen.by_unit(part, of_prefecture=of_prefecture)
    return fen


def report_jobs(results: xr.Dataset, folder: Path, *, lang: str = "zh", plots: bool = True,
                money: Fen | None = None) -> list[Callable[[], list[Path]]]:
    """The reports as independent jobs, each writing some files and returning their paths:
    the province's workbook, the plots (unless ``plots`` is false: see :func:`submit_plots`)
    and each prefecture's workbook (most regions first).

    :func:`fiscalshare.forked.run_jobs` spreads them over the cores; the displayed money
    (``money``: :func:`displayed_money`, computed here when not given) is computed once,
    before any job starts, so every workbook shows the same figures.
    """
    from fiscalshare.report.plots import write_plots
    from fiscalshare.report.responsibility import write_workbook

    folder = Path(folder)
    fen = money if money is not None else displayed_money(results)
    owners = list(prefecture_files(results).items())
    codes, counts = np.unique(results["region_prefecture"].values.astype(str), return_counts=True)
    size = dict(zip(codes, counts, strict=True))
    owners.sort(key=lambda pair: -size.get(pair[1]["code"], 0))  # stable: ties keep file order
    # the longest jobs first, so that no core is left with a long one at the end
    jobs = [partial(_listed, write_workbook, results, folder / "responsibility.xlsx",
                    lang=lang, fen=fen)]
    if plots:
        jobs.append(partial(write_plots, results, folder / "plots", lang=lang))
    jobs += [partial(_listed, write_workbook, results, folder / file, lang=lang,
                     prefecture=owner["code"], fen=fen) for file, owner in owners]
    return jobs


def plots_standby() -> Standby:
    """A process that imports the plotting library now, to draw the plots later
    (:func:`submit_plots`): started before a solve, the import costs no wall time."""
    from fiscalshare.report.plots import prepare_drawing

    return Standby(prepare_drawing)


def submit_plots(standby: Standby, results: xr.Dataset, *, lang: str = "zh") -> None:
    """The plots of ``results``, drawn by ``standby`` from their data (small at any scale) into
    memory: they can be drawn while the solution is checked, before the run's folder exists."""
    from fiscalshare.report.plots import draw_plots, plot_data

    standby.submit(draw_plots, plot_data(results), lang=lang)


def save_submitted_plots(standby: Standby, folder: Path) -> list[Path]:
    """The plots ``standby`` drew (:func:`submit_plots`), once it is done, as files in
    ``folder/plots``."""
    from fiscalshare.report.plots import save_plots

    return save_plots(standby.result(), Path(folder) / "plots")


def write_reports(results: xr.Dataset, folder: Path, *, lang: str = "zh",
                  workers: int | None = None) -> list[Path]:
    """Every report of a run (see :func:`report_jobs`), on every core where ``fork`` exists;
    the paths come back in a fixed order: province workbook, prefectures by file name, plots."""
    written = [path for paths in run_jobs(report_jobs(results, folder, lang=lang),
                                          workers=workers) for path in paths]
    return sorted(written, key=_report_order)


def _listed(write: Callable[..., Path], *args, **kwargs) -> list[Path]:
    return [Path(write(*args, **kwargs))]


def _report_order(path: Path) -> tuple:
    kind = {"responsibility.xlsx": 0}.get(path.name, 1 if path.suffix == ".xlsx" else 2)
    return (kind, path.name)


def prefecture_file_names(results: xr.Dataset) -> dict[str, str]:
    """``code -> "<code>-<name>"`` (the file stem under ``prefectures/``)."""
    return {owner["code"]: Path(file).stem for file, owner in prefecture_files(results).items()}
