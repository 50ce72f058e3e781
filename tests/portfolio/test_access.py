"""Nobody sees a partnership they hold no role in, except portfolio administrators, who read
every partnership (pages and API) and change nothing in one without taking a role in it."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core import access
from partnership.models import Membership


def test_a_portfolio_administrator_reads_every_partnership_and_changes_none(
    portfolio_admin, login, api_login, iom, other_partnership
):
    client = login(portfolio_admin)
    home = client.get("/").content.decode()
    assert iom.title in home
    assert other_partnership.title in home
    assert "None (you read it as a portfolio administrator)" in home
    dashboard = client.get(f"/p/{iom.slug}/")
    assert dashboard.status_code == 200
    assert "You read this partnership as a portfolio administrator" in dashboard.content.decode()
    assert client.get(f"/p/{iom.slug}/goals/4/").status_code == 200
    assert client.get(f"/p/{iom.slug}/funding/").status_code == 200
    assert client.get(f"/p/{iom.slug}/edit/").status_code == 403
    assert client.get(f"/p/{iom.slug}/history/").status_code == 403

    api = api_login(portfolio_admin)
    slugs = {p["slug"] for p in api.get("/api/v1/partnerships/").json()["results"]}
    assert {iom.slug, other_partnership.slug} <= slugs
    goals = api.get("/api/v1/goals/", {"partnership": iom.slug}).json()
    assert goals["count"] == 9
    response = api.patch(f"/api/v1/partnerships/{iom.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 403
    iom.refresh_from_db()
    assert iom.title != "x"


def test_with_a_role_a_portfolio_administrator_acts_as_that_role(portfolio_admin, login, iom):
    Membership.objects.create(
        user=portfolio_admin, partnership=iom, role=Membership.Role.DESK_OFFICER
    )
    assert login(portfolio_admin).get(f"/p/{iom.slug}/edit/").status_code == 200


def test_someone_without_the_role_still_does_not_see_a_partnership_they_hold_no_role_in(
    outsider, login, api_login, iom
):
    assert login(outsider).get(f"/p/{iom.slug}/").status_code == 404
    response = api_login(outsider).get("/api/v1/partnerships/", {"partnership": iom.slug})
    assert response.json()["count"] == 0


def test_roles_and_the_portfolio_role_are_read_in_one_query(
    portfolio_admin, desk, django_assert_num_queries
):
    for user in (portfolio_admin, desk):
        fresh = get_user_model().objects.get(pk=user.pk)
        with django_assert_num_queries(1):
            access.roles_of(fresh)
            access.is_portfolio_admin(fresh)
            access.capabilities_in(fresh, 1)
    fresh = get_user_model().objects.get(pk=portfolio_admin.pk)
    assert access.is_portfolio_admin(fresh)
    assert access.roles_of(fresh) == {}
    assert access.capabilities_in(fresh, 1) == access.PORTFOLIO_ADMIN_CAPABILITIES
