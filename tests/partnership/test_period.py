"""The agreement's period cannot shrink away from what the partnership holds by the year
or the day: its budget lines, consultations, goal updates and risk assessments. The edit
is refused at the date that would leave them outside, on the page and in the API, and
nothing is saved; a period that grows is taken."""

from __future__ import annotations

import datetime as dt

import pytest

from funding.models import BudgetLine
from partnership.models import OverallGoal
from partnership.models import Risk
from tests import factories
from tests.consultations.factories import consultation
from tests.funding.factories import DisbursementFactory

SLUG = "denmark-iom-2018-2020"
SHORTER = {"start_date": "2019-01-01", "end_date": "2019-06-30", "reason": "Signed again"}
BUDGET_2018 = (
    "The budget has lines for 2018: the agreement must start in 2018 or earlier to hold them."
)
BUDGET_2020 = "The budget has lines for 2020: the agreement must end in 2020 or later to hold them."
CONSULTATION_2020 = (
    "There is a consultation for 2020: the agreement must end in 2020 or later to hold it."
)


@pytest.fixture
def held(iom):
    """The 2018 lines' payments and the 2020 consultation, beside the budget's lines of
    2018–2020 the fixture holds."""
    line = BudgetLine.objects.filter(partnership=iom, year=2018).first()
    DisbursementFactory(budget_line=line, value_date=dt.date(2018, 3, 1))
    consultation(iom, year=2020)
    return iom


def _unchanged(iom) -> None:
    iom.refresh_from_db()
    assert (iom.start_date, iom.end_date) == (dt.date(2018, 1, 1), dt.date(2020, 12, 31))


def _edit_form_data(client) -> dict:
    initial = client.get(f"/p/{SLUG}/edit/").context["form"].initial
    return {field: value for field, value in initial.items() if value is not None}


def test_the_api_refuses_a_period_that_leaves_records_outside_at_its_dates(desk, api_login, held):
    response = api_login(desk).patch(f"/api/v1/partnerships/{held.pk}/", SHORTER, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "start_date": [BUDGET_2018],
        "end_date": [BUDGET_2020, CONSULTATION_2020],
    }
    _unchanged(held)


def test_the_page_refuses_a_period_that_leaves_records_outside_at_its_dates(desk, login, held):
    client = login(desk)
    response = client.post(f"/p/{SLUG}/edit/", {**_edit_form_data(client), **SHORTER})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "start_date": [BUDGET_2018],
        "end_date": [BUDGET_2020, CONSULTATION_2020],
    }
    _unchanged(held)


def test_the_danish_page_names_what_would_fall_outside_in_danish(desk, login, held):
    client = login(desk)
    response = client.post(
        f"/p/{SLUG}/edit/",
        # The amount as the Danish page writes it.
        {**_edit_form_data(client), **SHORTER, "annual_amount": "25000000,00"},
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "start_date": [
            "Budgettet har budgetlinjer for 2018: aftalen skal begynde i 2018 eller tidligere "
            "for at rumme dem."
        ],
        "end_date": [
            "Budgettet har budgetlinjer for 2020: aftalen skal slutte i 2020 eller senere "
            "for at rumme dem.",
            "Der er en konsultation for 2020: aftalen skal slutte i 2020 eller senere "
            "for at rumme den.",
        ],
    }
    _unchanged(held)


def test_a_start_after_the_earliest_goal_update_or_risk_assessment_is_refused(desk, api_login, iom):
    factories.GoalUpdateFactory(
        goal=OverallGoal.objects.get(partnership=iom, number=4), as_of=dt.date(2018, 3, 1)
    )
    factories.RiskAssessmentFactory(
        risk=Risk.objects.filter(partnership=iom).first(), as_of=dt.date(2018, 5, 2)
    )
    response = api_login(desk).patch(
        f"/api/v1/partnerships/{iom.pk}/", {"start_date": "2018-06-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "start_date": [
            "The earliest goal update is as of 1 March 2018: the agreement must start on "
            "that day or earlier.",
            "The earliest risk assessment is as of 2 May 2018: the agreement must start on "
            "that day or earlier.",
        ]
    }
    _unchanged(iom)


def test_a_period_that_grows_is_taken(desk, api_login, held):
    response = api_login(desk).patch(
        f"/api/v1/partnerships/{held.pk}/",
        {"start_date": "2017-07-01", "end_date": "2021-12-31", "reason": "Extended"},
        format="json",
    )
    assert response.status_code == 200
    held.refresh_from_db()
    assert (held.start_date, held.end_date) == (dt.date(2017, 7, 1), dt.date(2021, 12, 31))


def test_a_period_that_shrinks_within_its_years_is_taken_with_a_payment_after_the_end(
    desk, login, held
):
    """The 2020 lines stay inside a period that ends in June 2020; a payment of a 2020 line
    made later is a timing difference: payments count through their line's year."""
    line = BudgetLine.objects.filter(partnership=held, year=2020).first()
    DisbursementFactory(budget_line=line, value_date=dt.date(2020, 9, 1))
    client = login(desk)
    response = client.post(
        f"/p/{SLUG}/edit/",
        {**_edit_form_data(client), "start_date": "2018-02-01", "end_date": "2020-06-30"},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.start_date, held.end_date) == (dt.date(2018, 2, 1), dt.date(2020, 6, 30))
