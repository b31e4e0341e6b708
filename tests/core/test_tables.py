"""The one table writer (nec.core.tables), read back as a spreadsheet would: CSV with csv, XLSX with openpyxl."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from nec.core import tables

COLUMNS = ["Titre", "Durée", "Note"]
ROWS = [['=HYPERLINK("x")', 75, None], ["Atelier\x07 fresque", -3, 4.5], ["@SUM", 0, "+33 6"]]


def test_csv_has_a_bom_semicolons_and_neutralised_formulas():
    data = tables.write(COLUMNS, ROWS, "csv", "ignored")
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [
        COLUMNS,
        ['\'=HYPERLINK("x")', "75", ""],
        ["Atelier fresque", "-3", "4.5"],
        ["'@SUM", "0", "'+33 6"],
    ]


def test_xlsx_has_the_sheet_the_header_frozen_and_the_values():
    data = tables.write(COLUMNS, ROWS, "xlsx", "propositions-de-l-evenement-nec-sud-charente")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    [sheet] = workbook.worksheets
    assert sheet.title == "propositions-de-l-evenement-nec"  # 31 characters at most
    assert sheet.freeze_panes == "A2"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values == [
        COLUMNS,
        ['\'=HYPERLINK("x")', 75, None],
        ["Atelier fresque", -3, 4.5],
        ["'@SUM", 0, "'+33 6"],
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("-x", "'-x"), ("\tA", "'\tA"), ("Atelier", "Atelier"), (5, 5), (-3, -3), (None, None)],
)
def test_neutralise_only_touches_texts_that_start_like_a_formula(value, expected):
    assert tables.neutralise(value) == expected


def test_formats_are_csv_and_xlsx():
    assert tables.FORMATS == ("csv", "xlsx")
