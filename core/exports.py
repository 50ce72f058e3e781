"""CSV and XLSX downloads of the funding tables.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
neutralised with a leading apostrophe, so a spreadsheet shows it as text instead of
running it as a formula. Numbers are written as numbers (a refund's minus sign is a
number's sign, not a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

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


@dataclass
class Table:
    name: str  # the file's name, without extension
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_plain(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def to_xlsx(table: Table) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    sheet.append([neutralise(h) for h in table.headers])
    for row in table.rows:
        sheet.append([_plain(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
