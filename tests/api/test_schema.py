"""The OpenAPI schema says what every operation takes and answers, generated from the router:
a summary, its parameters (paging, ordering, ``?partnership=`` and every filter on lists;
nothing a view ignores elsewhere) and its error responses in one shape; dates in ISO 8601;
money as decimal strings with a ``currency`` beside it; serializers that name their fields."""

from __future__ import annotations

import re

import pytest
from rest_framework import serializers

from core.filters import FilterBackend
from core.viewsets import PartnershipScopedViewSet

from .resources import DETAIL_READ_ROUTES
from .resources import LIST_ROUTES
from .resources import ROUTES
from .resources import RULES
from .resources import Route
from .resources import assert_conforms
from .resources import openapi

UNSAFE = {"post", "put", "patch", "delete"}
# Decimals that are not money: rates, percentages and indicator values (each has a unit).
NOT_MONEY = {"rate", "exchange_rate", "scale_percent", "baseline_value", "target_value",
             "actual_value"}  # fmt: skip
MONEY_WORDS = re.compile(r"amount|cost|paid|invoiced|disbursed|budget$|stated|difference|_sum$")
DATE_NAMES = re.compile(r"(^|_)(date|as_of|at|on)$|^period_(start|end)$")


def _operations():
    for path, methods in openapi()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


OPERATIONS = sorted(_operations(), key=lambda o: (o[0], o[1]))


def _is_list(route: Route) -> bool:
    return route in LIST_ROUTES


def test_the_schema_has_an_operation_for_every_route():
    documented = {(path, method) for path, method, _ in OPERATIONS}
    assert documented == {(route.path, route.method) for route in ROUTES}


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=lambda v: str(v)[:60])
def test_every_operation_has_a_summary_its_path_parameters_and_its_errors(path, method, operation):
    assert operation.get("summary", "").strip(), "give the operation a summary"
    declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
    assert declared == set(re.findall(r"{(\w+)}", path))
    responses = operation["responses"]
    errors = {"401", "403", "404", "429"}
    if method in UNSAFE:
        errors |= {"400", "415"}
    assert errors <= set(responses), f"document {sorted(errors - set(responses))}"
    for code in errors:
        content = responses[code]["content"]["application/json"]["schema"]
        shape = content.get("properties", {})
        assert "detail" in shape or content.get("additionalProperties") == {}, code
    assert any(code.startswith("2") for code in responses)
    assert "Retry-After" in responses["429"]["headers"]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_route_documents_the_query_parameters_it_reads(route):
    operation = route.operation()
    query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
    view = route.view()
    if not _is_list(route):
        assert not query, f"{route} reads no query parameter, yet documents {sorted(query)}"
        return
    if issubclass(route.viewset, PartnershipScopedViewSet):
        assert "partnership" in query
    if view.pagination_class is not None:
        assert {"page", "page_size"} <= set(query)
    if route.action != "list":  # an extra list action filters nothing but the partnership
        return
    assert "400" in operation["responses"]
    ordering = query["ordering"]["schema"]["items"]["enum"]
    assert sorted(ordering) == sorted(
        [*view.ordering_fields, *(f"-{f}" for f in view.ordering_fields)]
    )
    filterset = FilterBackend().get_filterset_class(view, view.access.base())
    if filterset is not None:
        assert set(filterset.base_filters) <= set(query)


def _components():
    for name, component in openapi()["components"]["schemas"].items():
        for field, schema in (component.get("properties") or {}).items():
            yield name, component, field, schema


def test_no_number_is_a_float():
    floats = [(n, f) for n, _, f, s in _components() if s.get("type") == "number"]
    assert floats == []


def test_dates_and_times_are_iso_8601():
    wrong = [
        (name, field, schema.get("format"))
        for name, _, field, schema in _components()
        if DATE_NAMES.search(field) and schema.get("format") not in {"date", "date-time"}
    ]
    assert wrong == []


def test_money_is_a_decimal_string_with_its_currency_beside_it():
    """In what the API answers; a request's currency may be the server's to set."""
    wrong = []
    for name, component, field, schema in _components():
        if name.endswith("Request"):
            continue
        decimal = schema.get("type") == "string" and schema.get("format") == "decimal"
        money = field not in NOT_MONEY and (decimal or MONEY_WORDS.search(field))
        if money and (not decimal or "currency" not in component["properties"]):
            wrong.append((name, field))
    assert wrong == []


def _serializer_classes(route: Route):
    view = route.view()
    classes = {view.get_serializer_class()} if hasattr(view, "get_serializer_class") else set()
    return {c for c in classes if c is not None}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_serializers_name_their_fields(route):
    for serializer_class in _serializer_classes(route):
        meta = getattr(serializer_class, "Meta", None)
        if meta is None:
            assert issubclass(serializer_class, serializers.Serializer)
            continue
        assert isinstance(meta.fields, list | tuple), serializer_class
        assert not hasattr(meta, "exclude"), serializer_class


@pytest.mark.parametrize("route", [*LIST_ROUTES, *DETAIL_READ_ROUTES], ids=str)
def test_every_read_answers_as_the_schema_says(api_login, desk, iom, route):
    """With an object of the kind as the resource's ``make`` leaves it (nulls and all)."""
    obj = RULES[route.basename].make(iom)
    url = route.url(obj)
    response = api_login(desk).get(url)
    response.close()  # a download streams its file
    assert response.status_code == 200
    content = route.operation()["responses"]["200"]["content"]
    if "application/json" not in content:
        assert response["Content-Type"] in content
        return
    body = response.json()
    assert body, "nothing to check"
    assert_conforms(body, route.operation(), 200)
