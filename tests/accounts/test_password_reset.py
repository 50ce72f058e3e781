"""Password reset by e-mail (Django's views, our pages), read from a real SMTP server on
loopback: the link starts at SITE_URL, works once, and the new password logs in."""

from __future__ import annotations

import re

import pytest

SITE = "https://monitor.example.org"
LOGIN = "/accounts/login/"


@pytest.fixture
def person(desk, settings):
    settings.SITE_URL = SITE
    desk.email = "desk@um.dk"
    desk.save(update_fields=["email"])
    return desk


def _link(smtp, address) -> str:
    (message,) = smtp.to(address)
    assert message["Subject"].strip() == "[Partnership Monitor] Reset your password"
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"{re.escape(SITE)}(/accounts/password/reset/\S+/)", body).group(1)


def test_a_forgotten_password_is_reset_from_the_email(person, login, smtp):
    visitor = login(None)
    assert 'href="/accounts/password/reset/"' in visitor.get(LOGIN).content.decode()
    sent = visitor.post("/accounts/password/reset/", {"email": "desk@um.dk"})
    assert (sent.status_code, sent["Location"]) == (302, "/accounts/password/reset/sent/")
    assert "Check your e-mail" in visitor.get(sent["Location"]).content.decode()

    link = _link(smtp, "desk@um.dk")
    form = visitor.get(link, follow=True)  # Django moves the token out of the address
    assert "Choose a new password" in form.content.decode()
    chosen = "a-brand-new-pass-phrase"
    done = visitor.post(
        form.redirect_chain[-1][0], {"new_password1": chosen, "new_password2": chosen}
    )
    assert done["Location"] == "/accounts/password/reset/done/"
    assert "Your password is saved" in visitor.get(done["Location"]).content.decode()

    logged_in = login(None).post(LOGIN, {"username": "desk", "password": chosen})
    assert (logged_in.status_code, logged_in["Location"]) == (302, "/")
    used = login(None).get(link, follow=True)
    assert "This link does not work" in used.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(person, login, smtp):
    sent = login(None).post("/accounts/password/reset/", {"email": "nobody@um.dk"})
    assert (sent.status_code, sent["Location"]) == (302, "/accounts/password/reset/sent/")
    assert smtp.messages == []


def test_a_deactivated_account_gets_no_reset_email(person, login, smtp):
    person.is_active = False
    person.save(update_fields=["is_active"])
    login(None).post("/accounts/password/reset/", {"email": "desk@um.dk"})
    assert smtp.messages == []
