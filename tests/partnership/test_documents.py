"""Uploads: PDF, DOCX and XLSX only, checked by content, at most 25 MB, stored under a
generated name."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnership.models import Document

SLUG = "denmark-iom-2018-2020"


def ooxml(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(marker, "<x/>")
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"
DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")


def _post(client, name, content, **extra):
    data = {"kind": "annual_report", "title": "IOM Annual Report 2018", "year": 2018}
    data.update(extra)
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)
    return client.post(f"/p/{SLUG}/documents/", data)


@pytest.mark.parametrize(
    ("name", "content"), [("report.pdf", PDF), ("minutes.docx", DOCX), ("budget.xlsx", XLSX)]
)
def test_pdf_docx_and_xlsx_are_accepted_and_stored_under_a_generated_name(
    desk, login, iom, name, content
):
    response = _post(login(desk), "../../" + name, content)
    assert response.status_code == 302
    document = Document.objects.get(title="IOM Annual Report 2018")
    assert document.original_filename == name  # the path part never survives
    stored = document.file.name
    assert stored.startswith("documents/")
    assert name.split(".")[0] not in stored
    assert ".." not in stored
    with document.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 an executable renamed"),
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("notes.docx", ooxml("content.xml")),  # a zip, but not a Word package
        ("sheet.xlsx", b"PK\x03\x04 broken zip"),
        ("report.txt", b"plain text"),
    ],
)
def test_anything_else_is_refused_at_the_file_field_and_nothing_saved(
    desk, login, iom, name, content
):
    response = _post(login(desk), name, content)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "This file is not a PDF, DOCX or XLSX document (its content was checked, not its name)."
    ]
    assert not Document.objects.filter(title="IOM Annual Report 2018").exists()


def test_a_file_over_25_mb_is_refused(desk, login, iom):
    big = PDF + b"0" * (25 * 1024 * 1024)
    response = _post(login(desk), "big.pdf", big)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The file is 25.0 MB; the limit is 25 MB."]
    assert not Document.objects.filter(title="IOM Annual Report 2018").exists()


def test_a_file_or_a_link_is_needed_but_not_both(desk, login, iom):
    neither = _post(login(desk), "", None)
    assert neither.context["form"].errors["file"] == ["Upload a file or give a link."]
    both = _post(login(desk), "r.pdf", PDF, url="https://www.iom.int/")
    assert both.context["form"].errors["url"] == ["Give a file or a link, not both."]
    assert not Document.objects.filter(title="IOM Annual Report 2018").exists()


def test_api_refuses_a_wrong_upload_type(desk, api_login, iom):
    response = api_login(desk).post(
        "/api/v1/documents/",
        {
            "partnership": SLUG,
            "kind": "audit_report",
            "title": "Audit",
            "file": SimpleUploadedFile("audit.pdf", b"not a pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "This file is not a PDF, DOCX or XLSX document (its content was checked, not its name)."
        ]
    }
    assert not Document.objects.filter(title="Audit").exists()


def test_download_is_an_attachment_with_the_original_name(desk, auditor, login, iom):
    _post(login(desk), "IOM report 2018.pdf", PDF)
    document = Document.objects.get(title="IOM Annual Report 2018")
    response = login(auditor).get(f"/p/{SLUG}/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "IOM report 2018.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == PDF
    response.close()
