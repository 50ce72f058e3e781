"""Uploads: the kinds of document the ministry keeps (PDF, Word, Excel, PowerPoint, CSV,
plain text, PNG and JPEG), told by their extension and checked against their content, at
most 25 MB, stored under a generated name, and served back as an attachment of their kind's
type, or as bytes to download."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from partnership.models import Document

SLUG = "denmark-iom-2018-2020"


def ooxml(marker: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        for name in (marker, *extra):
            package.writestr(name, "<x/>")
    return buffer.getvalue()


def office_97(stream: str) -> bytes:
    """The start of a compound file and a directory entry naming its main stream."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le")


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"
DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"
OPEN_XML = "application/vnd.openxmlformats-officedocument"
KEPT = [
    ("report.pdf", PDF, "application/pdf"),
    ("minutes.docx", DOCX, f"{OPEN_XML}.wordprocessingml.document"),
    ("minutes.doc", office_97("WordDocument"), "application/msword"),
    ("budget.xlsx", XLSX, f"{OPEN_XML}.spreadsheetml.sheet"),
    ("budget.xls", office_97("Workbook"), "application/vnd.ms-excel"),
    (
        "briefing.pptx",
        ooxml("ppt/presentation.xml"),
        f"{OPEN_XML}.presentationml.presentation",
    ),
    ("briefing.ppt", office_97("PowerPoint Document"), "application/vnd.ms-powerpoint"),
    ("figures.csv", "år;beløb\r\n2018;15000000\r\n".encode("cp1252"), "text/csv"),
    ("NOTES.TXT", "Notes from Geneva — 2019\n".encode(), "text/plain"),
    ("chart.png", PNG, "image/png"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("photo.jpeg", JPEG, "image/jpeg"),
]  # fmt: skip


def _post(client, name, content, language=None, **extra):
    data = {"kind": "annual_report", "title": "IOM Annual Report 2018", "year": 2018}
    data.update(extra)
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)
    headers = {"accept-language": language} if language else {}
    return client.post(f"/p/{SLUG}/documents/", data, headers=headers)


@pytest.mark.parametrize(("name", "content", "content_type"), KEPT, ids=[k[0] for k in KEPT])
def test_each_kind_the_ministry_keeps_is_stored_under_a_generated_name_and_served_as_itself(
    desk, auditor, login, iom, name, content, content_type
):
    response = _post(login(desk), "../../" + name, content)
    assert response.status_code == 302
    document = Document.objects.get(title="IOM Annual Report 2018")
    assert document.original_filename == name  # the path part never survives
    stored = document.file.name
    assert stored.startswith("documents/")
    assert stored.endswith("." + name.rsplit(".", 1)[1].lower())
    assert name.split(".")[0] not in stored
    assert ".." not in stored
    with document.file.open("rb") as handle:
        assert handle.read() == content
    download = login(auditor).get(f"/p/{SLUG}/documents/{document.pk}/download/")
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.html", PDF),  # a PDF's signature does not make a web page safe to keep
        ("evil.html", b"<html><script>alert(1)</script></html>"),
        ("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("evil.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml"><script/></html>'),
        ("evil.php", b"<?php system($_GET['c']); ?>"),
        ("evil.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("evil.sh", b"#!/bin/sh\nrm -rf /\n"),
        ("report.docm", ooxml("word/document.xml")),
        ("README", b"no extension"),
    ],
)
def test_a_kind_not_on_the_list_is_refused_by_its_extension(desk, login, iom, name, content):
    response = _post(login(desk), name, content)
    assert response.status_code == 400
    extension = (
        f"A .{name.rsplit('.', 1)[1]} file" if "." in name else "A file without an extension"
    )
    assert response.context["form"].errors["file"] == [
        f"{extension} cannot be kept: upload a PDF, Word, Excel, PowerPoint, CSV, plain text, "
        "PNG or JPEG file."
    ]
    assert not Document.objects.filter(title="IOM Annual Report 2018").exists()


def test_a_refused_kind_is_named_in_danish_on_the_danish_page(desk, login, iom):
    client = login(desk)
    refused = _post(client, "setup.exe", b"MZ\x90\x00", language="da")
    assert refused.context["form"].errors["file"] == [
        "En .exe-fil kan ikke gemmes: upload en PDF-, Word-, Excel-, PowerPoint-, CSV-, "
        "tekst-, PNG- eller JPEG-fil."
    ]
    page = client.get(f"/p/{SLUG}/documents/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "PDF, Word, Excel, PowerPoint, CSV, ren tekst, PNG eller JPEG, højst 25 MB." in page
    assert not Document.objects.filter(title="IOM Annual Report 2018").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 an executable renamed"),
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("notes.docx", ooxml("content.xml")),  # a zip, but not a Word package
        ("notes.docx", ooxml("word/document.xml", "word/vbaProject.bin")),  # with macros
        ("notes.doc", office_97("Workbook")),  # an Excel 97 file named as Word
        ("sheet.xlsx", b"PK\x03\x04 broken zip"),
        ("sheet.xlsx", DOCX),
        ("slides.pptx", XLSX),
        ("chart.png", JPEG),
        ("photo.jpg", b"<svg onload='alert(1)'/>"),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00"),  # a program
        ("notes.txt", PNG),
        ("figures.csv", XLSX),
    ],
)
def test_content_that_is_not_what_its_extension_says_is_refused_and_nothing_saved(
    desk, login, iom, name, content
):
    response = _post(login(desk), name, content)
    assert response.status_code == 400
    extension = name.rsplit(".", 1)[1]
    assert response.context["form"].errors["file"] == [
        f"This file's content is not what a .{extension} file holds (its content was checked, "
        f"not only its name). Save it again as {extension}, or upload it with the extension of "
        "what it is."
    ]
    assert not Document.objects.filter(title="IOM Annual Report 2018").exists()


def test_a_file_kept_before_the_list_is_served_as_bytes_to_download(auditor, login, iom):
    stored = default_storage.save("documents/legacy.html", ContentFile(b"<script>x()</script>"))
    document = Document.objects.create(
        partnership=iom, kind="other", title="Legacy", file=stored, original_filename="l.html"
    )
    response = login(auditor).get(f"/p/{SLUG}/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)


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
            "file": SimpleUploadedFile("audit.html", PDF),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "A .html file cannot be kept: upload a PDF, Word, Excel, PowerPoint, CSV, plain "
            "text, PNG or JPEG file."
        ]
    }
    assert not Document.objects.filter(title="Audit").exists()


def test_download_is_an_attachment_with_the_original_name(desk, auditor, login, iom):
    _post(login(desk), "IOM report 2018.pdf", PDF)
    document = Document.objects.get(title="IOM Annual Report 2018")
    response = login(auditor).get(f"/p/{SLUG}/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "IOM report 2018.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == PDF
    response.close()
