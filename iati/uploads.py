"""The size limit of an IATI file upload, enforced while the request streams in: a file
past ``IATI_IMPORT_MAX_BYTES`` is refused before its bytes are stored, let alone parsed.

Django reads a form's files when ``request.POST`` or ``request.FILES`` is first read, with
the request's upload handlers at that moment; so the handler is put in place first, by
:func:`limit_upload`, before the CSRF check (for pages) or the authentication (for the
API, whose session check reads the form) can read the body.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.core.files.uploadhandler import StopUpload
from django.http import HttpRequest

FORM_OVERHEAD = 64 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """Stops the upload once the declared length or the bytes received pass the limit."""

    def __init__(self, request: HttpRequest | None = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.refused = False
        self.declared: int | None = None

    def handle_raw_input(self, input_data, meta, content_length, boundary, encoding=None):
        self.declared = content_length

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        # The body holds the form's other fields too: a little over the limit is the file's.
        if self.declared is not None and self.declared > self.limit + FORM_OVERHEAD:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        self.refused = True
        # The rest of the body is left unread (Django then does not drain it).
        raise StopUpload(connection_reset=True)


def limit_upload(request: HttpRequest) -> LimitedUploadHandler:
    """Put the size limit first among the request's upload handlers (before the body is
    read); ``handler.refused`` then says whether the file was stopped."""
    handler = LimitedUploadHandler(request, limit=settings.IATI_IMPORT_MAX_BYTES)
    request.upload_handlers.insert(0, handler)
    return handler
