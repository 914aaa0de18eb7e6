"""Typed columns from raw cells, vectorised, with every bad cell reported and every
forgiving reading (full-width digits, thousands separators, 是/否, numbers stored as text) noted.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from fiscalshare.io.files import is_reported_error
from fiscalshare.io.schema import MAX_CODE_LENGTH, Column

FULL_WIDTH = str.maketrans({
    **{chr(0xFF10 + k): str(k) for k in range(10)},
    "．": ".", "，": ",", "－": "-", "＋": "+", "\u3000": " ", "％": "%",
})
_TRUE = {"1", "1.0", "是", "true", "yes", "y", "t", "✓", "√"}
_FALSE = {"0", "0.0", "否", "false", "no", "n", "f", "", "×"}
MAX_PER_COLUMN = 20  # bad cells listed per column; the rest are counted
# Characters no code or name may hold: C0/C1 controls (a tab is allowed in names), lone
# surrogates and Unicode non-characters.  They break netCDF (NUL), the workbooks' XML
# (U+FFFE/U+FFFF) and terminals (ESC), and no office types them on purpose.
FORBIDDEN = (r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
              + "".join(rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(1, 17)) + "]")
FORBIDDEN_IN_CODES = FORBIDDEN[:-1] + r"\t]"
# The same set in RE2's syntax, for Arrow's vectorised search (surrogates never reach Arrow).
FORBIDDEN_RE2 = (r"[\x00-\x08\x0a-\x1f\x7f-\x9f\x{fdd0}-\x{fdef}\x{fffe}\x{ffff}"
                  + "".join(rf"\x{{{plane:x}fffe}}\x{{{plane:x}ffff}}" for plane in range(1, 17))
                  + "]")
FORBIDDEN_RE2_IN_CODES = FORBIDDEN_RE2[:-1] + r"\t]"


class Converted:
    """The typed values of one column, the rows that are bad, and what was normalised."""

    def __init__(self, values, bad: np.ndarray, found: list, notes: list[str]):
        self.values = values
        self.bad = np.asarray(bad, dtype=bool)  # per row
        self.found = found  # what was found in each bad row (same order as np.flatnonzero(bad))
        self.notes = notes


def _display(value) -> str:
    if is_reported_error(value):
        return "an Excel error"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "nothing"
    if isinstance(value, dt.datetime | dt.date):
        return f"a date {value:%Y-%m-%d}"
    return repr(value)


def _text(value) -> str:
    if value is None or is_reported_error(value):
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def as_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series  # a CSV column: strings already, and vectorised string methods
    if series.map(type).eq(str).all():
        return series.astype(str)
    return series.map(_text).astype(str)


def _all_ascii(series: pd.Series) -> bool:
    """Whether every cell is ASCII (then no full-width character needs reading), by Arrow
    when the column is Arrow-backed."""
    array = getattr(series.array, "_pa_array", None)
    if array is None:
        return bool(series.map(str.isascii).all()) if len(series) else True
    import pyarrow.compute as pc

    return bool(pc.all(pc.string_is_ascii(array)).as_py() is not False)


def _from_text_file(series: pd.Series) -> bool:
    """A column read from a CSV file: every cell a string (never a number, date or error)."""
    return pd.api.types.is_string_dtype(series.dtype) and series.dtype != object


def _errors(series: pd.Series) -> np.ndarray:
    if _from_text_file(series):
        return np.zeros(len(series), dtype=bool)
    return series.map(is_reported_error).to_numpy()


def convert(column: Column, series: pd.Series, *, from_csv: bool) -> Converted:
    """Dispatch on the column's kind."""
    if column.kind in ("code", "text"):
        return _convert_text(column, series)
    if column.kind == "flag":
        return _convert_flag(series)
    if column.kind == "choice":
        return _convert_choice(column, series)
    return _convert_number(column, series, from_csv=from_csv)


def _convert_text(column: Column, series: pd.Series) -> Converted:
    raw = as_text(series)
    notes = []
    clean = raw
    if (column.kind == "code" and not _all_ascii(raw)
            and raw.str.contains("[\uff00-\uffef\u3000]", regex=True).any()):
        clean = clean.str.translate(FULL_WIDTH)
        notes.append("full-width characters read as ordinary digits and letters")
    stripped = clean.str.strip()
    if column.kind == "code" and (stripped != clean).any():
        notes.append("leading or trailing spaces removed")
    bad = np.zeros(len(series), dtype=bool)
    if column.required:
        bad = (stripped == "").to_numpy() | _errors(series)
    control = _has_forbidden(stripped, in_code=column.kind == "code")
    too_long = ((stripped.str.len() > MAX_CODE_LENGTH).fillna(False).to_numpy(dtype=bool)
                if column.kind == "code" else np.zeros(len(series), dtype=bool))
    bad = np.asarray(bad, dtype=bool) | control | too_long
    found = []
    for value, text, is_control, is_long in zip(series[bad], stripped[bad], control[bad],
                                                too_long[bad], strict=True):
        if is_control:
            found.append(_described(str(text)))
        elif is_long:
            found.append(f"{len(str(text))} characters")
        else:
            found.append(_display(value))
    values = stripped.array if _from_text_file(series) else stripped.to_numpy(dtype=object)
    return Converted(values, bad, found, notes)


def _has_forbidden(text: pd.Series, *, in_code: bool) -> np.ndarray:
    """Which cells hold a forbidden character.  An Arrow-backed column (a CSV file) is searched
    by Arrow's RE2 engine: valid UTF-8 cannot hold a lone surrogate, so the pattern leaves them
    out and the search runs in C++ instead of one Python ``re`` call per cell."""
    array = getattr(text.array, "_pa_array", None)
    if array is not None:
        import pyarrow.compute as pc

        found = pc.match_substring_regex(array, FORBIDDEN_RE2_IN_CODES if in_code
                                         else FORBIDDEN_RE2)
        return found.to_numpy(zero_copy_only=False).astype(bool) if len(text) else np.zeros(
            0, dtype=bool)
    pattern = FORBIDDEN_IN_CODES if in_code else FORBIDDEN
    return text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)


def _described(text: str) -> str:
    """Where the first forbidden character sits, named by its code point (never printed raw)."""
    import re

    match = re.search(FORBIDDEN, text) or re.search(FORBIDDEN_IN_CODES, text)
    position = match.start() if match else 0
    char = text[position] if text else ""
    return (f"the character U+{ord(char):04X} at position {position + 1} "
            f"(control characters and non-characters are not allowed)")


def _convert_flag(series: pd.Series) -> Converted:
    text = as_text(series).str.translate(FULL_WIDTH).str.strip().str.lower()
    truthy = text.isin(_TRUE).to_numpy()
    falsy = text.isin(_FALSE).to_numpy()
    bad = ~(truthy | falsy) | _errors(series)
    notes = []
    unusual = ~text.isin({"0", "1", "", "0.0", "1.0"}) & ~pd.Series(bad, index=text.index)
    if unusual.any():
        notes.append("flags such as 是/否 or TRUE/FALSE read as 1/0")
    return Converted(np.where(truthy, 1, 0).astype(np.int8), bad,
                     [_display(v) for v in series[bad]], notes)


def _convert_choice(column: Column, series: pd.Series) -> Converted:
    text = as_text(series).str.strip()
    lookup = {c.lower(): c for c in column.choices}
    lowered = text.str.lower()
    known = lowered.isin(lookup).to_numpy()
    bad = ~known
    if not column.required:
        bad &= (text != "").to_numpy()
    notes = []
    exact = text.isin(column.choices).to_numpy()
    if (known & ~exact).any():
        notes.append("choices matched ignoring case and spaces")
    values = lowered.map(lambda v: lookup.get(v, "")).to_numpy(dtype=object)
    if not column.required:
        values = np.where(text.to_numpy() == "", column.default or "", values)
    return Converted(values, bad, [_display(v) for v in series[bad]], notes)


def _convert_number(column: Column, series: pd.Series, *, from_csv: bool) -> Converted:
    if _from_text_file(series):
        return _convert_number_text(column, series)
    kinds = series.map(type)
    numeric_typed = kinds.isin([int, float, np.int64, np.float64]).to_numpy()
    values = np.full(len(series), np.nan)
    if numeric_typed.any():
        values[numeric_typed] = pd.to_numeric(series[numeric_typed]).to_numpy(dtype=float)
    notes = []
    is_text = kinds.eq(str).to_numpy()
    if is_text.any():
        text = series[is_text].astype(str)
        if text.str.contains("[\uff00-\uffef\u3000]", regex=True).any():
            text = text.str.translate(FULL_WIDTH)
            notes.append("full-width digits read as ordinary digits")
        text = text.str.strip()
        separated = text.str.contains(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$", regex=True)
        if separated.any():
            text = text.where(~separated, text.str.replace(",", "", regex=False))
            notes.append("thousands separators removed")
        parsed = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
        values[is_text] = parsed
        if not from_csv and np.isfinite(parsed).any():
            notes.append("numbers stored as text read as numbers")
        blank_text = (text == "").to_numpy()
        values[np.flatnonzero(is_text)[blank_text]] = np.nan
    dates = kinds.map(lambda k: issubclass(k, dt.date)).to_numpy()
    bools = kinds.eq(bool).to_numpy()
    errors = series.map(is_reported_error).to_numpy()
    blank = (series.map(lambda v: v is None).to_numpy()
             | (is_text & as_text(series).str.strip().eq("").to_numpy())
             | (numeric_typed & np.isnan(values)))
    bad = dates | bools | (~numeric_typed & ~is_text & ~blank & ~errors)
    bad |= is_text & ~blank & ~np.isfinite(values)
    bad |= numeric_typed & ~blank & ~np.isfinite(values)
    bad |= out_of_range(column, values, blank)
    bad &= ~errors
    found = [_display(v) for v in series[bad]]
    if not column.required and column.default is not None:
        values = np.where(blank, float(column.default), values)
    return Converted(values, bad, found, notes)


def default_column(column: Column, n: int) -> np.ndarray:
    """The values of an optional column a sheet leaves out: its default in every row."""
    if column.kind in ("code", "text", "choice"):
        return np.full(n, column.default if column.default is not None else "", dtype=object)
    if column.kind == "flag":
        return np.zeros(n, dtype=np.int8)
    return np.full(n, np.nan if column.default is None else float(column.default))


def out_of_range(column: Column, values: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """Cells that were read as numbers but break the column's declared rules (or are blank
    where a value is required): the same rules for a workbook and for a CSV file."""
    bad = blank.copy() if column.required else np.zeros(values.shape, dtype=bool)
    ok = np.isfinite(values)
    if column.kind in ("int", "year"):
        bad |= ok & (values != np.round(values))
    if column.kind == "share":
        bad |= ok & ((values < 0) | (values > 1))
    if column.positive:
        bad |= ok & (values <= 0)
    if column.minimum is not None:
        bad |= ok & (values < column.minimum)
    if column.maximum is not None:
        bad |= ok & (values > column.maximum)
    return bad


def _convert_number_text(column: Column, series: pd.Series) -> Converted:
    """:func:`_convert_number` for a column of strings (a CSV file), with vectorised methods."""
    notes = []
    text = series
    if not _all_ascii(text) and text.str.contains("[\uff00-\uffef\u3000]", regex=True).any():
        text = text.str.translate(FULL_WIDTH)
        notes.append("full-width digits read as ordinary digits")
    text = text.str.strip()
    values = _parse_numbers(text)
    blank = (text == "").to_numpy()
    unread = ~blank & ~np.isfinite(values)
    if unread.any():
        separated = text.str.contains(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$",
                                      regex=True).to_numpy() & unread
        if separated.any():
            values[separated] = pd.to_numeric(
                text[separated].str.replace(",", "", regex=False), errors="coerce"
            ).to_numpy(dtype=float, na_value=np.nan)
            notes.append("thousands separators removed")
    values[blank] = np.nan
    bad = ~blank & ~np.isfinite(values)
    bad |= out_of_range(column, values, blank)
    found = [_display(v) for v in series[bad]]
    if not column.required and column.default is not None:
        values = np.where(blank, float(column.default), values)
    return Converted(values, bad, found, notes)


def _parse_numbers(text: pd.Series) -> np.ndarray:
    """Floats of a string column, NaN where a cell is not a number: Arrow's cast when every
    cell reads (the usual case, at the speed of the file), else pandas cell by cell."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        array = pa.array(text.to_numpy(dtype=object)) if text.dtype == object else (
            pa.chunked_array(text.array._pa_array) if hasattr(text.array, "_pa_array")
            else pa.array(text.to_numpy(dtype=object)))
        filled = pc.if_else(pc.equal(array, ""), "nan", array)
        return np.array(pc.cast(filled, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    except (ImportError, ValueError, TypeError, NotImplementedError):
        pass  # pa.ArrowInvalid is a ValueError: some cell is not a number
    return np.array(pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
