"""What every API resource shares and the settings name (REST_FRAMEWORK): pagination,
the shape of errors, and how the schema sums up the operations. The base of the resources
is in ``core.viewsets``."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import exceptions
from rest_framework import pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .filters import whole_number


class Pagination(pagination.PageNumberPagination):
    """``page`` and ``page_size`` (1–500); a malformed value is a 400, never silently ignored."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not whole_number(raw[0]) or not 1 <= int(raw[0]) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    "page_size": [
                        _("Give a whole number from 1 to %(max_page_size)s.")
                        % {"max_page_size": self.max_page_size}
                    ]
                }
            )
        return int(raw[0])

    def get_page_number(self, request, paginator) -> str:
        raw = request.query_params.getlist(self.page_query_param)
        if raw and (len(raw) > 1 or not whole_number(raw[0]) or int(raw[0]) < 1):
            raise exceptions.ValidationError({"page": [_("Give a whole number from 1.")]})
        return super().get_page_number(request, paginator)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus what pages and the API share, answered as the API answers:

    - the access helpers' Http404 (not a member) is a plain 404 whose detail names nothing,
      their PermissionDenied (a role without the right) a 403 that says why;
    - Django ValidationErrors raised by services are 400s with the messages per field;
    - a number too large for the database (an id of 30 digits) is a 400 rather than a 500;
    - a body that cannot be read (malformed JSON) is a 400 like any other, its message in
      ``non_field_errors``, and a 429 says in the reader's language how long to wait.
    """
    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ValidationError({"non_field_errors": [_unreadable_body(exc)]})
    elif isinstance(exc, exceptions.Throttled):
        exc = _throttled(exc.wait)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, OverflowError):
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("A number in the request is larger than any stored value.")]}
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


def _unreadable_body(exc: exceptions.ParseError) -> str:
    """The parser's complaint in the reader's language. DRF's own is English, and JSON's
    is kept only for where it went wrong: the line and column help find the mistake."""
    cause = exc.__context__  # what DRF's parser caught before raising ParseError
    if isinstance(cause, json.JSONDecodeError):
        return _("The body is not valid JSON: see line %(line)s, column %(column)s.") % {
            "line": cause.lineno,
            "column": cause.colno,
        }
    return str(_("The body could not be read: check that it is what its Content-Type says."))


def _throttled(wait: float | None) -> exceptions.Throttled:
    """A 429 whose message is whole in the reader's language (DRF builds its second
    sentence in a way its catalogues cannot translate); ``wait`` stays for Retry-After."""
    if wait is None:
        message = _("Too many requests: wait a moment, then try again.")
    else:
        seconds = max(1, math.ceil(wait))
        message = ngettext(
            "Too many requests: wait %(seconds)s second, then try again.",
            "Too many requests: wait %(seconds)s seconds, then try again.",
            seconds,
        ) % {"seconds": seconds}
    refused = exceptions.Throttled(detail=str(message))
    refused.wait = wait if wait is None else math.ceil(wait)
    return refused


def operation_summaries(**operations: str | Callable[..., Any]) -> Callable[[type], type]:
    """``extend_schema_view`` for a resource whose operations mostly need only a summary:
    a string is the operation's summary; an ``extend_schema(...)`` (a description, the
    request and answers besides) is passed as it is."""
    return extend_schema_view(
        **{
            operation: extend_schema(summary=schema) if isinstance(schema, str) else schema
            for operation, schema in operations.items()
        }
    )
