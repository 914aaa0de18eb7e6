"""Regenerate a run folder's reports from its ``allocation.nc`` (what ``fiscalshare report`` does).

The folder is rebuilt as a staged copy and swapped in whole, so an interrupted regeneration never
leaves half a set of workbooks; the manifest is rewritten with the new files' hashes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fiscalshare.runs.folder import (
    ALLOCATION,
    MANIFEST,
    read_manifest,
    staged_folder,
    write_manifest,
)

_KEPT = (ALLOCATION, "run.log")


def regenerate_reports(run_dir: Path, *, lang: str = "zh", out: Path | None = None,
                       force: bool = False) -> list[Path]:
    """Rewrite RUN_DIR's reports in place, or write a copy of the run with reports in ``lang``
    to ``out`` (so that both languages can be kept side by side)."""
    import xarray as xr

    from fiscalshare.errors import InputError
    from fiscalshare.report import prefecture_files, write_reports

    run_dir = Path(run_dir)
    if not (run_dir / ALLOCATION).is_file():
        raise InputError(f"{run_dir}: no {ALLOCATION} to report on")
    manifest = read_manifest(run_dir) if (run_dir / MANIFEST).is_file() else {}
    manifest.pop("files", None)
    with xr.open_dataset(run_dir / ALLOCATION, engine="h5netcdf") as opened:
        results = opened.load()
    target = run_dir if out is None else Path(out)
    if out is not None:
        from fiscalshare.runs.folder import ensure_writable

        ensure_writable(target, force=force)
    with staged_folder(target, force=True) as folder:
        for name in _KEPT:
            if (run_dir / name).is_file():
                shutil.copy2(run_dir / name, folder / name)
        written = write_reports(results, folder, lang=lang)
        write_manifest(folder, {**manifest, "report_lang": lang, "reports": "yes",
                                "prefectures": prefecture_files(results)})
    return [target / Path(p).relative_to(folder) for p in written]
