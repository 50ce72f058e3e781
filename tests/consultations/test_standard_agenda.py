"""The standard agenda is the partnership's data, kept by desk officers: added to, edited
and retired; a consultation created later starts with it as it then stands, those created
before keep theirs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from consultations import services
from consultations.models import StandardAgendaItem
from partnership.models import Partnership
from tests.queries import count_get

SLUG = "denmark-iom-2018-2020"
PAGE = f"/p/{SLUG}/consultations/standard-agenda/"


def _codes(consultation) -> list[str]:
    return list(consultation.agenda_items.order_by("order").values_list("code", flat=True))


def test_the_page_lists_the_standard_agenda_of_the_strategy(auditor, login, iom):
    page = login(auditor).get(PAGE)
    assert page.status_code == 200
    assert [item.code for item in page.context["items"]][:3] == ["i", "ii", "iii"]
    assert len(page.context["items"]) == 12
    assert "Add an item" not in page.content.decode()  # auditors read


def test_a_desk_officer_adds_edits_and_retires_items_and_later_consultations_follow(
    desk, login, iom
):
    before = services.consultation_create(partnership=iom, by=desk, year=2018)
    client = login(desk)
    added = client.post(
        PAGE, {"code": "psea", "kind": "raised", "title": "Protection from sexual abuse"}
    )
    assert added.status_code == 302
    item = iom.standard_agenda.get(code="psea")
    assert item.order == 13
    viii = iom.standard_agenda.get(code="viii")
    edited = client.post(
        f"{PAGE}{viii.pk}/edit/",
        {"code": "viii", "kind": "standard", "title": "Danish nationals in IOM",
         "reason": "Shorter"},
    )  # fmt: skip
    assert edited.status_code == 302
    retired = client.post(f"{PAGE}{iom.standard_agenda.get(code='ix').pk}/retire/",
                          {"reason": "Any other business is item vii"})  # fmt: skip
    assert retired.status_code == 302

    after = services.consultation_create(partnership=iom, by=desk, year=2019)
    assert _codes(after) == [
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii",
        "efficiency", "corruption-misconduct", "transparency", "psea",
    ]  # fmt: skip
    assert after.agenda_items.get(code="viii").title == "Danish nationals in IOM"
    # The consultation created before keeps its agenda as it was.
    assert "ix" in _codes(before)
    assert before.agenda_items.get(code="viii").title.startswith("Employment of Danish")
    page = client.get(PAGE)
    assert [i.code for i in page.context["retired"]] == ["ix"]
    assert viii.history.first().history_change_reason == "Shorter"


def test_a_code_twice_and_a_missing_reason_are_refused_at_their_fields(desk, login, iom):
    client = login(desk)
    twice = client.post(PAGE, {"code": "iv", "kind": "standard", "title": "Again"})
    assert twice.status_code == 400
    assert twice.context["form"].errors["code"] == ["The standard agenda has an item iv already."]
    item = iom.standard_agenda.get(code="iv")
    no_reason = client.post(f"{PAGE}{item.pk}/retire/", {"reason": " "})
    assert no_reason.status_code == 400
    assert StandardAgendaItem.objects.get(pk=item.pk).retired_on is None


def test_only_desk_officers_keep_the_standard_agenda(geneva, login, iom):
    client = login(geneva)
    item = iom.standard_agenda.get(code="iv")
    assert client.post(PAGE, {"code": "x", "kind": "standard", "title": "x"}).status_code == 403
    assert client.get(f"{PAGE}{item.pk}/edit/").status_code == 403
    assert client.post(f"{PAGE}{item.pk}/retire/", {"reason": "x"}).status_code == 403


def test_a_closed_partnerships_standard_agenda_is_kept_as_it_ended(desk, iom):
    Partnership.objects.filter(pk=iom.pk).update(status=Partnership.Status.CLOSED)
    iom.refresh_from_db()
    with pytest.raises(ValidationError, match="is closed"):
        services.standard_agenda_item_create(partnership=iom, by=desk, code="x", title="x")
    item = StandardAgendaItem.objects.select_related("partnership").get(partnership=iom, code="iv")
    with pytest.raises(ValidationError, match="is closed"):
        services.standard_agenda_item_retire(item=item, by=desk, reason="x")


def test_the_api_keeps_the_standard_agenda(desk, geneva, api_login, iom):
    client = api_login(desk)
    listed = client.get("/api/v1/standard-agenda-items/", {"partnership": SLUG}).json()
    assert [row["code"] for row in listed["results"]][:2] == ["i", "ii"]
    payload = {"partnership": SLUG, "code": "psea", "kind": "raised", "title": "PSEA"}
    assert (
        api_login(geneva).post("/api/v1/standard-agenda-items/", payload, format="json").status_code
        == 403
    )
    created = client.post("/api/v1/standard-agenda-items/", payload, format="json")
    assert created.status_code == 201
    assert created.json()["order"] == 13
    item_id = created.json()["id"]
    changed = client.patch(
        f"/api/v1/standard-agenda-items/{item_id}/", {"title": "PSEA and SH"}, format="json"
    )
    assert changed.json()["title"] == "PSEA and SH"
    retired = client.post(
        f"/api/v1/standard-agenda-items/{item_id}/retire/", {"reason": "Raised under vi"},
        format="json",
    )  # fmt: skip
    assert retired.json()["retired_on"] is not None
    in_force = client.get(
        "/api/v1/standard-agenda-items/", {"partnership": SLUG, "retired": "false"}
    ).json()
    assert in_force["count"] == 12


def test_the_standard_agenda_page_makes_a_fixed_number_of_queries(desk, login, iom):
    client = login(desk)
    few = count_get(client, PAGE)
    for n in range(20):
        services.standard_agenda_item_create(partnership=iom, by=desk, code=f"x{n}", title="x")
    # With the data version of the page's key (core.caching.cached_page).
    assert count_get(client, PAGE) == few == 5


def _retired(iom, desk):
    item = services.standard_agenda_item_retire(
        item=iom.standard_agenda.get(code="ix"), by=desk, reason="Any other business is vii"
    )
    return item, f"Item ix was retired on {date_format(item.retired_on)}."


def _of_a_closed_partnership(iom, desk):
    Partnership.objects.filter(pk=iom.pk).update(status=Partnership.Status.CLOSED)
    return iom.standard_agenda.get(code="ix"), (
        f"{iom.title} is closed: its standard agenda is kept as it ended."
    )


@pytest.mark.parametrize("unchangeable", [_retired, _of_a_closed_partnership])
@pytest.mark.parametrize("page", ["retire", "edit"])
def test_the_pages_of_an_item_that_may_not_change_say_why_and_offer_no_form(
    desk, login, iom, page, unchangeable
):
    item, said = unchangeable(iom, desk)
    client = login(desk)
    shown = client.get(f"{PAGE}{item.pk}/{page}/", follow=True)
    assert shown.redirect_chain == [(PAGE, 302)]
    assert said in shown.content.decode()
    assert 'name="reason"' not in shown.content.decode()
    versions = item.history.count()
    again = client.post(
        f"{PAGE}{item.pk}/{page}/",
        {"code": "ix", "kind": "standard", "title": "x", "reason": "Again"},
        follow=True,
    )
    assert again.redirect_chain == [(PAGE, 302)]
    assert said in again.content.decode()
    assert item.history.count() == versions
