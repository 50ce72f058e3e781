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
from core.access import ROLE_CAPABILITIES
from core.access import Capability
from partnership.models import Membership
from tests import factories

from .resources import HOLDERS
from .resources import PORTFOLIO_ADMIN
from .resources import ROLES
from .resources import ROUTES
from .resources import RULES
from .resources import Route
from .resources import Rule

Role = Membership.Role


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


WRITES = [route for route in ROUTES if route.method != "get"]


@pytest.mark.parametrize("route", WRITES, ids=str)
@pytest.mark.parametrize("elsewhere", [None, Role.AUDITOR, Role.MISSION_STAFF])
def test_a_non_member_who_may_write_nowhere_is_still_answered_as_a_non_member(
    api_login, iom, other_partnership, route, elsewhere
):
    """README: a non-member gets 404 for what they may not see. A user with no
    membership at all, or whose role elsewhere writes nothing of this kind, is no exception:
    another partnership's object does not exist for them (404, not 403), and a create naming
    it is refused like one naming an id that does not exist (400, as for the outsider)."""
    user = factories.UserFactory(username="nobody")
    if elsewhere is not None:
        Membership.objects.create(user=user, partnership=other_partnership, role=elsewhere)
    rule = RULES[route.basename]
    obj = rule.make(iom)
    url = route.url(obj)
    response = getattr(api_login(user), route.method)(url, {}, format="json")
    capability = (rule.actions or {}).get(route.action) or rule.write
    may_write_elsewhere = elsewhere is not None and capability in ROLE_CAPABILITIES[elsewhere]
    if capability == PORTFOLIO_ADMIN:
        # Refused before any object is looked up: the same for one that does not exist.
        expected = {403}
    elif route.detail:
        expected = {404}
    elif elsewhere is None or may_write_elsewhere:
        expected = {400}
    else:
        expected = {403}  # a role that writes nothing of this kind, anywhere
    assert response.status_code in expected, (route, response.status_code, response.content[:300])
