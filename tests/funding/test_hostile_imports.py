"""Files made to hurt the imports: each is refused with a message at the file (400 on the
page, an error from the command), never a 500, and at a cost bounded by the import's
limits, not by the file's size once unpacked or its number of rows."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.core.management import call_command
from openpyxl.worksheet import _reader

from funding import annex
from funding import services
from funding.models import ContributionImport
from funding.models import ExchangeRate

RATES_HEADER = "currency,date,rate,source\n"
LONG_FIELD = RATES_HEADER + "USD,2019-01-01,6.5," + "x" * 200_000 + "\n"


def _import_rates(client, slug, content: bytes):
    upload = SimpleUploadedFile("rates.csv", content, content_type="text/csv")
    return client.post(f"/p/{slug}/funding/exchange-rates/import/", {"file": upload})


def _import_annex(client, slug, content: bytes, name="annex.csv"):
    upload = SimpleUploadedFile(name, content)
    return client.post(f"/p/{slug}/funding/voluntary-contributions/import/", {"file": upload})


def _file_errors(response) -> list[str]:
    return response.context["upload_form"].errors["file"]


# --- 1. A field or a line past the csv module's limit -----------------------------------


def test_a_rate_field_over_128_kb_is_a_400_with_the_row(iom, desk, login):
    response = _import_rates(login(desk), iom.slug, LONG_FIELD.encode())
    assert response.status_code == 400
    (message,) = _file_errors(response)
    assert message.startswith("Row 2: this row cannot be read as CSV (field larger than")
    assert not ExchangeRate.objects.exists()


def test_a_rate_value_longer_than_a_rate_needs_is_refused_where_it_stands(iom):
    content = (RATES_HEADER + "USD,2019-01-01,6.5," + "x" * 100_000 + "\n").encode()
    with pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(partnership=iom, content=content)
    assert error.value.message_dict["file"] == [
        "Row 2: the value in column 4 is 100,000 characters long; a value may have at most 500."
    ]


def test_a_50_mb_line_is_refused_by_its_size_before_it_is_read(iom, desk, login):
    line = b"USD,2019-01-01,6.5," + b"y" * (50 * 1024 * 1024)
    response = _import_rates(login(desk), iom.slug, RATES_HEADER.encode() + line)
    assert response.status_code == 400
    assert _file_errors(response) == ["The file is 50.0 MB; the limit is 1.0 MB."]


def test_the_rate_command_says_what_is_wrong_instead_of_a_traceback(iom, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text(LONG_FIELD)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_exchange_rates", iom.slug, str(path))


def test_an_annex_field_over_128_kb_is_a_400_with_the_row(iom, desk, login):
    content = b"Table,Project Code,Project Title,Total\nAll Projects,P1," + b"t" * 200_000
    response = _import_annex(login(desk), iom.slug, content)
    assert response.status_code == 400
    (problem,) = response.context["row_errors"]
    assert (problem.row, problem.column) == (2, "file")
    assert problem.reason.startswith("this row cannot be read as CSV")
    assert not ContributionImport.objects.exists()


def test_an_annex_line_of_a_million_commas_is_refused_at_the_column_limit(iom, desk, login):
    content = b"Table,Project Code,Project Title,Total\n" + b"," * 1_000_000
    response = _import_annex(login(desk), iom.slug, content)
    assert response.status_code == 400
    (problem,) = response.context["row_errors"]
    assert (problem.row, problem.reason) == (2, "The row has more than 40 columns.")


def test_a_file_that_is_not_utf8_says_so(iom):
    with pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(partnership=iom, content=b"currency\xff,date\n")
    assert error.value.message_dict["file"] == [
        "The file is not UTF-8 text: save it as CSV UTF-8 and try again."
    ]


def test_a_rate_the_model_cannot_hold_is_a_row_error_not_a_database_error(iom):
    content = (
        RATES_HEADER
        + "USD,2019-01-01,NaN,x\n"
        + "USD,2019-01-02,123456789012345678,x\n"
        + f"USD,2019-01-03,6.5,{'s' * 300}\n"
    ).encode()
    with pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(partnership=iom, content=content)
    assert error.value.message_dict["file"] == [
        "Row 2, rate: 'NaN' is not a number.",
        "Row 3, rate: Ensure that there are no more than 14 digits in total.",
        "Row 4, source: Ensure this value has at most 200 characters (it has 300).",
    ]


# --- 2. An XLSX decompression bomb ------------------------------------------------------

SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    f'<Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{SPREADSHEET}.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{RELATIONSHIP}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def xlsx_of_rows(rows: int, *, dimension: str = "") -> bytes:
    """An XLSX package of ``rows`` one-cell rows, its sheet written in chunks (the way a
    bomb is made: a million rows pack into less than 200 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
                + b"<sheetData>"
            )
            # Rows need no number: each is the one after the last.
            row = b"<row><c><v>1</v></c></row>"
            for start in range(0, rows, 10_000):
                sheet.write(row * min(10_000, rows - start))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def million_rows() -> bytes:
    return xlsx_of_rows(1_000_000)


@pytest.fixture
def sheet_bytes_read(monkeypatch) -> list[int]:
    """How many bytes of the sheet's XML were inflated: the work done, whatever the clock."""
    read = [0]
    original = zipfile.ZipExtFile.read

    def counting(self, n=-1):
        data = original(self, n)
        if self.name.endswith("sheet1.xml"):
            read[0] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    return read


@pytest.fixture
def rows_parsed(monkeypatch) -> list[int]:
    """How many rows openpyxl's sheet parser handed out: the work done, whatever the clock."""
    parsed = [0]
    parse = _reader.WorkSheetParser.parse

    def counting(self):
        for item in parse(self):
            parsed[0] += 1
            yield item

    monkeypatch.setattr(_reader.WorkSheetParser, "parse", counting)
    return parsed


def test_a_million_row_xlsx_is_refused_at_the_row_limit_without_reading_on(
    iom, desk, login, million_rows, rows_parsed, sheet_bytes_read
):
    """Its sheet has no stated dimension, which openpyxl's own opening of a workbook would
    parse whole (26 MB) to find, before reading a row."""
    assert len(million_rows) < 200 * 1024  # the 140 KB file
    response = _import_annex(login(desk), iom.slug, million_rows, name="bomb.xlsx")
    assert response.status_code == 400
    (problem,) = response.context["row_errors"]
    assert problem.reason.startswith("The file has more than 20,000 rows")
    assert rows_parsed[0] <= annex.MAX_ROWS + 1
    assert sheet_bytes_read[0] < 2 * 1024 * 1024  # of 26 MB
    assert not ContributionImport.objects.exists()


def _xlsx_of_sheet(sheet_data: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr(
            "xl/worksheets/sheet1.xml",
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>',
        )
    return buffer.getvalue()


def test_rows_missing_from_the_sheet_are_not_made_up_past_the_limit(rows_parsed):
    """Row 1,048,576 after row 1 is two rows to the parser; openpyxl fills in the rows
    between, and those count towards the limit too. The stated dimension (every column)
    widens no row."""
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Table</t></is></c></row>'
        '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    )
    with pytest.raises(annex.AnnexImportError) as error:
        annex.read_rows(content=_xlsx_of_sheet(sheet))
    (problem,) = error.value.row_errors
    assert problem.reason.startswith("The file has more than 20,000 rows")
    assert rows_parsed[0] == 2


def test_a_row_wider_than_the_column_limit_is_refused():
    cells = "".join(f'<c r="{column}2"><v>1</v></c>' for column in ("A", "AO"))  # 1 and 41
    sheet = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="2">{cells}</row>'
    with pytest.raises(annex.AnnexImportError) as error:
        annex.read_rows(content=_xlsx_of_sheet(sheet))
    assert [str(e) for e in error.value.row_errors] == [
        "Row 2, file: The row has more than 40 columns."
    ]


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_opened(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    bomb = xlsx_of_rows(2_200_000)  # 57 MB of sheet, packed into 140 KB
    with pytest.raises(annex.AnnexImportError) as error:
        annex.read_rows(content=bomb)
    (problem,) = error.value.row_errors
    assert problem.reason.startswith("The XLSX file unpacks to 5")
    assert problem.reason.endswith("the limit is 50.0 MB. Save it as CSV, or split it.")


def _central_entry(package: bytes, name: str) -> int:
    """Where the central directory's entry of ``name`` begins."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        position = archive.start_dir
    while package[position : position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = (
            int.from_bytes(package[position + offset : position + offset + 2], "little")
            for offset in (28, 30, 32)
        )
        if package[position + 46 : position + 46 + name_length] == name.encode():
            return position
        position += 46 + name_length + extra_length + comment_length
    raise LookupError(name)


def test_a_package_that_understates_its_size_is_read_no_further_than_it_says():
    """The directory's sizes bound what is inflated: ``zipfile`` stops at the declared size
    and the checksum then fails, so a package that lies is unreadable, not a bomb."""
    honest = xlsx_of_rows(100)
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(honest)) as archive:
        local = archive.getinfo(name).header_offset
    central = _central_entry(honest, name)
    lying = bytearray(honest)
    lying[local + 22 : local + 26] = lying[central + 24 : central + 28] = (100).to_bytes(
        4, "little"
    )
    with pytest.raises(annex.AnnexImportError) as error:
        annex.read_rows(content=bytes(lying))
    assert [str(e) for e in error.value.row_errors] == [
        "Row 1, file: This is not a readable XLSX file."
    ]


# --- 3. The exchange-rate import's size, rows and errors --------------------------------


def test_more_rates_than_the_limit_are_refused_before_a_row_is_checked(iom, desk, login):
    content = RATES_HEADER + "EUR,x,y,\n" * 10_001
    response = _import_rates(login(desk), iom.slug, content.encode())
    assert response.status_code == 400
    assert _file_errors(response) == [
        "The file has more than 10,001 rows; split it, or import only the rows that are new."
    ]


def test_the_errors_listed_are_capped_and_the_rest_counted(iom, desk, login):
    content = RATES_HEADER + "EUR,2019-01-01,7.4,x\n" * 1_000
    response = _import_rates(login(desk), iom.slug, content.encode())
    assert response.status_code == 400
    errors = _file_errors(response)
    assert len(errors) == 51
    assert errors[0] == "Row 2, currency: 'EUR' is not USD or CHF."
    assert errors[49] == "Row 51, currency: 'EUR' is not USD or CHF."
    assert errors[50] == "… and 950 more."
    assert len(response.content) < 100_000


def test_a_million_bad_rows_cost_no_more_than_their_size_check(iom, desk, login):
    content = (RATES_HEADER + "EUR,2019-01-01,x,y\n" * 1_000_000).encode()  # 19 MB
    response = _import_rates(login(desk), iom.slug, content)
    assert response.status_code == 400
    assert _file_errors(response) == ["The file is 18.1 MB; the limit is 1.0 MB."]
    assert len(response.content) < 100_000


def test_the_annex_page_lists_the_first_problems_and_counts_the_rest(iom, desk, login):
    rows = "".join(f"All Projects,P{n},Title,abc\n" for n in range(300))
    content = ("Table,Project Code,Project Title,2015,Total\n" + rows).encode()
    response = _import_annex(login(desk), iom.slug, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('<tr><td class="num">') == 50
    assert "… and 250 more problems" in page


def test_a_value_too_long_is_refused_in_the_readers_language(iom):
    from django.utils import translation

    content = (RATES_HEADER + "USD,2019-01-01,6.5," + "x" * 100_000 + "\n").encode()
    with translation.override("da"), pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(partnership=iom, content=content)
    (message,) = error.value.message_dict["file"]
    assert message.endswith(
        "værdien i kolonne 4 er 100.000 tegn lang; en værdi må højst være på 500."
    )
