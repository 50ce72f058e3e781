"""The permission matrix of DESIGN.md, generated from the API router: every route × method ×
(anonymous, non-member, desk officer, mission staff, auditor).

Every registered resource needs a rule in ``tests/api/resources.py``; a new endpoint without
one fails the suite. Requests carry an empty body: a role that may write gets past the
permission check (and is then told what is missing, 400, or changes nothing, 200); a role
that may not gets 403.
"""

from __future__ import annotations

import pytest

from config.api_urls import router
from core.access import Capability

from .resources import HOLDERS, PORTFOLIO_ADMIN, ROLES, ROUTES, RULES, Route, Rule


def test_every_resource_has_a_rule():
    missing = {basename for _, _, basename in router.registry} - set(RULES)
    assert not missing, f"add the DESIGN.md rule of {sorted(missing)} to RULES"


def _expected(role: str, rule: Rule, route: Route) -> set[int]:  # noqa: PLR0911 - one answer per row of the table
    if role == "anonymous":
        return {401}
    safe = route.method == "get"
    capability = (rule.actions or {}).get(route.action) or (Capability.VIEW if safe else rule.write)
    if capability == PORTFOLIO_ADMIN:
        return {403}  # whatever the role, and before the body or the object is read
    if role == "outsider":
        if route.detail:
            return {404}
        if safe:
            return {200}
        # A desk officer elsewhere may write somewhere; this partnership's objects "do not
        # exist" for them, so an empty body is simply invalid.
        return {400}
    if role not in HOLDERS[capability]:
        return {403}
    if safe:
        return {200}
    if route.method == "delete":
        return {204}
    return {200, 201, 202, 400}


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(users, api_login, iom, route, role):
    rule = RULES[route.basename]
    obj = rule.make(iom)
    url = route.url(obj)
    client = api_login(users.get(role))
    response = getattr(client, route.method)(url, {}, format="json")
    if response.streaming:
        # Read a download to its end: the client then closes its file the way a server
        # would. Calling close() here would also close the test's database connection.
        b"".join(response.streaming_content)
    assert response.status_code in _expected(role, rule, route), (
        role,
        route.method,
        url,
        response.status_code,
        response.content[:300],
    )
    readers = rule.listed_to or (rule.actions or {}).get("list") or Capability.VIEW
    if route.action == "list" and rule.lists is not None and role in HOLDERS[readers]:
        # A member who may read the list finds the object in the partnership's list.
        listing = client.get(url, {"partnership": iom.slug, "page_size": 500}).json()
        assert any(rule.lists(obj, item) for item in listing["results"]), (role, url)
