"""File names of the prefecture workbooks: ``<code>-<name>.xlsx``, safe and collision-free.

A workbook is handed to the prefecture its file name names, so the name must be derived from that
prefecture alone and never from the order in which prefectures are written (an earlier scheme
numbered colliding names ``-2``, ``-3`` in order and so gave ``a_b-2.xlsx`` to the wrong
prefecture).  The rules:

* characters other than letters, digits, ``-`` and ``_`` become ``_`` (letters include Chinese);
  control characters, path separators and Windows' reserved names never reach the file system;
* the name is bounded (:data:`MAX_STEM_BYTES` bytes of UTF-8, well under every file system's 255);
* when the text had to be altered, or two prefectures would get the same name (ignoring case, as
  Windows and macOS do), a short hash of the prefecture's *code* is appended — the code is unique,
  so the suffix is stable and different for each, whatever the order.

Use :func:`prefecture_file_names` for a whole set, :func:`prefecture_file_name` for one prefecture
among a set (the same answer).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable

MAX_STEM_BYTES = 120
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{k}" for k in range(10)),
             *(f"lpt{k}" for k in range(10))}


def _safe(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "".join(c if (c.isalnum() and c.isprintable()) or c in "-_" else "_" for c in text)


def _truncate(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def code_hash(code: str, digits: int = 8) -> str:
    """Hex digits of the code's sha256: the stable tie-breaker of a file name."""
    return hashlib.sha256(str(code).encode("utf-8", "surrogatepass")).hexdigest()[:digits]


def _plain(code: str, name: str) -> tuple[str, bool]:
    """``<code>-<name>`` made safe and bounded, and whether anything had to change."""
    code, name = str(code), str(name or "")
    raw = f"{code}-{name}" if name else code
    stem = _safe(code) + (f"-{_safe(name)}" if name else "")
    stem = _truncate(stem, MAX_STEM_BYTES)
    altered = stem != raw or stem.lower() in _RESERVED or stem.lower().split("-")[0] in _RESERVED
    return stem or "unit", altered or not stem


def prefecture_file_names(prefectures: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{code: "<code>-<name>.xlsx"}`` for every (code, name): safe, bounded, collision-free.

    A hash suffix of the code is added where the text had to be altered or where two prefectures
    would otherwise share a name (ignoring case); the result does not depend on the order."""
    pairs = [(str(code), str(name or "")) for code, name in prefectures]
    plain = {code: _plain(code, name) for code, name in pairs}
    clashes = Counter(stem.casefold() for stem, _ in plain.values())
    for digits in (8, 16, 64):  # longer suffixes only if two hashes ever met
        names = {}
        for code, (stem, altered) in plain.items():
            if altered or clashes[stem.casefold()] > 1:
                stem = f"{stem}-{code_hash(code, digits)}"
            names[code] = f"{stem}.xlsx"
        if len({n.casefold() for n in names.values()}) == len(names):
            break
    return names


def prefecture_file_name(code: str, name: str, prefectures: Iterable[tuple[str, str]]) -> str:
    """The file name of one prefecture among all the run's ``prefectures`` (code, name) pairs."""
    return prefecture_file_names(prefectures)[str(code)]


def prefecture_files(results) -> dict[str, dict[str, str]]:
    """``{"prefectures/<file>": {"code": ..., "name": ...}}`` for a results Dataset: the map the
    manifest carries so anyone can tell which prefecture a workbook belongs to."""
    level = results["unit_level"].values
    codes = [str(c) for c in results["unit"].values[level == "prefecture"]]
    names = [str(n) for n in results["unit_name"].values[level == "prefecture"]]
    files = prefecture_file_names(zip(codes, names, strict=True))
    return {f"prefectures/{files[code]}": {"code": code, "name": name}
            for code, name in zip(codes, names, strict=True)}
