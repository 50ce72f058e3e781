"""A finding, the text that was accepted with 10,000,000 characters (and made a 15-page
report 83 pages long): refused past its limit by the service, the API and the page, at
the field, with nothing saved. (Every other text's limit: tests/config/test_text_limits.py.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from reviews import services as review_services
from reviews.models import Finding

HUGE = "x" * 10_000_000


def test_the_service_refuses_a_finding_past_its_limit_at_the_text(review):
    with pytest.raises(ValidationError) as error:
        review_services.finding_create(review=review, text=HUGE)
    assert error.value.message_dict == {
        "text": ["Ensure this value has at most 5000 characters (it has 10000000)."]
    }
    assert not Finding.objects.exists()


def test_the_api_refuses_a_finding_past_its_limit_at_the_text(review, desk, api_login):
    response = api_login(desk).post(
        "/api/v1/findings/", {"review": review.pk, "text": HUGE}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"text": ["Ensure this field has no more than 5000 characters."]}
    assert not Finding.objects.exists()


def test_the_page_refuses_a_finding_past_its_limit_at_the_field(review, desk, login):
    url = f"/p/{review.partnership.slug}/reviews/{review.pk}/findings/"
    response = login(desk).post(url, {"text": HUGE})
    assert response.status_code == 400
    assert response.context["finding_form"].errors["text"] == [
        "Ensure this value has at most 5000 characters (it has 10000000)."
    ]
    assert not Finding.objects.exists()
    assert 'maxlength="5000"' in response.content.decode()


def test_a_finding_at_its_limit_is_kept(review, desk, api_login):
    response = api_login(desk).post(
        "/api/v1/findings/", {"review": review.pk, "text": "y" * 5000}, format="json"
    )
    assert response.status_code == 201
