"""The portfolio: every partnership one sees (all of them, for a portfolio administrator)
with its organisation, period, status and one's role, the DKK budget per year with a chart,
goals by status, risks by residual rating, the next consultation and review and what is
overdue; filtered by organisation, status and year, downloadable as CSV and XLSX, the same
as JSON at /api/v1/portfolio/, in a number of queries that does not grow with the
partnerships."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from attention import selectors as attention_selectors
from consultations import seed as consultation_seed
from core import caching
from funding.models import BudgetLine
from partnership import services as partnership_services
from partnership.models import Membership
from reviews import seed as review_seed
from tests import factories
from tests.queries import cost_get
from tests.queries import count_get
from tests.reviews import factories as review_factories

PAGE = "/portfolio/"
API = "/api/v1/portfolio/"


@pytest.fixture
def portfolio(iom, settings, desk):
    """The IOM partnership with its 2019 consultation planned and its mid-term review due
    on 30 November 2019, seen on 15 February 2020; a WFP partnership beside it."""
    settings.ATTENTION_TODAY = "2020-02-15"
    consultation_seed.load_demo(iom)
    review_seed.load_demo(iom)
    factories.RiskAssessmentFactory(
        risk=iom.risks.get(number=1), residual_likelihood=4, residual_impact=4, author=desk
    )
    factories.RiskAssessmentFactory(
        risk=iom.risks.get(number=2), residual_likelihood=2, residual_impact=2, author=desk
    )
    factories.GoalUpdateFactory(goal=iom.goals.get(number=2), status="achieved", author=desk)
    wfp = factories.PartnershipFactory(
        title="Denmark and WFP 2021–2023",
        slug="denmark-wfp-2021-2023",
        organisation=factories.OrganisationFactory(name="World Food Programme", acronym="WFP"),
        status="draft",
    )
    BudgetLine.objects.create(
        partnership=wfp, year=2021, component="core", amount=Decimal("10000000.00")
    )
    return {"iom": iom, "wfp": wfp}


def _rows(response) -> dict[str, object]:
    return {row.partnership.slug: row for row in response.context["portfolio"].partnerships}


def test_a_portfolio_administrator_sees_every_partnership_with_its_figures(
    portfolio_admin, login, portfolio
):
    response = login(portfolio_admin).get(PAGE)
    assert response.status_code == 200
    rows = _rows(response)
    assert set(rows) == {"denmark-iom-2018-2020", "denmark-wfp-2021-2023"}
    iom = rows["denmark-iom-2018-2020"]
    assert iom.role is None
    assert (iom.planned, iom.committed, iom.disbursed) == (
        Decimal(75_000_000), Decimal(25_000_000), Decimal(0),
    )  # fmt: skip
    assert {v: n for v, _, n in iom.goal_counts} == {
        "not_started": 8, "on_track": 0, "at_risk": 0, "off_track": 0, "achieved": 1,
    }  # fmt: skip
    assert iom.risk_bands == {"high": 1, "medium": 0, "low": 1, "not_assessed": 2}
    assert iom.next_consultation.year == 2019
    assert (iom.next_review.title, iom.next_review.due_date) == (
        "Mid-term review of the strategy", dt.date(2019, 11, 30),
    )  # fmt: skip
    # The five most urgent of what is overdue, and how many more there are.
    assert len(iom.overdue) == 5
    assert "indicative_after_finance_act" in {item.rule for item in iom.overdue}
    assert iom.overdue_more == iom.overdue_count - 5 > 0
    wfp = rows["denmark-wfp-2021-2023"]
    assert wfp.planned == Decimal(10_000_000)
    years = response.context["portfolio"].years
    assert [(y.year, y.planned) for y in years.years] == [
        (2018, Decimal(25_000_000)), (2019, Decimal(25_000_000)), (2020, Decimal(25_000_000)),
        (2021, Decimal(10_000_000)), (2022, Decimal(0)), (2023, Decimal(0)),
    ]  # fmt: skip
    # The agreements in DKK running each year, against which the chart draws its line.
    assert years.years[3].annual_amount == Decimal("10000000.00")
    page = response.content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert "2021: planned 10.0, committed 0.0, disbursed 0.0" in svg
    assert "Per year (DKK), 2 partnerships" in page
    assert f'and {iom.overdue_more} more: <a href="/p/denmark-iom-2018-2020/">' in page
    # The demo's due date is the app's reading of "fall of 2019", not confirmed yet.
    assert "Mid-term review of the strategy</a>, due 30 Nov 2019 (not confirmed)" in page
    assert "New partnership" in page


def test_everyone_else_sees_the_partnerships_they_hold_a_role_in(
    auditor, outsider, login, portfolio
):
    rows = _rows(login(auditor).get(PAGE))
    assert list(rows) == ["denmark-iom-2018-2020"]
    assert rows["denmark-iom-2018-2020"].role == Membership.Role.AUDITOR
    outsiders = login(outsider).get(PAGE)
    assert "denmark-iom-2018-2020" not in _rows(outsiders)
    assert "New partnership" not in outsiders.content.decode()


def test_the_portfolio_is_filtered_by_organisation_status_and_year(
    portfolio_admin, login, portfolio
):
    client = login(portfolio_admin)
    assert list(_rows(client.get(PAGE, {"organisation": "WFP"}))) == ["denmark-wfp-2021-2023"]
    assert list(_rows(client.get(PAGE, {"status": "active"}))) == ["denmark-iom-2018-2020"]
    in_2019 = client.get(PAGE, {"year": "2019"})
    rows = _rows(in_2019)
    assert list(rows) == ["denmark-iom-2018-2020"]
    assert rows["denmark-iom-2018-2020"].planned == Decimal(25_000_000)  # 2019's alone
    assert [y.year for y in in_2019.context["portfolio"].years.years] == [2019]
    wrong = client.get(PAGE, {"year": "1900", "organisation": "UNHCR"})
    assert wrong.status_code == 400
    errors = wrong.context["filters"].errors
    assert errors["year"] == ["Ensure this value is greater than or equal to 1945."]
    assert "organisation" in errors


def test_a_retired_goal_leaves_the_portfolios_counts(portfolio_admin, desk, login, portfolio):
    goal = portfolio["iom"].goals.get(number=2)
    partnership_services.goal_retire(goal=goal, by=desk, reason="Done by the MOPAN")
    iom = _rows(login(portfolio_admin).get(PAGE))["denmark-iom-2018-2020"]
    assert {v: n for v, _, n in iom.goal_counts}["achieved"] == 0
    assert iom.goal_total == 8


def test_the_portfolio_downloads_as_csv_and_xlsx_as_filtered(portfolio_admin, login, portfolio):
    client = login(portfolio_admin)
    response = client.get("/portfolio/export.csv", {"status": "active"})
    assert response["Content-Disposition"] == 'attachment; filename="portfolio.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Slug"] for row in rows] == ["denmark-iom-2018-2020"]
    assert rows[0]["Planned (DKK)"] == "75000000.00"
    assert rows[0]["Goals: Achieved"] == "1"
    assert rows[0]["Risks: high"] == "1"
    assert rows[0]["Next consultation"] == "2019"
    assert rows[0]["Next review due"] == "2019-11-30"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/portfolio/export.xlsx").content)).active
    values = list(sheet.values)
    assert values[0][0] == "Partnership"
    assert {row[1] for row in values[1:]} == {"denmark-iom-2018-2020", "denmark-wfp-2021-2023"}
    assert client.get("/portfolio/export.pdf").status_code == 404
    assert client.get("/portfolio/export.csv", {"year": "x"}).status_code == 400


def test_the_page_makes_the_same_number_of_queries_for_2_and_22_partnerships(
    portfolio_admin, login, portfolio
):
    client = login(portfolio_admin)
    two = count_get(client, PAGE)
    for n in range(20):
        partnership = factories.PartnershipFactory(organisation=portfolio["iom"].organisation)
        factories.GoalFactory(partnership=partnership)
        factories.RiskFactory(partnership=partnership)
        BudgetLine.objects.create(
            partnership=partnership, year=2021, component="core", amount=Decimal(n + 1)
        )
    # With the data version of the page's key (core.caching.cached_page).
    assert (two, count_get(client, PAGE)) == (18, 18)
    # Read again with nothing written: the page comes from the cache.
    assert count_get(client, PAGE) == 3


def test_the_api_answers_the_portfolio_as_json(portfolio_admin, auditor, api_login, portfolio):
    body = api_login(portfolio_admin).get(API, {"ordering": "title"}).json()
    assert body["count"] == 2
    iom = next(row for row in body["results"] if row["slug"] == "denmark-iom-2018-2020")
    assert {k: iom[k] for k in ("organisation", "status", "role", "annual_amount", "currency")} == {
        "organisation": "IOM", "status": "active", "role": None,
        "annual_amount": "25000000.00", "currency": "DKK",
    }  # fmt: skip
    assert iom["years"][0] == {
        "year": 2018, "planned": "25000000.00", "committed": "25000000.00",
        "disbursed": "0.00", "currency": "DKK",
    }  # fmt: skip
    assert iom["goals"]["achieved"] == 1
    assert iom["risks"] == {"high": 1, "medium": 0, "low": 1, "not_assessed": 2}
    assert iom["next_consultation"]["year"] == 2019
    assert iom["next_review"]["due_date"] == "2019-11-30"
    every = [
        item
        for item in attention_selectors.attention_items(partnership_ids=[portfolio["iom"].pk])
        if item.overdue
    ]
    assert iom["overdue_count"] == len(every) > 5
    assert [item["object_id"] for item in iom["overdue"]] == [item.object_id for item in every[:5]]
    mine = api_login(auditor).get(API).json()
    assert [(row["slug"], row["role"]) for row in mine["results"]] == [
        ("denmark-iom-2018-2020", "auditor")
    ]
    wfp = api_login(portfolio_admin).get(API, {"organisation": "wfp", "year": 2021}).json()
    assert [row["slug"] for row in wfp["results"]] == ["denmark-wfp-2021-2023"]
    assert [y["year"] for y in wfp["results"][0]["years"]] == [2021]
    refused = api_login(portfolio_admin).get(API, {"year": "1900"})
    assert refused.status_code == 400
    assert "year" in refused.json()


def test_the_page_reads_the_same_rows_for_5_and_35_partnerships(
    portfolio_admin, login, portfolio, monkeypatch
):
    """Two partnerships a page, each with seven overdue reviews (five shown): thirty more
    partnerships cost the page the same queries and rows, and the budget per year is
    still of them all."""
    from portfolio import views

    monkeypatch.setattr(views, "PARTNERSHIPS_PER_PAGE", 2)

    def add(n):
        for _ in range(n):
            partnership = factories.PartnershipFactory(organisation=portfolio["iom"].organisation)
            factories.GoalFactory(partnership=partnership)
            factories.RiskFactory(partnership=partnership)
            BudgetLine.objects.create(
                partnership=partnership, year=2021, component="core", amount=Decimal(1)
            )
            for _ in range(7):
                review_factories.ReviewFactory(
                    partnership=partnership, due_date=dt.date(2019, 6, 1)
                )

    client = login(portfolio_admin)
    add(3)
    few = cost_get(client, PAGE)
    add(30)
    many = cost_get(client, PAGE)
    assert few == many, (few, many)
    caching.changed()  # the page drawn again (not from the page cache), to read its context
    response = client.get(PAGE)
    (_first, second) = response.context["portfolio"].partnerships
    assert (len(second.overdue), second.overdue_count) == (5, 7)
    years = {y.year: y for y in response.context["portfolio"].years.years}
    assert years[2021].planned == Decimal(10_000_000) + 33
    page = response.content.decode()
    assert "35 partnerships." in page
    assert "Page 1 of 18" in page


@pytest.mark.parametrize("query", [{}, {"year": 2022}])
def test_the_api_reads_the_same_rows_for_5_and_35_partnerships_of_the_reader(
    desk, api_login, portfolio, query
):
    """A page of two: a desk officer holding a role in five partnerships, then in thirty
    five, whose budget lines run ten years, then forty, past their periods. The list reads
    the reader's role in the page's partnerships alone and the budget of the years it
    shows (the period's, or the year asked for): the same queries and rows."""
    partnerships = []

    def add(n, *, years_after):
        for _ in range(n):
            partnership = factories.PartnershipFactory(organisation=portfolio["iom"].organisation)
            Membership.objects.create(user=desk, partnership=partnership, role="desk_officer")
            partnerships.append(partnership)
        for partnership in partnerships:
            have = set(partnership.budget_lines.values_list("year", flat=True))
            for year in range(2021, 2024 + years_after):
                if year not in have:
                    BudgetLine.objects.create(
                        partnership=partnership, year=year, component="core", amount=Decimal(1)
                    )

    client = api_login(desk)
    params = {"page_size": 2, **query}
    add(5, years_after=10)
    few = cost_get(client, API, **params)
    add(30, years_after=40)
    many = cost_get(client, API, **params)
    assert few == many, (few, many)
    body = client.get(API, params).json()
    assert body["count"] == (35 if query else 36)  # and IOM, running before 2022
    first = body["results"][0]
    assert first["role"] == "desk_officer"
    assert [y["year"] for y in first["years"]] == ([2022] if query else [2021, 2022, 2023])
    assert [y["planned"] for y in first["years"]] == ["1.00"] * len(first["years"])
