"""/api/v1/memberships/: the same rules as the people's pages. The generated contract tests
(tests/api/) cover the five roles; these cover what they cannot: a portfolio administrator,
the rule that a partnership keeps a desk officer, and a removal seen by the removed."""

from __future__ import annotations

from accounts import services as account_services
from partnership.models import Membership

URL = "/api/v1/memberships/"


def _membership(user, partnership):
    return Membership.objects.get(user=user, partnership=partnership)


def test_members_read_the_people_of_their_partnerships_only(
    users, api_login, iom, other_partnership
):
    body = api_login(users["geneva"]).get(URL).json()
    assert sorted((m["username"], m["role"], m["partnership"]) for m in body["results"]) == [
        ("auditor", "auditor", iom.slug),
        ("desk", "desk_officer", iom.slug),
        ("geneva", "mission_staff", iom.slug),
    ]
    assert api_login(users["geneva"]).get(URL, {"role": "auditor"}).json()["count"] == 1


def test_a_portfolio_administrator_reads_and_manages_every_partnership(
    portfolio_admin, users, api_login, iom, other_partnership
):
    client = api_login(portfolio_admin)
    listed = client.get(URL, {"page_size": 500}).json()
    assert {m["partnership"] for m in listed["results"]} == {iom.slug, other_partnership.slug}
    theirs = _membership(users["outsider"], other_partnership)
    # The outsider is their partnership's only desk officer: a second one first.
    other = _membership(users["geneva"], iom)
    changed = client.patch(f"{URL}{other.pk}/", {"role": "auditor", "reason": "Audit"})
    assert (changed.status_code, changed.json()["role"]) == (200, "auditor")
    refused = client.patch(f"{URL}{theirs.pk}/", {"role": "auditor", "reason": "Audit"})
    assert refused.status_code == 400
    assert refused.json() == {
        "role": [
            "Test outsider is the partnership's only desk officer: give someone else that role "
            "first."
        ]
    }
    assert client.post(f"{URL}{other.pk}/remove/", {"reason": "Reorganised"}).status_code == 204
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_a_desk_officer_cannot_manage_the_people_of_another_partnership(
    desk, outsider, api_login, iom, other_partnership
):
    theirs = _membership(outsider, other_partnership)
    client = api_login(desk)
    assert client.patch(f"{URL}{theirs.pk}/", {"role": "auditor"}).status_code == 404
    assert client.post(f"{URL}{theirs.pk}/remove/", {"reason": "x"}).status_code == 404
    assert _membership(outsider, other_partnership).role == Membership.Role.DESK_OFFICER


def test_a_role_change_keeps_its_reason_and_a_removal_needs_one(desk, geneva, api_login, iom):
    target = _membership(geneva, iom)
    client = api_login(desk)
    response = client.put(f"{URL}{target.pk}/", {"role": "auditor", "reason": "Audit unit"})
    assert response.status_code == 200
    assert response.json()["role"] == "auditor"
    entry = Membership.objects.get(pk=target.pk).history.latest()
    assert (entry.history_user, entry.history_change_reason) == (desk, "Audit unit")
    refused = client.post(f"{URL}{target.pk}/remove/", {})
    assert refused.status_code == 400
    assert refused.json() == {"reason": ["Give a reason: it is kept with the change history."]}
    unexplained = client.patch(f"{URL}{target.pk}/", {"role": "mission_staff"})
    assert unexplained.status_code == 400
    assert unexplained.json() == {"reason": ["Give a reason: it is kept with the change history."]}
    assert Membership.objects.get(pk=target.pk).role == Membership.Role.AUDITOR
    bad = client.patch(f"{URL}{target.pk}/", {"role": "director"})
    assert bad.status_code == 400
    assert list(bad.json()) == ["role"]


def test_a_removed_member_loses_access_through_their_token_at_once(desk, geneva, api_login, iom):
    _, raw = account_services.api_token_create(by=geneva, name="script")
    theirs = api_login(None)
    theirs.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert theirs.get("/api/v1/partnerships/").json()["count"] == 1
    assert theirs.get(f"/api/v1/partnerships/{iom.pk}/").status_code == 200
    target = _membership(geneva, iom)
    removed = api_login(desk).post(f"{URL}{target.pk}/remove/", {"reason": "Left"})
    assert removed.status_code == 204
    assert theirs.get("/api/v1/partnerships/").json()["count"] == 0
    assert theirs.get(f"/api/v1/partnerships/{iom.pk}/").status_code == 404
