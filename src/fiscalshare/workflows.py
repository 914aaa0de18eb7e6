"""The solve workflow as a library call: load → check → solve → verify → write the run folder.

``fiscalshare solve`` is a thin wrapper over :func:`run_solve`; tests, sweeps and the benchmark
call it directly.  Each step's wall time is recorded and stored in the run's manifest.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
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


@dataclass
class SolveOutcome:
    exit_code: int
    run_dir: Path | None
    results: object | None = None
    diagnosis: dict | None = None
    message: str = ""
    warnings: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    def print_diagnosis(self, console) -> None:
        from fiscalshare.report.console import data_text
        from fiscalshare.report.diagnosis import render_diagnosis

        console.print(f"[bold red]{data_text(self.message)}[/bold red]")
        console.print(data_text(render_diagnosis(self.diagnosis or {})))
        if self.run_dir is not None:
            console.print(f"Diagnosis written to {data_text(self.run_dir)}")


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


def run_solve(request: SolveRequest) -> SolveOutcome:
    """Solve one case end to end; returns the outcome, raises only for exit codes 1, 2 and 4."""
    from fiscalshare.config import check_case, load_config
    from fiscalshare.io import load_case
    from fiscalshare.runs.folder import claim_out, default_run_dir

    timings: dict = {}
    warnings: list = []
    lines: list[str] = []
    with _collect_log(lines):
        log.info("case %s, model %s, overrides %s", request.case, request.model, request.overrides)
        with _timed(timings, "load"):
            inputs = load_case(request.case, warnings=warnings)
        for warning in warnings:
            log.warning("%s", warning)
        config = load_config(request.model, request.overrides)
        check_case(inputs, config)
        out = request.out or default_run_dir(
            request.results_root, inputs.attrs.get("case") or "case", config.get("name", "model")
        )
        with claim_out(out, inputs=[request.case], force=request.force):
            return _solve_and_write(request, inputs, config, out, timings, warnings, lines)


def _solve_and_write(request, inputs, config, out, timings, warnings, lines) -> SolveOutcome:
    """Solve, check and write, while this process holds the lock of ``out``."""
    from fiscalshare.runs.folder import write_diagnosis, write_run
    from fiscalshare.solve import solve_case, write_mps

    try:
        with _timed(timings, "solve"):
            results = solve_case(
                inputs, config, time_limit=request.time_limit, threads=request.threads
            )
    except InfeasibleError as exc:
        log.info("no solution meets the hard items: %s", exc)
        attrs = _case_attrs(inputs, config)
        run_dir = write_diagnosis(exc.diagnosis or {}, attrs, out, force=request.force,
                                  log_lines=lines)
        return SolveOutcome(3, run_dir, diagnosis=exc.diagnosis, message=str(exc),
                            warnings=warnings, timings=timings)
    from fiscalshare.analysis.verify import check_solution

    with _timed(timings, "verify"):
        violations = check_solution(inputs, results)
    if violations:
        raise VerificationError(
            "the solution fails the independent check (a bug; nothing written):\n  "
            + "\n  ".join(violations[:20])
        )
    if request.write_mps is not None:
        write_mps(inputs, config, request.write_mps,
                  z1=results.attrs["objective_shortfall"])
    results.attrs["load_seconds"] = timings["load"]
    with _timed(timings, "write"):
        run_dir = write_run(results, out, force=request.force, lang=request.lang,
                            log_lines=lines, reports=request.reports)
    return SolveOutcome(0, run_dir, results=results, warnings=warnings, timings=timings)


def _case_attrs(inputs, config) -> dict:
    import json

    from fiscalshare.datasets import version_attrs

    attrs = {key: inputs.attrs.get(key) for key in ("case", "province", "input_sha256", "input_path")}
    attrs.update(version_attrs())
    attrs["model_config"] = json.loads(json.dumps(config, default=str))
    return attrs
