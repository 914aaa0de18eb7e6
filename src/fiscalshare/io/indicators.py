"""Plan indicators as plans print them: ``≥4.5``, ``>98``, ``95%以上``, ``应保尽保``, ``/``.

A target (or baseline) cell is kept exactly as printed and read into a comparator (``≥ ≤ = > <``
or none), a number, or a text target (应保尽保, 全覆盖, 动态清零, 低于全国平均值 …).  ``/`` and an
empty cell mean "no value".  The reader (``io.validate``) and the inputs Dataset builder
(``io.dataset``) both use :func:`read_value`, so a case built in code reads like a typed one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

COMPARATORS = ("≥", "≤", "=", ">", "<")
# what plans and keyboards type for each comparator; longest first when matching a prefix
_SYMBOLS = {
    ">=": "≥", "≥": "≥", "⩾": "≥", "＞=": "≥", "≧": "≥",
    "<=": "≤", "≤": "≤", "⩽": "≤", "＜=": "≤", "≦": "≤",
    "=": "=", "＝": "=", "==": "=",
    ">": ">", "＞": ">", "﹥": ">",
    "<": "<", "＜": "<", "﹤": "<",
}
_WORD_BEFORE = {"不低于": "≥", "不少于": "≥", "不小于": "≥", "至少": "≥", "大于等于": "≥",
                "不高于": "≤", "不超过": "≤", "不大于": "≤", "至多": "≤", "小于等于": "≤",
                # as printed in traditional characters (seed-000)
                "不低於": "≥", "不少於": "≥", "不小於": "≥", "大於等於": "≥",
                "不高於": "≤", "不超過": "≤", "不大於": "≤", "小於等於": "≤"}
_WORD_AFTER = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤"}
NO_VALUE = {"", "/", "／", "-", "－", "—", "——", "nan", "none"}
NATURES = {"约束性": "约束性", "binding": "约束性", "预期性": "预期性", "expected": "预期性",
           "": ""}
REGION_SEPARATORS = re.compile(r"[,，、;；\s]+")
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + k): str(k) for k in range(10)}, "．": "."})


@dataclass(frozen=True)
class Value:
    """One printed cell: ``comparator`` ('' when none), ``number`` (NaN for a text target or no
    value), ``text`` as printed (stripped)."""

    comparator: str
    number: float
    text: str

    @property
    def is_number(self) -> bool:
        return not math.isnan(self.number)

    @property
    def is_empty(self) -> bool:
        return self.text.lower() in NO_VALUE


def _printed(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def comparator_of(text) -> str | None:
    """The comparator a cell of the ``comparator`` column names ('' for none), None if unknown."""
    text = _printed(text).replace(" ", "")
    if text == "":
        return ""
    return _SYMBOLS.get(text) or _WORD_BEFORE.get(text) or _WORD_AFTER.get(text)


def read_value(value) -> Value:
    """Comparator, number and printed text of a target or baseline cell."""
    printed = _printed(value)
    if printed.lower() in NO_VALUE:
        return Value("", math.nan, printed)
    body = printed.translate(_FULL_WIDTH).replace(" ", "").replace(",", "")
    comparator = ""
    for symbol in sorted(_SYMBOLS, key=len, reverse=True):
        if body.startswith(symbol):
            comparator, body = _SYMBOLS[symbol], body[len(symbol):]
            break
    else:
        for word, symbol in _WORD_BEFORE.items():
            if body.startswith(word):
                comparator, body = symbol, body[len(word):]
                break
    for word, symbol in _WORD_AFTER.items():
        if body.endswith(word) and comparator in ("", symbol):
            comparator, body = symbol, body[: -len(word)]
            break
    body = body.removesuffix("%").removesuffix("％")
    try:
        number = float(body)
    except ValueError:
        return Value("", math.nan, printed)  # a text target: kept whole, as printed
    if not math.isfinite(number):
        return Value("", math.nan, printed)
    return Value(comparator, number, printed)


def region_codes(text) -> list[str]:
    """The codes of a ``regions`` cell ('520100,520200' or '520100、520200'); [] = province-wide."""
    return [code for code in REGION_SEPARATORS.split(_printed(text)) if code]
