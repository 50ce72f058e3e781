"""The OpenAPI schema: every operation documents the errors it can answer, in one shape."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Messages per field, as lists of strings (nested for nested fields); "
        "`non_field_errors` holds what concerns the whole request."
    ),
    "additionalProperties": {},
}

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _error(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class AutoSchema(SpectacularAutoSchema):
    def get_tags(self) -> list[str]:
        """The resource an operation belongs to (``goals`` for ``/api/v1/goals/{id}/``), by
        which the reference at /api/docs/ and Swagger UI group the operations; not the
        version every path shares."""
        tokens = self._tokenize_path()
        if len(tokens) > 1 and re.fullmatch(r"v[0-9]+", tokens[0]):
            return [tokens[1]]
        return super().get_tags()

    def get_override_parameters(self) -> list[Any]:
        """A view's ``list_parameters`` (e.g. ``?partnership=``) on its lists only."""
        parameters = super().get_override_parameters()
        if self.method == "GET" and self._is_list_view():
            parameters = [*parameters, *getattr(self.view, "list_parameters", [])]
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {
            "401": _error("No valid credentials: send a personal token or a session.", DETAIL),
            "403": _error("Your role in this partnership does not allow this.", DETAIL),
            "404": _error("Not found, or not in a partnership you belong to.", DETAIL),
            "429": {
                **_error("Too many requests from this token or user: wait and retry.", DETAIL),
                "headers": {
                    "Retry-After": {
                        "description": "Seconds until the limit lets requests through again.",
                        "schema": {"type": "integer"},
                    }
                },
            },
        }
        if self.method in _UNSAFE or self._is_list_view():
            errors["400"] = _error(
                "The request is invalid: the body names each field and why.", FIELD_ERRORS
            )
        if self.method in _UNSAFE:
            errors["415"] = _error("The request body's media type is not accepted.", DETAIL)
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses
