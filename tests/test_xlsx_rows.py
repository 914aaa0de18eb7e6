"""Rows rendered by :mod:`fiscalshare.report.xlsx_rows` are the XML XlsxWriter's own cell writers
write, byte for byte, with rows written through XlsxWriter before and after the block; numbers
are compared as numbers (ours are the shortest text that reads back as the same double), and
long bodies put together by Arrow are the same as short ones put together in Python."""

from __future__ import annotations

import math
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from fiscalshare.report import xlsx_rows

TEXTS = ["plain", "  leading", "trailing ", "a & b < c > d", "_x0041_ literal", "line\nbreak",
         "tab\there", "carriage\rreturn", "bell\x07", "中文 名称", "non\ufffechar", "=SUM(A1)"]
NUMBERS = [0.0, -0.5, 1e20, 123456789.123, 0.1 + 0.2, 1 / 3, 42.0, -1e-7, 5e-324, 12.5,
           1e15 + 0.3, 7.0]
MIXED = ["word", 3, np.int64(7), True, None, float("nan"), 2.5, np.float32(0.25), "x", None,
         float("inf"), "y"]
NUMBERS_WITH_WORDS = [1.5, "不设上限", float("nan"), 2.0, "  spaced ", float("inf"), 3.25, 4.0,
                      None, 5.0, 6.0, 7.0]
HEIGHTS = [None, 30.0, 15.0, None, 45.0, 409.0, None, 16.0, None, None, 20.25, None]


def _text_column(values, clean, styles, share=None):
    """A text column's cells as the workbook writer renders them (xlsx._write_table)."""
    series = pd.Series(list(values), dtype=object) if not isinstance(values, pd.Series) else values
    return xlsx_rows.column_from_codes(*xlsx_rows.distinct_and_codes(series), clean, styles,
                                       share)


def _books(tmp_path):
    paths = tmp_path / "reference.xlsx", tmp_path / "rendered.xlsx"
    books = [xlsxwriter.Workbook(str(p), {"constant_memory": True}) for p in paths]
    return paths, books


def _formats(book):
    formats = [book.add_format({"bold": True}), book.add_format({"num_format": "#,##0.00"}),
               book.add_format({"text_wrap": True}), book.add_format({"italic": True})]
    for f in formats:  # numbered up front in both books, so that styles.xml is the same
        f._get_xf_index()
    return formats


def _sheet_xml(path) -> tuple[str, bytes]:
    """The sheet, each number's text as XlsxWriter writes it (16 significant digits), and the
    styles."""
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        return (re.sub(r"<v>([^<]*)</v>", lambda m: f"<v>{float(m.group(1)):.16G}</v>", sheet),
                z.read("xl/styles.xml"))


def test_rendered_rows_are_the_xml_xlsxwriter_writes(tmp_path):
    paths, (reference, rendered) = _books(tmp_path)
    first, columns = 3, [TEXTS, NUMBERS, MIXED, NUMBERS_WITH_WORDS]
    # the reference: XlsxWriter's own writers, cell by cell
    ws = reference.add_worksheet()
    bold, money, wrap, words = _formats(reference)
    ws.write_string(1, 0, "title", bold)
    for r in range(len(TEXTS)):
        if HEIGHTS[r] is not None:
            ws.set_row(first + r, HEIGHTS[r])
        ws.write_string(first + r, 0, TEXTS[r], wrap)
        ws.write_number(first + r, 1, NUMBERS[r], money)
        value = MIXED[r]
        if isinstance(value, str):
            ws.write_string(first + r, 2, value, wrap)
        elif value is None or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_blank(first + r, 2, None, wrap)
        else:
            ws.write_number(first + r, 2, int(value) if isinstance(value, bool) else value, wrap)
        value = NUMBERS_WITH_WORDS[r]
        if isinstance(value, str):
            ws.write_string(first + r, 3, value, words)
        elif value is None or not math.isfinite(value):
            ws.write_blank(first + r, 3, None, money)
        else:
            ws.write_number(first + r, 3, value, money)
    last = first + len(TEXTS) - 1
    ws.write_string(last + 1, 0, "after", bold)
    reference.close()
    # the same rows rendered a column at a time
    ws = rendered.add_worksheet()
    bold, money, wrap, words = _formats(rendered)
    ws.write_string(1, 0, "title", bold)
    xlsx_rows.start_rows(ws, first)
    bodies = [_text_column(TEXTS, str, lambda _: wrap._get_xf_index()),
              xlsx_rows.number_column(pd.Series(NUMBERS), money._get_xf_index,
                                      words._get_xf_index, str),
              _text_column(MIXED, str, lambda _: wrap._get_xf_index()),
              xlsx_rows.number_column(pd.Series(NUMBERS_WITH_WORDS, dtype=object),
                                      money._get_xf_index, words._get_xf_index, str)]
    xml = xlsx_rows.rows_xml(first, None, xlsx_rows.letters_of(len(columns)), bodies, HEIGHTS)
    xlsx_rows.append_rows(ws, first, last, len(columns), xml)
    ws.write_string(last + 1, 0, "after", bold)
    rendered.close()
    assert _sheet_xml(paths[1]) == _sheet_xml(paths[0])


def test_rows_at_chosen_numbers_leave_gaps_where_asked(tmp_path):
    """The pager's rows (a header repeated over a page break) come at given row numbers."""
    path = tmp_path / "gaps.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet()
    xlsx_rows.start_rows(ws, 0)
    xml = xlsx_rows.rows_xml(0, [0, 2, 3], ["A"], [["x", "y", "z"]], None)
    assert [row.split('"')[1] for row in xml] == ["1", "3", "4"]
    assert xml[1].startswith('<row r="3"><c r="A3"y')
    book.close()


def test_a_block_cannot_overwrite_rows_already_written(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = book.add_worksheet()
    ws.write_string(5, 0, "held")
    with pytest.raises(ValueError, match="already written or held"):
        xlsx_rows.start_rows(ws, 5)
    with pytest.raises(ValueError, match="already written or held"):
        xlsx_rows.start_rows(ws, 2)
    xlsx_rows.start_rows(ws, 6)
    ws.write_string(6, 0, "a row written since")
    with pytest.raises(ValueError, match="not started"):
        xlsx_rows.append_rows(ws, 6, 6, 1, ["<row/>"])
    book.close()
    plain = xlsxwriter.Workbook(str(tmp_path / "y.xlsx"))
    with pytest.raises(ValueError, match="constant_memory"):
        xlsx_rows.start_rows(plain.add_worksheet(), 0)
    plain.close()


def test_a_table_without_columns_leaves_the_sheet_as_xlsxwriter_would(tmp_path):
    """Found by the fuzz target (a sheet whose table has no columns): XlsxWriter's own
    constant-memory writer drops rows that hold only a height there, and so does the block."""
    paths, (reference, rendered) = _books(tmp_path)
    ws = reference.add_worksheet()
    ws.write_string(0, 0, "title")
    ws.set_row(2, 30.0)
    ws.set_row(3, 15.0)
    ws.write_string(5, 0, "after")
    reference.close()
    ws = rendered.add_worksheet()
    ws.write_string(0, 0, "title")
    xlsx_rows.start_rows(ws, 1)
    xml = xlsx_rows.rows_xml(1, None, [], [], [None, 30.0, 15.0, None])
    assert xml == ['<row r="3" ht="30" customHeight="1"/>']
    xlsx_rows.append_rows(ws, 1, 4, 0, xml)
    ws.write_string(5, 0, "after")
    rendered.close()
    assert _sheet_xml(paths[1]) == _sheet_xml(paths[0])


def test_numbers_are_the_shortest_text_of_the_same_double():
    values = [0.1 + 0.2, 1e20, 5e-324, 12345.0, -0.0, 21274.18, 1 / 3, 2024.0]
    texts = xlsx_rows.number_texts(values)
    assert [float(t) for t in texts] == values  # read back exactly
    assert texts[:4] == ["0.30000000000000004", "1e+20", "5e-324", "12345"]
    assert xlsx_rows.number_cell(2.5, 3) == ' s="3"><v>2.5</v></c>'


def test_short_and_long_lists_of_numbers_read_back_as_the_same_doubles():
    """A short list is formatted by Python, a long one by Arrow: the texts may differ
    (``1.2e-07`` and ``1.2e-7``) but never the double they read back as, and a whole number
    is written without a point either way."""
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(size=40) * 10.0 ** rng.integers(-12, 22, 40),
                             np.round(rng.normal(size=40) * 1e6, 2), [3.0, -0.0, 1e16, 2024.0]])
    long = xlsx_rows.number_texts(values)
    short = [t for k in range(0, len(values), 8) for t in xlsx_rows.number_texts(values[k:k + 8])]
    assert len(values) > xlsx_rows.ARROW_ROWS >= 8
    assert [float(t) for t in short] == [float(t) for t in long] == values.tolist()
    assert short[-4:] == long[-4:] == ["3", "-0", "1e+16", "2024"]


def test_a_long_body_put_together_by_arrow_is_the_one_python_puts_together(monkeypatch):
    n = 3 * xlsx_rows.ARROW_ROWS
    rng = np.random.default_rng(7)
    texts = [TEXTS[k] for k in rng.integers(0, len(TEXTS), n)]
    mixed = [MIXED[k] for k in rng.integers(0, len(MIXED), n)]
    numbers = pd.Series(np.round(rng.normal(0, 1e5, n), 2))
    heights = [HEIGHTS[k] for k in rng.integers(0, len(HEIGHTS), n)]
    letters = xlsx_rows.letters_of(3)
    rows = sorted(rng.choice(10 * n, n, replace=False).tolist())  # chosen numbers, with gaps

    def render():
        bodies = [_text_column(texts, str, lambda _: 4),
                  xlsx_rows.number_column(numbers, lambda: 5, lambda: 6, str),
                  _text_column(mixed, str, lambda _: 7)]
        return (xlsx_rows.rows_xml(2, None, letters, bodies, heights),
                xlsx_rows.rows_xml(0, rows, letters, bodies, None))

    def block():
        bodies = [_text_column(texts, str, lambda _: 4),
                  xlsx_rows.number_column(numbers, lambda: 5, lambda: 6, str),
                  _text_column(mixed, str, lambda _: 7)]
        return xlsx_rows.rows_block(2, letters, bodies, heights)

    long, long_block = render(), block()
    assert isinstance(long_block, bytes)  # put together by Arrow, written as bytes
    monkeypatch.setattr(xlsx_rows, "ARROW_ROWS", n + 1)  # the same body, in Python
    assert render() == long
    assert block() == long_block.decode() == "".join(long[0])
    assert long[1][0].startswith(f'<row r="{rows[0] + 1}"><c r="A{rows[0] + 1}"')


def test_rows_given_as_bytes_land_in_the_sheet_in_order(tmp_path):
    """A block of bytes between text rows, and a row XlsxWriter writes after them."""
    sheets = []
    for kind in (str, bytes):
        path = tmp_path / f"{kind.__name__}.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        ws = book.add_worksheet()
        ws.write_string(0, 0, "title")
        xlsx_rows.start_rows(ws, 1)
        middle = '<row r="3"><c r="A3" s="0" t="inlineStr"><is><t>中文</t></is></c></row>'
        xml = ['<row r="2"><c r="A2"><v>1</v></c></row>',
               middle if kind is str else middle.encode(), '<row r="4"><c r="A4"><v>2</v></c></row>']
        xlsx_rows.append_rows(ws, 1, 3, 1, xml)
        ws.write_string(4, 0, "after")
        book.close()
        sheets.append(_sheet_xml(path))
    assert sheets[0] == sheets[1]
    assert "<t>中文</t>" in sheets[1][0] and sheets[1][0].index("中文") < sheets[1][0].index("after")


def test_scratch_files_go_to_memory_only_where_it_has_room(monkeypatch):
    import os
    from types import SimpleNamespace

    from fiscalshare.report import xlsx

    def free(pages):
        monkeypatch.setattr(os, "statvfs", lambda path: SimpleNamespace(f_bavail=pages,
                                                                         f_frsize=4096))
        xlsx.scratch_dir.cache_clear()
        return xlsx.scratch_dir()

    monkeypatch.setattr(os, "access", lambda path, mode: True)
    try:
        assert free(16_000) is None  # a container's 64 MB /dev/shm: the usual temp folder
        assert free(10**7) == "/dev/shm"
    finally:
        xlsx.scratch_dir.cache_clear()


def test_shared_strings_read_back_as_the_texts_written_in_cells(tmp_path):
    from openpyxl import load_workbook

    texts = pd.Series(TEXTS * 20 + ["<r>rich?</r>", None] * 3, dtype=object)  # long: Arrow
    short = TEXTS[:5] + [None, TEXTS[0]]  # short: Python
    values = []
    for shared in (False, True):
        path = tmp_path / f"{shared}.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        ws = book.add_worksheet()
        share = xlsx_rows.sharer(ws) if shared else None
        xlsx_rows.start_rows(ws, 0)
        bodies = [_text_column(texts, str, lambda _: 0, share),
                  _text_column(short + [None] * (len(texts) - len(short)), str,
                                        lambda _: 0, share)]
        xml = [xlsx_rows.rows_block(0, ["A", "B"], bodies, None)]
        xlsx_rows.append_rows(ws, 0, len(texts) - 1, 2, xml)
        book.close()
        sheet = load_workbook(path).active
        values.append([[c.value for c in row] for row in sheet.iter_rows()])
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
            if shared:
                sst = z.read("xl/sharedStrings.xml").decode()
    # openpyxl leaves Excel's escape of a literal _xHHHH_ in an inline string (Excel removes it)
    inline = [[v.replace("_x005F_", "_") if isinstance(v, str) else v for v in row]
              for row in values[0]]
    assert inline == values[1]
    assert "xl/sharedStrings.xml" in names
    references = sheet_xml.count('t="s"')
    assert f'count="{references}"' in sst and 't="inlineStr"><is><t>&lt;r&gt;rich?' in sheet_xml
