"""The blank input workbook (``fiscalshare template``), derived from the sheet declarations.

Row 1 holds the English keys the reader needs, row 2 the Chinese labels (the reader skips it),
then empty rows with number formats and drop-down lists for the coded columns.  A 说明 sheet
explains every sheet and column, in the words of the declarations.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from fiscalshare.io.schema import META_KEYS, SHEETS, Column

ROWS = 500  # rows prepared with formats and drop-downs
_FORMATS = {"number": "#,##0.00", "share": "0.00", "int": "0", "year": "0", "flag": "0"}
_KEY_FILL = PatternFill("solid", fgColor="DDEBF7")
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")


def _validation(column: Column) -> DataValidation | None:
    if column.kind == "choice":
        choices = [c for c in column.choices if c]
        return DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                              allow_blank=not column.required)
    if column.kind == "flag":
        return DataValidation(type="list", formula1='"0,1"', allow_blank=True)
    if column.key == "tier":
        return DataValidation(type="whole", operator="between", formula1="1",
                              formula2=str(int(column.maximum)), allow_blank=False,
                              error=f"tier: {column.expected()}", showErrorMessage=True)
    if column.kind == "share":
        return DataValidation(type="decimal", operator="between", formula1="0", formula2="1",
                              allow_blank=not column.required, showErrorMessage=True,
                              error=f"{column.key}: a number in [0, 1]")
    return None


def write_template(path: Path) -> Path:
    """The blank workbook at ``path``."""
    book = template_workbook()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return Path(path)


def template_workbook() -> Workbook:
    """The template in memory: keys, labels, formats, drop-downs and the 说明 sheet (also
    the frame of a filled-in case, ``io.writer.write_case(..., labelled=True)``)."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "fiscalshare"
    _instructions(book.create_sheet("说明"))
    for sheet in SHEETS.values():
        ws = book.create_sheet(sheet.name)
        for k, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(k)
            key = ws.cell(row=1, column=k, value=column.key)
            key.font = Font(bold=True)
            key.fill = _KEY_FILL
            label = ws.cell(row=2, column=k, value=column.label)
            label.fill = _LABEL_FILL
            label.alignment = Alignment(horizontal="center")
            ws.column_dimensions[letter].width = max(12, 2 * len(column.label) + 2,
                                                     len(column.key) + 2)
            fmt = _FORMATS.get(column.kind)
            if fmt and sheet.name != "meta":
                for row in range(3, ROWS + 3):
                    ws.cell(row=row, column=k).number_format = fmt
            check = _validation(column)
            if check is not None and sheet.name != "meta":
                check.add(f"{letter}3:{letter}{ROWS + 2}")
                ws.add_data_validation(check)
        ws.freeze_panes = "A3"
        if sheet.name == "meta":
            for row, column in enumerate(META_KEYS, start=3):
                ws.cell(row=row, column=1, value=column.key)
                if not column.required:  # the value cell says it may stay blank
                    ws.cell(row=row, column=2).comment = Comment(
                        f"选填：{column.label}，留空即不提供。\nOptional: {column.meaning}.",
                        "fiscalshare", width=260, height=90)
            ws.cell(row=3 + META_KEYS.index(META_KEYS[2]), column=2).number_format = "0"
    return book


def _instructions(ws) -> None:
    rows = [("fiscalshare 输入模板 / input template", ""),
            ("第1行为英文列名（请勿修改），第2行为中文说明（读取时跳过）；从第3行起填写数据。",
             "Row 1: the English keys (keep them); row 2: Chinese labels (skipped); data from "
             "row 3."),
            ("金额单位：元。代码按文本填写（保留前导零）。", "Money in yuan. Codes are text."),
            ("", "")]
    for sheet in SHEETS.values():
        need = "必填" if sheet.required else "选填"
        rows.append((f"{sheet.name}（{sheet.label}，{need}）", sheet.meaning))
        for column in sheet.columns:
            rows.append((f"  {column.key}（{column.label}，{_need(column)}）", _meaning(column)))
        if sheet.name == "meta":
            for column in META_KEYS:
                rows.append((f"    key = {column.key}（{column.label}，{_need(column)}）",
                             _meaning(column)))
    for row in rows:
        ws.append(list(row))
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 100
    for (text,) in ws.iter_rows(min_col=2, max_col=2):
        text.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=12)


def _need(column: Column) -> str:
    return "必填" if column.required else "选填"


def _meaning(column: Column) -> str:
    """One column's line of the 说明, every word from its declaration."""
    text = f"{column.meaning}; expected {column.expected()}"
    if column.required:
        return text
    if column.default in (None, ""):
        return f"{text} (optional: may be left blank)"
    return f"{text} (optional: blank = {column.default})"
