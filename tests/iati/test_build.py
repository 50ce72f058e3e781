"""The files the ministry publishes: valid IATI 2.03 against the schemas and the shipped
codelists, for the demo data and for generated data, and saying what the records say."""

from __future__ import annotations

import datetime as dt
import socket
from decimal import Decimal

import pytest
from lxml import etree

from bench import loaddata
from funding import services as funding_services
from iati import build
from iati import codelists
from iati import publish
from iati import validation
from partnership.models import Partnership
from tests.funding.factories import AllocationFactory

D = dt.date


def _tree(content: bytes) -> etree._Element:
    return etree.fromstring(content)


def _valid(content: bytes) -> etree._Element:
    problems = validation.validate(content)
    assert problems == [], [str(p) for p in problems[:10]]
    return _tree(content)


def test_the_demo_partnerships_activity_file_is_valid_and_says_what_the_strategy_says(funded):
    root = _valid(build.activity_file([funded]))
    assert root.get("version") == "2.03"
    (activity,) = root.findall("iati-activity")
    assert activity.findtext("iati-identifier") == "XM-DAC-3-1-denmark-iom-2018-2020"
    reporting = activity.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type")) == ("XM-DAC-3-1", "10")
    assert activity.findtext("title/narrative") == funded.title
    assert "Intermediate Strategy" in activity.findtext("description[@type='1']/narrative")
    assert "Priority area 2:" in activity.findtext("description[@type='2']/narrative")
    roles = {(o.get("role"), o.get("ref")) for o in activity.findall("participating-org")}
    assert roles == {("1", "XM-DAC-3-1"), ("3", "XM-DAC-3-1"), ("4", "XM-DAC-47066")}
    assert activity.find("sector").attrib == {
        "vocabulary": "1",
        "code": "15190",
        "percentage": "100",
    }
    assert activity.find("default-aid-type").get("code") == "B02"
    assert [e.get("code") for e in activity.iterfind("default-flow-type")] == ["10"]
    assert activity.find("default-finance-type").get("code") == "110"
    assert activity.find("collaboration-type").get("code") == "2"
    dates = {e.get("type"): e.get("iso-date") for e in activity.iterfind("activity-date")}
    assert (dates["1"], dates["3"]) == ("2018-01-01", "2020-12-31")
    # Section 5: DKK 25 million a year; 2018 committed, 2019 and 2020 indicative.
    budgets = [
        (b.get("status"), b.find("period-start").get("iso-date"), b.findtext("value"))
        for b in activity.iterfind("budget")
    ]
    assert budgets == [
        ("2", "2018-01-01", "25000000.00"),
        ("1", "2019-01-01", "25000000.00"),
        ("1", "2020-01-01", "25000000.00"),
    ]
    assert all(b.find("value").get("currency") == "DKK" for b in activity.iterfind("budget"))
    commitments = [
        (t.findtext("value"), t.find("aid-type").get("code"))
        for t in activity.iterfind("transaction")
        if t.find("transaction-type").get("code") == "2"
    ]
    assert commitments == [
        ("15000000.00", "B02"),
        ("4000000.00", "B03"),
        ("4000000.00", "B03"),
        ("2000000.00", "D01"),
    ]


def test_the_demo_organisation_file_is_valid_with_the_total_and_iom_budgets_per_year(funded):
    root = _valid(build.organisation_file([funded]))
    organisation = root.find("iati-organisation")
    assert organisation.findtext("organisation-identifier") == "XM-DAC-3-1"
    totals = [(b.get("status"), b.findtext("value")) for b in organisation.iterfind("total-budget")]
    assert totals == [("2", "25000000.00"), ("1", "25000000.00"), ("1", "25000000.00")]
    recipients = [
        (b.find("recipient-org").get("ref"), b.find("period-start").get("iso-date"))
        for b in organisation.iterfind("recipient-org-budget")
    ]
    assert recipients == [
        ("XM-DAC-47066", "2018-01-01"),
        ("XM-DAC-47066", "2019-01-01"),
        ("XM-DAC-47066", "2020-01-01"),
    ]


def test_payments_refunds_and_allocations_are_in_the_file_as_recorded(paid, desk):
    line = paid.budget_lines.get(year=2018, component="priority_area_2")
    funding_services.allocation_create(
        budget_line=line, country="NE", amount=Decimal("1000000"), description="Border posts"
    )
    funding_services.allocation_create(
        budget_line=line, country="ET", amount=Decimal("500000"), description="Return"
    )
    root = _valid(build.activity_file([paid]))
    activity = root.find("iati-activity")
    disbursements = {
        t.get("ref"): (
            t.find("transaction-date").get("iso-date"),
            t.findtext("value"),
            t.find("value").get("currency"),
            t.find("value").get("value-date"),
            t.find("aid-type").get("code"),
        )
        for t in activity.iterfind("transaction")
        if t.find("transaction-type").get("code") == "3"
    }
    assert disbursements["DK-2018-PA1"] == ("2018-06-15", "600000.00", "USD", "2018-06-15", "B03")
    assert disbursements["DK-2018-REF"] == ("2018-11-20", "-50000.00", "USD", "2018-11-20", "B03")
    assert disbursements["DK-2018-SEC"][1:] == ("2000000.00", "DKK", "2018-09-01", "D01")
    assert len(disbursements) == 6
    # The 2019 lines were committed under the Finance Act for 2019 on the day they were.
    committed_2019 = [
        t.find("transaction-date").get("iso-date")
        for t in activity.iterfind("transaction")
        if "2019" in t.findtext("description/narrative")
        and "committed" in t.findtext("description/narrative")
    ]
    assert len(committed_2019) == 4
    # Niger and Ethiopia by their share of the DKK 75 million budget; the rest unspecified.
    countries = {c.get("code"): c.get("percentage") for c in activity.iterfind("recipient-country")}
    assert countries == {"NE": "1.33", "ET": "0.67"}
    region = activity.find("recipient-region")
    assert (region.get("code"), region.get("percentage")) == ("998", "98.00")


def test_generated_partnerships_files_are_valid_each_and_as_a_portfolio(funded, users):
    """The load generator's data (payments in three currencies, refunds, allocations to
    DAC countries, its own agreement extended by years beside the demo's, a further
    partnership with another organisation) and a factory's partnership (no lines, an
    organisation without an IATI identifier)."""
    loaddata.generate(scale=2, seed=7)
    partnerships = list(Partnership.objects.select_related("organisation").order_by("pk"))
    assert len(partnerships) == 4
    for partnership in partnerships:
        _valid(build.activity_file([partnership]))
        _valid(build.organisation_file([partnership]))
    root = _valid(build.activity_file(partnerships))
    assert len(root.findall("iati-activity")) == 4
    currencies = {v.get("currency") for v in root.iterfind(".//transaction/value")}
    assert currencies == {"DKK", "USD", "CHF"}
    assert any(v.text.startswith("-") for v in root.iterfind(".//transaction/value"))
    assert root.find(".//recipient-country") is not None
    _valid(build.organisation_file(partnerships))


def test_files_are_built_in_a_fixed_number_of_queries(paid, django_assert_num_queries):
    AllocationFactory(budget_line=paid.budget_lines.get(year=2019, component="priority_area_1"))
    partnership = Partnership.objects.select_related("organisation").get(pk=paid.pk)
    # Four histories (when the records last changed), then the areas, lines, commitments,
    # payments and allocations.
    with django_assert_num_queries(9):
        build.activity_file([partnership])


def test_the_reporting_organisation_is_a_setting(funded, settings):
    settings.IATI_REPORTING_ORG = "XM-DAC-3-99"
    settings.IATI_REPORTING_ORG_NAME = "Another ministry"
    activity = _valid(build.activity_file([funded])).find("iati-activity")
    assert activity.findtext("iati-identifier") == "XM-DAC-3-99-denmark-iom-2018-2020"
    assert activity.find("reporting-org").get("ref") == "XM-DAC-3-99"
    assert activity.findtext("reporting-org/narrative") == "Another ministry"


def test_every_code_comes_from_a_shipped_codelist(funded, monkeypatch):
    assert codelists.version().startswith("IATI 2.03 codelists")
    assert codelists.name_of("Sector", "15190").startswith("Facilitation of orderly, safe")
    assert codelists.name_of("AidType", "B02").startswith("Core contributions to multilateral")
    monkeypatch.setitem(build.AID_TYPES, "core", "B021")  # not on the 2018 list
    with pytest.raises(codelists.UnknownCodeError, match="'B021' is not on the IATI AidType"):
        build.activity_file([funded])


def test_the_check_finds_a_code_that_is_not_on_its_list_and_a_schema_error():
    content = (
        b'<iati-activities version="2.03"><iati-activity default-currency="XXX">'
        b"<reporting-org ref='XM-DAC-3-1' type='10'/></iati-activity></iati-activities>"
    )
    problems = [str(p) for p in validation.validate(content)]
    assert any("Expected is ( iati-identifier )" in p for p in problems)
    assert any("default-currency=XXX is not on the IATI Currency codelist" in p for p in problems)


def test_the_schemas_are_read_offline(funded, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the check tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    validation.schema.cache_clear()
    assert validation.validate(build.activity_file([funded])) == []


def test_an_invalid_file_is_refused_and_logged(funded, monkeypatch, caplog):
    monkeypatch.setattr(
        build, "activity_file", lambda partnerships: b'<iati-activities version="2.03"/>'
    )
    with caplog.at_level("ERROR", logger="iati.publish"), pytest.raises(publish.InvalidFileError):
        publish.activity_file(funded)
    (record,) = caplog.records
    assert "IATI activity file of denmark-iom-2018-2020 was not served" in record.getMessage()
    assert "Missing child element(s)" in record.getMessage()
