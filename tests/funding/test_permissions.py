"""The role matrix of DESIGN.md for every funding page and endpoint: anonymous, non-member,
desk officer, mission staff and auditor."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import Allocation
from funding.models import AssessedContribution
from funding.models import BudgetLine
from funding.models import Component
from funding.models import Disbursement
from funding.models import ExchangeRate
from funding.models import StaffPosition
from funding.models import VoluntaryContribution
from tests.funding.factories import AllocationFactory
from tests.funding.factories import DisbursementFactory
from tests.funding.factories import ExchangeRateFactory
from tests.funding.factories import StaffPositionFactory

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/funding"
ROLES = ["anonymous", "outsider", "desk", "geneva", "auditor"]
READ = (302, 404, 200, 200, 200)
EDIT_FORM = (302, 404, 200, 403, 403)
WRITE = (302, 404, 302, 403, 403)


@pytest.fixture
def objects(funded, desk):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    pa1 = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.PRIORITY_AREA_1)
    return {
        "line": line,
        "indicative": BudgetLine.objects.get(
            partnership=funded, year=2019, component=Component.CORE
        ),
        "pa1": pa1,
        "budget-lines": line.pk,
        "disbursements": DisbursementFactory(budget_line=line, created_by=desk).pk,
        # A date of its own: the factory's sequence would, some runs, give the date a test posts.
        "exchange-rates": ExchangeRateFactory(partnership=funded, date=dt.date(2018, 3, 1)).pk,
        "assessed-contributions": AssessedContribution.objects.get(
            partnership=funded, year=2018
        ).pk,
        "voluntary-contributions": VoluntaryContribution.objects.filter(partnership=funded)
        .order_by("pk")
        .first()
        .pk,
        "allocations": AllocationFactory(budget_line=pa1).pk,
        "staff-positions": StaffPositionFactory(partnership=funded).pk,
    }


PAGES = [
    ("/", READ),
    ("/lines/{line}/", READ),
    ("/years/2019/commit/", EDIT_FORM),
    ("/lines/{line}/close/", EDIT_FORM),
    ("/lines/{line}/rate/?currency=USD&value_date=2018-06-01", EDIT_FORM),
    ("/exchange-rates/", READ),
    ("/exchange-rates/{rate}/edit/", EDIT_FORM),
    ("/exchange-rates/{rate}/withdraw/", EDIT_FORM),
    ("/assessed-contributions/", READ),
    ("/assessed-contributions/new/", EDIT_FORM),
    ("/assessed-contributions/2018/edit/", EDIT_FORM),
    ("/allocations/{allocation}/edit/", EDIT_FORM),
    ("/allocations/{allocation}/withdraw/", EDIT_FORM),
    ("/staff/{position}/edit/", EDIT_FORM),
    ("/staff/{position}/withdraw/", EDIT_FORM),
    ("/voluntary-contributions/", READ),
    ("/voluntary-contributions/import/", EDIT_FORM),
    ("/voluntary-contributions/reconciliation/", READ),
    ("/allocations/", READ),
    ("/staff/", READ),
    ("/export/budget-lines.csv", READ),
    ("/export/voluntary-contributions.xlsx", READ),
]


def _url(template: str, objects: dict) -> str:
    return template.format(
        line=objects["line"].pk,
        indicative=objects["indicative"].pk,
        rate=objects["exchange-rates"],
        allocation=objects["allocations"],
        position=objects["staff-positions"],
    )


@pytest.mark.parametrize(("url", "expected"), PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_page_get(users, login, objects, url, expected, role_index):
    role = ROLES[role_index]
    response = login(users.get(role)).get(P + _url(url, objects))
    assert response.status_code == expected[role_index], role
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_dashboard_shows_the_funding_summary_to_every_member(users, login, objects):
    for role in ("desk", "geneva", "auditor"):
        page = login(users[role]).get(f"/p/{SLUG}/").content.decode()
        assert "funding-summary-heading" in page
        assert "25,000,000" in page


def _rates_csv(objects):
    return {
        "file": SimpleUploadedFile("r.csv", b"currency,date,rate,source\nCHF,2018-02-01,6.4,T\n")
    }


def _annex(objects):
    content = io.BytesIO(
        b"Table,Project Code,Project Title,2013,Total\n"
        b"Top 10 Projects,ZZ0001,Test project,100,100\n"
    )
    return {"file": SimpleUploadedFile("annex.csv", content.getvalue())}


WRITES = [
    (
        "/lines/{line}/",
        lambda o: {
            "kind": "payment",
            "value_date": "2018-05-01",
            "amount": "100",
            "currency": "DKK",
            "reference": "R",
        },
        Disbursement,
    ),
    (
        "/years/2019/commit/",
        lambda o: {"finance_act_reference": "FL 2019", "reason": "Act adopted"},
        None,
    ),
    ("/lines/{line}/close/", lambda o: {"reason": "done"}, None),
    (
        "/exchange-rates/",
        lambda o: {"currency": "USD", "date": "2018-01-05", "rate": "6.2", "source": "T"},
        ExchangeRate,
    ),
    ("/exchange-rates/import/", _rates_csv, ExchangeRate),
    (
        "/exchange-rates/{rate}/edit/",
        lambda o: {
            "currency": "USD",
            "date": "2018-01-09",
            "rate": "6.2",
            "source": "T",
            "reason": "Typo",
        },
        None,
    ),
    ("/exchange-rates/{rate}/withdraw/", lambda o: {"reason": "Typo"}, None),
    (
        "/assessed-contributions/2018/edit/",
        lambda o: {"scale_percent": "0.6293", "paying_ministry": "M", "invoiced": "1"},
        None,
    ),
    (
        "/assessed-contributions/new/",
        lambda o: {
            "year": "2019",
            "scale_percent": "0.6293",
            "currency": "CHF",
            "paying_ministry": "M",
        },
        AssessedContribution,
    ),
    (
        "/allocations/{allocation}/edit/",
        lambda o: {
            "budget_line": o["pa1"].pk,
            "country": "Niger",
            "amount": "10",
            "description": "x",
            "reason": "Corrected",
        },
        None,
    ),
    ("/allocations/{allocation}/withdraw/", lambda o: {"reason": "Recorded twice"}, None),
    (
        "/staff/{position}/edit/",
        lambda o: {
            "kind": "regular",
            "position": "Officer",
            "duty_station": "Geneva",
            "start_date": "2018-01-01",
            "reason": "Corrected",
        },
        None,
    ),
    ("/staff/{position}/withdraw/", lambda o: {"reason": "Left IOM"}, None),
    ("/voluntary-contributions/import/", _annex, VoluntaryContribution),
    (
        "/allocations/?year=2018",  # where the page's form posts: pa1's year
        lambda o: {
            "budget_line": o["pa1"].pk,
            "country": "ET",
            "amount": "10",
            "description": "x",
        },
        Allocation,
    ),
    (
        "/staff/",
        lambda o: {
            "kind": "regular",
            "position": "Officer",
            "duty_station": "Geneva",
            "start_date": "2018-01-01",
        },
        StaffPosition,
    ),
]


@pytest.mark.parametrize(("url", "form", "model"), WRITES)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_page_post(users, login, objects, url, form, model, role_index):
    role = ROLES[role_index]
    before = model.objects.count() if model else None
    target = P + _url(url, objects)
    response = login(users.get(role)).post(target, form(objects))
    assert response.status_code == WRITE[role_index], (role, response.content[:500])
    if model is not None:
        assert model.objects.count() - before == (1 if role == "desk" else 0), role


API_READ = (401, 200, 200, 200, 200)
API_DETAIL = (401, 404, 200, 200, 200)
RESOURCES = [
    "budget-lines",
    "disbursements",
    "exchange-rates",
    "assessed-contributions",
    "voluntary-contributions",
    "allocations",
    "staff-positions",
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_api_read(users, api_login, objects, resource, role_index):
    role = ROLES[role_index]
    client = api_login(users.get(role))
    listing = client.get(f"/api/v1/{resource}/", {"partnership": SLUG})
    assert listing.status_code == API_READ[role_index], role
    if listing.status_code == 200:
        ids = [row["id"] for row in listing.json()["results"]]
        assert (objects[resource] in ids) == (role != "outsider")
    detail = client.get(f"/api/v1/{resource}/{objects[resource]}/")
    assert detail.status_code == API_DETAIL[role_index], role


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_api_reconciliation(users, api_login, objects, role_index):
    role = ROLES[role_index]
    response = api_login(users.get(role)).get("/api/v1/voluntary-contributions/reconciliation/")
    assert response.status_code == API_READ[role_index]
    if response.status_code == 200:
        assert bool(response.json()) == (role != "outsider")


def _api_payloads(objects):
    return {
        "disbursements": (
            Disbursement,
            {
                "budget_line": objects["line"].pk,
                "kind": "payment",
                "value_date": "2018-05-01",
                "amount": "100.00",
                "currency": "DKK",
                "reference": "API-1",
            },
        ),
        "exchange-rates": (
            ExchangeRate,
            {
                "partnership": SLUG,
                "currency": "CHF",
                "date": "2018-05-01",
                "rate": "6.4",
                "source": "Test",
            },
        ),
        "allocations": (
            Allocation,
            {
                "budget_line": objects["pa1"].pk,
                "country": "BD",
                "amount": "10.00",
                "description": "Organisational reform",
            },
        ),
        "staff-positions": (
            StaffPosition,
            {
                "partnership": SLUG,
                "kind": "jpo",
                "position": "JPO",
                "duty_station": "Dhaka",
                "start_date": "2019-01-01",
            },
        ),
    }


API_CREATE_STATUS = (401, 400, 201, 403, 403)


@pytest.mark.parametrize("resource", ["disbursements", "exchange-rates", "allocations",
                                      "staff-positions"])  # fmt: skip
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_api_create(users, api_login, objects, resource, role_index):
    role = ROLES[role_index]
    model, payload = _api_payloads(objects)[resource]
    before = model.objects.count()
    response = api_login(users.get(role)).post(f"/api/v1/{resource}/", payload, format="json")
    assert response.status_code == API_CREATE_STATUS[role_index], (role, response.content)
    assert model.objects.count() - before == (1 if role == "desk" else 0)


API_WRITE_STATUS = (401, 404, 200, 403, 403)
API_COMMIT_STATUS = (401, 400, 200, 403, 403)  # the outsider's slug is no partnership of theirs


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_api_commit_and_update(users, api_login, objects, role_index):
    role = ROLES[role_index]
    client = api_login(users.get(role))
    commit = client.post(
        "/api/v1/budget-lines/commit-year/",
        {"partnership": SLUG, "year": 2019, "finance_act_reference": "Finance Act for 2019",
         "reason": "Act adopted"},
        format="json",
    )  # fmt: skip
    assert commit.status_code == API_COMMIT_STATUS[role_index], role
    if role == "desk":
        assert {line["status"] for line in commit.json()} == {"committed"}
    assert BudgetLine.objects.filter(year=2019, status="committed").count() == (
        4 if role == "desk" else 0
    )
    patch = client.patch(
        f"/api/v1/assessed-contributions/{objects['assessed-contributions']}/",
        {"invoiced": "318994.21"},
        format="json",
    )
    assert patch.status_code == API_WRITE_STATUS[role_index], role


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_disbursements_are_append_only_in_the_api(desk, api_login, objects, method):
    response = getattr(api_login(desk), method)(
        f"/api/v1/disbursements/{objects['disbursements']}/", {}, format="json"
    )
    assert response.status_code == 405
