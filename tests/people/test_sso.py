"""Single sign-on against a real OpenID Connect provider: django-oidc-provider, in a tiny
Django project of its own (tests/oidc_provider/), started by the test in a second process
on a loopback port. The app talks to it over HTTP as it would to Entra ID: the browser's
redirects are followed by hand (the app through Django's test client, the provider through
requests), the code is exchanged, the ID token's RS256 signature checked against the
provider's published keys, the user's claims read from its userinfo endpoint.

First sign-in links the provider's user to the invited account by e-mail; the log-out ends
the session here and at the provider; no account is made for someone nobody invited, a
deactivated account cannot sign in, and LOCAL_PASSWORDS decides whether passwords work."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from people import services
from people.models import Invitation
from people.models import SignInIdentity
from tests import factories

ROOT = Path(django_settings.BASE_DIR)
APP = "http://testserver"
SLUG = "denmark-iom-2018-2020"
PASSWORD = "provider-pass-phrase"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The identity provider, running: its address, the app's client and its people."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    spec = {
        "client_id": "partnership-monitor",
        "client_secret": "a-client-secret-for-the-tests",
        "redirect_uri": f"{APP}/oidc/callback/",
        "post_logout_redirect_uri": f"{APP}/accounts/login/",
        "people": [
            {"username": "nadia", "email": "Nadia.Nielsen@um.dk", "password": PASSWORD,
             "first_name": "Nadia", "last_name": "Nielsen"},
            {"username": "stranger", "email": "stranger@um.dk", "password": PASSWORD},
            {"username": "desk", "email": "desk@um.dk", "password": PASSWORD},
        ],
    }  # fmt: skip
    (folder / "spec.json").write_text(json.dumps(spec))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OP_DATABASE": str(folder / "provider.sqlite3"),
        "OP_URL": f"{url}/openid",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(  # noqa: S603 - the test's own provider, fixed arguments
        [sys.executable, "-m", "tests.oidc_provider.prepare", str(folder / "spec.json")],
        cwd=ROOT, env=env, check=True, timeout=120,
    )  # fmt: skip
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/openid/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "provider.log").read_text()) from None
                time.sleep(0.2)
        yield SimpleNamespace(url=url, **spec)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def sso(provider, settings):
    """The app configured for the provider as README's settings would configure it."""
    op = f"{provider.url}/openid"
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OIDC_ISSUER = op
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{op}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{op}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{op}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{op}/jwks"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{op}/end-session"
    settings.OIDC_PROVIDER_NAME = "the ministry's account"
    settings.AUTHENTICATION_BACKENDS = [
        "people.oidc.MinistryOIDCBackend",
        *settings.AUTHENTICATION_BACKENDS,
    ]
    settings.SITE_URL = APP
    return provider


class Person:
    """One person's browser: the app's pages (Django's test client) and the provider's
    (requests), each redirect followed by hand."""

    def __init__(self, provider) -> None:
        self.app = Client()
        self.op = requests.Session()
        self.provider = provider

    def sign_in(self, username: str, password: str = PASSWORD):
        """From the app's "Sign in" to the app's answer to the provider's callback."""
        start = self.app.get("/oidc/authenticate/")
        assert start.status_code == 302
        assert start["Location"].startswith(self.provider.url)
        answer = self.op.get(start["Location"], allow_redirects=False, timeout=10)
        if answer.headers["Location"].startswith("/login/"):  # no session at the provider
            login_page = self.op.get(self.provider.url + answer.headers["Location"], timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)
            answer = self.op.post(
                login_page.url,
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "username": username,
                    "password": password,
                    "next": parse_qs(urlsplit(login_page.url).query)["next"][0],
                },
                headers={"Referer": login_page.url},
                allow_redirects=False,
                timeout=10,
            )
            answer = self.op.get(
                self.provider.url + answer.headers["Location"], allow_redirects=False, timeout=10
            )
        callback = answer.headers["Location"]
        assert callback.startswith(f"{APP}/oidc/callback/?code="), callback
        return self.app.get(callback.removeprefix(APP))


def test_an_invited_colleague_signs_in_the_first_time_and_is_linked_by_email(sso, desk, iom):
    invitation = services.membership_invite(
        partnership=iom, by=desk, email="nadia.nielsen@um.dk", role="mission_staff"
    )
    person = Person(sso)
    login_page = person.app.get("/accounts/login/").content.decode()
    assert "Sign in with the ministry&#x27;s account" in login_page

    signed_in = person.sign_in("nadia")
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/")
    home = person.app.get("/")
    assert home.wsgi_request.user == invitation.user
    assert [p.slug for p, _ in home.context["rows"]] == [SLUG]
    identity = SignInIdentity.objects.get(user=invitation.user)
    assert identity.issuer == f"{sso.url}/openid"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    invitation.user.refresh_from_db()
    assert invitation.user.get_full_name() == "Nadia Nielsen"  # from the provider's claims

    # From then on the subject links them, whatever their address here becomes.
    invitation.user.email = "n.nielsen@um.dk"
    invitation.user.save(update_fields=["email"])
    again = Person(sso)
    assert again.sign_in("nadia")["Location"] == "/"
    assert again.app.get("/").wsgi_request.user == invitation.user


def test_logging_out_ends_the_session_here_and_at_the_provider(sso, desk, iom):
    desk.email = "desk@um.dk"
    desk.save(update_fields=["email"])
    person = Person(sso)
    assert person.sign_in("desk")["Location"] == "/"
    assert person.app.get(f"/p/{SLUG}/").status_code == 200

    out = person.app.post("/accounts/logout/")
    assert out.status_code == 302
    end_session = out["Location"]
    assert end_session.startswith(f"{sso.url}/openid/end-session?id_token_hint=")
    assert person.app.get(f"/p/{SLUG}/")["Location"].startswith("/accounts/login/")
    back = person.op.get(end_session, allow_redirects=False, timeout=10)
    assert back.headers["Location"] == f"{APP}/accounts/login/"
    # The provider asks for the password again: its session ended too.
    start = person.app.get("/oidc/authenticate/")
    at_provider = person.op.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.headers["Location"].startswith("/login/")


def test_nobody_gets_an_account_by_signing_in(sso, iom):
    count = factories.UserFactory._meta.model.objects.count()
    person = Person(sso)
    refused = person.sign_in("stranger")
    assert (refused.status_code, refused["Location"]) == (302, "/accounts/login/")
    page = person.app.get("/accounts/login/").content.decode()
    assert "there is no account here for you" in page
    assert factories.UserFactory._meta.model.objects.count() == count
    assert not person.app.get("/").wsgi_request.user.is_authenticated


def test_a_deactivated_account_cannot_sign_in_and_its_session_ends(sso, desk, iom):
    desk.email = "desk@um.dk"
    desk.save(update_fields=["email"])
    person = Person(sso)
    assert person.sign_in("desk")["Location"] == "/"
    desk.is_active = False
    desk.save(update_fields=["is_active"])
    assert person.app.get(f"/p/{SLUG}/")["Location"].startswith("/accounts/login/")
    again = Person(sso)
    assert again.sign_in("desk")["Location"] == "/accounts/login/"


def test_without_local_passwords_only_the_provider_signs_people_in(sso, desk, iom, settings):
    settings.LOCAL_PASSWORDS = False
    settings.AUTHENTICATION_BACKENDS = ["people.oidc.MinistryOIDCBackend"]
    visitor = Client()
    page = visitor.get("/accounts/login/").content.decode()
    assert "Sign in with the ministry" in page
    assert 'name="password"' not in page
    refused = visitor.post(
        "/accounts/login/", {"username": "desk", "password": "a-long-test-password"}
    )
    assert refused.status_code == 200
    assert not refused.wsgi_request.user.is_authenticated
    assert visitor.get("/accounts/password/reset/").status_code == 404

    invitation = services.membership_invite(
        partnership=iom, by=desk, email="Nadia.Nielsen@um.dk", role="auditor"
    )
    assert invitation.new_account
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
    (message,) = mail.outbox
    assert "Sign in with the ministry's account, using this address (Nadia.Nielsen@um.dk)" in (
        message.body
    )
    assert "/accounts/invitation/" not in message.body
    person = Person(sso)
    assert person.sign_in("nadia")["Location"] == "/"
    assert person.app.get(f"/p/{SLUG}/").status_code == 200


def test_sign_in_is_not_found_while_it_is_not_configured(db):
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/?code=x&state=y").status_code == 404


def test_someone_who_must_give_a_second_factor_gives_it_after_the_provider(
    sso, desk, iom, settings
):
    settings.MFA_REQUIRED = True
    desk.email = "desk@um.dk"
    desk.save(update_fields=["email"])
    person = Person(sso)
    step = person.sign_in("desk")
    assert (step.status_code, step["Location"]) == (302, "/account/sign-in/set-up/")
    assert person.app.get(f"/p/{SLUG}/")["Location"].startswith("/accounts/login/")
