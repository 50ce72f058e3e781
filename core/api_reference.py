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
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.schema import schema

METHODS = ("get", "post", "put", "patch", "delete")
_EMPTY = SafeString("")
_REF = "#/components/schemas/"
_CODE = re.compile(r"``?([^`\n]+?)``?")
_LIST_ITEM = re.compile(r"^[*-] ")
_LINKED = re.compile(r'href="#schema-([^"]+)"')
_BETWEEN_TAGS = re.compile(r">\s+<")


@dataclass(frozen=True)
class Field:
    name: str
    type: SafeString
    required: bool = False
    description: SafeString = _EMPTY
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Body:
    code: str = ""
    description: SafeString = _EMPTY
    media_types: tuple[str, ...] = ()
    schema: SafeString = _EMPTY
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
    errors: tuple[Body, ...]
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
        for raw in paragraph.splitlines():
            line = _CODE.sub(r"<code>\1</code>", escape(raw.strip()))
            html += ("<br>" if _LIST_ITEM.match(line) else " ") + line if html else line
        paragraphs.append(html)
    return mark_safe("<br><br>".join(paragraphs))  # noqa: S308 - escaped above


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
            described = _("%(first)s or %(second)s") % {
                "first": described,
                "second": type_of(option),
            }
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
    return mark_safe(described)  # noqa: S308 - every part escaped or a SafeString


def notes_of(node: dict[str, Any]) -> tuple[str, ...]:
    """What limits a value, in the schema's own words (``maxLength 300``, ``read-only``)."""
    notes = []
    if node.get("readOnly"):
        notes.append(_("read-only"))
    if node.get("writeOnly"):
        notes.append(_("write-only"))
    notes.extend(
        f"{key} {node[key]}"
        for key in ("minLength", "maxLength", "minimum", "maximum", "pattern", "default")
        # The bounds of a 64-bit integer say nothing a reader needs.
        if key in node and not (key in ("minimum", "maximum") and abs(node[key]) >= 2**31)
    )
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


def _request(content: dict[str, Any], components: dict[str, Any]) -> Body:
    """What an operation takes: its fields here (each request schema serves one or two
    operations), its schema named without a link."""
    node = next((media["schema"] for media in content.values() if "schema" in media), {})
    named = f"<code>{escape(_name(node['$ref']))}</code>" if "$ref" in node else type_of(node)
    return Body(
        media_types=tuple(content),
        schema=mark_safe(named),  # noqa: S308 - escaped, or a SafeString
        fields=fields_of(node, components),
    )


def _response(code: str, response: dict[str, Any]) -> Body:
    """What an operation answers: the schema, a link to its fields under Schemas (a
    resource's list, detail, create and update answer the same one, listed once); an
    object of its own, its fields here."""
    content = response.get("content", {})
    node = next((media["schema"] for media in content.values() if "schema" in media), {})
    return Body(
        code=code,
        description=text(response.get("description")),
        media_types=tuple(content),
        schema=type_of(node) if node else mark_safe(""),
        fields=() if "$ref" in node else fields_of(node, {}),
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
    answers = operation.get("responses", {}).items()
    return Operation(
        id=operation["operationId"],
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        description=text(operation.get("description")),
        parameters=parameters,
        request=_request(request["content"], components) if request else None,
        responses=tuple(_response(code, r) for code, r in answers if not code.startswith("4")),
        # The errors share two shapes and, mostly, their meanings: those are said once.
        errors=tuple(
            Body(code=code, description=text(r.get("description")))
            for code, r in answers
            if code.startswith("4")
        ),
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


def common_errors(groups: list[Group]) -> dict[str, SafeString]:
    """Each error code's meaning, as most operations give it."""
    counted = Counter(
        (error.code, error.description)
        for group in groups
        for operation in group.operations
        for error in operation.errors
    )
    common: dict[str, SafeString] = {}
    for (code, description), _count in counted.most_common():
        common.setdefault(code, description)
    return dict(sorted(common.items()))


def linked_schemas(groups: list[Group], components: dict[str, Any]) -> list[str]:
    """The schemas the operations link to (answers, and fields naming another schema),
    and those these name in turn: the request schemas are shown in their operations."""
    found: set[str] = set()
    waiting = {
        name
        for group in groups
        for operation in group.operations
        for html in (
            *(body.schema for body in operation.responses),
            *(
                f.type
                for body in (*operation.responses, operation.request)
                if body
                for f in body.fields
            ),
            *(f.type for f in operation.parameters),
        )
        for name in _LINKED.findall(html)
    }
    while waiting:
        name = waiting.pop()
        found.add(name)
        for f in fields_of(components.get(name, {}), {}):
            waiting |= set(_LINKED.findall(f.type)) - found
        node = components.get(name, {})
        if "properties" not in node:
            waiting |= set(_LINKED.findall(type_of(node))) - found
    return sorted(found)


# The rendered reference of each (API version, language), like the schema's.
_REFERENCES: dict[tuple[str | None, str | None], SafeString] = {}


def reference(version: str | None = None) -> SafeString:
    """The reference's HTML (the part of the page that follows the schema), rendered once
    per process, version and language."""
    key = (version, translation.get_language())
    if key not in _REFERENCES:
        document = schema(version)
        components = document.get("components", {})
        schemas = components.get("schemas", {})
        groups = groups_of(document)
        errors = common_errors(groups)
        for group in groups:  # an error meaning what it commonly does links to its meaning
            group.operations = [
                replace(
                    operation,
                    errors=tuple(
                        replace(error, description=mark_safe(""))
                        if errors[error.code] == error.description
                        else error
                        for error in operation.errors
                    ),
                )
                for operation in group.operations
            ]
        html = render_to_string(
            "core/api_reference_body.html",
            {
                "info": document.get("info", {}),
                "description": text(document.get("info", {}).get("description")),
                "groups": groups,
                "errors": errors,
                "security_schemes": {
                    name: {**scheme, "description": text(scheme.get("description"))}
                    for name, scheme in components.get("securitySchemes", {}).items()
                },
                "schemas": [
                    (
                        name,
                        text(schemas[name].get("description")),
                        type_of(schemas[name]),
                        fields_of(schemas[name], {}),
                    )
                    for name in linked_schemas(groups, schemas)
                ],
            },
        )
        # The template's indentation, a fifth of the page, goes; a space between tags stays.
        _REFERENCES[key] = mark_safe(_BETWEEN_TAGS.sub("> <", html))  # noqa: S308 - a template's
    return _REFERENCES[key]


class ApiReferenceView(APIView):
    """``/api/docs/``: who may read the schema may read its reference (a session or a
    personal token; 401 otherwise, like the API)."""

    renderer_classes = [TemplateHTMLRenderer]
    permission_classes = spectacular_settings.SERVE_PERMISSIONS

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return Response({"reference": reference()}, template_name="core/api_reference.html")
