"""Writing a table (a header and rows) as CSV or XLSX: the one writer of every export and example file.

Cells a spreadsheet would run as formulas are neutralised, and control characters removed, so that a
title typed by anybody opens as text in Excel or LibreOffice.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

from nec.core.text import without_control

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text a spreadsheet would run as a formula gets an apostrophe in front (CSV formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> object:
    """A cell a spreadsheet opens as text, never as a formula, without the control characters openpyxl
    refuses (IllegalCharacterError) and CSV readers stumble on."""
    return neutralise(without_control(value) if isinstance(value, str) else value)


def _frame(columns: list[str], rows: Iterable[list[object]]) -> pd.DataFrame:
    safe = [[_cell(value) for value in row] for row in rows]
    return pd.DataFrame(safe, columns=[_cell(c) for c in columns], dtype=object)


def to_csv(columns: list[str], rows: Iterable[list[object]]) -> bytes:
    """UTF-8 with a BOM and semicolons: what Excel in French opens without asking anything."""
    text = _frame(columns, rows).to_csv(sep=";", index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def to_xlsx(columns: list[str], rows: Iterable[list[object]], sheet: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _frame(columns, rows).to_excel(writer, index=False, sheet_name=sheet[:31])
        worksheet = writer.sheets[sheet[:31]]
        for cells in worksheet.iter_cols(min_row=1, max_row=1):
            header = cells[0]
            worksheet.column_dimensions[header.column_letter].width = min(max(len(str(header.value)) + 2, 12), 60)
        worksheet.freeze_panes = "A2"
    return buffer.getvalue()


def write(columns: list[str], rows: list[list[object]], fmt: str, sheet: str) -> bytes:
    """The table in `fmt` (one of FORMATS); `sheet` names the XLSX sheet (cut to 31 characters)."""
    return to_csv(columns, rows) if fmt == "csv" else to_xlsx(columns, rows, sheet)
