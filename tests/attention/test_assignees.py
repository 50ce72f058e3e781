"""The responsible member is picked by name in the forms: action points, consultations
(their organiser), reviews and budget lines, each offering only the members who may act
on it."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from consultations.models import ActionPoint
from consultations.models import Consultation
from core.access import Capability
from core.access import Role
from funding.models import BudgetLine
from partnership.assignees import AssigneeChoiceField
from partnership.assignees import check_assignee
from reviews.models import Review
from tests import factories

SLUG = "denmark-iom-2018-2020"


def _options(response, name: str) -> list[str]:
    """The labels of a select's options, as a reader sees them."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_an_action_points_responsible_is_picked_by_name_among_who_may_act(demo, login):
    client = login(demo.geneva)
    url = f"/p/{SLUG}/consultations/action-points/{demo.point.pk}/edit/"
    page = client.get(url)
    assert _options(page, "assignee") == ["Nobody", "Test desk", "Test geneva"]
    form = page.context["form"]
    data = {**{k: v for k, v in form.initial.items() if v is not None}}
    data.update(
        goals=[], risks=[], assignee=str(demo.desk.pk), agenda_item=demo.point.agenda_item_id
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert ActionPoint.objects.get(pk=demo.point.pk).assignee == demo.desk


def test_an_auditor_offered_by_hand_is_refused_at_the_field(demo, login):
    client = login(demo.geneva)
    url = f"/p/{SLUG}/consultations/action-points/{demo.point.pk}/edit/"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(goals=[], risks=[], assignee=str(demo.auditor.pk))
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["assignee"] == [
        f"Select a valid choice. {demo.auditor.pk} is not one of the available choices."
    ]


def test_the_form_of_a_new_action_point_offers_the_responsible_member(demo, login):
    """An agenda item's "Add an action point" form (loaded when it is opened on the
    consultation page, or on a page of its own) offers whom to make responsible."""
    item = demo.point.agenda_item
    form_url = f"/p/{SLUG}/consultations/items/{item.pk}/action-points/"
    for headers in ({}, {"HX-Request": "true"}):
        response = login(demo.geneva).get(form_url, headers=headers)
        assert _options(response, "assignee")[:3] == ["Nobody", "Test desk", "Test geneva"]
    created = login(demo.geneva).post(
        f"/p/{SLUG}/consultations/items/{item.pk}/action-points/",
        {
            "description": "IOM to send the audit report.",
            "owner": "IOM",
            "assignee": str(demo.geneva.pk),
            "due_date": "2020-03-31",
        },
    )
    assert created.status_code == 302
    assert ActionPoint.objects.get(description="IOM to send the audit report.").assignee == (
        demo.geneva
    )


def test_the_action_point_row_says_who_follows_it_up(demo, login):
    demo.point.assignee = demo.geneva
    demo.point.save(update_fields=["assignee"])
    page = login(demo.auditor).get(f"/p/{SLUG}/consultations/").content.decode()
    assert "Followed up by Test geneva" in page


def test_a_consultations_organiser_is_picked_by_name(demo, login):
    client = login(demo.geneva)
    url = f"/p/{SLUG}/consultations/2019/edit/"
    assert _options(client.get(url), "organiser") == ["Nobody", "Test desk", "Test geneva"]
    response = client.post(url, {"status": "planned", "organiser": str(demo.geneva.pk)})
    assert response.status_code == 302
    assert Consultation.objects.get(partnership=demo.partnership, year=2019).organiser == (
        demo.geneva
    )
    page = client.get(f"/p/{SLUG}/consultations/2019/").content.decode()
    assert "<dt>Organiser</dt><dd>Test geneva</dd>" in page


def test_a_reviews_responsible_is_a_desk_officer_picked_by_name(demo, login):
    other_desk = factories.member(demo.partnership, Role.DESK_OFFICER, username="copenhagen")
    other_desk.first_name, other_desk.last_name = "Karen", "Holm"
    other_desk.save()
    client = login(demo.desk)
    url = f"/p/{SLUG}/reviews/{demo.review.pk}/edit/"
    page = client.get(url)
    assert _options(page, "assignee") == ["Nobody", "Karen Holm", "Test desk"]
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(assignee=str(other_desk.pk), reason="Karen carries the review")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Review.objects.get(pk=demo.review.pk).assignee == other_desk
    page = client.get(demo.review.get_absolute_url()).content.decode()
    assert "<dt>Responsible</dt><dd>Karen Holm</dd>" in page


def test_a_budget_lines_responsible_is_picked_on_its_own_page(demo, login):
    line = demo.lines.get(year=2020, component="core")
    client = login(demo.desk)
    url = f"/p/{SLUG}/funding/lines/{line.pk}/responsible/"
    detail = client.get(line.get_absolute_url()).content.decode()
    assert f'href="{url}"' in detail
    assert _options(client.get(url), "assignee") == ["Nobody", "Test desk"]
    response = client.post(url, {"assignee": str(demo.desk.pk), "reason": "Mine to commit"})
    assert response.status_code == 302
    assert BudgetLine.objects.get(pk=line.pk).assignee == demo.desk
    assert (
        "<dt>Responsible</dt><dd>Test desk" in client.get(line.get_absolute_url()).content.decode()
    )
    assert login(demo.geneva).get(url).status_code == 403


def test_two_members_of_the_same_name_are_told_apart_by_user_name(demo):
    twin = factories.UserFactory(username="desk2", first_name="Test", last_name="desk")
    field = AssigneeChoiceField(members=[demo.desk, twin])
    assert [label for _, label in field.choices] == [
        "Nobody",
        "Test desk (desk)",
        "Test desk (desk2)",
    ]


def test_the_rule_is_the_models_so_every_service_keeps_it(demo):
    with pytest.raises(ValidationError) as refused:
        check_assignee(
            user=demo.geneva,
            partnership_id=demo.partnership.pk,
            capability=Capability.EDIT_FUNDING,
        )
    assert refused.value.message_dict == {
        "assignee": [
            "Test geneva is mission staff here and cannot act on it: choose a desk officer."
        ]
    }
    line = demo.lines.first()
    line.assignee = demo.auditor
    with pytest.raises(ValidationError, match="auditor here"):
        line.full_clean()


def test_the_responsible_select_reads_in_the_readers_language(demo, login):
    client = login(demo.geneva)
    url = f"/p/{SLUG}/consultations/action-points/{demo.point.pk}/edit/"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="da")
    assert _options(response, "assignee")[0] == "Ingen"
    field = response.context["form"].fields["assignee"]
    assert str(field.label) == "Følges op af"  # the owner is the one responsible


def test_the_action_point_form_helps_in_the_readers_language(demo, login):
    url = f"/p/{SLUG}/consultations/action-points/{demo.point.pk}/edit/"
    response = login(demo.geneva).get(url, HTTP_ACCEPT_LANGUAGE="da")
    assert _options(response, "agenda_item")[0] == "Ingen"
    page = response.content.decode()
    assert "Brug “Udgå dette opfølgningspunkt” for at lade punktet udgå." in page
