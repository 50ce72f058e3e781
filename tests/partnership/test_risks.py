import datetime as dt

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from partnership import selectors
from partnership.models import RiskAssessment
from tests import factories

SLUG = "denmark-iom-2018-2020"


def _assessment(risk_id, **overrides):
    data = {
        "risk": risk_id,
        "as_of": "2019-06-30",
        "likelihood": 3,
        "impact": 4,
        "residual_likelihood": 2,
        "residual_impact": 3,
        "response": "Raised at the annual consultation.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "field", ["likelihood", "impact", "residual_likelihood", "residual_impact"]
)
@pytest.mark.parametrize("value", [0, 6])
def test_out_of_range_rating_is_refused_on_the_page(desk, login, iom, field, value):
    risk = iom.risks.get(number=3)
    response = login(desk).post(f"/p/{SLUG}/risks/", _assessment(risk.pk, **{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [
        f"Select a valid choice. {value} is not one of the available choices."
    ]
    assert not RiskAssessment.objects.exists()


@pytest.mark.parametrize("value", [0, 6, -1])
def test_out_of_range_rating_is_refused_in_the_api(desk, api_login, iom, value):
    risk = iom.risks.get(number=3)
    payload = _assessment(risk.pk, residual_impact=value)
    response = api_login(desk).post("/api/v1/risk-assessments/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["residual_impact"]
    assert not RiskAssessment.objects.exists()


def test_heat_map_places_each_risk_at_its_latest_residual_rating(desk, iom):
    risk1, risk2 = iom.risks.get(number=1), iom.risks.get(number=2)
    factories.RiskAssessmentFactory(
        risk=risk1, as_of=dt.date(2019, 1, 1), residual_likelihood=5, residual_impact=5
    )
    factories.RiskAssessmentFactory(
        risk=risk1, as_of=dt.date(2019, 6, 1), residual_likelihood=2, residual_impact=4
    )
    factories.RiskAssessmentFactory(risk=risk2, residual_likelihood=2, residual_impact=4)
    risks = list(selectors.risks_with_latest(partnership=iom))
    grid = selectors.residual_heat_map(risks)
    placed = {
        (cell.likelihood, cell.impact): [r.number for r in cell.risks]
        for row in grid
        for cell in row
        if cell.risks
    }
    assert placed == {(2, 4): [1, 2]}
    assert grid[0][0].likelihood == 5  # the top row is the most likely


def test_risk_page_shows_the_assessment_history(desk, login, iom):
    risk = iom.risks.get(number=4)
    factories.RiskAssessmentFactory(risk=risk, response="Zero tolerance discussed.", author=desk)
    page = login(desk).get(f"/p/{SLUG}/risks/4/").content.decode()
    assert "Misuse of funds and misconduct" in page
    assert "Zero tolerance discussed." in page
    # Named as goal updates and notes name their authors: full name, not user name.
    assert '<td data-label="By">Test desk</td>' in page
    listing = login(desk).get(f"/p/{SLUG}/risks/").content.decode()
    assert "R4" in listing  # on the heat map
    assert '<td data-label="By">Test desk</td>' in listing


def test_an_assessment_as_of_a_day_still_to_come_is_refused_at_the_field(
    desk, login, api_login, iom
):
    risk = iom.risks.get(number=3)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    message = f"Give today's date or an earlier one: {date_format(tomorrow)} is still to come."
    page = login(desk).post(f"/p/{SLUG}/risks/", _assessment(risk.pk, as_of=tomorrow.isoformat()))
    assert page.status_code == 400
    assert page.context["form"].errors == {"as_of": [message]}
    api = api_login(desk).post(
        "/api/v1/risk-assessments/", _assessment(risk.pk, as_of=tomorrow.isoformat()), format="json"
    )
    assert (api.status_code, api.json()) == (400, {"as_of": [message]})
    assert not RiskAssessment.objects.exists()


def test_an_assessment_dated_before_the_partnership_began_is_refused_at_the_field(
    desk, login, api_login, iom
):
    risk = iom.risks.get(number=3)
    message = (
        "Give the partnership's start date, 1 January 2018, or a later one: "
        "31 December 2017 is before the partnership began."
    )
    for url in (f"/p/{SLUG}/risks/", f"/p/{SLUG}/risks/3/"):
        page = login(desk).post(url, _assessment(risk.pk, as_of="2017-12-31"))
        assert page.status_code == 400
        assert page.context["form"].errors == {"as_of": [message]}
    api = api_login(desk).post(
        "/api/v1/risk-assessments/", _assessment(risk.pk, as_of="2017-12-31"), format="json"
    )
    assert (api.status_code, api.json()) == (400, {"as_of": [message]})
    assert not RiskAssessment.objects.exists()
