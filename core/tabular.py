"""Reading an uploaded table, CSV or XLSX, within limits a web worker can afford.

Every import reads its file through :func:`read_table` (or :func:`read_csv`), so that no
file, however made, costs more than its limits: the bytes are counted before anything is
parsed; an XLSX package's uncompressed size is read from its directory before a part is
opened (Python's ``zipfile`` never inflates an entry past the size the directory
declares); rows are read one at a time and reading stops at the row limit; a row is
never wider than the column limit; a value longer than the value limit is refused
where it stands. A file refused raises :class:`TableRefusedError`, a ``ValidationError`` at
``file`` whose message says what to change, and whose ``row`` (when there is one) says
where. A list of problems is shown to people through :func:`listed`, capped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# How many problems a refusal lists; the rest are counted ("… and 950 more").
MAX_LISTED = 50

XLSX_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int  # the header included
    max_columns: int = 100
    max_value_chars: int = 2_000
    # What an XLSX package may hold once inflated: its sheet, shared strings and styles.
    max_uncompressed_bytes: int = 50 * 1024 * 1024


class TableRefusedError(ValidationError):
    """The file cannot be read as a table within its limits. ``row`` is the row (1 is the
    header) where reading stopped, or None for the file as a whole."""

    def __init__(self, reason: str, *, row: int | None = None) -> None:
        self.reason = reason
        self.row = row
        message = (
            _("Row %(row)s: %(reason)s") % {"row": row, "reason": reason}
            if row is not None
            else reason
        )
        super().__init__({"file": [message]})


def listed(messages: list[str], limit: int = MAX_LISTED) -> list[str]:
    """The first ``limit`` messages, then one saying how many more there are."""
    if len(messages) <= limit:
        return messages
    return [*messages[:limit], f"… and {len(messages) - limit:,} more."]


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def size_problem(size: int, limits: Limits) -> str | None:
    """What is wrong with a file of ``size`` bytes, for a form to say before reading it."""
    if size > limits.max_bytes:
        return _("The file is %(size)s; the limit is %(limit)s.") % {
            "size": _megabytes(size),
            "limit": _megabytes(limits.max_bytes),
        }
    return None


def check_size(size: int, limits: Limits) -> None:
    if problem := size_problem(size, limits):
        raise TableRefusedError(problem)


def read_table(content: bytes, limits: Limits) -> list[list[str]]:
    """The rows of a CSV or XLSX file (told apart by their content, not by a name), each a
    list of stripped texts, the header first."""
    check_size(len(content), limits)
    if content.startswith(XLSX_SIGNATURE):
        return list(_checked(_xlsx_rows(content, limits), limits))
    return list(_checked(_csv_rows(content), limits))


def read_csv(content: bytes, limits: Limits) -> list[list[str]]:
    """The rows of a CSV file, as :func:`read_table` reads them."""
    check_size(len(content), limits)
    return list(_checked(_csv_rows(content), limits))


def _checked(rows: Iterator[list[Any]], limits: Limits) -> Iterator[list[str]]:
    for number, cells in enumerate(rows, start=1):
        if number > limits.max_rows:
            raise TableRefusedError(
                _(
                    "The file has more than %(rows)s rows; split it, or import only the rows "
                    "that are new."
                )
                % {"rows": number_format(limits.max_rows, force_grouping=True)}
            )
        if len(cells) > limits.max_columns:
            raise TableRefusedError(
                _("The row has more than %(columns)s columns.") % {"columns": limits.max_columns},
                row=number,
            )
        texts = [_text(value) for value in cells]
        for column, text in enumerate(texts, start=1):
            if len(text) > limits.max_value_chars:
                raise TableRefusedError(
                    _(
                        "the value in column %(column)s is %(length)s characters long; a value "
                        "may have at most %(limit)s."
                    )
                    % {
                        "column": column,
                        "length": number_format(len(text), force_grouping=True),
                        "limit": number_format(limits.max_value_chars, force_grouping=True),
                    },
                    row=number,
                )
        yield texts


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableRefusedError(
            _("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # A field past the csv module's own limit (128 KB), a NUL byte, a stray quote:
            # the row after the last one read is where it stands.
            raise TableRefusedError(
                _("this row cannot be read as CSV (%(error)s).") % {"error": exc}, row=number + 1
            ) from exc
        number += 1
        yield row


def _xlsx_rows(content: bytes, limits: Limits) -> Iterator[tuple[Any, ...]]:
    unreadable = _("This is not a readable XLSX file.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            inflated = sum(entry.file_size for entry in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableRefusedError(unreadable) from exc
    if inflated > limits.max_uncompressed_bytes:
        raise TableRefusedError(
            _(
                "The XLSX file unpacks to %(size)s; the limit is %(limit)s. "
                "Save it as CSV, or split it."
            )
            % {"size": _megabytes(inflated), "limit": _megabytes(limits.max_uncompressed_bytes)}
        )
    try:
        workbook = _first_sheet_of(content)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableRefusedError(unreadable) from exc
    try:
        if not workbook.worksheets:
            raise TableRefusedError("The XLSX file has no worksheet.")
        sheet = workbook.worksheets[0]
        # Neither the sheet's stated dimensions nor its row numbers are trusted: rows are
        # read one at a time, no wider than the column limit (plus one, to tell a row too
        # wide), and the caller stops at its row limit.
        rows = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet is found while it is read
                raise TableRefusedError(unreadable) from exc
            yield _without_trailing_blanks(row)
    finally:
        workbook.close()


def _first_sheet_of(content: bytes) -> Any:
    """The workbook with its first worksheet, read-only and unsized.

    ``openpyxl.load_workbook`` sizes every sheet as it opens it, and a sheet that states
    no dimension is parsed whole to find one: a million rows before the first is read.
    This reader opens the workbook as ``load_workbook(read_only=True, data_only=True)``
    does, but its one sheet skips that sizing, so rows are parsed only as they are read.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class UnsizedSheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            return None

    class FirstSheetReader(ExcelReader):
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    self.wb._sheets.append(
                        UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    )
                    return

    reader = FirstSheetReader(io.BytesIO(content), read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _without_trailing_blanks(row: tuple[Any, ...]) -> list[Any]:
    """A sheet's row as far as its last value (openpyxl pads rows to the width asked)."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return list(row[:end])
