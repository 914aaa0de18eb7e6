"""Progress of a long solve: one live line on an interactive terminal, a line every few seconds
in the run's log otherwise.

:class:`ProgressLine` is the ``progress`` function the solver calls (see
:class:`fiscalshare.solve.highs.Solver`): stage, elapsed time, objective, gap or
infeasibility and iterations, in the run's language from the label catalogue.
"""

from __future__ import annotations

import logging
import math
import time

from fiscalshare.report.labels import label

log = logging.getLogger("fiscalshare")

LOG_EVERY = 5.0  # seconds between two progress lines in run.log


class ProgressLine:
    """Called with the solver's progress events; ``stream`` (a terminal) gets a live line."""

    def __init__(self, *, lang: str = "zh", stream=None, log_every: float = LOG_EVERY):
        self.lang = lang
        self.stream = stream
        self.log_every = log_every
        self.started = time.monotonic()
        self.logged = -math.inf
        self.events = 0
        self.shown = 0  # width of the live line, to clear it

    def __call__(self, *, stage: str, objective=None, iterations=None, gap=None,
                 infeasibility=None) -> None:
        self.events += 1
        elapsed = time.monotonic() - self.started
        parts = [label(f"progress_{stage}", self.lang) if f"progress_{stage}" in _STAGES
                 else stage, label("progress_elapsed", self.lang).format(elapsed)]
        if objective is not None and math.isfinite(objective):
            parts.append(label("progress_objective", self.lang).format(objective))
        if gap is not None and math.isfinite(gap):
            parts.append(label("progress_gap", self.lang).format(gap))
        if infeasibility is not None and math.isfinite(infeasibility):
            parts.append(label("progress_infeasibility", self.lang).format(infeasibility))
        if iterations is not None and iterations >= 0:
            parts.append(label("progress_iterations", self.lang).format(iterations))
        line = " · ".join(parts)
        if self.stream is not None:
            self.stream.write("\r" + line.ljust(self.shown))
            self.stream.flush()
            self.shown = len(line)
        if elapsed - self.logged >= self.log_every:
            self.logged = elapsed
            log.info("%s", line)

    def close(self) -> None:
        """Clear the live line (the summary follows on a clean line)."""
        if self.stream is not None and self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0


_STAGES = {"progress_stage1", "progress_stage2", "progress_benders", "progress_boxed"}
