"""Reports of a run, written from its results Dataset alone (never from model objects).

``write_reports`` writes the province's ``responsibility.xlsx``, one
``prefectures/<code>-<name>.xlsx`` per prefecture (named by :mod:`fiscalshare.report.filenames`)
and the ``plots/``; ``print_summary`` prints the console summary.  The displayed money
(:mod:`fiscalshare.report.amounts`) is computed once and shared by every workbook, so a
prefecture's figures are exactly the province's rows for it.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import xarray as xr

from fiscalshare.report.console import print_summary
from fiscalshare.report.filenames import prefecture_files

__all__ = ["prefecture_file_names", "prefecture_files", "print_summary", "write_reports"]

PARALLEL_CELLS = 0  # region × item × year cells above which prefecture books go in parallel
_SHARED: dict = {}  # what forked workers read (inherited, never pickled)


def write_reports(results: xr.Dataset, folder: Path, *, lang: str = "zh",
                  workers: int | None = None) -> list[Path]:
    from fiscalshare.report.amounts import fen_of
    from fiscalshare.report.plots import write_plots
    from fiscalshare.report.responsibility import write_workbook

    folder = Path(folder)
    fen = fen_of(results)
    jobs = [(owner["code"], folder / file) for file, owner in prefecture_files(results).items()]
    cells = results.sizes["region"] * results.sizes["item"] * results.sizes["year"]
    workers = workers if workers is not None else min(len(jobs), os.cpu_count() or 1, 4)
    if workers > 1 and cells >= PARALLEL_CELLS and _can_fork():
        import multiprocessing

        _SHARED.update(results=results, fen=fen, lang=lang)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = [pool.submit(_prefecture_job, code, str(path)) for code, path in jobs]
                plots = pool.submit(_plots_job, str(folder / "plots"))
                written = [write_workbook(results, folder / "responsibility.xlsx", lang=lang,
                                          fen=fen)]
                written += [Path(f.result()) for f in futures]
                written += [Path(p) for p in plots.result()]
        finally:
            _SHARED.clear()
        return written
    written = [write_workbook(results, folder / "responsibility.xlsx", lang=lang, fen=fen)]
    for code, path in jobs:
        written.append(write_workbook(results, path, lang=lang, prefecture=code, fen=fen))
    written += write_plots(results, folder / "plots", lang=lang)
    return written


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _prefecture_job(code: str, path: str) -> str:
    from fiscalshare.report.responsibility import write_workbook

    return str(write_workbook(_SHARED["results"], Path(path), lang=_SHARED["lang"],
                              prefecture=code, fen=_SHARED["fen"]))


def _plots_job(folder: str) -> list[str]:
    from fiscalshare.report.plots import write_plots

    return [str(p) for p in write_plots(_SHARED["results"], Path(folder), lang=_SHARED["lang"])]


def prefecture_file_names(results: xr.Dataset) -> dict[str, str]:
    """``code -> "<code>-<name>"`` (the file stem under ``prefectures/``)."""
    return {owner["code"]: Path(file).stem for file, owner in prefecture_files(results).items()}
