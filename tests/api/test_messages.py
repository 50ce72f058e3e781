"""The API's own messages: whole in the reader's language (Accept-Language) and in the
shape README documents (a 400 names the field, or ``non_field_errors``)."""

from __future__ import annotations

import pytest

from partnership.models import OverallGoal

pytestmark = pytest.mark.django_db

DANISH = {"HTTP_ACCEPT_LANGUAGE": "da"}


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("/api/v1/allocations/", "post"),
        ("/api/v1/goals/", "post"),
        ("/api/v1/memberships/", "post"),
    ],
)
def test_a_malformed_json_body_is_a_400_in_non_field_errors(desk, api_login, url, method):
    client = api_login(desk)
    response = getattr(client, method)(url, "{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The body is not valid JSON: see line 1, column 2."]
    }
    danish = getattr(client, method)(
        url, '{"a": 1,\n  x}', content_type="application/json", **DANISH
    )
    assert danish.json() == {
        "non_field_errors": ["Forespørgslens indhold er ikke gyldig JSON: se linje 2, kolonne 3."]
    }


def test_a_partnership_that_is_not_there_and_one_out_of_reach_get_one_message(
    desk, api_login, iom, other_partnership
):
    client = api_login(desk)
    for slug in ("no-such-partnership", other_partnership.slug):
        for url in ("/api/v1/goals/", "/api/v1/staff-positions/", "/api/v1/memberships/"):
            refused = client.post(url, {"partnership": slug}, format="json")
            assert refused.status_code == 400, url
            assert refused.json()["partnership"] == [
                f"No partnership “{slug}” that you can reach."
            ], url
    danish = client.post("/api/v1/goals/", {"partnership": "nope"}, format="json", **DANISH)
    assert danish.json()["partnership"] == ["Intet partnerskab “nope”, som du har adgang til."]


def test_a_role_without_the_right_hears_one_wording_on_creates_and_objects(auditor, api_login, iom):
    client = api_login(auditor)
    created = client.post("/api/v1/goals/", {"partnership": iom.slug}, format="json")
    goal = OverallGoal.objects.filter(partnership=iom).first()
    edited = client.patch(f"/api/v1/goals/{goal.pk}/", {"title": "x"}, format="json")
    assert (created.status_code, edited.status_code) == (403, 403)
    wording = "Your role in this partnership does not allow this."
    assert created.json() == edited.json() == {"detail": wording}
    danish = client.post("/api/v1/goals/", {"partnership": iom.slug}, format="json", **DANISH)
    assert danish.json() == {"detail": "Din rolle i dette partnerskab giver ikke adgang til dette."}
