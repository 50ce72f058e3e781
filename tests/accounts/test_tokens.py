"""Personal API tokens: created and named by their owner, shown once, stored hashed, act
with the owner's memberships only, revocable, and their last use is visible."""

import re

import pytest

from accounts import services
from accounts.models import ApiToken
from accounts.models import hash_token
from partnership.models import GoalUpdate
from partnership.models import OverallGoal

SLUG = "denmark-iom-2018-2020"


def _bearer(api_login, raw):
    client = api_login(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(desk, verified_login):
    client = verified_login(desk)
    response = client.post("/account/tokens/", {"name": "Funding export"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = re.search(r'value="(pm_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=desk)
    assert token.name == "Funding export"
    assert token.key_hash == hash_token(raw)
    assert raw not in str(ApiToken.objects.values_list().get())
    again = client.get("/account/tokens/").content.decode()
    assert "Funding export" in again
    assert raw not in again
    assert raw[:10] in again  # the prefix tells tokens apart


def test_a_token_without_a_name_is_refused_at_the_field(desk, verified_login):
    response = verified_login(desk).post("/account/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert not ApiToken.objects.exists()


def test_a_token_acts_with_its_owners_memberships_and_records_its_use(
    desk, outsider, api_login, iom
):
    _, raw = services.api_token_create(by=desk, name="script")
    client = _bearer(api_login, raw)
    goals = client.get("/api/v1/goals/", {"partnership": SLUG})
    assert goals.status_code == 200
    assert goals.json()["count"] == 9
    goal = OverallGoal.objects.get(partnership=iom, number=2)
    created = client.post(
        "/api/v1/goal-updates/",
        {"goal": goal.pk, "as_of": "2019-07-01", "status": "on_track", "narrative": "MOPAN on."},
        format="json",
    )
    assert created.status_code == 201
    assert GoalUpdate.objects.get().author == desk
    assert ApiToken.objects.get().last_used_at is not None

    _, other_raw = services.api_token_create(by=outsider, name="other")
    hidden = _bearer(api_login, other_raw).get(f"/api/v1/goals/{goal.pk}/")
    assert hidden.status_code == 404


def test_an_auditors_token_cannot_write(auditor, api_login, iom):
    _, raw = services.api_token_create(by=auditor, name="read only")
    goal = OverallGoal.objects.get(partnership=iom, number=2)
    response = _bearer(api_login, raw).post(
        "/api/v1/goal-updates/",
        {"goal": goal.pk, "as_of": "2019-07-01", "status": "on_track", "narrative": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert not GoalUpdate.objects.exists()


def test_a_revoked_token_no_longer_works(desk, login, api_login):
    token, raw = services.api_token_create(by=desk, name="old script")
    assert _bearer(api_login, raw).get("/api/v1/goals/").status_code == 200
    response = login(desk).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    refused = _bearer(api_login, raw).get("/api/v1/goals/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "The token is not valid or has been revoked."}


def test_nobody_revokes_another_users_token(desk, outsider, login):
    token, _ = services.api_token_create(by=desk, name="mine")
    assert login(outsider).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer pm_wrong", "Bearer a b", "Bearer \u00e6\u00f8\u00e5"]
)
def test_bad_credentials_answer_401_with_the_scheme(api_login, desk, header):
    client = api_login(None)
    response = client.get("/api/v1/goals/", HTTP_AUTHORIZATION=header.encode("utf-8"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_no_credentials_answer_401(api_login):
    response = api_login(None).get("/api/v1/goals/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_token_page_needs_a_login(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302


def test_a_refused_token_is_said_in_the_language_the_script_asks_for(desk, login, api_login):
    token, raw = services.api_token_create(by=desk, name="old script")
    login(desk).post(f"/account/tokens/{token.pk}/revoke/")
    refused = _bearer(api_login, raw).get("/api/v1/goals/", HTTP_ACCEPT_LANGUAGE="da")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Nøglen er ikke gyldig eller er tilbagekaldt."}
