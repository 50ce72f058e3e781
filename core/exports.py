"""CSV and XLSX downloads of the funding tables, the history and the review's figures.

A CSV is written for the spreadsheet of the person's language: in Danish with ``;``
between the cells and a decimal comma (what a Danish Excel opens in columns), in English
with ``,`` and a decimal point; both UTF-8 with a byte-order mark. An XLSX is the same in
any language: numbers and dates are real cells with number formats, the columns as wide
as their contents.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
neutralised with a leading apostrophe, so a spreadsheet shows it as text instead of
running it as a formula. Numbers are written as numbers (a refund's minus sign is a
number's sign, not a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils import translation

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (Decimal, int, float, date)):
        return value
    return neutralise(str(value))


# The CSV dialect each language's spreadsheet reads: the cell separator and decimal sign.
CSV_DIALECTS = {"da": (";", ","), "en": (",", ".")}


def csv_dialect(language: str | None = None) -> tuple[str, str]:
    """The cell separator and decimal sign for ``language`` (the active one by default)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    return CSV_DIALECTS.get(language, CSV_DIALECTS["en"])


def _csv_cell(value: Any, decimal_sign: str) -> Any:
    value = _plain(value)
    if isinstance(value, (Decimal, float)) and decimal_sign != ".":
        # Written in full, no grouping: a spreadsheet reads it as the number it is.
        return format(Decimal(str(value)), "f").replace(".", decimal_sign)
    return value


@dataclass
class Table:
    name: str  # the file's name, without extension
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def to_csv(table: Table, language: str | None = None) -> bytes:
    """The table as CSV for the spreadsheet of ``language`` (the active one by default)."""
    delimiter, decimal_sign = csv_dialect(language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(v, decimal_sign) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


# Number formats of the XLSX cells (Excel shows them in the reader's own locale).
XLSX_FORMATS = {
    "amount": "#,##0.00",
    "whole": "#,##0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
COLUMN_WIDTH_MIN, COLUMN_WIDTH_MAX = 8, 60


def _xlsx_cell(value: Any) -> tuple[Any, str | None, int]:
    """The cell's value, its number format and how many characters wide it shows."""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, microsecond=0), XLSX_FORMATS["datetime"], 16
    if isinstance(value, date):
        return value, XLSX_FORMATS["date"], 10
    if isinstance(value, bool):
        return value, None, 5
    if isinstance(value, (Decimal, float)):
        shown = f"{value:,.2f}"
        return value, XLSX_FORMATS["amount"], len(shown)
    if isinstance(value, int):
        # Years and counts read best without grouping; only large figures get it.
        grouped = abs(value) >= 10_000
        return value, XLSX_FORMATS["whole"] if grouped else None, len(f"{value:,}")
    plain = _plain(value)
    longest = max((len(line) for line in str(plain).splitlines()), default=0)
    return plain, None, longest


def to_xlsx(table: Table) -> bytes:
    """The table as one sheet: a bold header row kept in view, numbers and dates as real
    cells with their formats, each column as wide as its widest cell (within limits)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    headers = [neutralise(str(h)) for h in table.headers]
    widths = [len(h) for h in headers]
    rows = []
    for row in table.rows:
        cells = []
        for index, value in enumerate(row):
            content, number_format, width = _xlsx_cell(value)
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], width)
            cells.append((content, number_format))
        rows.append(cells)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, COLUMN_WIDTH_MIN), COLUMN_WIDTH_MAX
        )
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for cells in rows:
        written = []
        for content, number_format in cells:
            cell = WriteOnlyCell(sheet, value=content)
            if number_format:
                cell.number_format = number_format
            written.append(cell)
        sheet.append(written)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
