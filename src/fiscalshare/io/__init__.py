"""Reading, validating and writing cases (docs/inputs.md).

``load_case`` is the one entry point the rest of fiscalshare uses: a workbook or CSV folder in,
the inputs Dataset out (docs/datasets.md), or an ``InputError`` carrying every problem found.
"""

from __future__ import annotations

from pathlib import Path

from fiscalshare.errors import InputError
from fiscalshare.io.files import Limits, read_raw, sha256_of, sha256_of_files
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
    """The inputs Dataset of a case; warnings are appended to ``warnings`` when given.

    A CSV folder is first read by ``io.clean_csv`` (Arrow, at the speed of the files) while
    its hash is taken in a thread beside it; a case it does not accept as it is (a problem, a
    warning, a forgiving reading) is read by the full reader, which says what it found.
    """
    from fiscalshare.io.dataset import build_inputs

    path = Path(path)
    limits = limits or Limits()
    digest = None
    if path.is_dir():
        inputs, digest = _clean_csv_inputs(path, limits)
        if inputs is not None:
            inputs.attrs.update(input_sha256=digest.result(), input_path=str(path.resolve()))
            return inputs
    tables, found = read_tables(path, limits=limits)
    if warnings is not None:
        warnings.extend(found)
    tables.attrs.update(input_sha256=digest.result() if digest else sha256_of(path),
                        input_path=str(path.resolve()))
    return build_inputs(tables)


def _clean_csv_inputs(folder: Path, limits: Limits):
    """The inputs Dataset of a clean CSV case (None when the full reader must read it: the
    clean reader raises NotClean here or when build_inputs asks it for the beneficiaries) and
    the hash of the files, being taken in a thread (hashlib lets go of the GIL) once Arrow
    has parsed the long table: until then Arrow keeps both cores busy; after it, the hash
    shares them with the clean reader's last checks."""
    import logging
    import threading

    from fiscalshare.io.beside import Beside
    from fiscalshare.io.clean_csv import NotClean, clean_tables
    from fiscalshare.io.dataset import build_inputs
    from fiscalshare.io.files import read_csv_files

    files = read_csv_files(folder, limits)
    parsed = threading.Event()
    digest = Beside(_sha256_once, parsed, files, name="input-sha256")
    try:
        return build_inputs(clean_tables(files, on_parsed=parsed.set)), digest
    except NotClean as reason:
        logging.getLogger(__name__).debug("read by the full reader: %s", reason)
    except Exception:  # a fault of the clean reader must not cost the user the case
        logging.getLogger(__name__).debug("the clean reader failed", exc_info=True)
    finally:
        parsed.set()
    return None, digest


def _sha256_once(ready, files) -> str:
    ready.wait()
    return sha256_of_files(files)
