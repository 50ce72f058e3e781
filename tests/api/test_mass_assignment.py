"""Mass assignment, generated from the router and the schema: every create and update, sent
with a valid body plus a forged value for every field the server sets (ids of other
objects, another user's name, other timestamps, a status the client may not set, a fake
SHA-256, computed amounts…), succeeds and keeps the server's values, in what the API
answers and in what the database holds.

A create's valid body is the writable part of an object ``make`` created, with the
resource's ``create`` overrides where uniqueness or a rule demands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from rest_framework.fields import SkipField

from partnership.models import Partnership

from .resources import PORTFOLIO_ADMIN
from .resources import RULES
from .resources import WRITE_ROUTES
from .resources import Route
from .resources import assert_conforms
from .resources import model_of
from .resources import openapi

# Names that are the server's wherever they appear: who and when, digests, computed figures.
ALWAYS_SERVER_SET = {
    "id", "created_at", "updated_at", "requested_at", "finished_at", "issued_at", "cleared_at",
    "author", "created_by", "uploaded_by", "requested_by", "issued_by", "cleared_by",
    "last_edited_by", "sha256", "data_sha256", "size", "pages", "attempts", "revision",
    "body_html", "expected_amount", "disbursed", "amount_dkk", "exchange_rate",
    "inherent_score", "residual_score", "citation", "overdue", "has_file", "is_refund",
}  # fmt: skip
FORGED_TIME = "2001-02-03T04:05:06Z"
FORGED_DATE = "2001-02-03"
FORGED_DECIMAL = "987654.32"
FORGED_SHA256 = "0123abcd" * 8


def _component(ref_holder: dict[str, Any]) -> dict[str, Any]:
    ref = ref_holder["$ref"]
    return openapi()["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with ``$ref``/``allOf``/``oneOf`` (enums, nullable) followed."""
    if "$ref" in schema:
        return _resolve(_component(schema))
    for key in ("allOf", "oneOf"):
        for part in schema.get(key, []):
            resolved = _resolve(part)
            if resolved.get("enum") or resolved.get("type"):
                return {**schema, **resolved}
    return schema


def _request_fields(route: Route) -> set[str]:
    body = route.operation()["requestBody"]["content"]["application/json"]["schema"]
    return set(_component(body)["properties"])


def _response_component(route: Route) -> dict[str, Any]:
    responses = route.operation()["responses"]
    code = next(c for c in ("201", "202", "200") if c in responses)
    return _component(responses[code]["content"]["application/json"]["schema"])


@dataclass
class Forgery:
    """Forged values: each differs from what the server holds, and names something real
    where it can (another partnership, another user, another object)."""

    obj: models.Model
    serializer: Any
    other: Partnership
    other_user: str

    creating: bool

    def value(self, name: str, schema: dict[str, Any], current: Any) -> Any:  # noqa: PLR0911
        """``current``: the value of the object being changed, or on a create, of the object
        made like the one created (so as not to forge what the server would set anyway)."""
        schema = _resolve(schema)
        enum = [e for e in schema.get("enum", []) if e not in (None, "", current)]
        kind, form = schema.get("type"), schema.get("format")
        if enum:
            return enum[-1]
        if kind == "array":
            return [row.pk for row in self._others(name, exclude=current or [])[:2]]
        if kind == "boolean":
            return not current
        if kind == "integer":
            return self._other_id(name, current)
        if form == "date-time":
            return FORGED_TIME
        if form == "date":
            return FORGED_DATE
        if form == "decimal":
            return FORGED_DECIMAL
        if form == "uri":
            return "https://forged.example.org/"
        if name == "partnership":
            return self.other.slug
        if "sha256" in name:
            return FORGED_SHA256
        return self.other_user

    def _related_model(self, name: str) -> type[models.Model] | None:
        source = self.serializer.fields[name].source if name in self.serializer.fields else name
        try:
            field = type(self.obj)._meta.get_field(source)
        except FieldDoesNotExist:
            return None
        return field.related_model if field.is_relation else None

    def _others(self, name: str, exclude) -> list[models.Model]:
        model = self._related_model(name)
        return list(model.objects.exclude(pk__in=exclude)[:2]) if model else []

    def _other_id(self, name: str, current: Any) -> int:
        if name == "id":
            if self.creating:  # an existing object's: honoured, the create would overwrite it
                return self.obj.pk
            other = type(self.obj).objects.exclude(pk=self.obj.pk).first()
            return other.pk if other else current + 1000
        others = self._others(name, exclude=[current] if current is not None else [])
        if others:
            return others[0].pk
        return (current or 0) + 7


def _stored(route: Route, user, pk: int, names: set[str]) -> dict[str, Any]:
    """The fields as the database holds them, read afresh through the viewset's queryset."""
    view = route.view(user)
    instance = view.get_queryset().get(pk=pk)
    serializer = view.get_serializer_class()(instance, context={"request": view.request})
    stored = {}
    for name in names:
        field = serializer.fields[name]
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            attribute = None
        stored[name] = None if attribute is None else field.to_representation(attribute)
    return stored


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=str)
def test_fields_the_server_sets_are_not_taken_from_the_client(
    api_login, desk, portfolio_admin, auditor, iom, other_partnership, route
):
    rule = RULES[route.basename]
    model = model_of(route.basename)
    obj = rule.make(iom)
    # The writer: a desk officer, or for the portfolio's own writes a portfolio administrator.
    writer = portfolio_admin if (rule.actions or {}).get(route.action) == PORTFOLIO_ADMIN else desk
    client = api_login(writer)
    detail = reverse(f"{route.basename}-detail", kwargs={"pk": obj.pk})
    before = client.get(detail).json()

    view = route.view(writer)
    serializer_class = view.get_serializer_class()
    creating = route.action == "create"
    serializer = serializer_class(None if creating else obj, context={"request": view.request})
    server_set = {n for n, f in serializer.fields.items() if f.read_only}
    response_schema = _response_component(route)["properties"]
    schema_read_only = {n for n, s in response_schema.items() if s.get("readOnly")}
    writable = _request_fields(route)
    assert not (writable & server_set), (
        f"the schema offers fields the server sets: {writable & server_set}"
    )
    assert schema_read_only <= server_set
    assert ALWAYS_SERVER_SET & set(serializer.fields) <= server_set
    assert server_set, "a write without server-set fields: nothing to check"

    def valid_body(representation):
        body = {k: representation[k] for k in writable if k in representation}
        body.update(rule.create(iom, body) if creating else rule.update(iom, body))
        return body

    forgery = Forgery(obj, serializer, other_partnership, auditor.username, creating)
    forged = {
        name: forgery.value(name, response_schema.get(name, {}), before.get(name))
        for name in sorted(server_set)
    }
    send = getattr(client, route.method)

    if creating:
        count = model.objects.count()
        response = send(reverse(route.name), {**valid_body(before), **forged}, format="json")
        assert response.status_code in {201, 202}, response.content[:500]
        pk = response.json()["id"]
        assert model.objects.count() == count + 1, "the create overwrote an existing object"
        stable: dict[str, Any] = {}
    else:
        control = send(detail, valid_body(before), format="json")
        assert control.status_code == 200, control.content[:500]
        controlled = client.get(detail).json()
        stable = {n: controlled[n] for n in server_set if controlled[n] == before[n]}
        response = send(detail, {**valid_body(controlled), **forged}, format="json")
        assert response.status_code == 200, response.content[:500]
        pk = obj.pk

    answered = response.json()
    assert_conforms(answered, route.operation(), response.status_code)
    read_back = client.get(reverse(f"{route.basename}-detail", kwargs={"pk": pk})).json()
    stored = _stored(route, writer, pk, server_set)
    for source, values in (("answer", answered), ("read back", read_back), ("database", stored)):
        for name in server_set:
            assert name in values, (source, name, values)
            assert values[name] != forged[name], (source, name, forged[name])
            if name in stable:
                assert values[name] == stable[name], (source, name, values[name], stable[name])
