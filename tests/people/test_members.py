"""A partnership's people on its page (/p/<slug>/members/): every member reads who belongs
and in which role; desk officers and portfolio administrators change a role and remove
someone, who then loses access at once while what they wrote, and the history, stay."""

from __future__ import annotations

import pytest

from partnership.models import GoalUpdate
from partnership.models import Membership
from partnership.models import OverallGoal
from tests import factories

SLUG = "denmark-iom-2018-2020"
MEMBERS = f"/p/{SLUG}/members/"


def _membership(user, partnership):
    return Membership.objects.get(user=user, partnership=partnership)


@pytest.mark.parametrize("who", ["desk", "geneva", "auditor"])
def test_every_member_reads_who_belongs_and_in_which_role(users, login, iom, who):
    users["desk"].email = "desk@um.dk"
    users["desk"].save()
    page = login(users[who]).get(MEMBERS)
    assert page.status_code == 200
    text = page.content.decode()
    for name, role in (
        ("desk", "Desk officer"),
        ("geneva", "Mission staff"),
        ("auditor", "Auditor"),
    ):
        assert f"Test {name}" in text
        assert role in text
    assert "desk@um.dk" in text
    assert "outsider" not in text
    assert ("Change role" in text) == (who == "desk")


def test_the_danish_members_page_names_the_roles_as_the_role_field_does(desk, geneva, login, iom):
    """Sagsbehandler and Repræsentationens medarbejder, in the introduction as in the field,
    and on the dashboard's line about the reader's own role."""
    da = {"accept-language": "da"}
    page = login(desk).get(MEMBERS, headers=da).content.decode()
    assert ">Repræsentationens medarbejder<" in page
    assert "Sagsbehandlere redigerer partnerskabet" in page
    assert "repræsentationens medarbejdere fører konsultationerne" in page
    assert "Kontorfuldmægtig" not in page
    assert "missionens" not in page
    dashboard = login(geneva).get(f"/p/{SLUG}/", headers=da).content.decode()
    assert "Du er en af repræsentationens medarbejdere i dette partnerskab." in dashboard


def test_a_non_member_gets_404_and_a_visitor_the_login(outsider, login, iom):
    assert login(outsider).get(MEMBERS).status_code == 404
    response = login(None).get(MEMBERS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["geneva", "auditor"])
def test_only_desk_officers_change_roles_or_remove(users, login, iom, who):
    target = _membership(users["auditor"], iom)
    client = login(users[who])
    for action in ("role", "remove"):
        url = f"{MEMBERS}{target.pk}/{action}/"
        assert client.get(url).status_code == 403
        assert client.post(url, {"role": "desk_officer", "reason": "x"}).status_code == 403
    assert _membership(users["auditor"], iom).role == Membership.Role.AUDITOR


def test_a_desk_officer_changes_a_role_and_the_history_keeps_the_reason(desk, geneva, login, iom):
    target = _membership(geneva, iom)
    assert login(geneva).get(f"/p/{SLUG}/history/").status_code == 403
    client = login(desk)
    form = client.get(f"{MEMBERS}{target.pk}/role/")
    assert form.status_code == 200
    assert "Change the role of Test geneva" in form.content.decode()
    response = client.post(
        f"{MEMBERS}{target.pk}/role/", {"role": "auditor", "reason": "Moved to the audit unit"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Membership.Role.AUDITOR
    entry = target.history.latest()
    assert (entry.role, entry.history_user, entry.history_change_reason) == (
        "auditor",
        desk,
        "Moved to the audit unit",
    )
    assert "Test geneva is now auditor." in client.get(MEMBERS).content.decode()
    # Their new role decides at once: an auditor reads the change history, mission staff not.
    assert login(geneva).get(f"/p/{SLUG}/history/").status_code == 200


def test_the_only_desk_officer_keeps_the_role_until_someone_else_has_it(desk, geneva, login, iom):
    own = _membership(desk, iom)
    client = login(desk)
    response = client.post(f"{MEMBERS}{own.pk}/role/", {"role": "auditor", "reason": "Leaving"})
    assert response.status_code == 400
    assert response.context["form"].errors["role"] == [
        "Test desk is the partnership's only desk officer: give someone else that role first."
    ]
    refused = client.post(f"{MEMBERS}{own.pk}/remove/", {"reason": "Leaving"})
    assert refused.status_code == 400
    assert "only desk officer" in refused.content.decode()
    assert _membership(desk, iom).role == Membership.Role.DESK_OFFICER

    # With a second desk officer, the first may step down.
    second = {"role": "desk_officer", "reason": "Second desk officer"}
    client.post(f"{MEMBERS}{_membership(geneva, iom).pk}/role/", second)
    stepping_down = {"role": "auditor", "reason": "Leaving"}
    assert client.post(f"{MEMBERS}{own.pk}/role/", stepping_down).status_code == 302


def test_removing_someone_asks_for_a_reason_and_says_what_it_does(desk, geneva, login, iom):
    target = _membership(geneva, iom)
    client = login(desk)
    page = client.get(f"{MEMBERS}{target.pk}/remove/").content.decode()
    assert "Remove Test geneva from the partnership" in page
    assert "no longer see the partnership" in page
    refused = client.post(f"{MEMBERS}{target.pk}/remove/", {"reason": "  "})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"] == [
        "Give a reason: it is kept with the change history."
    ]
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_removed_member_loses_access_at_once_and_what_they_wrote_stays(
    desk, geneva, login, api_login, iom
):
    goal = OverallGoal.objects.get(partnership=iom, number=2)
    written = factories.GoalUpdateFactory(goal=goal, author=geneva)
    theirs = login(geneva)
    their_api = api_login(geneva)
    assert theirs.get(f"/p/{SLUG}/").status_code == 200
    assert their_api.get("/api/v1/goals/").json()["count"] == 9  # and now cached

    target = _membership(geneva, iom)
    response = login(desk).post(f"{MEMBERS}{target.pk}/remove/", {"reason": "Left the mission"})
    assert response.status_code == 302

    assert theirs.get(f"/p/{SLUG}/").status_code == 404
    assert theirs.get(MEMBERS).status_code == 404
    assert their_api.get("/api/v1/goals/").json()["count"] == 0
    assert their_api.get(f"/api/v1/goals/{goal.pk}/").status_code == 404
    assert GoalUpdate.objects.get(pk=written.pk).author == geneva
    removal = Membership.history.filter(id=target.pk).latest()
    assert (removal.history_type, removal.history_user, removal.history_change_reason) == (
        "-",
        desk,
        "Left the mission",
    )
    history = login(desk).get(f"/p/{SLUG}/history/", {"kind": "membership"}).content.decode()
    assert "Left the mission" in history


def test_a_portfolio_administrator_manages_the_people_of_a_partnership_they_hold_no_role_in(
    portfolio_admin, desk, geneva, login, iom
):
    client = login(portfolio_admin)
    page = client.get(MEMBERS)
    assert page.status_code == 200
    assert "Change role" in page.content.decode()
    target = _membership(geneva, iom)
    promoted = {"role": "desk_officer", "reason": "Covering"}
    assert client.post(f"{MEMBERS}{target.pk}/role/", promoted).status_code == 302
    assert _membership(geneva, iom).role == Membership.Role.DESK_OFFICER
    assert (
        client.post(f"{MEMBERS}{target.pk}/remove/", {"reason": "Reorganised"}).status_code == 302
    )
    assert not Membership.objects.filter(pk=target.pk).exists()


def test_a_membership_of_another_partnership_is_not_found_under_this_one(
    desk, outsider, other_partnership, login, iom
):
    theirs = _membership(outsider, other_partnership)
    client = login(desk)
    assert client.get(f"{MEMBERS}{theirs.pk}/role/").status_code == 404
    assert client.post(f"{MEMBERS}{theirs.pk}/remove/", {"reason": "x"}).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_a_change_of_role_without_a_reason_is_refused_at_the_reason(desk, geneva, login, iom):
    target = _membership(geneva, iom)
    client = login(desk)
    response = client.post(f"{MEMBERS}{target.pk}/role/", {"role": "auditor", "reason": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == [
        "Give a reason: it is kept with the change history."
    ]
    assert _membership(geneva, iom).role == Membership.Role.MISSION_STAFF
    danish = client.post(
        f"{MEMBERS}{target.pk}/role/", {"role": "auditor"}, HTTP_ACCEPT_LANGUAGE="da"
    )
    assert "Angiv en begrundelse" in danish.content.decode()


def test_a_bad_role_is_refused_at_the_field(desk, geneva, login, iom):
    target = _membership(geneva, iom)
    response = login(desk).post(f"{MEMBERS}{target.pk}/role/", {"role": "director"})
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    assert _membership(geneva, iom).role == Membership.Role.MISSION_STAFF
