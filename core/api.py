"""What every API resource shares and the settings name (REST_FRAMEWORK): pagination,
the shape of errors, and how the schema sums up the operations. The base of the resources
is in ``core.viewsets``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, pagination
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
    - a number too large for the database (an id of 30 digits) is a 400 rather than a 500.
    """
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
