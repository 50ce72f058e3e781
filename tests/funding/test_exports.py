"""CSV and XLSX exports: every table, and no spreadsheet formula slips through."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from core import exports
from funding.export_tables import TABLES
from tests.funding.factories import StaffPositionFactory

DANGEROUS = ["=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_cells_are_neutralised(value):
    table = exports.Table("t", ["name", "amount"], [(value, Decimal("-190640"))])
    rows = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"))))
    assert rows[1][0] == "'" + value
    assert rows[1][1] == "-190640"  # a refund stays a number
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    # openpyxl writes through lxml (a dependency), which keeps a carriage return as &#13;,
    # so the cell reads back as written. (Without lxml, ElementTree writes it bare and
    # every XML reader turns it into a line feed.)
    assert cell.value == "'" + value
    assert sheet.cell(row=2, column=2).value == -190640


def test_a_user_entered_formula_is_neutralised_in_the_download(funded, desk, login):
    StaffPositionFactory(partnership=funded, position='=HYPERLINK("http://evil")')
    response = login(desk).get(f"/p/{funded.slug}/funding/export/staff-positions.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[2]]
    assert '\'=HYPERLINK("http://evil")' in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_downloads(funded, auditor, login, table, fmt):
    response = login(auditor).get(f"/p/{funded.slug}/funding/export/{table}.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{funded.slug}-{table}.{fmt}"'
    )
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0]
    if table == "budget-lines":
        assert len(rows) == 13
    if table == "voluntary-contributions":
        assert len(rows) == 38  # the header and Annex IV's 37 itemised figures
