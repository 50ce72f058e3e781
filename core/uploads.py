"""Checks on uploaded evidence files: the type is read from the content, never the name."""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

ALLOWED_DESCRIPTION = "PDF, DOCX or XLSX"

# Entries a Word or Excel Open XML package must hold.
_OOXML_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def detect_type(upload: UploadedFile) -> str | None:
    """Return "pdf", "docx" or "xlsx" from the file's bytes, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for kind, marker in _OOXML_MARKERS.items():
                if marker in names:
                    return kind
    return None


def validate_upload(upload: UploadedFile) -> str:
    """The file's type, or a ValidationError that says what is accepted."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            "The file is %(size)s MB; the limit is %(limit)s MB.",
            code="too_large",
            params={"size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit // 1024 // 1024},
        )
    kind = detect_type(upload)
    if kind is None:
        raise ValidationError(
            "This file is not a %(allowed)s document (its content was checked, not its name).",
            code="file_type",
            params={"allowed": ALLOWED_DESCRIPTION},
        )
    return kind
