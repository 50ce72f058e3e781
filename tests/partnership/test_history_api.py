"""``GET /api/v1/history/``: the change history as the page shows it, with its filters.
(The permission matrix, isolation, schema, paging and query pins are generated for it in
tests/api/.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funding import seed as funding_seed
from funding.models import BudgetLine
from funding.models import Component
from partnership.models import Membership
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.funding.factories import DisbursementFactory
from tests.partnership.test_history import _at
from tests.partnership.test_history import acting_as

URL = "/api/v1/history/"
SLUG = "denmark-iom-2018-2020"


@pytest.fixture
def payment(iom, desk):
    funding_seed.load_demo(iom)
    line = BudgetLine.objects.get(partnership=iom, year=2019, component=Component.PRIORITY_AREA_1)
    with acting_as(desk):
        made = DisbursementFactory(
            budget_line=line, created_by=desk, amount=Decimal("2000000.00"), reference="PA1-19"
        )
    _at(made, dt.datetime(2019, 6, 30, 22, 30, 15, tzinfo=dt.UTC))
    return made


def test_a_change_reads_by_name_with_its_currency_and_local_time(api_login, auditor, payment):
    body = api_login(auditor).get(URL, {"kind": "disbursement"}).json()
    (entry,) = body["results"]
    assert entry == {
        "id": f"disbursement-{payment.history.get().history_id}",
        "partnership": SLUG,
        "at": "2019-07-01T00:30:15+02:00",
        "by": "Test desk",
        "action": "created",
        "kind": "disbursement",
        "kind_label": "Disbursement",
        "object_id": payment.pk,
        "object": "Payment PA1-19",
        "reason": "",
        "changes": entry["changes"],
    }
    values = {change["field"]: change["new"] for change in entry["changes"]}
    assert values["Budget line"] == "2019 · Priority area 1 (thematically earmarked)"
    assert values["Amount"] == "DKK 2,000,000"
    assert values["Created by"] == "Test desk"


def test_the_filters_are_the_pages(api_login, auditor, desk, payment, iom):
    client = api_login(auditor)

    def kinds(**params):
        response = client.get(URL, {"page_size": 500, **params})
        assert response.status_code == 200
        return [entry["kind"] for entry in response.json()["results"]]

    assert kinds(**{"from": "2019-07-01", "to": "2019-07-01"}) == ["disbursement"]
    assert kinds(to="2019-06-30") == []
    assert kinds(person=desk.pk) == ["disbursement"]
    assert set(kinds(kind="membership")) == {"membership"}
    assert kinds(partnership=SLUG, kind="disbursement", person=desk.pk) == ["disbursement"]


def test_oldest_first_on_request(api_login, auditor, iom):
    client = api_login(auditor)
    newest = client.get(URL, {"page_size": 500}).json()["results"]
    oldest = client.get(URL, {"page_size": 500, "ordering": "at"}).json()["results"]
    assert [e["id"] for e in oldest] == [e["id"] for e in reversed(newest)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2019-02-30"}, "from"),
        ({"from": "2019-07-02", "to": "2019-07-01"}, "to"),
        ({"kind": "user"}, "kind"),
        ({"person": "someone"}, "person"),
    ],
)
def test_a_bad_filter_is_a_400_at_its_parameter(api_login, auditor, iom, params, field):
    response = api_login(auditor).get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_mission_staff_may_not_read_the_history(api_login, geneva, iom):
    assert api_login(geneva).get(URL).status_code == 403
    assert api_login(geneva).get(URL, {"partnership": SLUG}).status_code == 403


def test_a_member_reads_the_history_where_their_role_allows_it_only(api_login, iom, geneva):
    other = factories.PartnershipFactory()
    Membership.objects.create(user=geneva, partnership=other, role=Membership.Role.AUDITOR)
    body = api_login(geneva).get(URL, {"page_size": 500}).json()
    assert {entry["partnership"] for entry in body["results"]} == {other.slug}


def test_mission_staff_are_refused_the_history_in_their_language(api_login, geneva, iom):
    refused = api_login(geneva).get(URL, HTTP_ACCEPT_LANGUAGE="da")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Din rolle giver ikke adgang til at læse historikken."}


def test_the_kind_filter_takes_the_consultations_and_reviews_kinds(api_login, auditor, iom, geneva):
    with acting_as(geneva):
        consultation = consultation_factories.held(
            iom, year=2019, date=dt.date(2019, 11, 19), created_by=geneva
        )
        consultation_factories.ActionPointFactory(consultation=consultation)
    client = api_login(auditor)
    response = client.get(URL, {"kind": "actionpoint"})
    assert response.status_code == 200
    assert {entry["kind"] for entry in response.json()["results"]} == {"actionpoint"}
    assert client.get(URL, {"kind": "reportversion"}).status_code == 200
