"""Multi-factor sign-in: with MFA_REQUIRED (production's default), desk officers, auditors
and administrators sign in with their password and a code from an authenticator app, or a
one-time recovery code; they set the app up at their first log-in and reach nothing before.
Mission staff keep a password alone unless MFA_ALL_ROLES. Wrong codes count towards the
log-in lockout. API tokens are created only in a session signed in with a code."""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts import signin
from accounts.models import ApiToken
from tests import factories

from .conftest import code_of
from .conftest import set_up

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
SLUG = "denmark-iom-2018-2020"
CODE_PAGE = "/account/sign-in/code/"
SET_UP_PAGE = "/account/sign-in/set-up/"


def password_step(username: str, next_url: str = "", address: str = "192.0.2.10"):
    client = Client(REMOTE_ADDR=address)
    data = {"username": username, "password": PASSWORD}
    query = f"?next={next_url}" if next_url else ""
    return client, client.post(f"/accounts/login/{query}", data)


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def verified(client: Client) -> bool:
    return logged_in(client) and DEVICE_ID_SESSION_KEY in client.session


# --- Settings -------------------------------------------------------------------------------


def test_the_second_factor_is_required_in_production_and_not_in_the_demo():
    from config import settings as production  # the test run loads DEBUG=false

    assert production.MFA_REQUIRED is True
    assert production.MFA_ALL_ROLES is False
    env = {k: v for k, v in os.environ.items() if k not in {"MFA_REQUIRED"}}
    command = "from django.conf import settings; print(settings.MFA_REQUIRED)"
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", command],
        env={**env, "DEBUG": "true"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == "False"


# --- Who is asked -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["desk", "auditor"])
def test_desk_officers_and_auditors_must_set_up_at_their_first_log_in(mfa, request, role):
    request.getfixturevalue(role)
    client, response = password_step(role)
    assert response.status_code == 302
    assert response["Location"] == SET_UP_PAGE
    assert not logged_in(client)


def test_a_superuser_without_a_role_must_too_and_the_admin_log_in_asks_as_well(mfa):
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == SET_UP_PAGE
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_mission_staff_sign_in_with_a_password_alone_unless_all_roles_are_asked(mfa, geneva):
    client, response = password_step("geneva")
    assert response["Location"] == "/"
    assert logged_in(client)
    assert client.get(f"/p/{SLUG}/").status_code == 200

    mfa.MFA_ALL_ROLES = True
    client, response = password_step("geneva")
    assert response["Location"] == SET_UP_PAGE
    assert not logged_in(client)


def test_without_the_requirement_nobody_is_asked_but_whoever_set_it_up(settings, desk, geneva):
    settings.MFA_REQUIRED = False
    client, response = password_step("desk")
    assert logged_in(client)
    set_up(geneva)
    client, response = password_step("geneva")
    assert response["Location"] == CODE_PAGE
    assert not logged_in(client)


# --- Nothing before the second step ---------------------------------------------------------

PAGES = ["/", f"/p/{SLUG}/", f"/p/{SLUG}/funding/", f"/p/{SLUG}/history/", "/account/tokens/",
         "/account/security/", "/accounts/password/"]  # fmt: skip
API = ["/api/v1/partnerships/", f"/api/v1/goals/?partnership={SLUG}", "/api/docs/"]


@pytest.mark.parametrize("first_time", [True, False], ids=["before set-up", "before the code"])
def test_no_page_or_api_answer_before_the_second_step(mfa, desk, first_time):
    if not first_time:
        set_up(desk)
    client, response = password_step("desk")
    step = SET_UP_PAGE if first_time else CODE_PAGE
    assert response["Location"] == step
    for url in PAGES:
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer["Location"].startswith("/accounts/login/"), url
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    for url in API:
        assert client.get(url).status_code == 401, url
    assert client.get(step).status_code == 200  # the sign-in can still go on


def test_a_session_from_before_the_requirement_is_sent_to_the_second_step(mfa, desk, login):
    client = login(desk)  # logged in with a password alone
    response = client.get(f"/p/{SLUG}/funding/")
    assert response.status_code == 302
    assert response["Location"] == SET_UP_PAGE
    assert not logged_in(client)
    # Once set up there, they land where they were going.
    page = client.get(SET_UP_PAGE)
    device = TOTPDevice.objects.get(user=desk, confirmed=False)
    response = client.post(SET_UP_PAGE, {"code": code_of(device)})
    assert response["Location"] == "/account/security/recovery-codes/"
    assert page.status_code == 200
    kept = client.post("/account/security/recovery-codes/kept/")
    assert kept["Location"] == f"/p/{SLUG}/funding/"


def test_a_session_from_before_gets_401_from_the_api(mfa, desk, api_login):
    assert api_login(desk).get("/api/v1/partnerships/").status_code == 401


def test_a_verified_session_reaches_everything(mfa, desk, verified_login):
    client = verified_login(desk)
    for url in PAGES + API:
        assert client.get(url).status_code == 200, url


# --- Setting up: the key, a first code, recovery codes shown once --------------------------


def test_setting_up_at_the_first_log_in(mfa, desk):
    client, _ = password_step("desk", next_url=f"/p/{SLUG}/risks/")
    page = client.get(SET_UP_PAGE)
    text = page.content.decode()
    qr_code = re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,([^"]+)"', text)
    assert b"<svg " in base64.b64decode(qr_code.group(1))
    assert 'alt="QR code of the key, for your authenticator app"' in text
    key = re.search(r'id="otp-key">([A-Z2-7 ]+)<', text).group(1)
    device = TOTPDevice.objects.get(user=desk, confirmed=False)
    assert key.replace(" ", "") == device.config_url.split("secret=")[1].split("&")[0]
    assert "issuer=Partnership%20Monitor" in device.config_url
    assert client.get(SET_UP_PAGE).content.decode().count(key) == 1  # the same key again

    wrong = client.post(SET_UP_PAGE, {"code": "000000" if code_of(device) != "000000" else "1"})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["code"] == [
        "That code is not right. Enter the 6 digits the app shows now."
    ]
    assert not logged_in(client)

    mfa.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code above would make the next wait 1 s
    response = client.post(SET_UP_PAGE, {"code": code_of(device)})
    assert response["Location"] == "/account/security/recovery-codes/"
    assert verified(client)
    codes_page = client.get("/account/security/recovery-codes/").content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", codes_page)
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=desk).values_list("token", flat=True))
    assert {code.replace("-", "") for code in codes} == stored

    download = client.get("/account/security/recovery-codes.txt")
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    assert all(code in download.content.decode() for code in codes)

    kept = client.post("/account/security/recovery-codes/kept/")
    assert kept["Location"] == f"/p/{SLUG}/risks/"
    # Shown once: not again, not as text.
    assert client.get("/account/security/recovery-codes/")["Location"] == "/account/security/"
    assert client.get("/account/security/recovery-codes.txt").status_code == 404
    assert device.__class__.objects.get(pk=device.pk).confirmed


# --- Signing in with a code ---------------------------------------------------------------------


def test_a_right_code_signs_in_and_a_wrong_one_is_refused(mfa, desk):
    device, _ = set_up(desk)
    client, response = password_step("desk", next_url=f"/p/{SLUG}/goals/")
    assert response["Location"] == CODE_PAGE
    wrong = client.post(CODE_PAGE, {"code": "123456" if code_of(device) != "123456" else "1"})
    assert wrong.status_code == 400
    assert "That code is not right." in wrong.context["form"].errors["code"][0]
    assert not logged_in(client)

    mfa.OTP_TOTP_THROTTLE_FACTOR = 0
    response = client.post(CODE_PAGE, {"code": code_of(device)})
    assert response["Location"] == f"/p/{SLUG}/goals/"
    assert verified(client)
    assert client.get(f"/p/{SLUG}/goals/").status_code == 200


def test_a_code_works_once(mfa, desk):
    device, _ = set_up(desk)
    code = code_of(device)
    client, _ = password_step("desk")
    assert client.post(CODE_PAGE, {"code": code})["Location"] == "/"
    again, _ = password_step("desk")
    assert again.post(CODE_PAGE, {"code": code}).status_code == 400


def test_right_after_a_wrong_code_django_otp_makes_one_wait(mfa, desk, monkeypatch):
    device, _ = set_up(desk)
    client, _ = password_step("desk")
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)  # however slow the machine
    client.post(CODE_PAGE, {"code": "111111" if code_of(device) != "111111" else "222222"})
    response = client.post(CODE_PAGE, {"code": code_of(device)})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [
        "Too many wrong codes: wait 1 second, then try again."
    ]
    assert not logged_in(client)
    monkeypatch.setattr(timezone, "now", lambda: moment + dt.timedelta(seconds=1))
    assert client.post(CODE_PAGE, {"code": code_of(device)})["Location"] == "/"


def test_a_recovery_code_signs_in_once_and_is_refused_the_second_time(mfa, desk):
    _, codes = set_up(desk)
    client, _ = password_step("desk")
    response = client.post(CODE_PAGE, {"code": codes[3].upper().replace("-", " ")})
    assert response["Location"] == "/"
    assert verified(client)
    message = [str(m) for m in client.get("/").context["messages"]]
    assert message == [
        "You signed in with a recovery code; it no longer works. 9 of 10 recovery codes left."
    ]

    mfa.OTP_STATIC_THROTTLE_FACTOR = 0
    again, _ = password_step("desk")
    refused = again.post(CODE_PAGE, {"code": codes[3]})
    assert refused.status_code == 400
    assert "That code is not right." in refused.context["form"].errors["code"][0]
    assert not logged_in(again)
    assert again.post(CODE_PAGE, {"code": codes[4]})["Location"] == "/"


def test_the_second_step_waits_ten_minutes_at_most(mfa, desk, monkeypatch):
    device, _ = set_up(desk)
    client, _ = password_step("desk")
    later = timezone.now() + dt.timedelta(seconds=signin.PENDING_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.post(CODE_PAGE, {"code": code_of(device)})
    assert response["Location"] == "/accounts/login/"
    assert not logged_in(client)


def test_the_code_page_needs_the_password_first(mfa, client):
    assert client.get(CODE_PAGE)["Location"] == "/accounts/login/"
    assert client.get(SET_UP_PAGE)["Location"] == "/accounts/login/"


# --- The lockout covers codes -----------------------------------------------------------------


def wrong_codes(client: Client, device: TOTPDevice, times: int) -> list[int]:
    right = code_of(device)
    wrong = "000000" if right != "000000" else "999999"
    return [client.post(CODE_PAGE, {"code": wrong}).status_code for _ in range(times)]


def test_five_wrong_codes_lock_the_user_name_out(mfa, desk, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # axes alone, as a patient attacker would see it
    device, _ = set_up(desk)
    client, _ = password_step("desk")
    assert wrong_codes(client, device, 4) == [400] * 4
    fifth = client.post(CODE_PAGE, {"code": "000000"})
    assert fifth.status_code == 429
    assert "Too many failed log-ins" in fifth.content.decode()
    assert not AccessAttempt.objects.filter(post_data__contains="000000").exists()
    # The sign-in is over, and even the right password and code are refused meanwhile.
    assert client.get(CODE_PAGE)["Location"] == "/accounts/login/"
    again, response = password_step("desk")
    assert response.status_code == 429
    assert not logged_in(again)


def test_the_password_alone_does_not_reset_the_count_of_wrong_codes(mfa, desk, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _ = set_up(desk)
    client, _ = password_step("desk")
    assert wrong_codes(client, device, 3) == [400] * 3
    client, response = password_step("desk")  # start again: the password is right
    assert response["Location"] == CODE_PAGE
    assert wrong_codes(client, device, 2) == [400, 429]


def test_a_right_code_resets_the_count(mfa, desk, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _ = set_up(desk)
    client, _ = password_step("desk")
    assert wrong_codes(client, device, 4) == [400] * 4
    assert client.post(CODE_PAGE, {"code": code_of(device)})["Location"] == "/"
    assert not AccessAttempt.objects.exists()


# --- API tokens: created only in a session signed in with a code -----------------------------


def test_the_token_page_refuses_a_session_without_a_second_factor(desk, login):
    client = login(desk)  # MFA not required: the password was enough to log in
    page = client.get("/account/tokens/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "A token is created only in a session signed in with a second factor" in text
    assert 'href="/account/security/authenticator/"' in text
    assert "Create token</button>" not in text
    response = client.post("/account/tokens/", {"name": "Funding export"})
    assert response.status_code == 403
    assert "No token was created." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_session_signed_in_with_a_code_creates_tokens(desk, verified_login):
    response = verified_login(desk).post("/account/tokens/", {"name": "Funding export"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=desk, name="Funding export").exists()


def test_after_a_sign_in_with_a_code_the_token_page_creates(mfa, desk):
    device, _ = set_up(desk)
    client, _ = password_step("desk")
    client.post(CODE_PAGE, {"code": code_of(device)})
    assert client.post("/account/tokens/", {"name": "script"}).status_code == 200
    assert ApiToken.objects.filter(user=desk).count() == 1


def test_a_user_with_an_app_but_an_unverified_session_is_told_to_sign_in_again(desk, login):
    set_up(desk)
    text = login(desk).get("/account/tokens/").content.decode()
    assert "Log out, then sign in again with a code to create a token." in text


# --- The security page: set up by choice, replace, new recovery codes ------------------------


def test_mission_staff_may_set_up_an_app_by_choice_and_are_asked_from_then_on(mfa, geneva, login):
    client = login(geneva)
    assert "Not set up" in client.get("/account/security/").content.decode()
    client.get("/account/security/authenticator/")
    device = TOTPDevice.objects.get(user=geneva, confirmed=False)
    response = client.post("/account/security/authenticator/", {"code": code_of(device)})
    assert response["Location"] == "/account/security/recovery-codes/"
    assert verified(client)
    assert client.post("/account/security/recovery-codes/kept/")["Location"] == (
        "/account/security/"
    )
    assert password_step("geneva")[1]["Location"] == CODE_PAGE


def test_setting_up_right_after_a_wrong_code_says_to_wait_not_that_the_code_is_wrong(
    mfa, geneva, login, monkeypatch
):
    client = login(geneva)
    client.get("/account/security/authenticator/")
    device = TOTPDevice.objects.get(user=geneva, confirmed=False)
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)  # however slow the machine
    wrong = "111111" if code_of(device) != "111111" else "222222"
    refused = client.post("/account/security/authenticator/", {"code": wrong})
    assert refused.context["form"].errors["code"] == [
        "That code is not right. Enter the 6 digits the app shows now."
    ]
    response = client.post("/account/security/authenticator/", {"code": code_of(device)})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [
        "Too many wrong codes: wait 1 second, then try again."
    ]
    danish = client.post(
        "/account/security/authenticator/", {"code": code_of(device)}, HTTP_ACCEPT_LANGUAGE="da"
    )
    assert danish.context["form"].errors["code"] == [
        "For mange forkerte koder: vent 1 sekund, og prøv så igen."
    ]
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert not verified(client)
    monkeypatch.setattr(timezone, "now", lambda: moment + dt.timedelta(seconds=1))
    response = client.post("/account/security/authenticator/", {"code": code_of(device)})
    assert response["Location"] == "/account/security/recovery-codes/"
    assert verified(client)


def test_new_recovery_codes_replace_the_old_and_need_a_verified_session(
    desk, login, verified_login
):
    _, old = set_up(desk)
    refused = login(desk).post("/account/security/recovery-codes/new/")
    assert refused["Location"] == "/account/security/"
    assert StaticToken.objects.filter(device__user=desk).count() == 10

    client = verified_login(desk)
    assert "10 of 10 one-time codes left" in client.get("/account/security/").content.decode()
    response = client.post("/account/security/recovery-codes/new/")
    assert response["Location"] == "/account/security/recovery-codes/"
    new = re.findall(
        r"<code>([a-z2-7-]{9})</code>", client.get(response["Location"]).content.decode()
    )
    assert len(new) == 10
    assert not set(new) & set(old)
    stored = set(StaticToken.objects.filter(device__user=desk).values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in new}


def test_replacing_the_app_needs_a_verified_session_and_removes_the_old_one(
    desk, login, verified_login
):
    old, _ = set_up(desk)
    assert login(desk).get("/account/security/authenticator/")["Location"] == ("/account/security/")
    client = verified_login(desk)
    page = client.get("/account/security/authenticator/")
    assert "Replace your authenticator app" in page.content.decode()
    new = TOTPDevice.objects.get(user=desk, confirmed=False)
    client.post("/account/security/authenticator/", {"code": code_of(new)})
    assert list(TOTPDevice.objects.filter(user=desk)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert services.second_factor_verify(by=desk, code=code_of(new)) == new


def test_an_administrator_removes_a_lost_authenticator_but_never_sees_its_key(
    mfa, desk, verified_login
):
    device, codes = set_up(desk)
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = verified_login(root)
    page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert "Authenticator app" in page
    assert device.key not in page
    assert admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    static = admin.get("/admin/otp_static/staticdevice/").content.decode()
    assert "Recovery codes" in static
    static_page = admin.get(
        f"/admin/otp_static/staticdevice/{device.user.staticdevice_set.get().pk}/change/"
    ).content.decode()
    assert not any(code.replace("-", "") in static_page for code in codes)
    # Removed, the owner sets up a new app at the next log-in.
    admin.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert password_step("desk")[1]["Location"] == SET_UP_PAGE
