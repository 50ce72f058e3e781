"""The reconciliation of Denmark's payments with what IOM's IATI data reports as received
from Denmark: per year in DKK at the rates of the days, and every planted difference found
with its size and likely cause (see conftest.py for the payments and the file)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import translation

from funding import services as funding_services
from iati import selectors
from iati.selectors import Kind
from tests.iati.iatifiles import IOM
from tests.iati.iatifiles import Act
from tests.iati.iatifiles import Tx
from tests.iati.iatifiles import activity_file
from tests.iati.planted import RATE_SOURCE
from tests.iati.planted import import_bytes

D = dt.date


def _by_kind(result):
    found: dict[str, list] = {}
    for difference in result.differences:
        found.setdefault(difference.kind, []).append(difference)
    return found


def test_each_year_sets_what_denmark_disbursed_against_what_iom_reports_it_received(planted):
    result = selectors.reconciliation(partnership=planted)
    rows = {row.year: row for row in result.years}
    assert sorted(rows) == [2018, 2019]
    # 15,000,000 + 3,840,000 + 2,000,000 − 322,500 (the refund) + 4,000,000
    assert rows[2018].disbursed == Decimal("24517500.00")
    # USD 2,400,000 at 6.25 and USD 600,000 at 6.40
    assert rows[2018].received == Decimal("18840000.00")
    assert rows[2018].received_by_currency == {"USD": Decimal("3000000.00")}
    assert rows[2018].difference == Decimal("-5677500.00")
    assert rows[2019].disbursed == Decimal("15000000.00")
    # DKK 4,000,000 + USD 2,300,000 at 6.60 + USD 100,000 at 6.70
    assert rows[2019].received == Decimal("19850000.00")
    assert rows[2019].received_by_currency == {
        "DKK": Decimal("4000000.00"),
        "USD": Decimal("2400000.00"),
    }
    assert rows[2019].difference == Decimal("4850000.00")
    # Every difference of the year is explained by one listed below it.
    assert [(r.explained, r.unexplained) for r in result.years] == [
        (Decimal("-5677500.00"), 0),
        (Decimal("4850000.00"), 0),
    ]
    assert all(row.complete for row in result.years)


def test_the_planted_differences_are_found_with_their_size_and_likely_cause(planted):
    result = selectors.reconciliation(partnership=planted)
    found = _by_kind(result)
    assert {kind: len(items) for kind, items in found.items()} == {
        Kind.TIMING: 1,
        Kind.CURRENCY: 1,
        Kind.MISSING_IN_IATI: 2,
        Kind.MISSING_IN_RECORDS: 1,
    }
    (timing,) = found[Kind.TIMING]
    assert (timing.denmark.reference, timing.organisation.date) == ("DK-2018-PA2", D(2019, 1, 4))
    assert timing.years == [2018, 2019]
    assert timing.size == Decimal("4000000.00")
    assert timing.effects == {2018: Decimal("-4000000.00"), 2019: Decimal("4000000.00")}

    (currency,) = found[Kind.CURRENCY]
    assert currency.denmark.reference == "DK-2019-CORE"
    assert currency.size == Decimal("180000.00")  # USD 2,300,000 at 6.60 less DKK 15,000,000
    assert currency.organisation.rate == Decimal("6.600000")
    assert currency.organisation.rate_source == RATE_SOURCE
    assert "1 USD = 6.600000 DKK on 4 March 2019" in currency.explanation

    missing = {d.denmark.reference: d.size for d in found[Kind.MISSING_IN_IATI]}
    assert missing == {"DK-2018-SEC": Decimal("-2000000.00"), "DK-2018-REF": Decimal("322500.00")}

    (unrecorded,) = found[Kind.MISSING_IN_RECORDS]
    assert (unrecorded.organisation.amount, unrecorded.organisation.currency) == (
        Decimal("100000.00"),
        "USD",
    )
    assert unrecorded.size == Decimal("670000.00")
    assert unrecorded.organisation.where.startswith(f"{IOM}-DK-PA, line ")

    # The core payment of 2018 (DKK, received in USD at the rate of its day) and the
    # priority area 1 payment (the same reference) are the same money.
    matched = {(dk.reference, org.currency, org.amount) for dk, org in result.matched}
    assert ("DK-2018-CORE", "USD", Decimal("2400000.00")) in matched
    assert ("DK-2018-PA1", "USD", Decimal("600000.00")) in matched
    assert result.rate_sources == [RATE_SOURCE]


def test_receipts_from_others_commitments_and_other_publishers_are_not_counted(planted):
    result = selectors.reconciliation(partnership=planted)
    receipts = sum(row.receipts for row in result.years)
    assert receipts == 5  # not Sweden's, not the incoming commitment, not the other publisher's


def test_without_an_import_every_payment_is_missing_in_the_organisations_data(paid):
    result = selectors.reconciliation(partnership=paid)
    assert result.latest_import is None
    assert {d.kind for d in result.differences} == {Kind.MISSING_IN_IATI}
    assert len(result.differences) == 6
    assert [row.unexplained for row in result.years] == [0, 0]


def test_a_receipt_without_a_rate_is_listed_and_its_year_marked_incomplete(paid, desk):
    import_bytes(paid, activity_file(Act(f"{IOM}-CHF", [Tx(D(2019, 6, 3), "1000.00", "CHF")])))
    result = selectors.reconciliation(partnership=paid)
    row = next(r for r in result.years if r.year == 2019)
    assert not row.complete
    assert row.received_by_currency == {"CHF": Decimal("1000.00")}
    (unrecorded,) = [d for d in result.differences if d.kind == Kind.MISSING_IN_RECORDS]
    assert unrecorded.size is None
    assert "no CHF rate on or before 3 June 2019 is recorded" in unrecorded.explanation


def test_a_later_import_of_an_activity_replaces_the_earlier_in_the_reconciliation(planted, desk):
    corrected = activity_file(
        Act(f"{IOM}-DK-CORE", [Tx(D(2018, 3, 5), "2400000.00"), Tx(D(2019, 3, 4), "2272727.27")])
    )
    import_bytes(planted, corrected, filename="iom-activities-corrected.xml")
    result = selectors.reconciliation(partnership=planted)
    # 2,272,727.27 × 6.60 = 14,999,999.98: what is left is the rounding of the conversion.
    assert [d.size for d in _by_kind(result)[Kind.CURRENCY]] == [Decimal("-0.02")]
    assert result.latest_import.filename == "iom-activities-corrected.xml"
    # The other activity of the first file still counts, as first imported.
    assert len(_by_kind(result)[Kind.TIMING]) == 1


def test_a_payment_recorded_after_the_import_shows_at_once(planted, desk):
    line = planted.budget_lines.get(year=2019, component="priority_area_1")
    funding_services.disbursement_create(
        budget_line=line,
        by=desk,
        value_date=D(2019, 10, 1),
        amount=Decimal("1000000"),
        currency="DKK",
        reference="DK-2019-PA1",
    )
    result = selectors.reconciliation(partnership=planted)
    late = [d for d in result.differences if d.denmark and d.denmark.reference == "DK-2019-PA1"]
    assert [(d.kind, d.size) for d in late] == [(Kind.MISSING_IN_IATI, Decimal("-1000000.00"))]


def test_the_page_shows_a_page_of_years_and_a_difference_across_them_on_both(
    funded, desk, login, monkeypatch
):
    """Two years a page: a payment of 20 December 2020 received on 5 January 2021 is a
    timing difference on the page of 2019–2020 and on that of 2021 alike."""
    from funding.models import BudgetLine
    from funding.models import Component
    from iati import views
    from tests.funding.factories import DisbursementFactory

    monkeypatch.setattr(views, "YEARS_PER_PAGE", 2)
    for year, day, reference in (
        (2019, dt.date(2019, 6, 1), "DK-2019-A"),
        (2020, dt.date(2020, 12, 20), "DK-2020-X"),
    ):
        DisbursementFactory(
            budget_line=BudgetLine.objects.get(
                partnership=funded, year=year, component=Component.CORE
            ),
            created_by=desk,
            amount=Decimal(500),
            value_date=day,
            currency="DKK",
            reference=reference,
        )
    import_bytes(
        funded,
        activity_file(
            Act(f"{IOM}-Z", [Tx(dt.date(2021, 1, 5), "500.00", currency="DKK", ref="DK-2020-X")])
        ),
    )
    client = login(desk)
    first = client.get(f"/p/{funded.slug}/iati/reconciliation/?page=1").content.decode()
    second = client.get(f"/p/{funded.slug}/iati/reconciliation/?page=2").content.decode()
    for page in (first, second):
        assert "Timing: booked in different years: 1" in page
    assert "The years 2019 to 2020" in first
    assert "Missing in the organisation&#x27;s IATI data: 1" in first
    assert "The years 2021 to 2021" in second
    assert "Missing in the organisation&#x27;s IATI data: 0" in second
    assert 'href="?page=2"' in first


def test_the_explanations_read_in_the_readers_language_with_its_formats(planted):
    """Each sentence is written when it is read: the same reconciliation reads in English
    and in Danish, amounts and days as each language writes them."""
    result = selectors.reconciliation(partnership=planted)
    (currency,) = _by_kind(result)[Kind.CURRENCY]
    refund = next(d for d in _by_kind(result)[Kind.MISSING_IN_IATI] if d.denmark.amount < 0)
    (unrecorded,) = _by_kind(result)[Kind.MISSING_IN_RECORDS]
    with translation.override("en-gb"):
        assert currency.explanation == (
            "Denmark paid DKK 15,000,000.00 on 1 March 2019 (in DKK); the organisation records "
            "USD 2,300,000.00 (DKK 15,180,000.00) on 4 March 2019 (1 USD = 6.600000 DKK on "
            f"4 March 2019 ({RATE_SOURCE}))."
        )
        assert refund.denmark.where.startswith("Refund DK-2018-REF (2018 · ")
    with translation.override("da"):
        assert currency.explanation == (
            "Danmark udbetalte DKK 15.000.000,00 den 1. marts 2019 (i DKK); organisationen har "
            "registreret USD 2.300.000,00 (DKK 15.180.000,00) den 4. marts 2019 (1 USD = "
            f"6,600000 DKK den 4. marts 2019 ({RATE_SOURCE}))."
        )
        assert refund.explanation == (
            "Danmark fik tilbagebetalt USD 50.000,00 (DKK 322.500,00) den 20. november 2018; "
            "organisationens IATI-data viser ingen tilbagebetaling til Danmark af omtrent det "
            "beløb inden for 45 dage."
        )
        assert refund.denmark.where.startswith("Tilbagebetaling DK-2018-REF (2018 · ")
        assert unrecorded.explanation.startswith(
            "Organisationen har registreret modtagelse af USD 100.000,00 (DKK 670.000,00) fra "
            "Danmark den 1. august 2019 ("
        )
        assert ", linje " in unrecorded.organisation.where


def test_the_reconciliation_page_reads_in_danish(desk, login, planted):
    page = (
        login(desk)
        .get(f"/p/{planted.slug}/iati/reconciliation/?page=1", HTTP_ACCEPT_LANGUAGE="da")
        .content.decode()
    )
    assert "Danmark udbetalte DKK 2.000.000,00 den 1. september 2018" in page
    assert 'data-label="Danmarks registrering"' in page
    assert "Denmark paid" not in page
