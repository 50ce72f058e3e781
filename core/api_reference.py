"""``/api/docs/``: the API's reference, drawn by the server from the cached OpenAPI schema.

Swagger UI (kept at ``/api/docs/try/`` for trying requests) spends most of a second
running its 1.5 MB script before it asks for the schema; this page is HTML the browser
shows as it arrives. The reference (every operation by resource, its parameters, request
body and response fields, the schemas they name) follows the code, not the data: it is
rendered once per process, API version and language, like the schema it is drawn from
(``core.schema.schema``), and each request only wraps it in the site's layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.schema import schema

METHODS = ("get", "post", "put", "patch", "delete")
_REF = "#/components/schemas/"
_CODE = re.compile(r"``?([^`\n]+?)``?")
_LIST_ITEM = re.compile(r"^[*-] ")
_BETWEEN_TAGS = re.compile(r">\s+<")


@dataclass(frozen=True)
class Field:
    name: str
    type: SafeString
    required: bool = False
    description: SafeString = mark_safe("")
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Body:
    code: str = ""
    description: SafeString = mark_safe("")
    media_types: tuple[str, ...] = ()
    schema: SafeString = mark_safe("")
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: SafeString
    parameters: tuple[Field, ...]
    request: Body | None
    responses: tuple[Body, ...]
    security: tuple[str, ...]
    deprecated: bool = False


@dataclass
class Group:
    tag: str
    operations: list[Operation] = field(default_factory=list)


def text(value: str | None) -> SafeString:
    """A description as the schema writes it (CommonMark, from docstrings): escaped, code
    spans as code, a docstring's wrapped lines joined, a list's items (the enum values
    drf-spectacular lists) one a line, paragraphs apart."""
    if not value:
        return mark_safe("")
    paragraphs = []
    for paragraph in value.strip().split("\n\n"):
        html = ""
        for line in paragraph.splitlines():
            line = _CODE.sub(r"<code>\1</code>", escape(line.strip()))
            html += ("<br>" if _LIST_ITEM.match(line) else " ") + line if html else line
        paragraphs.append(html)
    return mark_safe("<br><br>".join(paragraphs))


def _name(ref: str) -> str:
    return ref.removeprefix(_REF)


def _link(name: str) -> str:
    return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'


def type_of(node: dict[str, Any]) -> SafeString:
    """What a value is, in a few words: ``string (date)``, ``array of Goal`` (a link to
    the schema), one of its enum values, ``or null`` where it may be null."""
    if "$ref" in node:
        described = _link(_name(node["$ref"]))
    elif node.get("allOf") and len(node["allOf"]) == 1:
        described = type_of(node["allOf"][0])
    elif node.get("oneOf") or node.get("anyOf"):
        options = node.get("oneOf") or node.get("anyOf")
        described = type_of(options[0])
        for option in options[1:]:
            described = _("%(first)s or %(second)s") % {"first": described, "second": type_of(option)}
    elif node.get("type") == "array":
        described = _("array of %(items)s") % {"items": type_of(node.get("items", {}))}
    elif node.get("enum"):
        values = [value for value in node["enum"] if value not in ("", None)]
        listed = ", ".join(f"<code>{escape(value)}</code>" for value in values)
        described = _("one of %(values)s") % {"values": listed}
    else:
        described = escape(node.get("type", "any"))
        if node.get("format"):
            described += f" ({escape(node['format'])})"
    if node.get("nullable"):
        described = _("%(type)s or null") % {"type": described}
    return mark_safe(described)


def notes_of(node: dict[str, Any]) -> tuple[str, ...]:
    """What limits a value, in the schema's own words (``maxLength 300``, ``read-only``)."""
    notes = []
    if node.get("readOnly"):
        notes.append(_("read-only"))
    if node.get("writeOnly"):
        notes.append(_("write-only"))
    for key in ("minLength", "maxLength", "minimum", "maximum", "pattern", "default"):
        if key in node and not (key in ("minimum", "maximum") and abs(node[key]) >= 2**31):
            notes.append(f"{key} {node[key]}")
    return tuple(notes)


def fields_of(node: dict[str, Any], components: dict[str, Any]) -> tuple[Field, ...]:
    """The properties of an object schema (of the schema it names, if a reference)."""
    if "$ref" in node:
        node = components.get(_name(node["$ref"]), {})
    required = set(node.get("required", []))
    return tuple(
        Field(
            name=name,
            type=type_of(prop),
            required=name in required,
            description=text(prop.get("description")),
            notes=notes_of(prop),
        )
        for name, prop in node.get("properties", {}).items()
    )


def _body(
    content: dict[str, Any], components: dict[str, Any], *, code: str = "", description: str = ""
) -> Body:
    node = next((media["schema"] for media in content.values() if "schema" in media), {})
    return Body(
        code=code,
        description=text(description),
        media_types=tuple(content),
        schema=type_of(node) if node else mark_safe(""),
        fields=fields_of(node, components),
    )


def _operation(path: str, method: str, operation: dict[str, Any], components) -> Operation:
    parameters = tuple(
        Field(
            name=parameter["name"],
            type=type_of(parameter.get("schema", {})),
            required=parameter.get("required", False),
            description=text(parameter.get("description")),
            notes=(parameter["in"],),
        )
        for parameter in operation.get("parameters", [])
    )
    request = operation.get("requestBody")
    responses = []
    for code, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if code.startswith("2"):
            responses.append(
                _body(content, components, code=code, description=response.get("description"))
            )
        else:
            # The errors share two shapes, described once on the page: their meaning only.
            responses.append(Body(code=code, description=text(response.get("description"))))
    return Operation(
        id=operation["operationId"],
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        description=text(operation.get("description")),
        parameters=parameters,
        request=_body(request["content"], components) if request else None,
        responses=tuple(responses),
        security=tuple(name for option in operation.get("security", []) for name in option),
        deprecated=operation.get("deprecated", False),
    )


def groups_of(document: dict[str, Any]) -> list[Group]:
    """Every operation of the schema, by its first tag (the resource), in the schema's
    order of paths and methods."""
    components = document.get("components", {}).get("schemas", {})
    groups: dict[str, Group] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            tag = (operation.get("tags") or ["api"])[0]
            group = groups.setdefault(tag, Group(tag=tag))
            group.operations.append(_operation(path, method, operation, components))
    return sorted(groups.values(), key=lambda group: group.tag)


# The rendered reference of each (API version, language), like the schema's.
_REFERENCES: dict[tuple[str | None, str | None], SafeString] = {}


def reference(version: str | None = None) -> SafeString:
    """The reference's HTML (the part of the page that follows the schema), rendered once
    per process, version and language."""
    key = (version, translation.get_language())
    if key not in _REFERENCES:
        document = schema(version)
        components = document.get("components", {})
        html = render_to_string(
                "core/api_reference_body.html",
                {
                    "info": document.get("info", {}),
                    "description": text(document.get("info", {}).get("description")),
                    "groups": groups_of(document),
                    "security_schemes": {
                        name: {**scheme, "description": text(scheme.get("description"))}
                        for name, scheme in components.get("securitySchemes", {}).items()
                    },
                    "schemas": [
                        (name, text(node.get("description")), type_of(node), fields_of(node, {}))
                        for name, node in sorted(components.get("schemas", {}).items())
                    ],
                },
            )
        # The template's indentation, a fifth of the page, goes; a space between tags stays.
        _REFERENCES[key] = mark_safe(_BETWEEN_TAGS.sub("> <", html))
    return _REFERENCES[key]


class ApiReferenceView(APIView):
    """``/api/docs/``: who may read the schema may read its reference (a session or a
    personal token; 401 otherwise, like the API)."""

    renderer_classes = [TemplateHTMLRenderer]
    permission_classes = spectacular_settings.SERVE_PERMISSIONS

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return Response({"reference": reference()}, template_name="core/api_reference.html")
