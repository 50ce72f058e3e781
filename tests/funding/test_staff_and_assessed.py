"""The staff register and the assessed contribution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding import services
from funding.models import AssessedContribution
from funding.models import BudgetLine
from funding.models import Component
from funding.models import StaffPosition


def _position(partnership, **fields):
    defaults = {
        "kind": "regular",
        "position": "Migration policy officer",
        "duty_station": "Geneva",
        "start_date": dt.date(2018, 9, 1),
    }
    return services.staff_position_create(partnership=partnership, **{**defaults, **fields})


def test_a_secondment_counts_against_its_secondments_line(funded):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    _position(funded, kind="secondment", budget_line=line, cost=Decimal("1500000"))
    with pytest.raises(ValidationError) as error:
        _position(funded, kind="secondment", budget_line=line, cost=Decimal("500000.01"))
    assert "DKK 500,000.00 is left" in error.value.message_dict["cost"][0]
    with pytest.raises(ValidationError) as error:
        _position(funded, kind="secondment", cost=Decimal(1))
    assert "budget_line" in error.value.message_dict


def test_jpos_are_outside_the_budget(funded):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    with pytest.raises(ValidationError) as error:
        _position(funded, kind="jpo", budget_line=line)
    assert "JPOs are outside the budget" in error.value.message_dict["budget_line"][0]
    jpo = _position(funded, kind="jpo", position="JPO, migration and development")
    assert jpo.budget_line is None
    assert StaffPosition.objects.count() == 1


def test_staff_outside_the_budget_are_refused_a_line_in_whole_danish_sentences(funded):
    from django.utils import translation

    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    with translation.override("da"):
        with pytest.raises(ValidationError) as jpo:
            _position(funded, kind="jpo", budget_line=line)
        with pytest.raises(ValidationError) as regular:
            _position(funded, kind="regular", budget_line=line)
        assert [str(m) for m in jpo.value.message_dict["budget_line"]] == [
            "JPO'er ligger uden for budgettet: lad budgetlinjen være tom."
        ]
        assert [str(m) for m in regular.value.message_dict["budget_line"]] == [
            "Fast personale betales af organisationen: lad budgetlinjen være tom."
        ]
    assert not StaffPosition.objects.exists()


def test_the_responsible_members_help_text_reads_danish():
    from django.utils import translation

    from consultations.models import ActionPoint

    with translation.override("da"):
        assert str(BudgetLine._meta.get_field("assignee").help_text).startswith(
            "Den sagsbehandler, der følger linjen"
        )
        assert str(ActionPoint._meta.get_field("assignee").help_text).startswith(
            "Det medlem af partnerskabet"
        )


def test_staff_page_shows_jpos_apart(funded, desk, auditor, login):
    _position(funded, kind="jpo", position="JPO in Addis Ababa", duty_station="Addis Ababa")
    page = login(auditor).get(f"/p/{funded.slug}/funding/staff/").content.decode()
    assert "outside the budget" in page
    assert "JPO in Addis Ababa" in page


def test_staff_page_pages_each_kind_apart(funded, desk, auditor, login, monkeypatch):
    """Two a page: the third JPO is on the JPOs' second page, the regular staff stay on
    their first, and the secondments lines are paged by year."""
    from funding import views

    monkeypatch.setattr(views, "POSITIONS_PER_PAGE", 2)
    monkeypatch.setattr(views, "YEARS_PER_PAGE", 2)
    for n in range(3):
        _position(funded, kind="jpo", position=f"JPO number {n}", duty_station="Addis Ababa")
    _position(funded, kind="regular", position="Regular officer", duty_station="Geneva")
    client = login(auditor)
    page = client.get(f"/p/{funded.slug}/funding/staff/").content.decode()
    assert "JPO number 0" in page
    assert "JPO number 1" in page
    assert "JPO number 2" not in page
    assert 'href="?jpo-page=2"' in page
    assert "Regular officer" in page
    assert "lines-page=2" in page
    page = client.get(f"/p/{funded.slug}/funding/staff/?jpo-page=2").content.decode()
    assert "JPO number 2" in page
    assert "JPO number 0" not in page
    assert "Regular officer" in page


def test_the_expected_assessed_contribution_is_computed_from_the_scale_and_budget(funded):
    c2018 = AssessedContribution.objects.get(partnership=funded, year=2018)
    # Footnote 15: CHF 50,690,324; footnote 24: 0,6293 % -> 318,994.21 ("approx. 319.000").
    assert c2018.administrative_budget == Decimal("50690324")
    assert c2018.scale_percent == Decimal("0.6293")
    assert c2018.expected_amount == Decimal("318994.21")
    assert c2018.stated_amount == Decimal("319000")
    assert c2018.paying_ministry == "Ministry of Immigration and Integration"
    assert "footnote 15" in c2018.citation
    c2017 = AssessedContribution.objects.get(partnership=funded, year=2017)
    assert c2017.administrative_budget is None
    assert c2017.expected_amount is None  # the 2017 budget is not stated: nothing is guessed


EDIT_2018 = {
    "scale_percent": "0.6293",
    "paying_ministry": "Ministry of Immigration and Integration",
    "administrative_budget": "50690324",
}


def test_invoiced_and_paid_are_recorded_with_history(funded, desk, login):
    response = login(desk).post(
        f"/p/{funded.slug}/funding/assessed-contributions/2018/edit/",
        {**EDIT_2018, "invoiced": "318994.21", "paid": "318994.21",
         "reason": "Invoice C/2018/DK"},
    )  # fmt: skip
    assert response.status_code == 302
    c2018 = AssessedContribution.objects.get(partnership=funded, year=2018)
    assert c2018.paid == Decimal("318994.21")
    assert c2018.history.first().history_change_reason == "Invoice C/2018/DK"
    refused = login(desk).post(
        f"/p/{funded.slug}/funding/assessed-contributions/2018/edit/",
        {**EDIT_2018, "invoiced": "-1"},
    )
    assert refused.status_code == 400


def test_the_desk_officer_adds_2019_and_2020_on_the_page(funded, desk, login):
    client = login(desk)
    base = f"/p/{funded.slug}/funding/assessed-contributions/"
    listing = client.get(base).content.decode()
    assert f'href="{base}new/"' in listing
    form = client.get(f"{base}new/").content.decode()
    # Proposed from the latest year: the next year, its scale, currency and ministry.
    assert 'name="year" value="2019"' in form
    assert 'value="0.6293"' in form
    data = {"year": "2019", "scale_percent": "0.6293", "administrative_budget": "52000000",
            "currency": "CHF", "paying_ministry": "Ministry of Immigration and Integration",
            "reason": "IOM invoice for 2019"}  # fmt: skip
    assert client.post(f"{base}new/", data).status_code == 302
    assert (
        client.post(
            f"{base}new/", {**data, "year": "2020", "administrative_budget": ""}
        ).status_code
        == 302
    )
    again = client.post(f"{base}new/", data)
    assert again.status_code == 400
    assert again.context["form"].errors == {
        "year": [
            f"2019 already has an assessed contribution: correct it instead ({base}2019/edit/)."
        ]
    }
    c2019 = AssessedContribution.objects.get(partnership=funded, year=2019)
    assert c2019.expected_amount == Decimal("327236.00")  # 52,000,000 × 0.6293 %
    assert c2019.history.first().history_change_reason == "IOM invoice for 2019"
    page = client.get(base).content.decode()
    assert "CHF 327,236" in page
    assert f"{base}2020/edit/" in page
    assert [c.year for c in AssessedContribution.objects.filter(partnership=funded)] == [
        2017, 2018, 2019, 2020,
    ]  # fmt: skip


def test_years_of_the_assessed_contribution_are_added_through_the_api(
    funded, desk, geneva, api_login
):
    body = {"partnership": funded.slug, "year": 2019, "scale_percent": "0.6293",
            "administrative_budget": "52000000.00", "currency": "CHF",
            "paying_ministry": "Ministry of Immigration and Integration",
            "stated_amount": "1.00", "citation": "forged"}  # fmt: skip
    assert (
        api_login(geneva).post("/api/v1/assessed-contributions/", body, format="json").status_code
        == 403
    )
    created = api_login(desk).post("/api/v1/assessed-contributions/", body, format="json")
    assert created.status_code == 201
    answer = created.json()
    assert (answer["year"], answer["expected_amount"], answer["stated_amount"]) == (
        2019, "327236.00", None,
    )  # fmt: skip
    twice = api_login(desk).post("/api/v1/assessed-contributions/", body, format="json")
    assert twice.status_code == 400
    patched = api_login(desk).patch(
        f"/api/v1/assessed-contributions/{answer['id']}/",
        {"administrative_budget": "52100000.00", "reason": "Revised budget"},
        format="json",
    )
    assert patched.json()["expected_amount"] == "327865.30"


# --- Staff: corrections and withdrawals ------------------------------------------------------


def test_a_position_is_corrected_and_withdrawn_on_its_pages_with_the_reason(funded, desk, login):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    position = _position(
        funded, kind="secondment", budget_line=line, cost=Decimal("2000000"), name="A. Jensen"
    )
    client = login(desk)
    base = f"/p/{funded.slug}/funding/staff/{position.pk}/"
    assert f"{base}edit/" in client.get(f"/p/{funded.slug}/funding/staff/").content.decode()
    data = {"kind": "secondment", "name": "A. Jensen", "position": "Senior migration officer",
            "grade": "P-4", "duty_station": "Geneva", "start_date": "2018-09-01",
            "budget_line": line.pk, "cost": "2000000"}  # fmt: skip
    assert client.post(f"{base}edit/", data).status_code == 400  # no reason
    assert client.post(f"{base}edit/", {**data, "reason": "Promoted"}).status_code == 302
    position.refresh_from_db()
    assert (position.position, position.grade) == ("Senior migration officer", "P-4")
    assert position.history.first().history_change_reason == "Promoted"
    confirm = client.get(f"{base}withdraw/").content.decode()
    assert "Its cost, DKK 2,000,000.00, no longer counts against 2018 · Personnel" in confirm
    assert client.post(f"{base}withdraw/", {"reason": "Secondment cancelled"}).status_code == 302
    assert not StaffPosition.objects.exists()
    gone = StaffPosition.history.filter(id=position.pk).first()
    assert (gone.history_type, gone.history_change_reason) == ("-", "Secondment cancelled")


def test_a_correction_keeps_the_secondments_line_within_its_amount(funded):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    first = _position(funded, kind="secondment", budget_line=line, cost=Decimal("1500000"))
    _position(funded, kind="secondment", budget_line=line, cost=Decimal("500000"))
    fields = {name: getattr(first, name) for name in services.STAFF_FIELDS}
    with pytest.raises(ValidationError) as error:
        services.staff_position_update(
            staff_position=first, reason="More", **{**fields, "cost": Decimal("1500000.01")}
        )
    assert "DKK 1,500,000.00 is left" in error.value.message_dict["cost"][0]
    # The position's own cost is not counted twice.
    services.staff_position_update(staff_position=first, reason="Same", **fields)


def test_positions_are_corrected_and_withdrawn_through_the_api(funded, desk, api_login):
    position = _position(funded, kind="jpo", position="JPO")
    client = api_login(desk)
    url = f"/api/v1/staff-positions/{position.pk}/"
    assert client.patch(url, {"grade": "P-2"}, format="json").status_code == 400
    patched = client.patch(url, {"grade": "P-2", "reason": "Grade confirmed"}, format="json")
    assert (patched.status_code, patched.json()["grade"]) == (200, "P-2")
    assert client.post(f"{url}withdraw/", {"reason": "Left"}, format="json").status_code == 204
    assert not StaffPosition.objects.exists()


def test_a_year_already_recorded_is_refused_at_the_year_naming_the_page_to_correct_it(
    funded, desk, login, api_login
):
    base = f"/p/{funded.slug}/funding/assessed-contributions/"
    data = {"year": "2018", "scale_percent": "0.6293", "administrative_budget": "52000000",
            "currency": "CHF",
            "paying_ministry": "Ministry of Immigration and Integration"}  # fmt: skip
    page = login(desk).post(f"{base}new/", data)
    assert page.status_code == 400
    message = f"2018 already has an assessed contribution: correct it instead ({base}2018/edit/)."
    assert page.context["form"].errors == {"year": [message]}
    danish = login(desk).post(
        f"{base}new/", {**data, "scale_percent": "0,6293"}, HTTP_ACCEPT_LANGUAGE="da"
    )
    assert danish.context["form"].errors == {
        "year": [f"2018 har allerede et obligatorisk bidrag: ret det i stedet ({base}2018/edit/)."]
    }
    body = {**data, "partnership": funded.slug, "year": 2018,
            "administrative_budget": "52000000.00"}  # fmt: skip
    api = api_login(desk).post("/api/v1/assessed-contributions/", body, format="json")
    assert (api.status_code, api.json()) == (400, {"year": [message]})
    assert AssessedContribution.objects.filter(partnership=funded, year=2018).count() == 1


def test_a_negative_cost_is_refused_at_the_cost_on_the_page_and_in_the_api(
    funded, desk, login, api_login
):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    at_least_zero = ["Ensure this value is greater than or equal to 0."]
    data = {"kind": "secondment", "position": "Migration officer", "duty_station": "Geneva",
            "start_date": "2018-09-01", "budget_line": line.pk, "cost": "-5"}  # fmt: skip
    page = login(desk).post(f"/p/{funded.slug}/funding/staff/?year=2018", data)
    assert page.status_code == 400
    assert page.context["form"].errors["cost"] == at_least_zero
    api = api_login(desk)
    created = api.post(
        "/api/v1/staff-positions/", {**data, "partnership": funded.slug}, format="json"
    )
    assert (created.status_code, created.json()) == (400, {"cost": at_least_zero})
    assert not StaffPosition.objects.exists()
    position = _position(funded, kind="secondment", budget_line=line, cost=Decimal("1000"))
    patched = api.patch(
        f"/api/v1/staff-positions/{position.pk}/",
        {"cost": "-100", "reason": "Refund"},
        format="json",
    )
    assert (patched.status_code, patched.json()) == (400, {"cost": at_least_zero})
    position.refresh_from_db()
    assert position.cost == Decimal("1000")
    with pytest.raises(ValidationError) as error:
        services.staff_position_update(
            staff_position=position,
            reason="Refund",
            **{
                **{name: getattr(position, name) for name in services.STAFF_FIELDS},
                "cost": Decimal(-100),
            },
        )
    assert error.value.message_dict == {"cost": at_least_zero}
