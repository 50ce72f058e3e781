"""A portfolio administrator creates organisations and partnerships, renews a strategy for
its next period and loads one from a file, in the browser and through the API; nobody
else may."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.models import StandardAgendaItem
from funding.models import BudgetLine
from partnership.models import Document
from partnership.models import Organisation
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from partnership.services import partnership_update
from portfolio import services as portfolio_services
from portfolio import strategy_file
from tests import factories

from .test_strategy_file import UNHCR

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NEW = "/portfolio/new/"
IMPORT = "/portfolio/import/"


def _counts() -> tuple[int, ...]:
    models = (Organisation, Partnership, PriorityArea, OverallGoal, Risk, BudgetLine, Document)
    return tuple(model.objects.count() for model in models)


def _form(**changes) -> dict:
    return {
        "organisation": "",
        "new_organisation_name": "World Food Programme",
        "new_organisation_acronym": "WFP",
        "title": "Strategic Partnership Agreement between Denmark and WFP 2021–2024",
        "start_date": "2021-01-01",
        "end_date": "2024-12-31",
        "annual_amount": "30000000.00",
        "currency": "DKK",
        "status": "draft",
        "mid_term_review_due": "spring 2023",
        "strategy_language": "en",
        **changes,
    }


# --- Creating a partnership --------------------------------------------------------------------


def test_a_portfolio_administrator_creates_an_organisation_and_a_draft_partnership(
    portfolio_admin, login
):
    response = login(portfolio_admin).post(NEW, _form())
    partnership = Partnership.objects.get(slug="denmark-wfp-2021-2024")
    assert response.status_code == 302
    assert response["Location"] == partnership.get_absolute_url()
    assert partnership.status == Partnership.Status.DRAFT
    assert partnership.organisation.name == "World Food Programme"
    assert partnership.annual_amount == Decimal("30000000.00")
    assert partnership.mid_term_review_due == "spring 2023"
    assert partnership.history.get().history_user == portfolio_admin
    assert partnership.organisation.history.get().history_user == portfolio_admin


def test_the_strategy_document_is_kept_with_a_partnership_of_a_recorded_organisation(
    portfolio_admin, login, iom
):
    form = _form(
        organisation=str(iom.organisation.pk),
        new_organisation_name="",
        new_organisation_acronym="",
        title="Denmark and IOM 2021–2025",
        end_date="2025-12-31",
        strategy_title="Organisation Strategy for IOM 2021–2025",
        strategy_document=SimpleUploadedFile("strategy.pdf", PDF),
    )
    response = login(portfolio_admin).post(NEW, form)
    assert response.status_code == 302
    partnership = Partnership.objects.get(slug="denmark-iom-2021-2025")
    assert partnership.organisation == iom.organisation
    document = partnership.documents.get()
    assert (document.kind, document.title, document.original_filename) == (
        Document.Kind.STRATEGY, "Organisation Strategy for IOM 2021–2025", "strategy.pdf",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"organisation": "IOM"},
            "organisation",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ({"new_organisation_acronym": ""}, "new_organisation_acronym",
         "Give the new organisation's acronym."),
        ({"end_date": "2020-12-31"}, "end_date", "The period must end on or after its start."),
        ({"slug": "denmark-iom-2018-2020"}, "slug",
         "The slug denmark-iom-2018-2020 is taken by another partnership: give one of its own."),
        ({"new_organisation_name": "International Organization for Migration"},
         "new_organisation_name",
         "International Organization for Migration is already recorded: choose it instead."),
        ({"strategy_document": SimpleUploadedFile("strategy.pdf", b"not a pdf")},
         "strategy_document",
         "This file's content is not what a .pdf file holds (its content was checked, not only "
         "its name). Save it again as pdf, or upload it with the extension of what it is."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    portfolio_admin, login, iom, changes, field, message
):
    before = _counts()
    response = login(portfolio_admin).post(NEW, _form(**changes))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert _counts() == before


def test_every_error_of_a_new_partnership_is_said_at_once(portfolio_admin, login, iom):
    """A missing title, a period that ends before it starts and a slug that is taken come
    back together, not one round after another."""
    before = _counts()
    response = login(portfolio_admin).post(
        NEW, _form(title="", end_date="2020-12-31", slug="denmark-iom-2018-2020")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"] == ["This field is required."]
    assert errors["end_date"] == ["The period must end on or after its start."]
    assert errors["slug"] == [
        "The slug denmark-iom-2018-2020 is taken by another partnership: give one of its own."
    ]
    assert _counts() == before


def test_every_error_of_a_renewal_is_said_at_once(portfolio_admin, login, iom):
    response = login(portfolio_admin).post(
        f"/p/{iom.slug}/renew/",
        {
            "start_date": "2025-01-01",
            "end_date": "2024-12-31",
            "slug": iom.slug,
            "annual_amount": "-1",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["end_date"] == ["The period must end on or after its start."]
    assert errors["slug"] == [
        f"The slug {iom.slug} is taken by another partnership: give one of its own."
    ]
    assert list(errors["annual_amount"]) == ["Ensure this value is greater than or equal to 0."]
    assert not Partnership.objects.filter(previous=iom).exists()


def test_only_portfolio_administrators_create_renew_and_load(desk, login, iom):
    client = login(desk)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form()).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.get(f"/p/{iom.slug}/renew/").status_code == 403
    assert not Partnership.objects.filter(slug="denmark-wfp-2021-2024").exists()


def test_a_refusal_to_renew_tells_nothing_of_which_partnerships_exist(
    outsider, portfolio_admin, login, api_login, iom
):
    page = login(outsider)
    assert page.get(f"/p/{iom.slug}/renew/").status_code == 403
    assert page.get("/p/no-such-partnership/renew/").status_code == 403
    api = api_login(outsider)
    real = api.post(f"/api/v1/partnerships/{iom.slug}/renew/", {}, format="json")
    missing = api.post("/api/v1/partnerships/no-such-partnership/renew/", {}, format="json")
    assert (real.status_code, real.json()) == (missing.status_code, missing.json())
    assert real.status_code == 403
    assert login(portfolio_admin).get("/p/no-such-partnership/renew/").status_code == 404


def test_a_partnership_moves_from_draft_to_active_to_closed_and_never_back(iom, desk):
    draft = factories.PartnershipFactory(status=Partnership.Status.DRAFT)
    active = partnership_update(partnership=draft, by=desk, changes={"status": "active"})
    with pytest.raises(ValidationError) as refused:
        partnership_update(partnership=active, by=desk, changes={"status": "draft"})
    assert refused.value.message_dict == {
        "status": [
            f"{draft.title} is active: it cannot become draft. A draft becomes active, an "
            "active partnership closed."
        ]
    }
    closed = partnership_update(partnership=active, by=desk, changes={"status": "closed"})
    with pytest.raises(ValidationError, match="is closed: it cannot become active"):
        partnership_update(partnership=closed, by=desk, changes={"status": "active"})


# --- Renewing ----------------------------------------------------------------------------------


def test_a_renewal_keeps_the_language_of_the_strategy(portfolio_admin, iom):
    Partnership.objects.filter(pk=iom.pk).update(strategy_language="da")
    iom.refresh_from_db()
    renewal = portfolio_services.partnership_renew(
        partnership=iom,
        by=portfolio_admin,
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2023, 12, 31),
    )
    assert renewal.strategy_language == "da"


def test_the_renewal_form_proposes_the_next_period_of_the_same_length(portfolio_admin, login, iom):
    response = login(portfolio_admin).get(f"/p/{iom.slug}/renew/")
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["start_date"].value(), form["end_date"].value()) == (
        dt.date(2021, 1, 1), dt.date(2023, 12, 31),
    )  # fmt: skip
    page = response.content.decode()
    assert "2 priority areas" in page
    assert "9 overall goals" in page
    assert "12 items of the standard agenda" in page
    assert "4 budget components" in page


def test_renewing_copies_the_strategy_into_a_draft_for_the_next_period_and_nothing_that_happened(
    portfolio_admin, login, iom, desk
):
    factories.GoalUpdateFactory(goal=iom.goals.get(number=4), author=desk)
    factories.RiskAssessmentFactory(risk=iom.risks.get(number=1), author=desk)
    response = login(portfolio_admin).post(
        f"/p/{iom.slug}/renew/", {"start_date": "2021-01-01", "end_date": "2025-12-31"}
    )
    renewal = Partnership.objects.get(previous=iom)
    assert response.status_code == 302
    assert response["Location"] == renewal.get_absolute_url()
    assert renewal.title == "Strategic Partnership Agreement between Denmark and IOM 2021–2025"
    assert renewal.slug == "denmark-iom-2021-2025"
    assert renewal.status == Partnership.Status.DRAFT
    assert (renewal.organisation, renewal.annual_amount) == (iom.organisation, iom.annual_amount)
    assert list(renewal.priority_areas.values_list("number", "title")) == list(
        iom.priority_areas.values_list("number", "title")
    )
    goal = renewal.goals.get(number=4)
    assert (goal.indicator, goal.baseline_value, goal.baseline_year, goal.priority_area) == (
        "Member states providing un-earmarked funding for IOM", Decimal(5), 2017, None,
    )  # fmt: skip
    assert renewal.goals.count() == 9
    assert not goal.updates.exists()
    assert renewal.risks.count() == 4
    assert not renewal.risks.get(number=1).assessments.exists()
    assert list(renewal.standard_agenda.values_list("code", flat=True)) == list(
        iom.standard_agenda.values_list("code", flat=True)
    )
    lines = renewal.budget_lines.all()
    assert {line.year for line in lines} == {2021, 2022, 2023, 2024, 2025}
    assert {line.status for line in lines} == {BudgetLine.Status.INDICATIVE}
    assert {
        line.component: line.amount for line in lines if line.year == 2025
    } == {
        "core": Decimal("15000000.00"), "priority_area_1": Decimal("4000000.00"),
        "priority_area_2": Decimal("4000000.00"), "secondments": Decimal("2000000.00"),
    }  # fmt: skip
    assert not renewal.documents.exists()
    assert not renewal.consultations.exists()
    assert goal.history.get().history_change_reason.startswith("Renewed from Strategic")


def test_a_partnership_is_renewed_once_and_for_a_later_period(portfolio_admin, login, iom):
    client = login(portfolio_admin)
    early = client.post(
        f"/p/{iom.slug}/renew/", {"start_date": "2020-06-01", "end_date": "2023-12-31"}
    )
    assert early.status_code == 400
    assert early.context["form"].errors["start_date"] == [
        "The next period starts after this one ends (31 December 2020)."
    ]
    client.post(f"/p/{iom.slug}/renew/", {"start_date": "2021-01-01", "end_date": "2023-12-31"})
    again = client.post(
        f"/p/{iom.slug}/renew/", {"start_date": "2024-01-01", "end_date": "2026-12-31"}
    )
    assert again.status_code == 400
    assert again.context["form"].errors["start_date"] == [
        f"{iom.title} was renewed already, as “Strategic Partnership Agreement between "
        "Denmark and IOM 2021–2023”."
    ]
    assert Partnership.objects.filter(previous=iom).count() == 1


# --- From a file -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Start from a partnership's own: its dashboard offers it for download"),
        ("da", "Start fra et partnerskabs egen: dets overblik tilbyder den som download"),
    ],
)
def test_the_import_page_points_to_the_strategy_file_a_partnership_offers_not_a_readme(
    portfolio_admin, login, language, says
):
    text = login(portfolio_admin).get(IMPORT, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert says in text
    assert "README" not in text  # the lede nor the file's help
    help_text = {
        "en": "laid out as the strategy file each partnership's dashboard offers",
        "da": "opbygget som den strategifil, hvert partnerskabs overblik tilbyder",
    }
    assert help_text[language] in text


def test_a_portfolio_administrator_creates_a_partnership_from_a_file(portfolio_admin, login):
    upload = SimpleUploadedFile("unhcr.yaml", UNHCR.encode(), content_type="application/yaml")
    response = login(portfolio_admin).post(IMPORT, {"file": upload})
    partnership = Partnership.objects.get(slug="denmark-unhcr-2021-2025")
    assert response.status_code == 302
    assert response["Location"] == partnership.get_absolute_url()
    assert partnership.goals.count() == 2
    assert partnership.budget_lines.count() == 3


def test_a_file_with_problems_lists_them_by_line_and_stores_nothing(portfolio_admin, login):
    content = UNHCR.replace("year: 2022", "year: 2030")
    content = content.replace("priority_area: 2", "priority_area: 7")
    upload = SimpleUploadedFile("unhcr.yaml", content.encode())
    before = _counts()
    response = login(portfolio_admin).post(IMPORT, {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Problems found: nothing was stored" in page
    assert '<td class="num">20</td><td><code>goals[1].priority_area</code></td>' in page
    assert '<td class="num">36</td><td><code>budget[3].year</code></td>' in page
    assert "The agreement runs 2021–2025." in page
    assert _counts() == before


# --- The API -----------------------------------------------------------------------------------

# A partnership as the API is asked for it: the fields it needs, no more.
API_PARTNERSHIP = {
    "organisation": "IOM",
    "title": "Denmark and IOM 2021–2025",
    "start_date": "2021-01-01",
    "end_date": "2025-12-31",
    "annual_amount": "30000000.00",
}


def test_the_api_creates_a_partnership_for_portfolio_administrators_only(
    portfolio_admin, desk, api_login, iom
):
    payload = API_PARTNERSHIP
    assert api_login(desk).post("/api/v1/partnerships/", payload, format="json").status_code == 403
    response = api_login(portfolio_admin).post("/api/v1/partnerships/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("slug", "organisation", "status", "annual_amount")} == {
        "slug": "denmark-iom-2021-2025",
        "organisation": "IOM",
        "status": "draft",
        "annual_amount": "30000000.00",
    }


def test_a_new_partnership_records_its_strategys_language_english_unless_given(
    portfolio_admin, login, api_login, iom
):
    assert login(portfolio_admin).post(NEW, _form(strategy_language="da")).status_code == 302
    assert Partnership.objects.get(slug="denmark-wfp-2021-2024").strategy_language == "da"
    payload = API_PARTNERSHIP
    api = api_login(portfolio_admin)
    assert (
        api.post("/api/v1/partnerships/", payload, format="json").json()["strategy_language"]
        == "en"
    )
    danish = api.post(
        "/api/v1/partnerships/",
        {**payload, "slug": "denmark-iom-2021-2025-da", "strategy_language": "da"},
        format="json",
    )
    assert danish.status_code == 201, danish.json()
    assert Partnership.objects.get(slug="denmark-iom-2021-2025-da").strategy_language == "da"


def test_the_api_creates_the_organisation_with_the_partnership_or_says_what_is_missing(
    portfolio_admin, api_login, db
):
    client = api_login(portfolio_admin)
    payload = {
        "title": "Denmark and UNFPA 2022–2025",
        "start_date": "2022-01-01",
        "end_date": "2025-12-31",
        "annual_amount": "10000000.00",
    }
    missing = client.post("/api/v1/partnerships/", payload, format="json")
    assert missing.status_code == 400
    assert missing.json() == {
        "organisation": [
            "Name an organisation already recorded, or give new_organisation_name and "
            "new_organisation_acronym."
        ]
    }
    unknown = client.post(
        "/api/v1/partnerships/", {**payload, "organisation": "UNFPA"}, format="json"
    )
    assert unknown.json()["organisation"][0].startswith("No organisation named UNFPA")
    too_long = client.post(
        "/api/v1/partnerships/", {**payload, "organisation": "U" * 201}, format="json"
    )
    assert too_long.status_code == 400
    assert too_long.json() == {
        "organisation": ["Ensure this field has no more than 200 characters."]
    }
    created = client.post(
        "/api/v1/partnerships/",
        {**payload, "new_organisation_name": "United Nations Population Fund",
         "new_organisation_acronym": "UNFPA"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201
    assert Organisation.objects.get(acronym="UNFPA").partnerships.get().slug == (
        "denmark-unfpa-2022-2025"
    )


def test_the_api_renews_a_partnership_and_loads_a_file(portfolio_admin, api_login, iom):
    client = api_login(portfolio_admin)
    renewed = client.post(
        f"/api/v1/partnerships/{iom.slug}/renew/",
        {"start_date": "2021-01-01", "end_date": "2025-12-31", "annual_amount": "30000000.00"},
        format="json",
    )
    assert renewed.status_code == 201, renewed.json()
    assert (renewed.json()["slug"], renewed.json()["status"]) == ("denmark-iom-2021-2025", "draft")
    assert Partnership.objects.get(slug="denmark-iom-2021-2025").annual_amount == Decimal(30000000)
    loaded = client.post(
        "/api/v1/partnerships/import/",
        {"file": SimpleUploadedFile("unhcr.yaml", UNHCR.encode())},
        format="multipart",
    )
    assert loaded.status_code == 201
    assert loaded.json()["slug"] == "denmark-unhcr-2021-2025"
    refused = client.post(
        "/api/v1/partnerships/import/",
        {"file": SimpleUploadedFile("unhcr.yaml", UNHCR.replace("2022", "2030").encode())},
        format="multipart",
    )
    assert refused.status_code == 400
    assert refused.json() == {"file": ["Line 36, budget[3].year: The agreement runs 2021–2025."]}


def test_the_api_refuses_renewing_into_a_period_that_has_begun(portfolio_admin, api_login, iom):
    response = api_login(portfolio_admin).post(
        f"/api/v1/partnerships/{iom.slug}/renew/",
        {"start_date": "2020-01-01", "end_date": "2022-12-31"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "start_date": ["The next period starts after this one ends (31 December 2020)."]
    }


def test_standard_agenda_rows_are_copied_not_shared(portfolio_admin, api_login, iom):
    api_login(portfolio_admin).post(
        f"/api/v1/partnerships/{iom.slug}/renew/",
        {"start_date": "2021-01-01", "end_date": "2023-12-31"},
        format="json",
    )
    assert StandardAgendaItem.objects.count() == 24


# --- A partnership's strategy file ------------------------------------------------------------


def test_a_reader_downloads_the_partnerships_strategy_file_which_loads_as_another(
    auditor, outsider, login, portfolio_admin, iom
):
    response = login(auditor).get(f"/p/{iom.slug}/strategy.yaml")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{iom.slug}.yaml"'
    strategy = strategy_file.read(response.content)
    assert strategy.slug == iom.slug
    assert len(strategy.goals) == 9
    assert len(strategy.budget) == 12
    assert strategy.goals[3].values["baseline_value"] == Decimal(5)
    assert login(outsider).get(f"/p/{iom.slug}/strategy.yaml").status_code == 404
    # Edited, it is another partnership's start.
    content = response.content.decode().replace(f"slug: {iom.slug}", "slug: iom-copy")
    upload = SimpleUploadedFile("copy.yaml", content.encode())
    assert login(portfolio_admin).post(IMPORT, {"file": upload}).status_code == 302
    copy = Partnership.objects.get(slug="iom-copy")
    assert copy.organisation == iom.organisation
    assert copy.goals.count() == 9
    assert copy.budget_lines.count() == 12


def test_a_partnership_of_1700_is_refused_at_its_dates_on_the_page_and_in_the_api(
    portfolio_admin, login, api_login, iom
):
    before = _counts()
    out_of_range = ["Give a date from 1 January 1945 to 31 December 2100."]
    dates = {"start_date": "1700-01-01", "end_date": "1702-12-31", "signature_date": "1700-01-01"}
    page = login(portfolio_admin).post(NEW, _form(**dates))
    assert page.status_code == 400
    errors = page.context["form"].errors
    assert {field: errors[field] for field in dates} == dict.fromkeys(dates, out_of_range)
    payload = {"organisation": "IOM", "title": "Denmark and IOM 1700–1702",
               "annual_amount": "30000000.00", **dates}  # fmt: skip
    api = api_login(portfolio_admin).post("/api/v1/partnerships/", payload, format="json")
    assert (api.status_code, api.json()) == (400, dict.fromkeys(dates, out_of_range))
    assert _counts() == before
    renewal = login(portfolio_admin).post(
        f"/p/{iom.slug}/renew/",
        {"start_date": "2099-01-01", "end_date": "2101-12-31", "annual_amount": "1"},
    )
    assert renewal.status_code == 400
    assert renewal.context["form"].errors["end_date"] == out_of_range
    assert _counts() == before


def _labels(page: str, names: tuple[str, ...]) -> dict[str, str]:
    return {
        name: re.search(rf'<label for="id_{name}"[^>]*>([^<]+)</label>', page).group(1)
        for name in names
    }


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_new_the_renewal_and_the_edit_page_name_the_agreement_alike(
    portfolio_admin, desk, login, iom, language
):
    names = ("start_date", "end_date", "annual_amount", "signature_date", "mid_term_review_due")
    header = {"HTTP_ACCEPT_LANGUAGE": language}
    new = login(portfolio_admin).get(NEW, **header).content.decode()
    edit = login(desk).get(f"/p/{iom.slug}/edit/", **header).content.decode()
    renew = login(portfolio_admin).get(f"/p/{iom.slug}/renew/", **header).content.decode()
    assert _labels(new, names) == _labels(edit, names)
    assert _labels(renew, names[:2]) == _labels(edit, names[:2])
    expected = {
        "en": ("Start date:", "Mid-term review due:"),
        "da": ("Startdato:", "Midtvejsgennemgang forfalder:"),
    }[language]
    labels = _labels(edit, names)
    assert (labels["start_date"], labels["mid_term_review_due"]) == expected
    # The amount is written as the page's language writes it, on both pages.
    amount = re.search(r'<input[^>]*name="annual_amount"[^>]*>', edit).group(0)
    assert 'type="text"' in amount
    assert {"en": 'value="25000000.00"', "da": 'value="25000000,00"'}[language] in amount
