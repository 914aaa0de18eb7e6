"""Reports of a run, written from its results Dataset alone (never from model objects).

``write_reports`` writes the province's ``responsibility.xlsx``, one
``prefectures/<code>-<name>.xlsx`` per prefecture and the ``plots/``; ``print_summary`` prints
the console summary.  The displayed money (:mod:`fiscalshare.report.amounts`) is computed once and
shared by every workbook, so a prefecture's figures are exactly the province's rows for it.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import xarray as xr

from fiscalshare.report.console import print_summary

__all__ = ["print_summary", "write_reports", "prefecture_file_names"]

PARALLEL_CELLS = 50_000  # region × item × year cells above which prefecture books go in parallel
_SHARED: dict = {}  # what forked workers read (inherited, never pickled)


def write_reports(results: xr.Dataset, folder: Path, *, lang: str = "zh",
                  workers: int | None = None) -> list[Path]:
    from fiscalshare.report.amounts import fen_of
    from fiscalshare.report.plots import write_plots
    from fiscalshare.report.responsibility import write_workbook

    folder = Path(folder)
    fen = fen_of(results)
    names = prefecture_file_names(results)
    jobs = [(str(code), folder / "prefectures" / f"{name}.xlsx") for code, name in names.items()]
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
    """``code -> "<code>-<name>"`` made safe for every file system and unique ignoring case."""
    try:
        from fiscalshare.report.filenames import prefecture_file_name  # the shared rule, if any
    except ImportError:
        prefecture_file_name = None
    level = results["unit_level"].values
    codes = results["unit"].values[level == "prefecture"]
    names = results["unit_name"].values[level == "prefecture"]
    taken: set[str] = set()
    out = {}
    for code, name in zip(codes, names, strict=True):
        if prefecture_file_name is not None:
            stem = Path(prefecture_file_name(str(code), str(name))).stem
        else:
            stem = _safe(f"{code}-{name}")
        candidate, n = stem, 2
        while candidate.lower() in taken:  # "52/01" and "52_01" must not share a file
            candidate, n = f"{stem}-{n}", n + 1
        taken.add(candidate.lower())
        out[str(code)] = candidate
    return out


_RESERVED = {"con", "prn", "aux", "nul", *(f"com{k}" for k in range(1, 10)),
             *(f"lpt{k}" for k in range(1, 10))}


def _safe(text: str) -> str:
    """Letters (any script), digits, ``-`` and ``_``; others become ``_``; at most 80 characters;
    never a name Windows reserves."""
    clean = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(text)).strip("._")[:80]
    clean = clean or "unit"
    return f"_{clean}" if clean.split("-")[0].lower() in _RESERVED else clean
