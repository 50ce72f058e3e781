"""Import of the organisation's funding history in the layout of Annex IV, and its
reconciliation.

A file (CSV or XLSX) holds the annex's tables one after another, told apart by the
``Table`` column: the detailed donor breakdown, the top ten projects and the list of all
projects (see ``fixtures/annex_iv_voluntary_contributions.md``). The project rows' yearly
figures become :class:`VoluntaryContribution` rows; every total the file states becomes a
:class:`StatedSubtotal`, which the reconciliation compares with the detail rows it covers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core import caching
from partnership.models import Partnership

from .models import ContributionImport, SourceTable, StatedSubtotal, VoluntaryContribution

Level = StatedSubtotal.Level

TABLE_NAMES = {label.lower(): value for value, label in SourceTable.choices}
REQUIRED_COLUMNS = ("Table", "Project Code", "Project Title", "Total")
OPTIONAL_COLUMNS = ("Level", "Region / Country", "Donor", "Donor (specific)", "%")
YEAR_COLUMN = re.compile(r"^(19|20)\d\d$")
NIL = {"", "-", "–", "—"}
TOP_10_TOTAL = "Top 10 Projects"
MAX_ROWS = 20_000


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.reason}"


class AnnexImportError(ValidationError):
    """The file was refused; ``row_errors`` says where and why."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = row_errors
        super().__init__({"file": [str(e) for e in row_errors]})


@dataclass
class ImportResult:
    record: ContributionImport
    already_imported: bool = False


# --- Reading ----------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(*, content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header (row 1) of a CSV or XLSX file and its rows as dicts keyed by it.

    An XLSX file is told by its content (a ZIP package), not by its name."""
    if content.startswith(b"PK\x03\x04"):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise AnnexImportError(
                [RowError(1, "file", "This is not a readable XLSX file.")]
            ) from exc
        sheet = workbook.worksheets[0]
        values = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnnexImportError(
                [RowError(1, "file", "The CSV file is not UTF-8 text.")]
            ) from exc
        values = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if not values:
        raise AnnexImportError([RowError(1, "file", "The file is empty.")])
    if len(values) > MAX_ROWS:
        raise AnnexImportError([RowError(MAX_ROWS, "file", f"More than {MAX_ROWS} rows.")])
    header = values[0]
    rows = []
    for cells in values[1:]:
        padded = [*cells, *[""] * (len(header) - len(cells))]
        rows.append(dict(zip(header, padded, strict=False)))
    return header, rows


def parse_amount(text: str) -> Decimal | None:
    """'1,234' -> 1234, '-269' -> -269, '-' or '' -> None; anything else raises ValueError."""
    value = text.strip().replace("\u2212", "-")
    if value in NIL:
        return None
    if not re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?|-?\d+(\.\d+)?", value):
        raise ValueError(value)
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(value) from exc


def _parse_percent(text: str) -> Decimal | None:
    value = text.strip().rstrip("%").strip()
    if value in NIL:
        return None
    return Decimal(value.replace(",", "."))


# --- Parsing a file into detail rows and stated subtotals -------------------------------


@dataclass
class Parsed:
    contributions: list[dict] = field(default_factory=list)
    subtotals: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0


def _years(header: list[str]) -> list[str]:
    return [name for name in header if YEAR_COLUMN.match(name)]


def parse(header: list[str], rows: list[dict[str, str]]) -> Parsed:  # noqa: PLR0912, PLR0915
    """One pass over the rows (file row 2 onwards), collecting every error on the way."""
    parsed = Parsed()
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    years = _years(header)
    if missing or not years:
        what = ", ".join(missing) if missing else "a year column (e.g. 2013)"
        parsed.errors.append(RowError(1, "header", f"Missing column(s): {what}."))
        return parsed
    breakdown: list[tuple[int, dict]] = []
    top_10: list[tuple[int, dict]] = []
    region = country = donor = donor_unit = ""
    all_project_codes: set[str] = set()

    def amounts(number: int, row: dict) -> tuple[dict[int, Decimal], Decimal | None] | None:
        found: dict[int, Decimal] = {}
        ok = True
        for year in years:
            try:
                value = parse_amount(row.get(year, ""))
            except ValueError:
                parsed.errors.append(RowError(number, year, f"{row[year]!r} is not an amount."))
                ok = False
                continue
            if value is not None:
                found[int(year)] = value
        try:
            total = parse_amount(row.get("Total", ""))
        except ValueError:
            parsed.errors.append(RowError(number, "Total", f"{row['Total']!r} is not an amount."))
            ok = False
            total = None
        return (found, total) if ok else None

    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        parsed.rows_read += 1
        table = TABLE_NAMES.get(row.get("Table", "").strip().lower())
        if table is None:
            known = ", ".join(label for _, label in SourceTable.choices)
            parsed.errors.append(
                RowError(number, "Table", f"{row.get('Table')!r} is not one of: {known}.")
            )
            continue
        code = row.get("Project Code", "").strip()
        if table == SourceTable.DONOR_BREAKDOWN:
            name = row.get("Donor (specific)", "").strip()
            level_text = row.get("Level", "").strip().lower()
            if not name:
                parsed.errors.append(RowError(number, "Donor (specific)", "Name the donor unit."))
                continue
            if level_text != "total" and not (level_text.isascii() and level_text.isdigit()):
                parsed.errors.append(
                    RowError(number, "Level", "Give the nesting (0, 1, 2, …) or 'total'.")
                )
                continue
            try:
                total = parse_amount(row.get("Total", ""))
                percent = _parse_percent(row.get("%", ""))
            except (ValueError, InvalidOperation):
                parsed.errors.append(RowError(number, "Total", "Not an amount or a percentage."))
                continue
            if total is None:
                parsed.errors.append(RowError(number, "Total", "The breakdown needs a total."))
                continue
            breakdown.append(
                (number, {"name": name, "level": level_text, "amount": total, "percent": percent})
            )
            continue
        result = amounts(number, row)
        if result is None:
            continue
        by_year, total = result
        title = row.get("Project Title", "").strip()
        if table == SourceTable.TOP_10:
            if not code:
                parsed.errors.append(RowError(number, "Project Code", "Give the project code."))
                continue
            top_10.append(
                (number, {"code": code, "title": title, "years": by_year, "total": total})
            )
            continue
        # All Projects
        place = row.get("Region / Country", "").strip()
        if not code:
            if not place:
                parsed.errors.append(
                    RowError(number, "Region / Country", "A subtotal row must name its region.")
                )
                continue
            region, country, donor, donor_unit = place, "", "", ""
            for year, value in by_year.items():
                parsed.subtotals.append(
                    _subtotal(table, number, Level.REGION, place, year, value, region=place)
                )
            if total is not None:
                parsed.subtotals.append(
                    _subtotal(table, number, Level.REGION, place, None, total, region=place)
                )
            continue
        if not region:
            parsed.errors.append(
                RowError(number, "Region / Country", "A project row must follow a region row.")
            )
            continue
        if place:
            country = place
            donor = row.get("Donor", "").strip()
            donor_unit = row.get("Donor (specific)", "").strip()
        else:
            donor = row.get("Donor", "").strip() or donor
            donor_unit = row.get("Donor (specific)", "").strip() or donor_unit
        if not country:
            parsed.errors.append(RowError(number, "Region / Country", "Name the country."))
            continue
        if not donor_unit:
            parsed.errors.append(RowError(number, "Donor (specific)", "Name the donor unit."))
            continue
        if not title:
            parsed.errors.append(RowError(number, "Project Title", "Give the project's title."))
            continue
        all_project_codes.add(code)
        for year, value in by_year.items():
            parsed.contributions.append(
                {
                    "source_table": table,
                    "source_row": number,
                    "project_code": code,
                    "title": title,
                    "region": region,
                    "country": country,
                    "donor": donor,
                    "donor_unit": donor_unit,
                    "year": year,
                    "amount": value,
                }
            )
        if total is not None:
            parsed.subtotals.append(
                _subtotal(
                    table,
                    number,
                    Level.PROJECT,
                    f"{code} ({country}, {donor_unit})",
                    None,
                    total,
                    project_code=code,
                    country=country,
                    donor_unit=donor_unit,
                )
            )

    _add_breakdown(parsed, breakdown)
    _add_top_10(parsed, top_10, all_project_codes)
    return parsed


def _subtotal(  # noqa: PLR0917 - the cells of one stated figure, in reading order
    table: str,
    row: int,
    level: str,
    name: str,
    year: int | None,
    amount: Decimal,
    **extra: Any,
) -> dict:
    return {
        "source_table": table,
        "source_row": row,
        "level": level,
        "name": name,
        "year": year,
        "amount": amount,
        **extra,
    }


def _add_breakdown(parsed: Parsed, rows: list[tuple[int, dict]]) -> None:
    """Each row's parent is the nearest row above it that is less deeply nested; a row
    with nothing nested under it is a donor unit."""
    stack: list[tuple[int, int]] = []  # (depth, row number)
    for index, (number, row) in enumerate(rows):
        if row["level"] == "total":
            parsed.subtotals.append(
                _subtotal(
                    SourceTable.DONOR_BREAKDOWN,
                    number,
                    Level.GRAND_TOTAL,
                    row["name"],
                    None,
                    row["amount"],
                    percent=row["percent"],
                    depth=0,
                )
            )
            stack = []
            continue
        depth = int(row["level"])
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        following = rows[index + 1][1] if index + 1 < len(rows) else None
        has_children = (
            following is not None
            and following["level"] != "total"
            and int(following["level"]) > depth
        )
        parsed.subtotals.append(
            _subtotal(
                SourceTable.DONOR_BREAKDOWN,
                number,
                Level.DONOR_GROUP if has_children else Level.DONOR_UNIT,
                row["name"],
                None,
                row["amount"],
                percent=row["percent"],
                depth=depth,
                parent_row=parent,
                donor_unit="" if has_children else row["name"],
            )
        )
        stack.append((depth, number))


def _add_top_10(parsed: Parsed, rows: list[tuple[int, dict]], listed: set[str]) -> None:
    """The top ten's figures are stated subtotals per project; a project that the list of
    all projects does not itemise is itemised from here."""
    for number, row in rows:
        code = row["code"]
        if code.lower() == "total":
            for year, value in row["years"].items():
                parsed.subtotals.append(
                    _subtotal(SourceTable.TOP_10, number, Level.YEAR, TOP_10_TOTAL, year, value)
                )
            if row["total"] is not None:
                parsed.subtotals.append(
                    _subtotal(
                        SourceTable.TOP_10,
                        number,
                        Level.GRAND_TOTAL,
                        TOP_10_TOTAL,
                        None,
                        row["total"],
                    )
                )
            continue
        if not row["title"]:
            parsed.errors.append(RowError(number, "Project Title", "Give the project's title."))
            continue
        for year, value in row["years"].items():
            parsed.subtotals.append(
                _subtotal(
                    SourceTable.TOP_10, number, Level.PROJECT, code, year, value, project_code=code
                )
            )
            if code not in listed:
                parsed.contributions.append(
                    {
                        "source_table": SourceTable.TOP_10,
                        "source_row": number,
                        "project_code": code,
                        "title": row["title"],
                        "region": "",
                        "country": "",
                        "donor": "",
                        "donor_unit": "",
                        "year": year,
                        "amount": value,
                    }
                )
        if row["total"] is not None:
            parsed.subtotals.append(
                _subtotal(
                    SourceTable.TOP_10,
                    number,
                    Level.PROJECT,
                    code,
                    None,
                    row["total"],
                    project_code=code,
                )
            )


# --- Storing ------------------------------------------------------------------------------


def _contribution_key(row: dict) -> tuple:
    return (row["project_code"], row["donor_unit"], row["country"], row["year"])


def _subtotal_key(row: dict) -> tuple:
    return (row["source_table"], row["level"], row["name"], row.get("parent_row"), row["year"])


@transaction.atomic
def voluntary_contributions_import(
    *, partnership: Partnership, content: bytes, filename: str, imported_by: Any = None
) -> ImportResult:
    """Import a file in the Annex IV layout: all or nothing, and idempotent.

    The same file a second time adds nothing. A row already stored with the same figure
    is left alone; a row stored with a different figure refuses the file.
    """
    digest = hashlib.sha256(content).hexdigest()
    earlier = ContributionImport.objects.filter(partnership=partnership, sha256=digest).first()
    if earlier is not None:
        return ImportResult(record=earlier, already_imported=True)
    parsed = parse(*read_rows(content=content))
    errors = list(parsed.errors)
    if not errors and not parsed.contributions and not parsed.subtotals:
        errors.append(RowError(2, "file", "The file has no rows to import."))

    stored = {
        _contribution_key(r): r
        for r in VoluntaryContribution.objects.filter(partnership=partnership).values(
            "project_code", "donor_unit", "country", "year", "amount"
        )
    }
    new_contributions = []
    seen: dict[tuple, int] = {}
    for row in parsed.contributions:
        key = _contribution_key(row)
        if key in seen:
            errors.append(
                RowError(
                    row["source_row"],
                    str(row["year"]),
                    f"{row['project_code']} {row['year']} is already on row {seen[key]}.",
                )
            )
            continue
        seen[key] = row["source_row"]
        if key in stored:
            if stored[key]["amount"] != row["amount"]:
                errors.append(
                    RowError(
                        row["source_row"],
                        str(row["year"]),
                        f"{row['project_code']} {row['year']} is already recorded as "
                        f"{stored[key]['amount']:,.0f}, not {row['amount']:,.0f}.",
                    )
                )
            continue
        new_contributions.append(row)

    stored_subtotals = {
        _subtotal_key(r): r["amount"]
        for r in StatedSubtotal.objects.filter(partnership=partnership).values(
            "source_table", "level", "name", "parent_row", "year", "amount"
        )
    }
    new_subtotals = []
    for row in parsed.subtotals:
        key = _subtotal_key(row)
        if key in stored_subtotals:
            if stored_subtotals[key] != row["amount"]:
                errors.append(
                    RowError(
                        row["source_row"],
                        str(row["year"] or "Total"),
                        f"{row['name']} is already recorded as "
                        f"{stored_subtotals[key]:,.0f}, not {row['amount']:,.0f}.",
                    )
                )
            continue
        stored_subtotals[key] = row["amount"]
        new_subtotals.append(row)
    if errors:
        raise AnnexImportError(sorted(errors, key=lambda e: e.row))

    record = ContributionImport.objects.create(
        partnership=partnership,
        filename=filename[:255],
        sha256=digest,
        rows_read=parsed.rows_read,
        contributions_added=len(new_contributions),
        subtotals_added=len(new_subtotals),
        imported_by=imported_by,
    )
    contributions = [
        VoluntaryContribution(partnership=partnership, source_import=record, **row)
        for row in new_contributions
    ]
    subtotals = [
        StatedSubtotal(partnership=partnership, source_import=record, **row)
        for row in new_subtotals
    ]
    for obj in (*contributions, *subtotals):
        # Uniqueness was checked above against what is stored and within the file.
        obj.full_clean(
            exclude=["partnership", "source_import"],
            validate_unique=False,
            validate_constraints=False,
        )
    bulk_create_with_history(contributions, VoluntaryContribution, default_user=imported_by)
    bulk_create_with_history(subtotals, StatedSubtotal, default_user=imported_by)
    caching.changed()  # bulk_create sends no signal: say so, or cached lists would not know
    return ImportResult(record=record)
