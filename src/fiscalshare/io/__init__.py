"""Reading, validating and writing cases (docs/inputs.md).

``load_case`` is the one entry point the rest of fiscalshare uses: a workbook or CSV folder in,
the inputs Dataset out (docs/datasets.md), or an ``InputError`` carrying every problem found.
"""

from __future__ import annotations

from pathlib import Path

from fiscalshare.errors import InputError
from fiscalshare.io.files import Limits, read_raw, sha256_of
from fiscalshare.io.writer import write_case

__all__ = ["Limits", "load_case", "read_tables", "write_case"]


def read_tables(path: Path, *, limits: Limits | None = None):
    """Validated tables and the warnings, or InputError with every problem."""
    from fiscalshare.io.validate import Collector, parse

    raw, file_problems = read_raw(Path(path), limits or Limits())
    out = Collector()
    out.problems += file_problems
    tables = parse(raw, out)
    if out.problems or tables is None:
        raise InputError(out.problems or ["the case could not be read"])
    return tables, out.warnings


def load_case(path: Path, *, limits: Limits | None = None, warnings: list | None = None):
    """The inputs Dataset of a case; warnings are appended to ``warnings`` when given."""
    from fiscalshare.io.dataset import build_inputs

    path = Path(path)
    tables, found = read_tables(path, limits=limits)
    if warnings is not None:
        warnings.extend(found)
    tables.attrs.update(input_sha256=sha256_of(path), input_path=str(path.resolve()))
    return build_inputs(tables)
