"""The packaged examples as ``.xlsx`` workbooks, the form in which an official opens a case.

The package keeps each example as a folder of CSV files (diffable, built by a script); the
project's top-level ``inputs/`` holds the same cases as workbooks, written by :func:`write_inputs`
(``make inputs``).  A test keeps the two forms equal, case by case.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fiscalshare.examples import example_path, list_examples


def write_inputs(folder: Path) -> list[Path]:
    """Write every packaged example to ``folder/<name>.xlsx`` unless an equal one is there;
    returns the files written."""
    from fiscalshare.io import read_tables, write_case

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in list_examples():
        target = folder / f"{name}.xlsx"
        if target.is_file() and case_content(target).identical(case_content(example_path(name))):
            continue  # unchanged: keep the file (a workbook's bytes carry a time stamp)
        tables, _ = read_tables(example_path(name))
        write_case(tables, target, labelled=True)
        written.append(target)
    return written


def case_content(path: Path):
    """The inputs Dataset of a case without where it was read from (path and file hash)."""
    from fiscalshare.io import load_case

    inputs = load_case(path)
    for key in ("input_sha256", "input_path"):
        inputs.attrs.pop(key, None)
    return inputs


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    for path in write_inputs(Path(args[0] if args else "inputs")):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
