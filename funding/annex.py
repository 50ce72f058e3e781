"""Reading the organisation's funding history in the layout of Annex IV.

A file (CSV or XLSX) holds the annex's tables one after another, told apart by the
``Table`` column: the detailed donor breakdown, the top ten projects and the list of all
projects (see ``fixtures/annex_iv_voluntary_contributions.md``). The project rows' yearly
figures become :class:`VoluntaryContribution` rows; every total the file states becomes a
:class:`StatedSubtotal`, which the reconciliation compares with the detail rows it covers.
This module reads and checks a file; ``services.voluntary_contributions_import`` stores it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from core import tabular

from .models import SourceTable
from .models import StatedSubtotal

Level = StatedSubtotal.Level

TABLE_NAMES = {label.lower(): value for value, label in SourceTable.choices}
REQUIRED_COLUMNS = ("Table", "Project Code", "Project Title", "Total")
OPTIONAL_COLUMNS = ("Level", "Region / Country", "Donor", "Donor (specific)", "%")
YEAR_COLUMN = re.compile(r"^(19|20)\d\d$")
NIL = {"", "-", "–", "—"}
TOP_10_TOTAL = "Top 10 Projects"
MAX_ROWS = 20_000  # the header included
MAX_COLUMNS = 40  # the annex's 14, with room for more years
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return gettext("Row %(row)s, %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class AnnexImportError(ValidationError):
    """The file was refused; ``row_errors`` says where and why."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = row_errors
        super().__init__({"file": [str(e) for e in row_errors]})


# --- Reading ----------------------------------------------------------------------------


LIMITS = tabular.Limits(max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)


def read_rows(*, content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header (row 1) of a CSV or XLSX file and its rows as dicts keyed by it.

    An XLSX file is told by its content (a ZIP package), not by its name. The file is read
    within ``LIMITS`` (``core.tabular``): a file past them is refused where it stands."""
    try:
        values = tabular.read_table(content, LIMITS)
    except tabular.TableRefusedError as refused:
        raise AnnexImportError([RowError(refused.row or 1, "file", refused.reason)]) from None
    if not values:
        raise AnnexImportError([RowError(1, "file", gettext("The file is empty."))])
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


def _subtotal(
    table: str, row: int, level: str, name: str, *, year: int | None, amount: Decimal, **extra: Any
) -> dict:
    """A figure the file states: the cells of a ``StatedSubtotal``."""
    return {
        "source_table": table,
        "source_row": row,
        "level": level,
        "name": name,
        "year": year,
        "amount": amount,
        **extra,
    }


def _contribution(
    table: str, row: int, code: str, title: str, *, year: int, amount: Decimal, **place: str
) -> dict:
    """One project's figure in one year: the cells of a ``VoluntaryContribution``;
    ``place`` (region, country, donor, donor unit) is empty where the table gives none."""
    empty = {"region": "", "country": "", "donor": "", "donor_unit": ""}
    return {
        "source_table": table,
        "source_row": row,
        "project_code": code,
        "title": title,
        **empty,
        **place,
        "year": year,
        "amount": amount,
    }


class _DonorBreakdown:
    """The detailed donor breakdown: donor groups nested by ``Level`` (0, 1, 2, …) down to
    the donor units, each with its total and share, and the grand total ('total')."""

    table = SourceTable.DONOR_BREAKDOWN

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.rows: list[tuple[int, dict]] = []

    def read(self, number: int, row: dict[str, str]) -> None:
        name = row.get("Donor (specific)", "").strip()
        level = row.get("Level", "").strip().lower()
        if not name:
            self.parsed.errors.append(
                RowError(number, "Donor (specific)", gettext("Name the donor unit."))
            )
            return
        if level != "total" and not (level.isascii() and level.isdigit()):
            self.parsed.errors.append(
                RowError(number, "Level", gettext("Give the nesting (0, 1, 2, …) or 'total'."))
            )
            return
        try:
            total = parse_amount(row.get("Total", ""))
            percent = _parse_percent(row.get("%", ""))
        except (ValueError, InvalidOperation):
            self.parsed.errors.append(
                RowError(number, "Total", gettext("Not an amount or a percentage."))
            )
            return
        if total is None:
            self.parsed.errors.append(
                RowError(number, "Total", gettext("The breakdown needs a total."))
            )
            return
        self.rows.append(
            (number, {"name": name, "level": level, "amount": total, "percent": percent})
        )

    def finish(self) -> None:
        """Each row's parent is the nearest row above it that is less deeply nested; a row
        with nothing nested under it is a donor unit."""
        stack: list[tuple[int, int]] = []  # (depth, row number)
        for index, (number, row) in enumerate(self.rows):
            if row["level"] == "total":
                self.parsed.subtotals.append(
                    _subtotal(
                        self.table, number, Level.GRAND_TOTAL, row["name"], year=None,
                        amount=row["amount"], percent=row["percent"], depth=0,
                    )
                )  # fmt: skip
                stack = []
                continue
            depth = int(row["level"])
            while stack and stack[-1][0] >= depth:
                stack.pop()
            has_children = self._depth_after(index) > depth
            self.parsed.subtotals.append(
                _subtotal(
                    self.table, number,
                    Level.DONOR_GROUP if has_children else Level.DONOR_UNIT, row["name"],
                    year=None, amount=row["amount"], percent=row["percent"], depth=depth,
                    parent_row=stack[-1][1] if stack else None,
                    donor_unit="" if has_children else row["name"],
                )
            )  # fmt: skip
            stack.append((depth, number))

    def _depth_after(self, index: int) -> int:
        """The nesting of the row after ``index``; -1 after the last and before a total."""
        if index + 1 == len(self.rows) or self.rows[index + 1][1]["level"] == "total":
            return -1
        return int(self.rows[index + 1][1]["level"])


def _amounts(
    parsed: Parsed, years: list[str], number: int, row: dict[str, str]
) -> tuple[dict[int, Decimal], Decimal | None] | None:
    """A project or subtotal row's figure per year and its total; None, with an error per
    cell that is not an amount, where any is not."""
    values: dict[str, Decimal | None] = {}
    errors: list[RowError] = []
    for column in [*years, "Total"]:
        try:
            values[column] = parse_amount(row.get(column, ""))
        except ValueError:
            errors.append(
                RowError(
                    number,
                    column,
                    gettext("%(value)s is not an amount.") % {"value": repr(row[column])},
                )
            )
    parsed.errors.extend(errors)
    if errors:
        return None
    total = values.pop("Total")
    return {int(year): value for year, value in values.items() if value is not None}, total


class _TopTen:
    """The top ten projects: each project's figure per year and in all, then their total
    row. A project that the list of all projects does not itemise is itemised from here."""

    table = SourceTable.TOP_10

    def __init__(self, parsed: Parsed, years: list[str]):
        self.parsed = parsed
        self.years = years
        self.rows: list[tuple[int, dict]] = []

    def read(self, number: int, row: dict[str, str]) -> None:
        amounts = _amounts(self.parsed, self.years, number, row)
        if amounts is None:
            return
        code = row.get("Project Code", "").strip()
        if not code:
            self.parsed.errors.append(
                RowError(number, "Project Code", gettext("Give the project code."))
            )
            return
        by_year, total = amounts
        title = row.get("Project Title", "").strip()
        self.rows.append((number, {"code": code, "title": title, "years": by_year, "total": total}))

    def finish(self, listed: set[str]) -> None:
        """``listed``: the codes of the projects the list of all projects itemises."""
        for number, row in self.rows:
            if row["code"].lower() == "total":
                self._add_total(number, row)
            elif not row["title"]:
                self.parsed.errors.append(
                    RowError(number, "Project Title", gettext("Give the project's title."))
                )
            else:
                self._add_project(number, row, itemise=row["code"] not in listed)

    def _add_total(self, number: int, row: dict) -> None:
        for year, value in row["years"].items():
            self.parsed.subtotals.append(
                _subtotal(self.table, number, Level.YEAR, TOP_10_TOTAL, year=year, amount=value)
            )
        if row["total"] is not None:
            self.parsed.subtotals.append(
                _subtotal(
                    self.table, number, Level.GRAND_TOTAL, TOP_10_TOTAL, year=None,
                    amount=row["total"],
                )
            )  # fmt: skip

    def _add_project(self, number: int, row: dict, *, itemise: bool) -> None:
        code = row["code"]
        for year, value in row["years"].items():
            self.parsed.subtotals.append(
                _subtotal(
                    self.table, number, Level.PROJECT, code, year=year, amount=value,
                    project_code=code,
                )
            )  # fmt: skip
            if itemise:
                self.parsed.contributions.append(
                    _contribution(self.table, number, code, row["title"], year=year, amount=value)
                )
        if row["total"] is not None:
            self.parsed.subtotals.append(
                _subtotal(
                    self.table, number, Level.PROJECT, code, year=None, amount=row["total"],
                    project_code=code,
                )
            )  # fmt: skip


class _AllProjects:
    """The list of all projects: a region's row (no project code) with its subtotals, then
    its projects. A project row's blank country, donor or donor unit repeats the one above,
    as in the document."""

    table = SourceTable.ALL_PROJECTS

    def __init__(self, parsed: Parsed, years: list[str]):
        self.parsed = parsed
        self.years = years
        self.region = self.country = self.donor = self.donor_unit = ""
        self.codes: set[str] = set()  # of the projects listed

    def read(self, number: int, row: dict[str, str]) -> None:
        amounts = _amounts(self.parsed, self.years, number, row)
        if amounts is None:
            return
        if row.get("Project Code", "").strip():
            self._read_project(number, row, *amounts)
        else:
            self._read_region(number, row, *amounts)

    def _read_region(
        self, number: int, row: dict[str, str], by_year: dict[int, Decimal], total: Decimal | None
    ) -> None:
        place = row.get("Region / Country", "").strip()
        if not place:
            self.parsed.errors.append(
                RowError(
                    number, "Region / Country", gettext("A subtotal row must name its region.")
                )
            )
            return
        self.region, self.country, self.donor, self.donor_unit = place, "", "", ""
        figures = [*by_year.items(), *([(None, total)] if total is not None else [])]
        for year, value in figures:
            self.parsed.subtotals.append(
                _subtotal(self.table, number, Level.REGION, place, year=year, amount=value,
                          region=place)
            )  # fmt: skip

    def _read_project(
        self, number: int, row: dict[str, str], by_year: dict[int, Decimal], total: Decimal | None
    ) -> None:
        if not self.region:
            self.parsed.errors.append(
                RowError(
                    number, "Region / Country", gettext("A project row must follow a region row.")
                )
            )
            return
        self._carry_place(row)
        code = row.get("Project Code", "").strip()
        title = row.get("Project Title", "").strip()
        for column, value, problem in (
            ("Region / Country", self.country, gettext("Name the country.")),
            ("Donor (specific)", self.donor_unit, gettext("Name the donor unit.")),
            ("Project Title", title, gettext("Give the project's title.")),
        ):
            if not value:
                self.parsed.errors.append(RowError(number, column, problem))
                return
        self.codes.add(code)
        place = {
            "region": self.region,
            "country": self.country,
            "donor": self.donor,
            "donor_unit": self.donor_unit,
        }
        for year, value in by_year.items():
            self.parsed.contributions.append(
                _contribution(self.table, number, code, title, year=year, amount=value, **place)
            )
        if total is not None:
            self.parsed.subtotals.append(
                _subtotal(
                    self.table, number, Level.PROJECT,
                    f"{code} ({self.country}, {self.donor_unit})", year=None, amount=total,
                    project_code=code, country=self.country, donor_unit=self.donor_unit,
                )
            )  # fmt: skip

    def _carry_place(self, row: dict[str, str]) -> None:
        """A row naming its country starts afresh; a blank cell repeats the value above."""
        place = row.get("Region / Country", "").strip()
        donor = row.get("Donor", "").strip()
        donor_unit = row.get("Donor (specific)", "").strip()
        if place:
            self.country, self.donor, self.donor_unit = place, donor, donor_unit
        else:
            self.donor = donor or self.donor
            self.donor_unit = donor_unit or self.donor_unit


def parse(header: list[str], rows: list[dict[str, str]]) -> Parsed:
    """One pass over the rows (file row 2 onwards), collecting every error on the way."""
    parsed = Parsed()
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    years = _years(header)
    if missing or not years:
        what = ", ".join(missing) if missing else gettext("a year column (e.g. 2013)")
        parsed.errors.append(
            RowError(1, "header", gettext("Missing column(s): %(columns)s.") % {"columns": what})
        )
        return parsed
    breakdown = _DonorBreakdown(parsed)
    top_10 = _TopTen(parsed, years)
    all_projects = _AllProjects(parsed, years)
    layouts = {layout.table: layout for layout in (breakdown, top_10, all_projects)}
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        parsed.rows_read += 1
        table = TABLE_NAMES.get(row.get("Table", "").strip().lower())
        if table is None:
            known = ", ".join(str(label) for _value, label in SourceTable.choices)
            parsed.errors.append(
                RowError(
                    number,
                    "Table",
                    gettext("%(value)s is not one of: %(known)s.")
                    % {"value": repr(row.get("Table")), "known": known},
                )
            )
            continue
        layouts[table].read(number, row)
    breakdown.finish()
    top_10.finish(listed=all_projects.codes)
    return parsed
