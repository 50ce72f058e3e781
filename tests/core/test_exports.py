"""The one writer of CSV and XLSX downloads (core.exports): a CSV a spreadsheet of the
person's language opens in columns, an XLSX of real numbers and dates in any language."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from core import exports

TABLE = exports.Table(
    "payments",
    ["Budget line", "Value date", "Recorded", "Amount (DKK)", "Year"],
    [
        (
            "Core contribution 2019",
            dt.date(2019, 5, 15),
            dt.datetime(2019, 5, 15, 12, 30, tzinfo=dt.UTC),
            Decimal("25000000.50"),
            2019,
        ),
        ("Refund", dt.date(2019, 6, 1), None, Decimal("-1500"), 2019),
    ],
)


def read_csv(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_a_danish_csv_uses_semicolons_and_a_decimal_comma():
    with translation.override("da"):
        content = exports.to_csv(TABLE)
    rows = read_csv(content, ";")
    assert b";" in content.splitlines()[0]
    assert rows[1] == [
        "Core contribution 2019",
        "2019-05-15",
        "2019-05-15 14:30",
        "25000000,50",
        "2019",
    ]
    assert rows[2][3] == "-1500"


def test_an_english_csv_uses_commas_and_a_decimal_point():
    with translation.override("en-gb"):
        rows = read_csv(exports.to_csv(TABLE), ",")
    assert rows[1][3] == "25000000.50"
    assert len(rows[0]) == 5


@pytest.mark.parametrize("language", ["da", "en-gb"])
def test_an_xlsx_holds_real_numbers_and_dates_with_formats_and_widths(language):
    with translation.override(language):
        content = exports.to_xlsx(TABLE)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header, first, refund = list(sheet.iter_rows(max_row=3))
    assert header[0].font.bold
    assert first[1].value == dt.datetime(2019, 5, 15)
    assert first[1].is_date
    assert first[1].number_format == "yyyy-mm-dd"
    assert first[2].value == dt.datetime(2019, 5, 15, 14, 30)  # Copenhagen time
    assert first[2].number_format == "yyyy-mm-dd hh:mm"
    assert first[3].data_type == "n"
    assert first[3].value == 25000000.5
    assert first[3].number_format == "#,##0.00"
    assert refund[3].value == -1500
    assert first[4].value == 2019
    assert first[4].number_format == "General"  # a year is not grouped
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDE"}
    assert widths["A"] >= len("Core contribution 2019")
    assert widths["D"] >= len("25,000,000.50")
    assert all(8 <= width <= 60 for width in widths.values())
    assert sheet.freeze_panes == "A2"


def test_the_same_xlsx_is_written_in_either_language():
    def cells(language: str) -> list[tuple]:
        with translation.override(language):
            book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(TABLE)))
        return [tuple(c.value for c in row) for row in book.active.iter_rows()]

    assert cells("da") == cells("en-gb")
