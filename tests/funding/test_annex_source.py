"""Annex IV read from the strategy's own text, against the shipped transcription: every row
of every table, figure by figure, and no row of the document left out.

The document is ``fixtures/denmark-iom-organisation-strategy-2018.txt``, the text the
fixtures cite; these tests parse its tab-separated table lines, never a copy of its figures.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from funding import annex

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DOCUMENT = FIXTURES / "denmark-iom-organisation-strategy-2018.txt"
TRANSCRIPTION = FIXTURES / "annex_iv_voluntary_contributions.csv"
YEARS = ["2013", "2014", "2015", "2016", "2017"]

# How each table's header line starts in the document, and the transcription's name for it.
TABLE_HEADERS = {
    "Detailed Donor Breakdown\t": "Detailed Donor Breakdown",
    "Project Code\tProject Title\t": "Top 10 Projects",
    "Region / Country\tDonor\t": "All Projects",
}


def annex_iv_tables(text: str) -> dict[str, list[list[str]]]:
    """The rows of Annex IV's three tables as the document prints them: after its heading,
    each table is its header line and the tab-separated lines that follow it."""
    lines = text.splitlines()
    start = lines.index("Denmark (2013-2017) - Voluntary Contributions")
    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in lines[start:]:
        header = next(
            (name for prefix, name in TABLE_HEADERS.items() if line.startswith(prefix)), None
        )
        if header:
            current = tables.setdefault(header, [])
        elif current is not None and "\t" in line:
            current.append([cell.strip() for cell in line.split("\t")])
        elif current is not None and line.strip():
            current = None  # prose after a table ends it
    return tables


def _document_rows() -> dict[str, list[tuple[str, ...]]]:
    """Each table as (name or code, …, yearly figures, total) tuples, in the document's order."""
    tables = annex_iv_tables(DOCUMENT.read_text(encoding="utf-8"))
    return {
        # name, (empty), total, %
        "Detailed Donor Breakdown": [
            (row[0], row[2], row[3]) for row in tables["Detailed Donor Breakdown"]
        ],
        # code, title, five years, total
        "Top 10 Projects": [tuple(row[:8]) for row in tables["Top 10 Projects"]],
        # region or country, donor, donor (specific), code, title, five years, total
        "All Projects": [tuple(row[:11]) for row in tables["All Projects"]],
    }


def _transcribed_rows() -> dict[str, list[tuple[str, ...]]]:
    with TRANSCRIPTION.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_table: dict[str, list[tuple[str, ...]]] = {name: [] for name in TABLE_HEADERS.values()}
    for row in rows:
        table = row["Table"]
        if table == "Detailed Donor Breakdown":
            cells = (row["Donor (specific)"], row["Total"], row["%"])
        elif table == "Top 10 Projects":
            cells = (
                row["Project Code"],
                row["Project Title"],
                *[row[y] for y in YEARS],
                row["Total"],
            )
        else:
            cells = (
                row["Region / Country"], row["Donor"], row["Donor (specific)"],
                row["Project Code"], row["Project Title"], *[row[y] for y in YEARS], row["Total"],
            )  # fmt: skip
        by_table[table].append(cells)
    return by_table


def test_the_document_in_fixtures_is_the_strategys_text():
    recorded = (FIXTURES / "annex_iv_voluntary_contributions.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(DOCUMENT.read_bytes()).hexdigest()
    assert f"SHA-256 `{digest}`" in recorded


def test_the_document_prints_three_tables_of_annex_iv():
    rows = _document_rows()
    assert {name: len(table) for name, table in rows.items()} == {
        "Detailed Donor Breakdown": 15,
        "Top 10 Projects": 11,
        "All Projects": 16,
    }
    # The last row of "All Projects" is the document's last line.
    assert rows["All Projects"][-1][3] == "RT0801"


@pytest.mark.parametrize("table", list(TABLE_HEADERS.values()))
def test_every_row_of_the_transcription_is_the_documents_row_cell_for_cell(table):
    printed = _document_rows()[table]
    transcribed = _transcribed_rows()[table]
    for number, (expected, found) in enumerate(zip(printed, transcribed, strict=False), start=1):
        assert found == expected, (table, number)
    assert len(transcribed) == len(printed), (
        f"{table}: the document prints {len(printed)} rows, the transcription holds "
        f"{len(transcribed)}"
    )


@pytest.mark.parametrize("table", ["Top 10 Projects", "All Projects"])
def test_each_project_row_has_the_documents_figures(table):
    """Per project: the yearly figures and the total the document prints for it, as the
    import reads them (``annex.parse_amount``)."""
    code_at = 0 if table == "Top 10 Projects" else 3

    def figures(rows):
        return {
            row[code_at]: [annex.parse_amount(cell) for cell in row[-6:]]
            for row in rows
            if row[code_at] and row[code_at] != "Total"
        }

    printed = figures(_document_rows()[table])
    transcribed = figures(_transcribed_rows()[table])
    assert sorted(transcribed) == sorted(printed)
    for code, amounts in printed.items():
        assert transcribed[code] == amounts, code
