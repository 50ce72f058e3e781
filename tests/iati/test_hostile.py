"""Hostile XML never harms the server: entity expansion and external entities are refused
unread (an IATI file has no document type), and a 200 MB file is refused by the upload
limit before a byte of it is parsed — or, through the command, before it is opened.

The 200 MB file is written to a temporary folder a chunk at a time and deleted after; it
is never held in memory, and an upload sends it as a stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError
from django.core.management import call_command
from django.test import Client
from django.test import RequestFactory
from django.test.client import ClientHandler

from accounts import services as token_services
from iati import importer
from iati.importer import ImportRefusedError
from iati.models import IatiActivity
from iati.models import IatiImport
from iati.models import IatiTransaction
from tests.iati.iatifiles import BILLION_LAUGHS
from tests.iati.iatifiles import external_dtd
from tests.iati.iatifiles import external_entity
from tests.iati.iatifiles import write_large_file
from tests.iati.planted import import_bytes
from tests.iati.planted import planted_file

SLUG = "denmark-iom-2018-2020"
SECRET = "TOP-SECRET-CONTENT-OF-ANOTHER-FILE"
BOUNDARY = "iatiboundary"


def _nothing_kept() -> bool:
    return not (
        IatiImport.objects.exists()
        or IatiActivity.objects.exists()
        or IatiTransaction.objects.exists()
    )


@pytest.fixture(scope="module")
def huge_file(tmp_path_factory) -> Iterator[Path]:
    path = write_large_file(tmp_path_factory.mktemp("huge") / "huge.xml", 200 * 1024 * 1024)
    assert path.stat().st_size == 200 * 1024 * 1024
    yield path
    path.unlink()


@pytest.fixture
def parsing_forbidden(monkeypatch):
    """Fails the test if anything starts to parse an IATI file."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(importer, "read", refuse)


class _Streamed:
    """A request body read from its parts as the server asks for it, never whole."""

    def __init__(self, parts: list[bytes | Path]):
        self.parts = parts
        self.length = sum(p.stat().st_size if isinstance(p, Path) else len(p) for p in parts)
        self.consumed = 0
        self._chunks = self._iterate()
        self._buffer = b""

    def _iterate(self) -> Iterator[bytes]:
        for part in self.parts:
            if isinstance(part, bytes):
                yield part
                continue
            with part.open("rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    yield chunk

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        size = len(self._buffer) if size < 0 else size
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        self.consumed += len(out)
        return out

    def readline(self, size: int = -1) -> bytes:
        while b"\n" not in self._buffer and (chunk := next(self._chunks, b"")):
            self._buffer += chunk
        end = self._buffer.find(b"\n") + 1 or len(self._buffer)
        return self.read(end if size < 0 else min(end, size))


def _upload(path_info: str, file: bytes | Path, **headers: str):
    """POST ``file`` as a multipart form's ``file``, streamed, through the whole stack."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        'filename="iom-activities.xml"\r\nContent-Type: application/xml\r\n\r\n'
    ).encode()
    body = _Streamed([head, file, f"\r\n--{BOUNDARY}--\r\n".encode()])
    environ = RequestFactory()._base_environ(
        PATH_INFO=path_info,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
        **headers,
    )
    return ClientHandler(enforce_csrf_checks=False)(environ), body


def _session(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"HTTP_COOKIE": f"{name}={client.cookies[name].value}"}


def test_entity_expansion_is_refused_unread(iom):
    # Refused for its document type, before any entity is expanded.
    with pytest.raises(ImportRefusedError, match="declares a document type"):
        import_bytes(iom, BILLION_LAUGHS)
    assert _nothing_kept()


def test_an_external_entity_is_never_read(iom, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    with pytest.raises(ImportRefusedError) as refused:
        import_bytes(iom, external_entity(secret))
    assert "declares a document type" in refused.value.reasons[0]
    assert SECRET not in str(refused.value.reasons)
    assert _nothing_kept()


def test_an_external_dtd_is_never_loaded(iom, tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "LEAKED">')
    with pytest.raises(ImportRefusedError, match="declares a document type"):
        import_bytes(iom, external_dtd(dtd))


def test_the_upload_page_says_why_a_hostile_file_is_refused(iom, desk, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    response, _ = _upload(f"/p/{SLUG}/iati/import/", external_entity(secret), **_session(desk))
    assert response.status_code == 400
    assert b"declares a document type" in response.content
    assert SECRET.encode() not in response.content
    assert _nothing_kept()


def test_a_streamed_upload_of_a_real_file_imports(iom, desk):
    """The streamed request of the tests below, with a file the page takes."""
    response, body = _upload(f"/p/{SLUG}/iati/import/", planted_file(), **_session(desk))
    assert (response.status_code, response["Location"]) == (302, f"/p/{SLUG}/iati/reconciliation/")
    assert body.consumed == body.length
    assert IatiImport.objects.get().transactions_kept == 6


def test_a_200_mb_upload_is_refused_before_it_is_read(iom, desk, huge_file, parsing_forbidden):
    response, body = _upload(f"/p/{SLUG}/iati/import/", huge_file, **_session(desk))
    assert response.status_code == 400
    assert b"The file is 200 MB; an IATI file to import may be at most 25 MB." in response.content
    assert body.consumed < 1024 * 1024, body.consumed  # the file's bytes were never read
    assert _nothing_kept()


def test_a_200_mb_upload_through_the_api_is_refused_before_it_is_read(
    iom, desk, huge_file, parsing_forbidden
):
    _, token = token_services.api_token_create(by=desk, name="script")
    response, body = _upload(
        f"/api/v1/partnerships/{SLUG}/iati/imports/",
        huge_file,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "file": [
            "The file is 200 MB; an IATI file to import may be at most 25 MB. It was refused "
            "before it was read."
        ]
    }
    assert body.consumed < 1024 * 1024, body.consumed
    assert _nothing_kept()


def test_a_200_mb_file_given_to_the_command_is_refused_before_it_is_opened(
    iom, huge_file, parsing_forbidden
):
    err = StringIO()
    with pytest.raises(CommandError, match=r"Nothing was imported from huge\.xml"):
        call_command("iati_import", SLUG, str(huge_file), stderr=err)
    assert "The file is 200 MB; an IATI file to import may be at most 25 MB" in err.getvalue()
    assert _nothing_kept()
