"""The conventions every list shares, generated from the router and the schema: ordering by
the documented names only, pages that never overlap, ``?partnership=`` and filters that
refuse malformed values at the parameter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnership.models import Membership
from tests import factories

from .resources import LIST_ROUTES
from .resources import RULES
from .resources import Route
from .resources import assert_conforms

PAGED = [r for r in LIST_ROUTES if r.action == "list"]


def _query(route: Route) -> dict[str, dict]:
    return {p["name"]: p for p in route.operation().get("parameters", []) if p["in"] == "query"}


@pytest.fixture
def member(db):
    partnership = factories.PartnershipFactory()
    return factories.member(partnership, Membership.Role.AUDITOR, username="reader")


def _partnership(member):
    return Membership.objects.get(user=member).partnership


@pytest.mark.parametrize("route", PAGED, ids=str)
def test_every_documented_ordering_is_taken_and_any_other_is_a_400(api_login, member, route):
    client = api_login(member)
    url = reverse(route.name)
    for value in _query(route)["ordering"]["schema"]["items"]["enum"]:
        assert client.get(url, {"ordering": value}).status_code == 200, value
    both = ",".join(_query(route)["ordering"]["schema"]["items"]["enum"][:2])
    assert client.get(url, {"ordering": both}).status_code == 200
    response = client.get(url, {"ordering": "password"})
    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]


@pytest.mark.parametrize("route", PAGED, ids=str)
def test_pages_never_overlap_whatever_the_order(api_login, member, route):
    RULES[route.basename].many(_partnership(member), 4)
    client = api_login(member)
    url = reverse(route.name)
    for value in _query(route)["ordering"]["schema"]["items"]["enum"]:
        first = client.get(url, {"ordering": value, "page_size": 1}).json()
        ids = [first["results"][0]["id"]]
        for page in range(2, first["count"] + 1):
            response = client.get(url, {"ordering": value, "page_size": 1, "page": page})
            ids.append(response.json()["results"][0]["id"])
        assert len(ids) == len(set(ids)) >= 4, (value, ids)


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_a_malformed_partnership_slug_is_a_400_at_the_parameter(api_login, member, route):
    response = api_login(member).get(reverse(route.name), {"partnership": "no such/slug\x00"})
    assert response.status_code == 400
    assert list(response.json()) == ["partnership"]


def _malformed(parameter: dict) -> list[str]:
    schema = parameter["schema"]
    if schema.get("type") == "integer":  # ids too large for the database: test_bounds.py
        return ["1.5", "one"]
    if schema.get("format") == "date":
        return ["10/25/2006", "2019-02-30"]
    if schema.get("type") == "boolean":
        return ["perhaps"]
    if "enum" in schema:
        return ["no-such-choice"]
    return []


@pytest.mark.parametrize("route", PAGED, ids=str)
def test_a_malformed_filter_value_is_a_400_at_its_parameter(api_login, member, route):
    client = api_login(member)
    checked = 0
    for name, parameter in _query(route).items():
        if name in {"page", "page_size", "ordering", "partnership"}:
            continue
        for value in _malformed(parameter):
            response = client.get(reverse(route.name), {name: value})
            assert response.status_code == 400, (name, value, response.content[:200])
            assert list(response.json()) == [name], (name, value)
            assert all(isinstance(m, str) for m in response.json()[name])
            checked += 1
    assert checked or not set(_query(route)) - {"page", "page_size", "ordering", "partnership"}


def test_a_stale_change_of_a_note_is_a_409_with_the_stored_note(api_login, desk, iom):
    note = RULES["note"].make(iom)
    client = api_login(desk)
    url = reverse("note-detail", kwargs={"pk": note.pk})
    version = client.get(url).json()["version"]
    assert (
        client.patch(url, {"body": "First.", "version": version}, format="json").status_code == 200
    )
    for method in ("put", "patch"):
        response = getattr(client, method)(
            url, {"body": "Stale.", "version": version}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["body"] == "First."
        assert response.json()["version"] == version + 1
        assert_conforms(
            response.json(), Route("note", "update", method, True, "note-detail").operation(), 409
        )
    note.refresh_from_db()
    assert (note.body, note.version) == ("First.", version + 1)
