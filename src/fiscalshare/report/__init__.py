"""Reports of a run, written from its results Dataset alone (never from model objects).

``write_reports`` writes the province's ``responsibility.xlsx``, one ``prefectures/<code>.xlsx``
per prefecture and the ``plots/``; ``print_summary`` prints the console summary.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from fiscalshare.report.console import print_summary

__all__ = ["print_summary", "write_reports"]


def write_reports(results: xr.Dataset, folder: Path, *, lang: str = "zh") -> list[Path]:
    from fiscalshare.report.plots import write_plots
    from fiscalshare.report.responsibility import write_workbook

    folder = Path(folder)
    written = [write_workbook(results, folder / "responsibility.xlsx", lang=lang)]
    prefectures = results["unit"].values[results["unit_level"].values == "prefecture"]
    taken: set[str] = set()
    for code in prefectures:
        name = _unique(_file_name(code), taken)  # "52/01" and "52_01" must not share a file
        written.append(write_workbook(results, folder / "prefectures" / f"{name}.xlsx",
                                      lang=lang, prefecture=str(code)))
    written += write_plots(results, folder / "plots", lang=lang)
    return written


def _file_name(code: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in str(code)) or "unit"


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``, … when taken (ignoring case, as some file systems do)."""
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate.lower())
    return candidate
