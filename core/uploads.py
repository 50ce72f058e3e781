"""Uploaded evidence files: the kinds of document the ministry keeps, each told by its
name's extension AND by its content's signature, which must agree.

A file is kept only if its extension is on :data:`ALLOWED` and its bytes are what that
extension says (a PDF named ``.html`` is refused, as is an HTML page named ``.pdf``). It is
stored under a generated name with that extension, and served back as an attachment with
the type of its extension on the list; any other stored file (from before the list) is
served as ``application/octet-stream``, so no browser ever renders it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

OCTET_STREAM = "application/octet-stream"

PDF = b"%PDF-"
ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .ppt
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
# How much of a text file is read to tell it is text (a CSV or a note, not a program).
TEXT_SAMPLE = 64 * 1024
TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 12, 13}  # tab, line feed, form feed, CR


def _starts_with(signature: bytes) -> Callable[[IO[bytes]], bool]:
    def check(upload: IO[bytes]) -> bool:
        return _head(upload, len(signature)) == signature

    return check


def _office_package(marker: str) -> Callable[[IO[bytes]], bool]:
    """An Office Open XML package holding ``marker`` (its main part) and no macros. Only
    the ZIP's directory is read: nothing is unpacked."""

    def check(upload: IO[bytes]) -> bool:
        if _head(upload, 4) != ZIP:
            return False
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            upload.seek(0)
        macros = any(name.lower().endswith("vbaproject.bin") for name in names)
        return "[Content_Types].xml" in names and marker in names and not macros

    return check


def _office_97(stream: str) -> Callable[[IO[bytes]], bool]:
    """A compound file (Office 97–2003) whose directory names ``stream``, the main stream
    of its kind ("WordDocument", "Workbook", "PowerPoint Document")."""
    name = stream.encode("utf-16-le")

    def check(upload: IO[bytes]) -> bool:
        if _head(upload, len(OLE2)) != OLE2:
            return False
        try:
            return _contains(upload, name)
        finally:
            upload.seek(0)

    return check


def _text(upload: IO[bytes]) -> bool:
    """Text: UTF-8 (or Windows-1252, as Excel saves a CSV), with no control characters
    a text file does not hold, so no program, archive or image passes for one."""
    sample = _head(upload, TEXT_SAMPLE)
    if not sample.strip():
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if len(sample) == TEXT_SAMPLE and error.start >= len(sample) - 3:  # cut at its end
            text = sample[: error.start].decode("utf-8-sig")
        else:
            try:
                text = sample.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return not any(ord(character) in TEXT_CONTROLS for character in text)


@dataclass(frozen=True)
class Kind:
    content_type: str
    signature: Callable[[IO[bytes]], bool]


_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

ALLOWED: dict[str, Kind] = {
    "pdf": Kind("application/pdf", _starts_with(PDF)),
    "docx": Kind(_WORD, _office_package("word/document.xml")),
    "doc": Kind("application/msword", _office_97("WordDocument")),
    "xlsx": Kind(_EXCEL, _office_package("xl/workbook.xml")),
    "xls": Kind("application/vnd.ms-excel", _office_97("Workbook")),
    "pptx": Kind(_POWERPOINT, _office_package("ppt/presentation.xml")),
    "ppt": Kind("application/vnd.ms-powerpoint", _office_97("PowerPoint Document")),
    "csv": Kind("text/csv", _text),
    "txt": Kind("text/plain", _text),
    "png": Kind("image/png", _starts_with(PNG)),
    "jpg": Kind("image/jpeg", _starts_with(JPEG)),
    "jpeg": Kind("image/jpeg", _starts_with(JPEG)),
}
# The list in words, for the help texts ("…, at most 25 MB.").
ALLOWED_DESCRIPTION = _("PDF, Word, Excel, PowerPoint, CSV, plain text, PNG or JPEG")
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED)  # the file input's accept


def extension_of(name: str) -> str:
    """The name's extension, lower case, without its dot ("" for none)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def content_type_of(name: str) -> str:
    """The type a stored file is served with: its kind's on the list, else a download of
    bytes that no browser renders."""
    kind = ALLOWED.get(extension_of(name))
    return kind.content_type if kind else OCTET_STREAM


def validate_upload(upload: UploadedFile) -> str:
    """The file's extension, checked against the list and against its content; else a
    ValidationError that says what is accepted."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit // 1024 // 1024},
        )
    extension = extension_of(upload.name or "")
    kind = ALLOWED.get(extension)
    if kind is None:
        # Whole sentences: a language puts the extension and the list where its grammar does.
        if extension:
            raise ValidationError(
                _(
                    "A .%(extension)s file cannot be kept: upload a PDF, Word, Excel, "
                    "PowerPoint, CSV, plain text, PNG or JPEG file."
                ),
                code="file_type",
                params={"extension": extension},
            )
        raise ValidationError(
            _(
                "A file without an extension cannot be kept: upload a PDF, Word, Excel, "
                "PowerPoint, CSV, plain text, PNG or JPEG file."
            ),
            code="file_type",
        )
    if not kind.signature(upload):
        raise ValidationError(
            _(
                "This file's content is not what a .%(extension)s file holds (its content was "
                "checked, not only its name). Save it again as %(extension)s, or upload it with "
                "the extension of what it is."
            ),
            code="file_content",
            params={"extension": extension},
        )
    upload.seek(0)
    return extension


def _head(upload: IO[bytes], size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _contains(upload: IO[bytes], needle: bytes, chunk: int = 1024 * 1024) -> bool:
    """Whether the file's bytes hold ``needle``, read a chunk at a time."""
    upload.seek(0)
    tail = b""
    while block := upload.read(chunk):
        if needle in tail + block:
            return True
        tail = block[-len(needle) :]
    return False
