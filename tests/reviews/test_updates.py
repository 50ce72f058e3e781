"""A review, a finding and a recommendation are changed through their update services,
whose lists of fields the forms and the serializers share; the pages word each kind of
item in the reader's language."""

from __future__ import annotations

import pytest

from partnership.models import Membership
from reviews import forms
from reviews import serializers
from reviews import services
from reviews.models import Finding
from reviews.models import Recommendation

from .factories import ReviewFactory

P = "/p/denmark-iom-2018-2020/reviews"


def _writable(serializer) -> set[str]:
    return {
        name
        for name, field in serializer().fields.items()
        if not field.read_only and name != "reason"
    }


def test_the_page_edits_the_review_fields_the_service_edits_and_the_api_all_but_status():
    assert set(forms.ReviewForm.base_fields) - {"reason"} == set(services.REVIEW_FIELDS)
    # The API reads a review's status: it moves on the page, and to issued with a version.
    assert _writable(serializers.ReviewSerializer) == set(services.REVIEW_FIELDS) - {"status"}


@pytest.mark.parametrize(
    ("form", "serializer", "fields"),
    [
        (forms.FindingForm, serializers.FindingUpdateSerializer, services.FINDING_FIELDS),
        (
            forms.RecommendationForm,
            serializers.RecommendationUpdateSerializer,
            services.RECOMMENDATION_FIELDS,
        ),
    ],
)
def test_the_page_and_the_api_edit_the_item_fields_the_service_edits(form, serializer, fields):
    assert set(form.base_fields) == set(fields) == _writable(serializer)


def test_the_update_services_refuse_a_field_they_do_not_edit(review, desk):
    finding = services.finding_create(review=review, text="Reporting improved.")
    with pytest.raises(TypeError, match="Not editable here: kind"):
        services.review_update(review=review, by=desk, changes={"kind": "final"})
    with pytest.raises(TypeError, match="Not editable here: number"):
        services.review_item_update(item=finding, by=desk, changes={"number": 7})
    with pytest.raises(TypeError, match="Not editable here: finding"):
        services.review_item_update(item=finding, by=desk, changes={"finding": finding})
    review.refresh_from_db()
    finding.refresh_from_db()
    assert (review.kind, finding.number) == ("mid_term", 1)


def test_an_item_changed_outside_a_request_keeps_who_changed_it(review, desk):
    finding = services.finding_create(review=review, text="Reporting improved.")
    services.review_item_update(
        item=finding, by=desk, changes={"text": "Reporting improved a lot."}
    )
    latest = finding.history.latest()
    assert (latest.text, latest.history_user) == ("Reporting improved a lot.", desk)


def test_the_item_pages_name_the_kind_in_danish(review, desk, login):
    finding = services.finding_create(review=review, text="Rapporteringen er forbedret.")
    services.recommendation_create(review=review, text="Fortsæt.", finding=finding)
    client = login(desk)
    danish = {"HTTP_ACCEPT_LANGUAGE": "da"}
    edit = client.get(f"{P}/{review.pk}/findings/1/", **danish).content.decode()
    assert "<h1>Redigér konstatering 1</h1>" in edit
    assert "Slet konstatering 1…" in edit
    assert "finding 1" not in edit.lower()
    confirm = client.get(f"{P}/{review.pk}/recommendations/1/delete/", **danish).content
    assert "<li>Slette anbefaling 1 i" in confirm.decode()
    saved = client.post(
        f"{P}/{review.pk}/recommendations/1/",
        {"text": "Fortsæt arbejdet.", "finding": finding.pk},
        follow=True,
        **danish,
    ).content.decode()
    assert "Anbefalingen er gemt." in saved
    deleted = client.post(
        f"{P}/{review.pk}/recommendations/1/delete/", {"reason": "To gange."}, follow=True, **danish
    ).content.decode()
    assert "Anbefaling 1 er slettet." in deleted
    assert not Recommendation.objects.filter(review=review).exists()
    assert Finding.objects.filter(review=review).count() == 1


@pytest.mark.parametrize("kind", ["findings", "recommendations"])
def test_the_api_does_not_move_an_item_to_another_review(
    kind, review, desk, api_login, other_partnership
):
    # The desk officer only reads the other partnership: its review is visible to them.
    Membership.objects.create(
        user=desk, partnership=other_partnership, role=Membership.Role.AUDITOR
    )
    elsewhere = ReviewFactory(partnership=other_partnership)
    item = services.finding_create(review=review, text="Reporting improved.")
    if kind == "recommendations":
        item = services.recommendation_create(review=review, text="Keep it up.")
    answer = api_login(desk).put(
        f"/api/v1/{kind}/{item.pk}/",
        {"review": elsewhere.pk, "text": "Changed."},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    item.refresh_from_db()
    assert (item.review_id, item.text) == (review.pk, "Changed.")
    assert answer.json()["review"] == review.pk
    assert not elsewhere.findings.exists()
    assert not elsewhere.recommendations.exists()
