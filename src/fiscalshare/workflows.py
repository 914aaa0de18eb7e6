"""The workflows as library calls: a request in, an outcome out, nothing printed.

:func:`run_solve`: load → solve (which checks the case against the configuration, once) →
verify → write the run folder; each step's wall time is recorded and stored in the run's
manifest.  :func:`run_compare`: load → solve and compute the status quo → write the comparison
folder.  :func:`run_sweep`: a :class:`SweepRequest` handed to the sweep runner
(``fiscalshare.sweep``).  The commands in ``fiscalshare.cli`` are thin wrappers that render the
outcome; tests and the benchmark call these directly.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from fiscalshare.errors import InfeasibleError, VerificationError

log = logging.getLogger("fiscalshare")


@dataclass
class SolveRequest:
    case: Path
    model: str | Path = "default"
    overrides: dict = field(default_factory=dict)
    out: Path | None = None
    force: bool = False
    time_limit: float | None = None
    threads: int | None = None
    lang: str = "zh"
    write_mps: Path | None = None
    results_root: Path = Path("results")
    reports: bool = True
    live_progress: object | None = None  # a terminal stream for the live progress line


@dataclass
class SolveOutcome:
    exit_code: int
    run_dir: Path | None
    results: object | None = None
    diagnosis: dict | None = None
    message: str = ""
    warnings: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]):
        super().__init__(logging.INFO)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


@contextmanager
def _collect_log(lines: list[str]):
    handler = _ListHandler(lines)
    previous = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(previous)


@contextmanager
def _timed(timings: dict, name: str):
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 3)
    log.info("%s took %.3f s", name, timings[name])


def run_solve(request: SolveRequest, *, plotter=None) -> SolveOutcome:
    """Solve one case end to end; returns the outcome, raises only for exit codes 1, 2 and 4.

    ``plotter`` is a process from :func:`plots_ahead` started by the caller; without one, one
    is started here (for a run with reports)."""
    timings: dict = {}
    warnings: list = []
    lines: list[str] = []
    ahead = nullcontext(plotter) if plotter is not None else plots_ahead(request.reports)
    with ahead as plotter, _collect_log(lines):
        from fiscalshare.config import load_config
        from fiscalshare.io import open_case
        from fiscalshare.runs.folder import claim_out, default_run_dir

        log.info("case %s, model %s, overrides %s", request.case, request.model, request.overrides)
        with _timed(timings, "load"):  # the input's hash is taken beside the solve
            inputs, input_sha256 = open_case(request.case, warnings=warnings)
        for warning in warnings:
            log.warning("%s", warning)
        config = load_config(request.model, request.overrides)
        # the case is checked against the configuration by the solve, once (model.checks)
        out = request.out or default_run_dir(
            request.results_root, inputs.attrs.get("case") or "case", config.name
        )
        with claim_out(out, inputs=[request.case], force=request.force):
            return _solve_and_write(request, inputs, input_sha256, config, out, timings,
                                    warnings, lines, plotter if request.reports else None)


@contextmanager
def plots_ahead(reports: bool):
    """A process forked now to draw the plots once the case is solved (none without reports),
    stopped on every way out.  It imports matplotlib meanwhile, on the core that start-up,
    loading and the solve leave idle; the ``solve`` command starts it before it imports pandas
    and xarray, which take most of a county-level run's start-up (and the process needs
    neither)."""
    if not reports:
        yield None
        return
    from fiscalshare.report import plots_standby

    with plots_standby() as standby:
        yield standby


def _solve_and_write(request, inputs, input_sha256, config, out, timings, warnings, lines,
                     plotter=None) -> SolveOutcome:
    """Solve, check and write, while this process holds the lock of ``out``; the input's hash
    (``input_sha256()``, being taken meanwhile) goes into the results once solved."""
    from fiscalshare.report.progress import ProgressLine
    from fiscalshare.runs.folder import write_diagnosis, write_run
    from fiscalshare.solve import solve_case, write_mps

    progress = ProgressLine(lang=request.lang, stream=request.live_progress)
    try:
        with _timed(timings, "solve"):
            results = solve_case(
                inputs, config, time_limit=request.time_limit, threads=request.threads,
                progress=progress,
            )
    except InfeasibleError as exc:
        log.info("no solution meets the hard items: %s", exc)
        inputs.attrs["input_sha256"] = input_sha256()
        attrs = _case_attrs(inputs, config)
        run_dir = write_diagnosis(exc.diagnosis or {}, attrs, out, force=request.force,
                                  log_lines=lines, lang=request.lang)
        return SolveOutcome(3, run_dir, diagnosis=exc.diagnosis, message=str(exc),
                            warnings=warnings, timings=timings)
    finally:
        progress.close()
    inputs.attrs["input_sha256"] = results.attrs["input_sha256"] = input_sha256()
    violations, timings["verify"], money = _check_beside_money(inputs, results, request.reports,
                                                               plotter, request.lang)
    log.info("verify took %.3f s", timings["verify"])
    if violations:
        raise VerificationError(
            "the solution fails the independent check (a bug; nothing written):\n  "
            + "\n  ".join(violations[:20])
        )
    if request.write_mps is not None:
        write_mps(inputs, config, request.write_mps,
                  z1=results.attrs["objective_shortfall"])
    results.attrs["load_seconds"] = timings["load"]
    from fiscalshare.report.tables import carry_item_details

    carry_item_details(inputs, results)  # what the 清单 shows, kept in allocation.nc
    with _timed(timings, "write"):
        run_dir = write_run(results, out, force=request.force, lang=request.lang,
                            log_lines=lines, reports=request.reports, plotter=plotter,
                            money=money)
    return SolveOutcome(0, run_dir, results=results, warnings=warnings, timings=timings)


def _check_beside_money(inputs, results, reports: bool, plotter=None,
                        lang: str = "zh") -> tuple[list[str], float, object]:
    """The independent check of the solution (its violations and wall seconds) and, for a run
    with reports, the workbooks' displayed money (:func:`fiscalshare.report.displayed_money`),
    computed here while the check runs in a process forked for it: the money would otherwise
    wait for the check with the other core idle (0.4 s at national scale).  Meanwhile too, the
    plots are sent to ``plotter`` (:func:`plots_ahead`), which draws them into memory, and the
    writers' modules are imported.  Nothing is written before the check has passed."""
    from functools import partial

    from fiscalshare.analysis.verify import check_solution

    check = partial(_timed_call, check_solution, inputs, results)
    if not reports:
        return (*check(), None)
    from fiscalshare.forked import Standby
    from fiscalshare.report import displayed_money, submit_plots

    with Standby.started(check) as checking:
        if plotter is not None:
            submit_plots(plotter, results, lang=lang)
        money = displayed_money(results)
        import fiscalshare.report.responsibility  # noqa: F401 - the writers, imported meanwhile

        return (*checking.result(), money)


def _timed_call(function, *args) -> tuple[object, float]:
    started = time.perf_counter()
    value = function(*args)
    return value, round(time.perf_counter() - started, 3)


def _case_attrs(inputs, config) -> dict:
    import json

    from fiscalshare.datasets import version_attrs

    attrs = {key: inputs.attrs.get(key) for key in ("case", "province", "input_sha256", "input_path",
                                                    "first_year", "last_year", "compiler")}
    attrs.update(version_attrs())
    attrs["model_config"] = json.loads(json.dumps(config.as_dict(), default=str))
    return attrs


@dataclass
class CompareRequest:
    case: Path
    model: str | Path = "default"
    out: Path | None = None
    force: bool = False
    lang: str = "zh"
    time_limit: float | None = None
    results_root: Path = Path("results")


@dataclass
class CompareOutcome:
    """What ``fiscalshare compare`` produced: the comparison, its folder, loader warnings."""

    result: object  # fiscalshare.analysis.compare.CompareResult
    folder: Path
    warnings: list = field(default_factory=list)


def run_compare(request: CompareRequest) -> CompareOutcome:
    """Load a case, compare the optimum with the status quo, write the folder."""
    from fiscalshare.analysis.compare import compare_case
    from fiscalshare.config import load_config
    from fiscalshare.io import load_case
    from fiscalshare.runs.folder import claim_out

    warnings: list = []
    inputs = load_case(request.case, warnings=warnings)
    config = load_config(request.model, {})  # each solve checks the case against it
    out = request.out or default_compare_dir(request.results_root,
                                             inputs.attrs.get("case") or "case")
    with claim_out(out, inputs=[request.case], force=request.force):  # refuse before the solves
        result = compare_case(inputs, config, time_limit=request.time_limit)
        folder = write_compare(result, out, force=request.force, lang=request.lang)
    return CompareOutcome(result, folder, warnings)


def default_compare_dir(root: Path, case: str) -> Path:
    """``results/compare-<case>-<UTC time>``, with the case name made safe for a file system."""
    from fiscalshare.runs.folder import utc_stamp

    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in case) or "case"
    return Path(root) / f"compare-{safe}-{utc_stamp()}"


def write_compare(result, out: Path, *, force: bool = False, lang: str = "zh") -> Path:
    """Write ``compare.xlsx``, ``plots/``, both allocations (``optimised.nc``, ``baseline.nc``)
    and a manifest (hashes, configuration, headline figures).

    The folder is assembled as a temporary sibling and renamed into place when complete; an
    existing folder is refused unless ``force``.
    """
    import json
    from datetime import UTC, datetime

    from fiscalshare.datasets import version_attrs
    from fiscalshare.report.compare import WORKBOOK, write_compare_plots, write_compare_workbook
    from fiscalshare.runs.folder import staged_folder, write_allocation, write_manifest

    with staged_folder(out, force=force) as folder:
        write_compare_workbook(result, folder / WORKBOOK, lang=lang)
        write_compare_plots(result, folder / "plots", lang=lang)
        write_allocation(result.optimised, folder / "optimised.nc")
        write_allocation(result.baseline, folder / "baseline.nc")
        attrs = {key: result.optimised.attrs.get(key)
                 for key in ("case", "province", "input_sha256", "input_path")}
        attrs.update(version_attrs())
        attrs.update(
            kind="compare",
            report_lang=lang,
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
class SweepRequest:
    """What ``fiscalshare sweep`` asks for (see ``fiscalshare.sweep.run_sweep`` for each field)."""

    case: Path | None  # None with resume: the case comes from the folder's plan.json
    out: Path
    model: str | Path = "default"
    vary: list = field(default_factory=list)
    paired: bool = False
    file: Path | None = None
    workers: int | None = None  # None with resume: as the plan recorded
    scheduler: str | None = None
    serial: bool | None = None
    force: bool = False
    resume: bool = False
    reuse: bool = True
    time_limit: float | None = None
    tornado: bool = False
    prices: bool = False
    lang: str | None = None
    progress_factory: object = None  # called with the number of scenarios to do; may be None
    echo: object = None  # called with each line to show the user; may be None


def run_sweep(request: SweepRequest):
    """Plan, solve and summarise every scenario; returns the sweep's outcome."""
    from dataclasses import asdict

    from fiscalshare.runs.folder import out_lock
    from fiscalshare.sweep import run_sweep as sweep

    options = {key: value for key, value in asdict(request).items()
               if key not in ("case", "model", "out")}
    options["progress_factory"] = request.progress_factory
    options["echo"] = request.echo
    options["vary"] = list(request.vary)
    with out_lock(request.out):  # a second sweep into the same folder is refused (exit 2)
        return sweep(request.case, request.model, request.out, **options)
