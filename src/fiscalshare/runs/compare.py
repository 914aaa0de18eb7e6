"""The ``fiscalshare compare`` folder and workflow: solve, baseline, write side by side.

Computation is :mod:`fiscalshare.analysis.compare`; the workbook and plots are
:mod:`fiscalshare.report.compare`; this module assembles the folder (staged, whole or not at all).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fiscalshare.analysis.compare import CompareResult, compare_case
from fiscalshare.report.compare import WORKBOOK, write_compare_plots, write_compare_workbook

__all__ = ["CompareRun", "default_compare_dir", "run_compare", "write_compare", "WORKBOOK"]




def default_compare_dir(root: Path, case: str) -> Path:
    """``results/compare-<case>-<UTC time>``, with the case name made safe for a file system."""
    from fiscalshare.runs.folder import utc_stamp

    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in case) or "case"
    return Path(root) / f"compare-{safe}-{utc_stamp()}"


def write_compare(result: CompareResult, out: Path, *, force: bool = False,
                  lang: str = "zh") -> Path:
    """Write ``compare.xlsx``, ``plots/``, both allocations (``optimised.nc``, ``baseline.nc``)
    and a manifest (hashes, configuration, headline figures).

    The folder is assembled as a temporary sibling and renamed into place when complete; an
    existing folder is refused unless ``force``.
    """
    import json
    from datetime import UTC, datetime

    from fiscalshare.datasets import version_attrs
    from fiscalshare.runs.folder import staged_folder, write_allocation, write_manifest

    with staged_folder(out, force=force) as folder:
        write_compare_workbook(result, folder / WORKBOOK, lang=lang)
        write_compare_plots(result, folder / "plots", lang=lang)
        write_allocation(result.optimised, folder / "optimised.nc")
        write_allocation(result.baseline, folder / "baseline.nc")
        attrs = {key: result.optimised.attrs.get(key)
                 for key in ("case", "province", "input_sha256", "input_path")}
        attrs["report_lang"] = lang
        attrs.update(version_attrs())
        attrs.update(
            kind="compare",
            created_utc=datetime.now(UTC).isoformat(timespec="seconds"),
            model_config=json.loads(json.dumps(result.config, default=str)),
            optimised_cost=float(result.optimised.attrs["objective_cost"]),
            baseline_cost=float(result.baseline.attrs["objective_cost"]),
            cost_at_eta_zero=result.equal_weight_cost,
            price_of_equity=result.price_of_equity,
        )
        write_manifest(folder, attrs)
    return Path(out)


@dataclass
class CompareRun:
    """What ``fiscalshare compare`` produced: the comparison, its folder, loader warnings."""

    result: CompareResult
    folder: Path
    warnings: list


def run_compare(
    case: Path,
    model: str | Path = "default",
    *,
    out: Path | None = None,
    force: bool = False,
    lang: str = "zh",
    time_limit: float | None = None,
    results_root: Path = Path("results"),
) -> CompareRun:
    """Load a case, compare, write the folder: the whole command as one library call."""
    from fiscalshare.config import check_case, load_config
    from fiscalshare.io import load_case
    from fiscalshare.runs.folder import ensure_writable

    warnings: list = []
    inputs = load_case(case, warnings=warnings)
    config = load_config(model, {})
    check_case(inputs, config)
    out = out or default_compare_dir(results_root, inputs.attrs.get("case") or "case")
    ensure_writable(out, force=force)  # refuse before the solves, not after
    result = compare_case(inputs, config, time_limit=time_limit)
    return CompareRun(result, write_compare(result, out, force=force, lang=lang), warnings)
