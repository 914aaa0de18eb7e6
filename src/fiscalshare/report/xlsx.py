"""The one workbook writer of the reports (XlsxWriter, streamed row by row in constant memory).

Every sheet opens with a title block (title, province · period · scenario, 编制单位, 单位：万元,
run date), prints on A4 with the page numbers in the footer, and uses one CJK font in every cell,
totals included.  Every string is written as a string (``write_string``): text from the inputs never
becomes a formula, a link or a number, and control characters XML cannot hold are dropped.  The
workbook holds values only.

Each sheet prints on A4 fitted to the page width, with a layout chosen so that the fit never
shrinks body text under 8 pt: portrait when the columns fit at 100 %, else landscape; a single
table that would need a scale under :data:`MIN_SCALE` is split into column groups across sheets,
each repeating the key columns.  Widths are reckoned with the widest digits a reader's spreadsheet
may substitute (:func:`column_pixels`).  Header rows repeat on every printed page only on sheets
that hold one table, so a header never prints over another table.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.workbook
import xlsxwriter.worksheet

from fiscalshare.report import xlsx_rows

FONT = "SimSun"  # 宋体: present wherever Chinese Office is; LibreOffice substitutes a CJK face
BODY_PT = 11
TITLE_PT = 16
MIN_PT = 8
MIN_SCALE = math.ceil(MIN_PT / BODY_PT * 100)  # 73 %: below this, body text prints under 8 pt
MARGIN_IN = 0.5
ZIP_LEVEL = 1  # deflate level of the stored workbook (see _deflating)
# printable width in pixels (96 dpi) of A4 with 0.5" side margins; Excel column width w (in
# characters of the default font, max digit width 7 px) takes int(7w + 0.5) + 5 pixels
PRINTABLE_PX = {"portrait": round((210 / 25.4 - 2 * MARGIN_IN) * 96),
                "landscape": round((297 / 25.4 - 2 * MARGIN_IN) * 96)}
DIGIT_PX = 9
MAX_TEXT_WIDTH = 36  # characters; longer text wraps
LINE_PT = 15.0  # row height per line of 11 pt text
WRAP_MARGIN = 0.5  # characters of a cell's width its inner margins take
COLUMN_PADDING = 5 / 7  # characters a column adds to its set width (Excel's 5-pixel padding)
_CLOSING_MARKS = frozenset("）》」』】〕〉］｝、。，．：；！？”’%)]},.:;!?")  # never alone on a line
_WRAP_TOKEN = re.compile(r"[\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
                         r"|[^\s\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]*\s*")
MAX_ROW_PT = 409.0  # Excel's tallest row
# printable height (points) of A4 less the top and bottom margins of 0.75" (headers sit in them)
PAGE_PT = {"portrait": 297 / 25.4 * 72 - 108, "landscape": 210 / 25.4 * 72 - 108}

MONEY = "#,##0.00"
PERCENT = "0.00%"
INTEGER = "0"  # years, codes of a kind: centred, no separators
COUNT = "#,##0"  # people, regions: whole numbers with thousands separators
NUMBER = "#,##0.####"
DECIMAL4 = "#,##0.0000"  # indices in a column: four decimals each, so that the points align
KINDS = ("text", "centred", "money", "percent", "integer", "count", "number", "decimal4")
TEXTS = ("text", "centred")  # centred: a short text beside a number, e.g. a range "0%–30%"
FORMATS = {"money": MONEY, "percent": PERCENT, "integer": INTEGER, "count": COUNT,
           "number": NUMBER, "decimal4": DECIMAL4}

_FORBIDDEN = set('\\*?:/[]')
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@contextmanager
def object_strings():
    """pandas' plain object columns for text while a workbook's tables are built.

    pandas 3 holds text in Arrow arrays (``str``); the tables of a report are many and small
    (a national run writes some 4,000 of 10–400 rows), so that converting each list of names
    into Arrow and back costs more than the rest of the frame: building and reading a table of
    20 rows takes 0.9 ms with Arrow text and 0.4 ms with object columns.  The writer reads
    every text column as Python strings anyway.  pandas 2.1–3 (the versions this project
    accepts) have the switch; it warns that pandas 4 will drop it, so the warning is silenced
    here, and without the switch the tables are the same, only slower."""
    before = _infer_string(None)
    _infer_string(False)
    try:
        yield
    finally:
        _infer_string(before)


def _infer_string(value: bool | None) -> bool | None:
    """Set pandas' ``future.infer_string`` to ``value`` (None: leave it) and return what it
    was; None where this pandas has no such option."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3: "deprecated, removed in pandas 4"
        try:
            before = pd.get_option("future.infer_string")
        except pd.errors.OptionError:
            return None
        if value is not None:
            pd.set_option("future.infer_string", value)
    return before


def clean_text(value) -> str:
    """Text as a cell may hold it: control characters dropped."""
    return _CONTROL.sub("", str(value))


@lru_cache(maxsize=65536)  # names repeat in every table and every workbook
def display_width(text: str) -> int:
    """Width in character cells: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_pixels(width: float) -> int:
    """Printed width of a column, reckoned with the widest digits a reader's spreadsheet may
    substitute for the font (LibreOffice without SimSun uses DejaVu: 9 px at 11 pt, not Excel's
    7 px), so that a layout chosen here never prints smaller than planned."""
    stored = width + 5 / 7  # the file holds the width with Excel's 5-pixel padding (at 7 px)
    return math.ceil(stored * DIGIT_PX)


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """≤ 31 characters, none of ``\\ * ? : / [ ]``, unique in the workbook (ignoring case)."""
    clean = "".join("_" if c in _FORBIDDEN else c for c in clean_text(name)).strip("'") or "Sheet"
    clean = clean[:31]
    candidate, n = clean, 2
    lowered = {t.lower() for t in taken}
    while candidate.lower() in lowered:
        suffix = f"~{n}"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


@dataclass
class TitleBlock:
    """What heads every sheet: ``title`` (the sheet's own title is appended) and the lines below."""

    title: str
    lines: tuple[str, ...] = ()
    unit_note: str = ""  # 单位：万元, printed at the right of the last line
    footer_left: str = ""
    page_words: tuple[str, str, str] = ("第 ", " 页 共 ", " 页")


@dataclass
class Table:
    """A frame with a kind per column (``KINDS``); money columns are already rounded to cents."""

    frame: pd.DataFrame
    kinds: dict[str, str]
    title: str | None = None
    total_label: str | None = None  # a totals row summing the money columns
    keys: int = 1  # leading columns that identify a row (repeated when the table is split)
    notes: tuple[str, ...] = ()  # sentences printed under the table
    max_text: int = MAX_TEXT_WIDTH  # widest text column, in characters; longer text wraps
    # found once per table; not carried over by dataclasses.replace (a table made from another)
    _widths: list | None = field(default=None, init=False, repr=False, compare=False)
    _texts: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _numbers: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def kind(self, column) -> str:
        return self.kinds.get(column, "text")

    def text_codes(self, column) -> tuple[list, np.ndarray]:
        """A text column's distinct values and a code per row (found once: the widths, the
        cells and the wrapped heights all read them)."""
        if column not in self._texts:
            self._texts[column] = xlsx_rows.distinct_and_codes(self.frame[column])
        return self._texts[column]

    def numbers(self, column) -> np.ndarray:
        """A column as floats (words and gaps as NaN), found once for widths, cells and total."""
        if column not in self._numbers:
            self._numbers[column] = xlsx_rows.numbers_of(self.frame[column])
        return self._numbers[column]


@dataclass
class Paragraph:
    text: str
    bold: bool = False


@dataclass
class Sheet:
    name: str
    title: str
    blocks: list = field(default_factory=list)
    money: bool = True  # whether the title block says 单位：万元 (not over shares or words)

    def add(self, block) -> Sheet:
        self.blocks.append(block)
        return self


class Book:
    """One workbook; sheets are laid out and streamed when the book is closed."""

    def __init__(self, path: Path, head: TitleBlock):
        self.path = Path(path)
        self.head = head
        self.sheets: list[Sheet] = []
        self._taken: set[str] = set()

    def sheet(self, name: str, title: str | None = None) -> Sheet:
        sheet = Sheet(name, title or name)
        self.sheets.append(sheet)
        return sheet

    def table_sheet(self, name: str, title: str, table: Table) -> list[Sheet]:
        """A sheet holding one table; split into column groups when too wide to print legibly."""
        groups = split_columns(table)
        money = "money" in table.kinds.values()
        if len(groups) == 1:
            sheet = self.sheet(name, title).add(table)
            sheet.money = money
            return [sheet]
        sheets = []
        wide = any(unicodedata.east_asian_width(c) in "WF" for c in name)
        for k, group in enumerate(groups, start=1):
            part = f"（{k}）" if wide else f" ({k})"
            whole = f"（{k}/{len(groups)}）" if wide else f" ({k}/{len(groups)})"
            sheets.append(self.sheet(f"{name}{part}", f"{title}{whole}").add(group))
            sheets[-1].money = money
        return sheets

    def close(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        book = xlsxwriter.Workbook(str(self.path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "nan_inf_to_errors": False,
            "default_format_properties": {"font_name": FONT, "font_size": BODY_PT},
            "tmpdir": scratch_dir(),
        })
        book.set_properties({"title": clean_text(self.head.title), "author": "fiscalshare",
                             "creator": "fiscalshare"})
        formats = _Formats(book)
        for sheet in self.sheets:
            _render(book, formats, sheet, self.head, safe_sheet_name(sheet.name, self._taken))
        with _deflating(ZIP_LEVEL):
            book.close()
        return self.path


SCRATCH_ROOM = 2 << 30  # bytes free in /dev/shm for it to take the scratch files


@lru_cache(maxsize=1)
def scratch_dir() -> str | None:
    """Where XlsxWriter puts its scratch files (two or three per sheet, created, copied and
    removed while the workbook is stored): memory-backed ``/dev/shm`` where the system has it
    with room to spare, since on disk they cost 10–15 ms a national prefecture workbook;
    otherwise (None) the usual temporary folder.  The room is checked because a container's
    /dev/shm may hold only 64 MB, less than one long sheet."""
    path = "/dev/shm"
    try:
        stats = os.statvfs(path)
    except (AttributeError, OSError):  # not Linux, or no /dev/shm
        return None
    if not os.access(path, os.W_OK) or stats.f_bavail * stats.f_frsize < SCRATCH_ROOM:
        return None
    return path


@contextmanager
def _deflating(level: int):
    """XlsxWriter zips at zlib's default level (6) and offers no setting.  While this
    workbook is stored, its ``ZipFile`` is :class:`_WholeFileZip` at ``level`` and, where
    the ``isal`` package is installed, ``zipfile`` deflates with ISA-L instead of zlib.  On
    a national prefecture workbook (5.4 MB of XML) zlib takes 90 ms at level 6 and 31 ms at
    level 1, ISA-L 12.6 ms at its level 1, into a smaller file (841 KB, against 903 KB at
    zlib's level 1).  Both swaps are undone on the way out; an XlsxWriter without a
    module-level ``ZipFile`` is left as it is.  The swap holds for this whole process while
    it lasts: a report process zips one workbook at a time and reads none meanwhile."""
    module = xlsxwriter.workbook
    original = getattr(module, "ZipFile", None)
    deflate = zipfile.zlib
    if original is not None:
        module.ZipFile = partial(_WholeFileZip, compresslevel=level)
    zipfile.zlib = _isal_deflate(deflate)
    try:
        yield
    finally:
        zipfile.zlib = deflate
        if original is not None:
            module.ZipFile = original


class _WholeFileZip(zipfile.ZipFile):
    """``ZipFile`` whose ``write`` of a file deflates it in one call, not 8 KB at a time
    (``zipfile`` calls the deflater some 660 times for a national prefecture workbook's 5.4 MB);
    the entry is the one ``write`` makes: ``ZipInfo.from_file``, the archive's compression and
    level."""

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        info = zipfile.ZipInfo.from_file(filename, arcname)
        if info.is_dir():
            return super().write(filename, arcname, compress_type, compresslevel)
        with open(filename, "rb") as source:
            data = source.read()
        self.writestr(info, data,
                      compress_type=self.compression if compress_type is None else compress_type,
                      compresslevel=self.compresslevel if compresslevel is None
                      else compresslevel)
        return None


def _isal_deflate(zlib_module):
    """``zlib_module`` with ISA-L's ``compressobj`` (the only call ``zipfile`` makes to deflate;
    the rest, crc32 and inflating included, stays zlib's), or ``zlib_module`` itself without
    the ``isal`` package."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib_module

    class IsalDeflate:
        compressobj = staticmethod(isal_zlib.compressobj)

        def __getattr__(self, name):
            return getattr(zlib_module, name)

    return IsalDeflate()


class _Formats:
    def __init__(self, book):
        base = {"font_name": FONT, "font_size": BODY_PT, "valign": "vcenter"}
        border = {"border": 1, "border_color": "#808080"}
        self.title = book.add_format({**base, "font_size": TITLE_PT, "bold": True,
                                      "align": "center"})
        self.line = book.add_format({**base})
        self.line_wrap = book.add_format({**base, "text_wrap": True, "valign": "top"})
        self.line_right = book.add_format({**base, "align": "right"})
        self.section = book.add_format({**base, "bold": True})
        self.paragraph = book.add_format({**base, "text_wrap": True, "valign": "top"})
        self.paragraph_bold = book.add_format({**base, "text_wrap": True, "valign": "top",
                                               "bold": True})
        self.header = book.add_format({**base, **border, "bold": True, "align": "center",
                                       "text_wrap": True, "bg_color": "#DDEBF7"})
        self.cell = {}
        for total in (False, True):
            extra = {"bold": True, "bg_color": "#F2F2F2"} if total else {}
            for kind in KINDS:
                spec = {**base, **border, **extra}
                if kind in TEXTS:
                    spec.update(text_wrap=True, **({"align": "center"} if kind == "centred"
                                                   else {}))
                elif kind == "integer":
                    spec.update(num_format=FORMATS[kind], align="center")
                else:
                    spec.update(num_format=FORMATS[kind])
                self.cell[kind, total] = book.add_format(spec)
            self.cell["quoted", total] = book.add_format({**base, **border, **extra,
                                                          "text_wrap": True, "quote_prefix": True})


# ---------------------------------------------------------------- layout


def column_widths(table: Table) -> list[float]:
    """Widths in characters: the widest value (text capped at MAX_TEXT_WIDTH, then wrapped) and
    enough for the header to wrap onto at most three lines; up to three units more (a CJK
    character and a half) where a text would wrap with a lone closing mark, if the table still
    prints on a page width."""
    if table._widths is not None:
        return table._widths
    widths, neat = [], []  # as needed; and wide enough that no lone closing mark wraps
    for name in table.frame.columns:
        kind = table.kind(name)
        if kind in TEXTS:
            distinct = table.text_codes(name)[0]
            data = max((display_width(str(v)) for v in distinct if _present(v)), default=0)
            data = min(data, table.max_text)
        else:
            numbers = table.numbers(name)
            finite = numbers[np.isfinite(numbers)]
            biggest = float(np.max(np.abs(finite))) if finite.size else 0.0
            if kind == "money" and table.total_label is not None:
                biggest = max(biggest, float(np.abs(finite).sum()) if finite.size else 0.0)
            data = len(_shown(biggest, kind)) + int(finite.size > 0 and finite.min() < 0)
        header = display_width(str(name))
        head_need = min(header, max(8, math.ceil(header / 3)))  # up to three lines, short ones one
        width = max(data, head_need, 4) + 1.5
        if kind in TEXTS:  # numbers are never cut (they would show as ###)
            width = min(width, max(table.max_text, head_need) + 1.5)
            texts = [clean_text(v) for v in distinct if isinstance(v, str)]
        else:
            texts = []
        widths.append(float(width))
        neat.append(width_without_lone_closing_marks(float(width),
                                                     [clean_text(str(name)), *texts]))
    table._widths = widths = _widened_where_it_fits(widths, neat)
    return widths


def _widened_where_it_fits(widths: list[float], neat: list[float]) -> list[float]:
    """``neat`` where the table prints on a page width with it; else each column widened that
    still lets it, the least widening first (a lone ） costs less than a table cut into column
    groups).  A table too wide already is split whichever widths it has: ``neat``."""
    def fits(trial) -> bool:
        return page_layout(table_pixels(trial))[1] >= MIN_SCALE

    if fits(neat) or not fits(widths):
        return neat
    widths = list(widths)
    for k in sorted(range(len(widths)), key=lambda k: neat[k] - widths[k]):
        trial = [*widths[:k], neat[k], *widths[k + 1:]]
        if neat[k] > widths[k] and fits(trial):
            widths = trial
    return widths


def _present(value) -> bool:
    """Not a gap (None, NaN, pd.NA…): ``pd.isna`` asked only of what is neither text nor a
    float (it costs a microsecond a value, and a workbook has thousands)."""
    if isinstance(value, str):
        return True
    if isinstance(value, float):
        return value == value
    return value is not None and not pd.isna(value)


def _shown(value: float, kind: str) -> str:
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "percent":
        return f"{value * 100:.2f}%"
    if kind == "integer":
        return f"{value:.0f}"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.4f}"


def table_pixels(widths) -> int:
    return sum(column_pixels(w) for w in widths)


def page_layout(pixels: int) -> tuple[str, int]:
    """(orientation, scale in %): portrait at 100 % when it fits, else landscape at the largest
    whole scale that fits (possibly under MIN_SCALE: callers split such tables)."""
    if pixels <= PRINTABLE_PX["portrait"]:
        return "portrait", 100
    scale = min(100, math.floor(PRINTABLE_PX["landscape"] / pixels * 100))
    return "landscape", scale


def split_columns(table: Table) -> list[Table]:
    """The table itself, or column groups that each print at MIN_SCALE or more."""
    widths = column_widths(table)
    if page_layout(table_pixels(widths))[1] >= MIN_SCALE:
        return [table]
    limit = PRINTABLE_PX["landscape"] * MIN_SCALE / 100
    columns = list(table.frame.columns)
    keys, rest = columns[:table.keys], columns[table.keys:]
    key_px = table_pixels(widths[:table.keys])
    groups, current, used = [], [], key_px
    for name, width in zip(rest, widths[table.keys:], strict=True):
        if current and used + column_pixels(width) > limit:
            groups.append(current)
            current, used = [], key_px
        current.append(name)
        used += column_pixels(width)
    groups.append(current)
    return [Table(table.frame[keys + group], table.kinds, table.title, table.total_label,
                  table.keys, table.notes, table.max_text) for group in groups]


# ---------------------------------------------------------------- rendering


class _Worksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's worksheet, whose first printed page has no header (the footer is the
    same on every page): the title stands in the first rows there, so the running header,
    which names the table on the pages that follow, would print it twice.  XlsxWriter writes
    one header for every page; this writes Excel's ``differentFirst``."""

    def _write_header_footer(self) -> None:
        if not self.header_footer_changed:
            return super()._write_header_footer()
        attributes = [("differentFirst", 1)]
        if not self.header_footer_scales:
            attributes.append(("scaleWithDoc", 0))
        if not self.header_footer_aligns:
            attributes.append(("alignWithMargins", 0))
        self._xml_start_tag("headerFooter", attributes)
        self._xml_data_element("oddHeader", self.header)
        self._xml_data_element("oddFooter", self.footer)
        self._xml_data_element("firstFooter", self.footer)
        self._xml_end_tag("headerFooter")
        return None

    def _write_optimized_sheet_data(self) -> None:
        """The rows kept in the row file, copied into the sheet as bytes (XlsxWriter decodes and
        re-encodes them 64 KB at a time)."""
        if self.dim_rowmin is None or not hasattr(self.fh, "buffer"):
            return super()._write_optimized_sheet_data()
        self._xml_start_tag("sheetData")
        self.fh.flush()
        self.row_data_fh.close()
        with open(self.row_data_filename, "rb") as rows:
            shutil.copyfileobj(rows, self.fh.buffer, 1 << 20)
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")
        return None


def _render(book, formats: _Formats, sheet: Sheet, head: TitleBlock, name: str) -> None:
    ws = book.add_worksheet(name, worksheet_class=_Worksheet)
    tables = [b for b in sheet.blocks if isinstance(b, Table)]
    widths = [0.0] * max((len(t.frame.columns) for t in tables), default=2)
    for t in tables:
        for k, w in enumerate(column_widths(t)):
            widths[k] = max(widths[k], w)
    if not tables or not widths:  # no table, or only tables without columns (nothing to show)
        widths = [60.0, 60.0]
    if sum(widths) < 60:  # room for the title block
        widths[-1] += 60 - sum(widths)
    orientation, _ = page_layout(table_pixels(widths))
    for k, w in enumerate(widths):
        ws.set_column(k, k, w)
    last = len(widths) - 1
    single = len(tables) == 1  # print titles only where they cannot fall over another table
    # several tables: a fixed scale (with room for a spreadsheet's wider digits) and page breaks
    # of our own; one table: fitted to the page width, its header repeated as print titles
    fixed = min(100, math.floor(PRINTABLE_PX[orientation] * 100 / (table_pixels(widths) * 1.05)))
    pager = None if single or fixed < MIN_SCALE else _Pager(
        PAGE_PT[orientation] * 100 / fixed * 0.97)  # a little slack for rows a reader's font sets

    # the title block
    row = 0
    title = f"{head.title}{sheet.title}"
    ws.set_row(row, TITLE_PT * 1.6)
    _merged(ws, row, 0, last, title, formats.title)
    row += 1
    head_pt = TITLE_PT * 1.6
    for line in head.lines:  # wrapped where the table is narrower than the line (portrait)
        n = text_lines(clean_text(line), _span(widths))
        if n > 1:
            ws.set_row(row, LINE_PT * n)
        _merged(ws, row, 0, last, line, formats.line_wrap if n > 1 else formats.line)
        head_pt += LINE_PT * n
        row += 1
    if head.unit_note and sheet.money:
        ws.write_string(row, last, clean_text(head.unit_note), formats.line_right)
        head_pt += LINE_PT
        row += 1
    row += 1
    if pager is not None:
        pager.add(head_pt + LINE_PT)

    for block in sheet.blocks:
        if isinstance(block, Paragraph):
            fmt = formats.paragraph_bold if block.bold else formats.paragraph
            height = min(LINE_PT * text_lines(block.text, _span(widths)), MAX_ROW_PT)
            if pager is not None:
                pager.place(row, height)
            ws.set_row(row, height)
            _merged(ws, row, 0, last, block.text, fmt)
            row += 1
            continue
        if pager is not None:  # a title, the header and a few rows stay together
            pager.place(row, LINE_PT * (2 + bool(block.title) + min(len(block.frame), 3)),
                        keep=True)
        if block.title:
            ws.write_string(row, 0, clean_text(block.title), formats.section)
            row += 1
            if pager is not None:
                pager.add(LINE_PT)
        header_row = row
        row = _write_table(ws, formats, block, row, widths, pager)
        if single:
            ws.repeat_rows(header_row)
            ws.freeze_panes(header_row + 1, 0)
        for note in block.notes:
            height = min(LINE_PT * text_lines(note, _span(widths)), MAX_ROW_PT)
            if pager is not None:
                pager.place(row, height)
            ws.set_row(row, height)
            _merged(ws, row, 0, last, note, formats.paragraph)
            row += 1
        row += 1
        if pager is not None:
            pager.add(LINE_PT)

    ws.set_paper(9)  # A4
    if orientation == "landscape":
        ws.set_landscape()
    else:
        ws.set_portrait()
    if pager is None:
        ws.fit_to_pages(1, 0)  # scale ≥ MIN_SCALE by construction (page_layout, split_columns)
    else:  # a fixed scale: spreadsheets ignore page breaks on a sheet fitted to its pages
        ws.set_print_scale(fixed)
        if pager.breaks:
            ws.set_h_pagebreaks(pager.breaks)
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.75, bottom=0.75)
    before, middle, after = head.page_words
    # header and footer at 10 pt, not scaled with the sheet; no header over the title block
    ws.set_header(f'&C&"{FONT},Regular"&10{_escape(title)}', {"scale_with_doc": False})
    ws.set_footer(f'&L&"{FONT},Regular"&10{_escape(head.footer_left)}'
                  f'&C&"{FONT},Regular"&10{_escape(before)}&P{_escape(middle)}&N{_escape(after)}',
                  {"scale_with_doc": False})


def _escape(text: str) -> str:
    """Text for a page header/footer, where ``&`` starts a code and ``"`` a font name."""
    return clean_text(text).replace("&", "&&").replace('"', "”")


@lru_cache(maxsize=8192)  # item and region names repeat on every row
def text_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped in ``width`` characters of column width: a CJK character
    is two units, anything else one (the body face, SimSun, is half-width for Latin and
    sets the unit of column width); CJK text breaks anywhere, Latin text at spaces (a word longer
    than a line is cut), and at each newline.  Greedy, as the spreadsheet wraps, so that a row
    gets the lines it needs and no more."""
    return _wrapped(text, width)[0]


@lru_cache(maxsize=8192)
def _wrapped(text: str, width: float) -> tuple[int, bool]:
    """:func:`text_lines`, and whether a paragraph's last line would hold nothing but closing
    marks (a lone ） or 。 under a name or a header, which Chinese type never leaves)."""
    room = max(width - WRAP_MARGIN, 2.0)
    total, lone_closing = 0, False
    for paragraph in str(text).split("\n"):
        lines, used, last = 1, 0.0, ""
        for token in _WRAP_TOKEN.findall(paragraph):
            size = display_width(token)
            if used + display_width(token.rstrip()) <= room:
                used += size
                last += token
                continue
            if used > 0:  # the token starts a new line
                lines, used = lines + 1, 0.0
            while display_width(token.rstrip()) > room:  # a word wider than the column
                cut, take = 0.0, 0
                while take < len(token) and cut + display_width(token[take]) <= room:
                    cut += display_width(token[take])
                    take += 1
                token = token[max(take, 1):]
                lines += 1
            used, last = display_width(token), token
        total += lines
        shown = last.strip()
        lone_closing = lone_closing or (lines > 1 and bool(shown)
                                        and all(c in _CLOSING_MARKS for c in shown))
    return max(total, 1), lone_closing


def width_without_lone_closing_marks(width: float, texts) -> float:
    """``width``, or up to three units more (a CJK character and a half), the least at which no
    text of a column wraps with only closing marks on its last line (the header
    差额（优化－现行） and item names such as 义务教育公用经费（小学） left a lone ） there)."""
    texts = [t for t in texts if t]
    for extra in (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0):
        if not any(_wrapped(t, width + extra)[1] for t in texts):
            return width + extra
    return width


def _span(widths) -> float:
    """Width in characters of a merged range over ``widths`` (each column's padding included)."""
    return sum(widths) + COLUMN_PADDING * (len(widths) - 1)


def _merged(ws, row, first, last, text, fmt) -> None:
    """``text`` over columns ``first``..``last`` of ``row``: its first cell and, where wider, a
    merged range without blank cells (:func:`xlsx_rows.merge_row`: the title lines and notes
    have no border or fill; the blanks were some 340 cells a national prefecture workbook)."""
    ws.write_string(row, first, clean_text(text), fmt)
    if last > first:
        xlsx_rows.merge_row(ws, row, first, last)


class _Pager:
    """Where the pages of a sheet with several tables break, so that a table running onto a new
    page gets its header again there (print titles would repeat one table's header over all).
    The sheet prints at a fixed scale, so ``room`` (points of rows a page holds) is exact given
    the row heights written."""

    def __init__(self, room: float):
        self.room = room
        self.used = 0.0
        self.breaks: list[int] = []

    def add(self, height: float) -> None:
        self.used += height

    def place(self, row: int, height: float, *, keep: bool = False) -> bool:
        """Account for ``height`` at ``row``, breaking the page above it when it does not fit
        (``keep``: only reserve it); True when a page was broken."""
        broke = self.used + height > self.room and self.used > 0
        if broke:
            self.breaks.append(row)
            self.used = 0.0
        if not keep:
            self.used += height
        return broke


def _write_table(ws, formats: _Formats, table: Table, row: int, widths,
                 pager: _Pager | None = None) -> int:
    """The table's header, rows and totals from ``row`` on; returns the next free row.  The cells
    are rendered a column at a time (:mod:`fiscalshare.report.xlsx_rows`) and appended in one
    block: the same XML as XlsxWriter's own cell writers, without their cost per cell."""
    frame = table.frame
    columns = list(frame.columns)
    kinds = [table.kind(c) for c in columns]
    letters = xlsx_rows.letters_of(len(columns))
    names = [clean_text(c) for c in columns]
    header_pt = LINE_PT * max((text_lines(n, widths[k]) for k, n in enumerate(names)), default=1)
    xlsx_rows.start_rows(ws, row)
    header_style = formats.header._get_xf_index()
    header_cells = [[xlsx_rows.text_cell(n, header_style)] for n in names]

    def header(at: int) -> str:
        return "".join(xlsx_rows.rows_xml(at, None, letters, header_cells, [header_pt]))

    xml = [header(row)]
    first = row
    if pager is not None:
        pager.add(header_pt)
    row += 1
    text_style = formats.cell["text", False]._get_xf_index
    quoted_style = formats.cell["quoted", False]._get_xf_index
    bodies, lines = [], np.ones(len(frame), dtype=int)
    share = xlsx_rows.sharer(ws)
    for k, (name, kind) in enumerate(zip(columns, kinds, strict=True)):
        style = formats.cell[kind, False]._get_xf_index  # asked for only when a cell uses it
        if kind not in TEXTS:
            numbers = table.numbers(name)  # the frame's column only for its words
            words = numbers if np.isfinite(numbers).all() else frame[name]
            bodies.append(xlsx_rows.number_column(words, style, text_style, clean_text,
                                                  numbers=numbers))
            continue
        distinct, codes = table.text_codes(name)
        bodies.append(xlsx_rows.column_from_codes(
            distinct, codes, clean_text, lambda text, style=style: quoted_style()
            if text is not None and text.startswith(_DANGEROUS_START) else style(), share))
        # wrapped rows get their height (LibreOffice does not fit rows on opening; Excel not always)
        room, width = widths[k] - WRAP_MARGIN, widths[k]
        wraps = [text_lines(clean_text(v), width) if isinstance(v, str) and len(v) * 2 > room
                 else 1 for v in distinct]  # a text that may not fit on one line
        if max(wraps, default=1) > 1:
            lines = np.maximum(lines, np.asarray(wraps)[codes])
    heights = [min(LINE_PT * n, MAX_ROW_PT) if n > 1 else None for n in lines.tolist()]
    if pager is None:
        xml.append(xlsx_rows.rows_block(row, letters, bodies, heights))
        row += len(frame)
    else:  # a table running over a page break gets its header again on the new page
        numbers, headers = [], []
        for height in heights:
            if pager.place(row, height or LINE_PT):
                headers.append(row)
                pager.add(header_pt)
                row += 1
            numbers.append(row)
            row += 1
        body = xlsx_rows.rows_xml(0, numbers, letters, bodies, heights)
        repeats = iter(headers)
        at = next(repeats, None)
        for number, element in zip(numbers, body, strict=True):
            if at is not None and at == number - 1:
                xml.append(header(at))
                at = next(repeats, None)
            xml.append(element)
    if table.total_label is not None and len(frame):
        if pager is not None and pager.place(row, LINE_PT):
            xml.append(header(row))
            pager.add(header_pt)
            row += 1
        totals = [[xlsx_rows.text_cell(clean_text(table.total_label),
                                  formats.cell["text", True]._get_xf_index())]]
        for k, kind in enumerate(kinds[1:], start=1):
            style = formats.cell[kind, True]._get_xf_index()
            if kind == "money":
                cents = np.nansum(np.rint(table.numbers(columns[k]) * 100))
                totals.append([xlsx_rows.number_cell(float(cents) / 100, style)])
            else:
                totals.append([xlsx_rows.blank_cell(style)])
        xml += xlsx_rows.rows_xml(row, None, letters, totals, None)
        row += 1
    xlsx_rows.append_rows(ws, first, row - 1, len(columns), xml)
    return row
