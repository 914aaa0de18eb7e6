"""Reading, validating and writing cases (docs/inputs.md).

``load_case`` is the one entry point the rest of fiscalshare uses: a workbook or CSV folder in,
the inputs Dataset out (docs/datasets.md), or an ``InputError`` carrying every problem found.
"""

from __future__ import annotations

from pathlib import Path

from fiscalshare.errors import InputError
from fiscalshare.io.files import Limits, read_raw, sha256_of, sha256_of_files
from fiscalshare.io.writer import write_case

__all__ = ["Limits", "load_case", "open_case", "read_tables", "write_case"]


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
    """The inputs Dataset of a case, its ``input_sha256`` set; warnings are appended to
    ``warnings`` when given."""
    inputs, input_sha256 = open_case(path, limits=limits, warnings=warnings)
    inputs.attrs["input_sha256"] = input_sha256()
    return inputs


def open_case(path: Path, *, limits: Limits | None = None, warnings: list | None = None):
    """The inputs Dataset of a case without its hash, and a call that returns the hash: taken
    in a thread from the bytes that were read, once they are read, so that it shares the
    cores with what follows the reading (a model build leaves one idle) instead of with the
    reading.  ``solve`` sets ``input_sha256`` from it before anything is written.

    A CSV folder is first read by ``io.clean_csv`` (Arrow, at the speed of the files); a case
    it does not accept as it is (a problem, a warning, a forgiving reading) is read by the
    full reader, which says what it found.
    """
    from fiscalshare.io.beside import Beside
    from fiscalshare.io.dataset import build_inputs

    path = Path(path)
    limits = limits or Limits()
    hashed = (sha256_of, path)
    if path.is_dir():
        from fiscalshare.io.files import read_csv_files

        files = read_csv_files(path, limits)
        hashed = (sha256_of_files, files)  # the bytes the readers read
        inputs = _clean_csv_inputs(files)
        if inputs is not None:
            inputs.attrs["input_path"] = str(path.resolve())
            return inputs, Beside(*hashed, name="input-sha256").result
    tables, found = read_tables(path, limits=limits)
    if warnings is not None:
        warnings.extend(found)
    tables.attrs.update(input_path=str(path.resolve()))
    return build_inputs(tables), Beside(*hashed, name="input-sha256").result


def _clean_csv_inputs(files: dict):
    """The inputs Dataset of a clean CSV case, or None when the full reader must read it (the
    clean reader raises NotClean here, or when build_inputs asks it for the beneficiaries)."""
    import logging

    from fiscalshare.io.clean_csv import NotClean, clean_tables
    from fiscalshare.io.dataset import build_inputs

    try:
        return build_inputs(clean_tables(files))
    except NotClean as reason:
        logging.getLogger(__name__).debug("read by the full reader: %s", reason)
    except Exception:  # a fault of the clean reader must not cost the user the case
        logging.getLogger(__name__).debug("the clean reader failed", exc_info=True)
    return None
