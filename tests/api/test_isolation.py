"""Isolation, generated from the router and the schema: a member of one partnership sees
nothing of another through any list (unfiltered, ``?partnership=<its slug>``, or each filter
the schema lists given the other partnership's ids and values) or any detail route; an id
of the other partnership is answered exactly as an id that does not exist."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import django_filters
import pytest
from django.db import models
from django.urls import reverse

from core.access import access_for
from core.filters import FilterBackend
from partnership.models import Membership
from partnership.models import Partnership
from tests import factories

from .resources import DETAIL_READ_ROUTES
from .resources import LIST_ROUTES
from .resources import RULES
from .resources import VIEWSETS
from .resources import Route
from .resources import model_of
from .resources import twin_of_iom

# Parameters every list has; the others are the list's filters.
COMMON = {"page", "page_size", "ordering", "partnership"}
MODEL_CHOICE = django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter


@pytest.fixture
def two(iom, tmp_path):
    """The IOM partnership (theirs) and a twin (ours), and a desk officer of the twin only."""
    twin = twin_of_iom(tmp_path)
    member = factories.member(twin, Membership.Role.DESK_OFFICER, username="twin-desk")
    their_member = factories.member(iom, Membership.Role.AUDITOR, username="their-auditor")
    return SimpleNamespace(theirs=iom, ours=twin, member=member, their_member=their_member)


def _scope(basename: str, partnership: Partnership) -> models.QuerySet:
    access = VIEWSETS[basename].access
    return access.base().filter(**{access.partnership_path or "pk": partnership.pk})


def _filters(route: Route, user) -> dict[str, django_filters.Filter]:
    """The list's filters by query parameter, as the schema lists them."""
    parameters = route.operation().get("parameters", [])
    names = {p["name"] for p in parameters if p["in"] == "query"} - COMMON
    view = route.view(user)
    filterset = FilterBackend().get_filterset_class(view, view.get_base_queryset())
    available = filterset.base_filters if filterset else {}
    unknown = names - set(available)
    assert not unknown, f"{route}: the schema lists {unknown}, which no filter reads"
    return {name: available[name] for name in sorted(names)}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _values_of(objects, field_name: str) -> list[Any]:
    """The non-empty values of a (possibly ``__``-spanning) field over the objects."""
    values = []
    for obj in objects:
        target = obj
        for hop in field_name.split("__"):
            target = getattr(target, hop, None)
            if isinstance(target, models.Manager):
                target = target.first()
            if target is None:
                break
        if target not in (None, ""):
            values.append(_plain(target))
    return values


def _their_values(route: Route, name: str, filt, two) -> list[Any]:
    """Values of the other partnership to give a filter."""
    given = RULES[route.basename].filter_values
    if given is not None:
        return given(two)[name]
    if isinstance(filt, django_filters.BooleanFilter) and filt.method:
        return ["true", "false"]
    if isinstance(filt, MODEL_CHOICE):
        access = access_for(filt.queryset.model)
        if access is not None:
            path = access.partnership_path
            theirs = access.base().filter(**{path or "pk": two.theirs.pk}).first()
            return [theirs.pk]
    theirs = route.view(two.their_member)
    objects = theirs.get_base_queryset().filter(pk__in=_scope(route.basename, two.theirs))
    values = _values_of(objects, filt.field_name)
    assert values, f"{route}: no object of theirs has a value for ?{name}="
    return values[:1]


def _items(response) -> list[dict[str, Any]]:
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def _whose(route: Route, items, partnership: Partnership) -> list[dict[str, Any]]:
    """The items that are the partnership's: by id, or by slug where items have no id of a
    row (the change history's ids name a change of any kind)."""
    ids = set(_scope(route.basename, partnership).values_list("pk", flat=True))
    return [
        item
        for item in items
        if (
            item["id"] in ids
            if isinstance(item.get("id"), int)
            else item.get("partnership") == partnership.slug
        )
    ]


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_no_list_or_filter_shows_the_other_partnerships_objects(api_login, two, route):
    rule = RULES[route.basename]
    rule.make(two.theirs)
    rule.make(two.ours)
    client = api_login(two.member)
    url = reverse(route.name)

    unfiltered = client.get(url, {"page_size": 500})
    assert unfiltered.status_code == 200
    assert _whose(route, _items(unfiltered), two.ours), "the list shows nothing of ours"
    assert _whose(route, _items(unfiltered), two.theirs) == []

    named = client.get(url, {"partnership": two.theirs.slug})
    assert (named.status_code, _items(named)) == (200, [])

    for name, filt in _filters(route, two.member).items():
        for value in _their_values(route, name, filt, two):
            response = client.get(url, {name: value, "page_size": 500})
            assert response.status_code in {200, 400}, (name, value, response.content[:300])
            if response.status_code == 200:
                assert _whose(route, _items(response), two.theirs) == [], (name, value)
            if isinstance(filt, MODEL_CHOICE):
                missing = client.get(url, {name: 2**40 + value, "page_size": 500})
                assert _answer(response, value) == _answer(missing, 2**40 + value), (
                    f"?{name}= tells their ids from ids that do not exist"
                )


def _answer(response, value: int) -> tuple[int, str]:
    """The status and body, with the id asked for left out (a message may repeat it)."""
    return response.status_code, response.content.decode().replace(str(value), "<id>")


@pytest.mark.parametrize("route", DETAIL_READ_ROUTES, ids=str)
def test_no_detail_route_shows_the_other_partnerships_object(api_login, two, route):
    theirs = RULES[route.basename].make(two.theirs)
    client = api_login(two.member)
    value, missing_value = route.lookup_value(theirs), route.missing_value(theirs)
    response = client.get(route.url(value=value))
    missing = client.get(route.url(value=missing_value))
    assert response.status_code == 404
    assert _answer(response, value) == _answer(missing, missing_value)
    assert model_of(route.basename).objects.filter(pk=theirs.pk).exists()
