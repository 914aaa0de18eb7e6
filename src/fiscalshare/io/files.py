"""Open a case safely and return its sheets as raw tables (no interpretation yet).

Workbooks come from many offices and may be anything: the container is checked before openpyxl
reads a byte of XML (size limits, zip bombs, macros, encryption, not-a-workbook), openpyxl runs
with defusedxml installed (no external entities, no entity expansion), and values are read with
``data_only=True`` so formulas never run; a formula without a cached value is reported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import mmap
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from fiscalshare.errors import InputError, Problem

EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
                "#GETTING_DATA", "#SPILL!", "#CALC!"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """What a case may weigh before it is refused (configurable; generous for a national case)."""

    max_file_bytes: int = 512 * 2**20
    max_uncompressed_bytes: int = 2 * 2**30
    max_zip_entries: int = 10_000
    max_compression_ratio: float = 200.0
    max_cells: int = 50_000_000


@dataclass
class RawSheet:
    """One sheet as typed: header keys with their column letters, and the data rows."""

    name: str
    frame: pd.DataFrame  # object values, columns named by the header keys
    rows: np.ndarray  # the Excel row (or CSV line) of each data row
    letters: dict[str, str]  # key -> column letter ("A", "B", …) or CSV column number
    csv: bool = False

    def where(self, key: str | None, row: int | None) -> dict:
        """Problem location: ``sheet!D7`` in a workbook, ``sheet.csv!7`` (the line) in CSV."""
        if row is None:
            return {"sheet": self.label}
        if self.csv or key is None or key not in self.letters:
            return {"sheet": self.label, "row": int(row)}
        return {"sheet": self.label, "cell": f"{self.letters[key]}{int(row)}"}

    @property
    def label(self) -> str:
        return f"{self.name}.csv" if self.csv else self.name


def sha256_of(path: Path) -> str:
    """The input hash of docs/results.md: the workbook's bytes, or the CSV files sorted by name."""
    path = Path(path)
    if path.is_dir():
        return sha256_of_files({file.name: file.read_bytes() for file in path.glob("*.csv")})
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sha256_of_files(files: dict[str, bytes | mmap.mmap]) -> str:
    """The hash of a CSV folder from its files' bytes: each name, then its bytes, by name."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0")
        digest.update(files[name])
        digest.update(b"\0")
    return digest.hexdigest()


def read_raw(path: Path, limits: Limits) -> tuple[dict[str, RawSheet], list[Problem]]:
    """The sheets of a workbook or a CSV folder; file-level problems raise InputError."""
    path = Path(path)
    if not path.exists():
        raise InputError([Problem(str(path), "no such file or folder")])
    if path.is_dir():
        return _read_csv_folder(path, limits)
    return _read_workbook(path, limits)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------- workbooks


def _check_container(path: Path, limits: Limits) -> None:
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise InputError([Problem(name, "the file is empty; expected an .xlsx workbook")])
    if size > limits.max_file_bytes:
        raise InputError([Problem(name, f"the file is {size:,} bytes, above the limit of "
                                  f"{limits.max_file_bytes:,}")])
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm"):
        raise InputError([Problem(name, "macro-enabled workbooks (.xlsm) are not accepted; "
                                  "save it as .xlsx (Excel: File → Save As → Excel Workbook)")])
    if suffix == ".xls":
        raise InputError([Problem(name, "old .xls workbooks are not read; save it as .xlsx")])
    if suffix == ".csv":
        raise InputError([Problem(name, "a single CSV file is not a case; give the folder that "
                                  "holds one CSV file per sheet")])
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == _OLE_MAGIC:
        raise InputError([Problem(name, "the workbook is encrypted or in the old binary format "
                                  "(OLE); remove the password and save it as .xlsx")])
    if not zipfile.is_zipfile(path):
        raise InputError([Problem(name, "not an .xlsx workbook (it is not a zip package); "
                                  "save it from Excel or WPS as .xlsx")])
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        if len(entries) > limits.max_zip_entries:
            raise InputError([Problem(name, f"the workbook holds {len(entries):,} parts, above "
                                      f"the limit of {limits.max_zip_entries:,}")])
        total = sum(e.file_size for e in entries)
        packed = sum(e.compress_size for e in entries) or 1
        if total > limits.max_uncompressed_bytes or total / packed > limits.max_compression_ratio:
            raise InputError([Problem(name, f"the workbook unpacks to {total:,} bytes "
                                      f"(ratio {total / packed:,.0f}:1), above the limits: "
                                      "refused as a possible zip bomb")])
        names = {e.filename.lower() for e in entries}
        if any(n.endswith("vbaproject.bin") for n in names):
            raise InputError([Problem(name, "the workbook carries macros (vbaProject.bin); "
                                      "save it as a macro-free .xlsx")])
        if "[content_types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise InputError([Problem(name, "not an .xlsx workbook (no workbook part inside)")])


def _read_workbook(path: Path, limits: Limits):
    _check_container(path, limits)
    problems: list[Problem] = []
    holds_formulas = _sheets_with_formulas(path)
    with open(path, "rb") as values_file, open(path, "rb") as formula_file:
        sheets = _read_sheets(path, values_file, formula_file, limits, problems, holds_formulas)
    try:
        _merged_cells(path, sheets, problems)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise InputError([Problem(path.name, f"a damaged workbook part ({exc})")]) from None
    return sheets, problems


def _read_sheets(path: Path, values_file, formula_file, limits: Limits, problems,
                 holds_formulas: dict[str, bool] | None) -> dict:
    """Every sheet's cells: values (cached results), and for a sheet that may hold formulas
    (``holds_formulas``: by title; None, or a title not in it: it may) the formulas too, to
    find those without a cached value.
    Reading a sheet costs openpyxl a second each 10,000 rows or so, and most workbooks hold no
    formula.  The files are closed by the caller whatever happens."""
    import openpyxl

    sheets: dict[str, RawSheet] = {}
    try:
        values_book = openpyxl.load_workbook(values_file, read_only=True, data_only=True)
        formula_book = None
        cells = 0
        for title in values_book.sheetnames:
            rows = [list(r) for r in values_book[title].iter_rows(values_only=True)]
            formulas = []
            if holds_formulas is None or holds_formulas.get(title, True):
                if formula_book is None:
                    formula_book = openpyxl.load_workbook(formula_file, read_only=True,
                                                          data_only=False)
                formulas = [list(r) for r in formula_book[title].iter_rows(values_only=True)]
            cells += sum(len(r) for r in rows)
            if cells > limits.max_cells:
                raise InputError([Problem(path.name, f"more than {limits.max_cells:,} cells: "
                                          "above the limit")])
            sheets[title] = _sheet_from_rows(title, rows, formulas, problems)
    except InputError:
        raise
    except Exception as exc:  # defusedxml, entity bombs, broken parts (sheets parse lazily)
        raise InputError([Problem(path.name, f"the workbook cannot be read safely "
                                  f"({type(exc).__name__}: {exc})")]) from None
    return sheets


def _merged_cells(path: Path, sheets, problems) -> None:
    """read_only worksheets do not expose merges: look for <mergeCell> in each sheet part."""
    import re

    with zipfile.ZipFile(path) as archive:
        for title, xml in _sheet_parts(archive):
            if xml is None:
                continue
            refs = re.findall(r'<mergeCell ref="([^"]+)"', xml.decode("utf-8", "replace"))
            if refs:
                problems.append(Problem(title, f"merged cells inside a table "
                                        f"({', '.join(refs[:5])}): unmerge them", cell=refs[0]))


def _sheets_with_formulas(path: Path) -> dict[str, bool] | None:
    """Whether each sheet's part holds a formula (an ``<f>`` element), by title; None when the
    parts cannot all be found (then every sheet is read for formulas, as openpyxl finds them).
    A search of the raw XML: nothing is parsed."""
    import re

    formula = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
    try:
        with zipfile.ZipFile(path) as archive:
            found = {}
            for title, xml in _sheet_parts(archive):
                if xml is None:
                    return None
                found[title] = formula.search(xml) is not None
            return found
    except Exception:  # a damaged part: openpyxl, then the merge check, name the problem
        return None


def _sheet_parts(archive: zipfile.ZipFile):
    """(title, the bytes of its part) for each sheet the workbook lists; None for a part
    that is not there."""
    import re

    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
    for title, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', workbook):
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        try:
            xml = archive.read(part)
        except KeyError:
            xml = None
        yield _unescape(title), xml


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _sheet_from_rows(title, rows, formulas, problems) -> RawSheet:
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    if not rows:
        return RawSheet(title, pd.DataFrame(), np.empty(0, dtype=int), {})
    header = [("" if v is None else str(v)).strip() for v in rows[0]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    letters = {key: column_letter(k) for k, key in enumerate(header) if key}
    body = []
    for r, row in enumerate(rows[1:], start=2):
        row = (list(row) + [None] * width)[:width]
        formula_row = formulas[r - 1] if r - 1 < len(formulas) else []
        for k, value in enumerate(row):
            if not header[k]:
                continue
            formula = formula_row[k] if k < len(formula_row) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                problems.append(Problem(title, "a formula without a cached value: open and save "
                                        "the workbook in Excel, or type the value",
                                        column=header[k], cell=f"{column_letter(k)}{r}"))
                row[k] = _ERROR
            elif isinstance(value, str) and value.strip() in EXCEL_ERRORS:
                problems.append(Problem(title, f"an Excel error value {value.strip()!r}",
                                        column=header[k], cell=f"{column_letter(k)}{r}"))
                row[k] = _ERROR
        body.append(row)
    frame = pd.DataFrame(body, columns=[h if h else f"__blank{k}" for k, h in enumerate(header)],
                         dtype=object)
    return RawSheet(title, frame, np.arange(2, 2 + len(body)), letters)


class _ErrorValue:
    """An Excel error value already reported; never reported again as a wrong type."""

    def __repr__(self):
        return "#ERROR"


_ERROR = _ErrorValue()


def is_reported_error(value) -> bool:
    return value is _ERROR


# --------------------------------------------------------------------------- CSV folders


def read_csv_files(folder: Path, limits: Limits) -> dict[str, bytes | mmap.mmap]:
    """The bytes of every ``*.csv`` file of a case folder, by file name, memory-mapped (no
    copy: Arrow parses and hashlib hashes the pages the system already holds); refused beyond
    the size limit, or when there is none."""
    files: dict[str, bytes | mmap.mmap] = {}
    total = 0
    for file in sorted(folder.glob("*.csv")):
        total += file.stat().st_size
        if total > limits.max_uncompressed_bytes:
            raise InputError([Problem(folder.name, f"the CSV files exceed "
                                      f"{limits.max_uncompressed_bytes:,} bytes")])
        with open(file, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            files[file.name] = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) \
                if size else b""
    if not files:
        raise InputError([Problem(folder.name, "the folder holds no .csv files; a case is an "
                                  ".xlsx workbook or a folder of CSV files, one per sheet")])
    return files


def _read_csv_folder(folder: Path, limits: Limits):
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    for name, data in read_csv_files(folder, limits).items():
        sheet, problem = csv_sheet(name, data)
        if problem is not None:
            problems.append(problem)
        else:
            sheets[sheet.name] = sheet
    return sheets, problems


def csv_sheet(file_name: str, data) -> tuple[RawSheet | None, Problem | None]:
    """One CSV file (its bytes) as a raw sheet (every cell a string), or the problem that
    stops it."""
    data = bytes(data)
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return None, Problem(file_name, "neither UTF-8 nor GB18030 text")
    try:
        frame = _parse_csv(text)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return None, Problem(file_name, f"not a readable CSV table ({exc})")
    header = next(csv.reader(io.StringIO(text)), [])
    if len(header) == len(frame.columns):  # pandas renames a repeated key "code.1": undo it
        frame.columns = [str(c).strip() for c in header]
    else:
        frame.columns = [str(c).strip() for c in frame.columns]
    letters = {key: column_letter(k) for k, key in enumerate(frame.columns)}
    stem = file_name[:-len(".csv")] if file_name.lower().endswith(".csv") else file_name
    return RawSheet(stem, frame, np.arange(2, 2 + len(frame)), letters, csv=True), None


def _parse_csv(text: str) -> pd.DataFrame:
    """Every cell as a string (``""`` where empty), one data row per line after the header.

    pyarrow's reader does it at the speed of the file; it skips empty lines, which would shift
    the line numbers problems are reported at, and it refuses ragged rows, so a file with
    either is read by pandas' own parser (which keeps empty lines as blank rows).
    """
    if "\n\n" not in text.replace("\r", "") and not text.startswith("\n"):
        try:
            return pd.read_csv(io.BytesIO(text.encode("utf-8")), dtype=str,
                               keep_default_na=False, engine="pyarrow")
        except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
            pass  # pyarrow's errors (ArrowInvalid is a ValueError): let pandas say what is wrong
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                       skip_blank_lines=False)
