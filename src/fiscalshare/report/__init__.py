"""Reports of a run, written from its results Dataset alone (never from model objects).

``write_reports`` writes the province's ``responsibility.xlsx``, one
``prefectures/<code>-<name>.xlsx`` per prefecture (named by :mod:`fiscalshare.report.filenames`)
and the ``plots/``; ``print_summary`` prints the console summary.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from fiscalshare.report.console import print_summary
from fiscalshare.report.filenames import prefecture_files

__all__ = ["prefecture_files", "print_summary", "write_reports"]


def write_reports(results: xr.Dataset, folder: Path, *, lang: str = "zh") -> list[Path]:
    from fiscalshare.report.plots import write_plots
    from fiscalshare.report.responsibility import write_workbook

    folder = Path(folder)
    written = [write_workbook(results, folder / "responsibility.xlsx", lang=lang)]
    for file, owner in prefecture_files(results).items():  # named by code and name
        written.append(write_workbook(results, folder / file, lang=lang,
                                      prefecture=owner["code"]))
    written += write_plots(results, folder / "plots", lang=lang)
    return written

