"""Invitations by e-mail, read from a real SMTP server on loopback: a new address gets an
account and a one-time, expiring link to set its password, then sees its partnership; an
existing account is added and told so; a failed send is recorded and sent again."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from partnership.models import Membership
from people import services
from people.models import Invitation

SLUG = "denmark-iom-2018-2020"
MEMBERS = f"/p/{SLUG}/members/"
SITE = "https://monitor.example.org"
NEW = "nadia.nielsen@um.dk"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _invite(client, email=NEW, role="mission_staff", **names):
    return client.post(
        MEMBERS,
        {"email": email, "role": role, "first_name": "Nadia", "last_name": "Nielsen", **names},
    )


def _link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"{re.escape(SITE)}(/accounts/invitation/[^/\s]+/)", body).group(1)


def test_a_new_colleague_sets_a_password_from_the_email_and_sees_only_that_partnership(
    desk, login, smtp, iom, other_partnership
):
    response = _invite(login(desk))
    assert response.status_code == 302
    (message,) = smtp.to(NEW)
    assert message["Subject"].strip() == f"[Partnership Monitor] You are invited to {iom.title}"
    body = message.get_body(("plain",)).get_content()
    assert "Test desk has invited you to Partnership Monitor as mission staff" in body
    assert f"Your user name is {NEW}." in body
    page = login(desk).get(MEMBERS).content.decode()
    assert "Nadia Nielsen" in page
    assert "no password set yet" in page

    person = get_user_model().objects.get(email=NEW)
    assert not person.has_usable_password()
    assert (
        login(None).post("/accounts/login/", {"username": NEW, "password": ""}).status_code == 200
    )

    visitor = login(None)
    link = _link(message)
    form = visitor.get(link)
    assert form.status_code == 200
    assert form["Cache-Control"] == "no-store"
    assert f"as mission staff of <strong>{iom.title}</strong>" in form.content.decode()
    weak = visitor.post(link, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 400
    assert "This password is too short" in weak.content.decode()
    chosen = "a-good-long-pass-phrase"
    done = visitor.post(link, {"new_password1": chosen, "new_password2": chosen})
    assert (done.status_code, done["Location"]) == (302, iom.get_absolute_url())

    # Logged in, they see the partnership they were invited to and no other.
    assert visitor.get(iom.get_absolute_url()).status_code == 200
    assert visitor.get(other_partnership.get_absolute_url()).status_code == 404
    assert [p.slug for p, _ in visitor.get("/").context["rows"]] == [SLUG]
    invitation = Invitation.objects.get(user=person)
    assert invitation.accepted_at is not None
    assert invitation.sent_at is not None

    # The link works once.
    again = login(None).get(link)
    assert again.status_code == 400
    assert "has been used already" in again.content.decode()
    logged_in = login(None).post("/accounts/login/", {"username": NEW, "password": chosen})
    assert (logged_in.status_code, logged_in["Location"]) == (302, "/")


def test_the_link_expires(desk, login, smtp, iom, settings, monkeypatch):
    _invite(login(desk))
    (message,) = smtp.to(NEW)
    link = _link(message)
    later = timezone.now() + dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS, minutes=1)
    monkeypatch.setattr("time.time", later.timestamp)
    refused = login(None).get(link)
    assert refused.status_code == 400
    assert "This invitation has expired" in refused.content.decode()


def test_a_tampered_link_and_a_replaced_link_are_refused(desk, login, smtp, iom):
    client = login(desk)
    _invite(client)
    first = _link(smtp.to(NEW)[0])
    assert login(None).get(first[:-3] + "xx/").status_code == 400
    membership = Membership.objects.get(user__email=NEW)
    assert client.post(f"{MEMBERS}{membership.pk}/invite-again/").status_code == 302
    second = _link(smtp.to(NEW)[1])
    replaced = login(None).get(first)
    assert replaced.status_code == 400
    assert "replaced by a newer invitation" in replaced.content.decode()
    assert login(None).get(second).status_code == 200


def test_a_withdrawn_invitation_no_longer_sets_a_password(desk, login, smtp, iom):
    client = login(desk)
    _invite(client)
    link = _link(smtp.to(NEW)[0])
    membership = Membership.objects.get(user__email=NEW)
    client.post(f"{MEMBERS}{membership.pk}/remove/", {"reason": "Invited by mistake"})
    refused = login(None).get(link)
    assert refused.status_code == 400
    assert "This invitation was withdrawn" in refused.content.decode()


def test_inviting_an_existing_user_adds_the_membership_and_tells_them(
    desk, outsider, login, smtp, iom
):
    outsider.email = "olaf@um.dk"
    outsider.save()
    response = _invite(login(desk), email="OLAF@um.dk", role="auditor")
    assert response.status_code == 302
    assert Membership.objects.get(user=outsider, partnership=iom).role == "auditor"
    assert get_user_model().objects.filter(email__iexact="olaf@um.dk").count() == 1
    (message,) = smtp.to("OLAF@um.dk")
    assert message["Subject"].strip() == f"[Partnership Monitor] You were added to {iom.title}"
    body = message.get_body(("plain",)).get_content()
    assert "Test desk has added you as auditor" in body
    assert f"{SITE}{iom.get_absolute_url()}" in body
    assert "/accounts/invitation/" not in body
    assert login(outsider).get(iom.get_absolute_url()).status_code == 200


def test_an_existing_member_or_a_bad_address_is_refused_at_the_field(desk, geneva, login, iom):
    geneva.email = "geneva@um.dk"
    geneva.save()
    client = login(desk)
    twice = _invite(client, email="geneva@um.dk")
    assert twice.status_code == 400
    assert twice.context["form"].errors["email"] == [
        "Test geneva is already a member, as mission staff."
    ]
    bad = _invite(client, email="not-an-address")
    assert bad.status_code == 400
    assert "email" in bad.context["form"].errors
    assert not Invitation.objects.exists()


def test_only_those_who_manage_people_invite(geneva, auditor, portfolio_admin, login, iom):
    for person in (geneva, auditor):
        assert _invite(login(person)).status_code == 403
    assert not get_user_model().objects.filter(email=NEW).exists()
    assert _invite(login(portfolio_admin)).status_code == 302
    assert Membership.objects.filter(user__email=NEW, partnership=iom).exists()


def test_a_send_that_fails_is_recorded_and_sent_again(desk, login, smtp, iom):
    smtp.refuse[NEW] = 1  # the mail server refuses the first try
    client = login(desk)
    response = _invite(client)
    assert response.status_code == 302
    page = client.get(MEMBERS).content.decode()
    assert "could not be sent" in page
    invitation = Invitation.objects.get(email=NEW)
    assert invitation.sent_at is None
    assert "could not be sent" in invitation.send_error
    assert Membership.objects.filter(user__email=NEW).exists()

    membership = Membership.objects.get(user__email=NEW)
    client.post(f"{MEMBERS}{membership.pk}/invite-again/")
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.send_error == ""
    assert len(smtp.to(NEW)) == 1


def test_the_api_invites_and_answers_whether_the_email_went(desk, api_login, smtp, iom):
    client = api_login(desk)
    created = client.post(
        "/api/v1/memberships/",
        {"partnership": SLUG, "email": NEW, "role": "auditor", "first_name": "Nadia"},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["email"], body["role"], body["invitation_pending"], body["invitation_error"]) == (
        NEW,
        "auditor",
        True,
        None,
    )
    assert body["invitation_sent_at"] is not None
    assert len(smtp.to(NEW)) == 1
    again = client.post(f"/api/v1/memberships/{body['id']}/invite-again/")
    assert again.status_code == 200
    assert len(smtp.to(NEW)) == 2
    unknown = client.post(
        "/api/v1/memberships/",
        {"partnership": "other-partnership", "email": "x@um.dk", "role": "auditor"},
        format="json",
    )
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["partnership"]


def test_the_invitation_and_the_membership_are_in_the_history(desk, iom, smtp):
    invitation = services.membership_invite(
        partnership=iom, by=desk, email=NEW, role="auditor", first_name="Nadia"
    )
    membership = Membership.objects.get(user=invitation.user, partnership=iom)
    created = membership.history.earliest()
    assert (created.history_user, created.history_change_reason) == (
        desk,
        f"Invited by e-mail ({NEW})",
    )
    assert invitation.history.earliest().history_user == desk


def test_an_invited_desk_officer_sets_up_the_second_factor_before_they_are_logged_in(
    desk, login, smtp, iom, settings
):
    settings.MFA_REQUIRED = True
    services.membership_invite(partnership=iom, by=desk, email=NEW, role="desk_officer")
    visitor = login(None)
    link = _link(smtp.to(NEW)[0])
    chosen = "a-good-long-pass-phrase"
    done = visitor.post(link, {"new_password1": chosen, "new_password2": chosen})
    assert (done.status_code, done["Location"]) == (302, "/account/sign-in/set-up/")
    assert not visitor.get("/account/sign-in/set-up/").wsgi_request.user.is_authenticated
    assert visitor.get(iom.get_absolute_url())["Location"].startswith("/accounts/login/")
    assert Invitation.objects.get(email=NEW).accepted_at is not None


def test_an_invitation_without_an_inviter_is_from_an_administrator_in_the_language(desk, iom, smtp):
    from django.utils import translation

    invitation = services.membership_invite(
        partnership=iom, by=desk, email=NEW, role="auditor", first_name="Nadia"
    )
    Invitation.objects.filter(pk=invitation.pk).update(invited_by=None)
    invitation.refresh_from_db()
    with translation.override("da"):
        body = services.invitation_message(invitation).body
    assert "En administrator har inviteret dig til Partnership Monitor som revisor i:" in body
    assert "An administrator" not in body


def test_a_colleague_who_reads_danish_is_told_in_danish_whoever_adds_them(
    desk, outsider, login, smtp, iom
):
    """An existing account is told in the language of its profile, not the inviter's."""
    from accounts.models import Profile

    outsider.email = "olaf@um.dk"
    outsider.save()
    Profile.objects.create(user=outsider, language="da")
    assert _invite(login(desk), email="olaf@um.dk", role="auditor").status_code == 302
    (message,) = smtp.to("olaf@um.dk")
    body = message.get_body(("plain",)).get_content()
    assert "revisor" in body
    assert "has added you" not in body
    assert "You were added" not in message["Subject"]


# Valid addresses that a user name cannot hold as they are: 185 characters (a user name
# holds 150), and an apostrophe.
LONG = f"{'a' * 60}@{'b' * 60}.{'c' * 60}.dk"
APOSTROPHE = "Siobhan.O'Neill@um.dk"


@pytest.mark.parametrize(
    ("email", "username", "alike"),
    [
        (LONG, LONG[:150], f"{LONG[:-2]}se"),
        (APOSTROPHE, "siobhan.oneill@um.dk", "Siobhan.ONeill@um.dk"),
    ],
    ids=["185 characters", "apostrophe"],
)
def test_an_address_a_user_name_cannot_hold_is_invited_with_the_user_name_it_can(
    desk, login, smtp, iom, email, username, alike
):
    assert len(LONG) == 185
    response = _invite(login(desk), email=email)
    assert response.status_code == 302
    person = get_user_model().objects.get(email=email)
    assert person.username == username
    (message,) = smtp.to(email)
    assert f"Your user name is {username}." in message.get_body(("plain",)).get_content()
    # Another address that would make the same user name: the next is numbered, and fits.
    assert _invite(login(desk), email=alike).status_code == 302
    numbered = get_user_model().objects.get(email=alike).username
    assert numbered == f"{username[: 150 - 2]}-2"


def test_an_address_too_long_for_an_account_is_refused_at_the_address(
    desk, login, api_login, smtp, iom
):
    """An account keeps an address of at most 254 characters (the form takes 320)."""
    long = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.dk"
    assert len(long) == 259
    before = (get_user_model().objects.count(), Membership.objects.count())
    response = _invite(login(desk), email=long)
    assert response.status_code == 400
    page = response.content.decode()
    field = re.search(r'<input type="email" name="email"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert f'value="{long}"' in field  # what was typed stays
    error = re.search(r'<ul class="errorlist" id="id_email_error">(.*?)</ul>', page, re.S)
    assert "at most 254 characters (it has 259)" in error.group(1)
    refused = api_login(desk).post(
        "/api/v1/memberships/",
        {"partnership": SLUG, "email": long, "role": "auditor"},
        format="json",
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["email"]
    assert (get_user_model().objects.count(), Membership.objects.count()) == before
    assert smtp.to(long) == []
