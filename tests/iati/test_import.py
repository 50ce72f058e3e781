"""Importing the organisation's IATI activity file: what is kept, what is refused and why,
all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError
from django.core.management import call_command

from iati import importer
from iati import services
from iati.importer import ImportRefusedError
from iati.models import IatiActivity
from iati.models import IatiImport
from iati.models import IatiTransaction
from tests import factories
from tests.iati.iatifiles import DENMARK
from tests.iati.iatifiles import IOM
from tests.iati.iatifiles import MFA
from tests.iati.iatifiles import SWEDEN
from tests.iati.iatifiles import Act
from tests.iati.iatifiles import Tx
from tests.iati.iatifiles import activity_file
from tests.iati.planted import import_bytes
from tests.iati.planted import planted_file

D = dt.date


def _nothing_kept() -> bool:
    return not (
        IatiImport.objects.exists()
        or IatiActivity.objects.exists()
        or IatiTransaction.objects.exists()
    )


def _refused(partnership, content: bytes) -> list[str]:
    with pytest.raises(ImportRefusedError) as refused:
        import_bytes(partnership, content)
    assert _nothing_kept()
    return refused.value.reasons


def test_the_activities_denmark_funds_and_their_danish_transactions_are_kept(iom, desk):
    result = import_bytes(iom, planted_file(), by=desk)
    record = result.record
    assert (record.activities_read, record.activities_kept, record.transactions_kept) == (4, 2, 6)
    assert (record.iati_version, record.imported_by, record.size) == (
        "2.03",
        desk,
        len(planted_file()),
    )
    assert record.generated_at == dt.datetime(2021, 3, 2, 8, tzinfo=dt.UTC)
    activities = {a.iati_identifier: a for a in IatiActivity.objects.filter(partnership=iom)}
    assert sorted(activities) == [f"{IOM}-DK-CORE", f"{IOM}-DK-PA"]
    assert activities[f"{IOM}-DK-PA"].funded_by_denmark
    assert activities[f"{IOM}-DK-CORE"].title == "Core contribution of Denmark"
    kept = IatiTransaction.objects.filter(partnership=iom)
    assert {t.provider_org for t in kept} == {MFA, DENMARK}  # not Sweden's
    pa1 = kept.get(reference="DK-2018-PA1")
    assert (pa1.transaction_type, pa1.date, pa1.value, pa1.currency, pa1.value_date) == (
        "1",
        D(2018, 6, 20),
        Decimal("600000.00"),
        "USD",
        D(2018, 6, 20),
    )
    assert kept.filter(transaction_type="11").count() == 1  # kept, not reconciled
    # The change history has the import and what it kept.
    assert IatiImport.history.filter(id=record.pk, history_user=desk).exists()
    assert IatiTransaction.history.count() == 6


def test_the_same_file_twice_adds_nothing(iom):
    first = import_bytes(iom, planted_file()).record
    again = import_bytes(iom, planted_file())
    assert again.already_imported
    assert again.record == first
    assert (IatiImport.objects.count(), IatiTransaction.objects.count()) == (1, 6)


def test_an_activity_imported_again_replaces_the_earlier(iom):
    first = import_bytes(iom, planted_file()).record
    newer = activity_file(Act(f"{IOM}-DK-CORE", [Tx(D(2018, 3, 5), "2400000.00")]))
    result = import_bytes(iom, newer, filename="newer.xml")
    assert result.replaced == 1
    old = IatiActivity.objects.get(source_import=first, iati_identifier=f"{IOM}-DK-CORE")
    assert old.replaced_by == result.record
    assert not old.current
    current = IatiActivity.objects.filter(replaced_by=None).order_by("iati_identifier")
    assert [(a.iati_identifier, a.source_import.filename) for a in current] == [
        (f"{IOM}-DK-CORE", "newer.xml"),
        (f"{IOM}-DK-PA", "iom-activities.xml"),
    ]
    assert old.history.first().history_change_reason == "Imported again from newer.xml"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"<html><body>Not IATI</body></html>", "This is not an IATI activity file: its root "
         "element is <html>, not <iati-activities>"),
        (b'<iati-organisations version="2.03"/>', "its root element is an IATI organisation file"),
        (b'<iati-activities version="1.05"/>', "The file is IATI version 1.05; the import reads "
         "IATI 2.01 to 2.03"),
        (b"<iati-activities/>", "The file declares no IATI version; the import reads IATI "
         "2.01 to 2.03"),
        (b"<iati-activities><broken>", "This is not well-formed XML (line 1)"),
        (b'<iati-activities version="1.05"><broken></iati-activities>',
         "This is not well-formed XML (line 1)"),
        (b"%PDF-1.7 not xml", "This is not well-formed XML (line 1)"),
        (b"", "The file is empty."),
        (b'<iati-activities version="2.03"></iati-activities>', "The file holds no activity"),
        (activity_file(Act(f"{IOM}-SE", [Tx(D(2019, 1, 1), "1", provider=SWEDEN)])),
         "None of the file's 1 activities names Denmark (XM-DAC-3, XM-DAC-3-1) as a provider"),
        (activity_file(Act("XM-DAC-41114-1", [Tx(D(2019, 1, 1), "1")],
                           reporting_org="XM-DAC-41114")),
         "None of the file's 1 activities is reported by XM-DAC-47066: they are reported by "
         "XM-DAC-41114"),
    ],
)  # fmt: skip
def test_what_is_not_an_iati_activity_file_of_the_organisation_is_refused_with_why(
    iom, content, says
):
    (reason,) = _refused(iom, content)
    assert says in reason


def test_a_danish_transaction_that_cannot_be_read_refuses_the_whole_file(iom):
    content = activity_file(
        Act(f"{IOM}-OK", [Tx(D(2019, 1, 1), "100.00")]),
        Act(
            f"{IOM}-BAD",
            [
                Tx(D(2019, 1, 1), "one hundred"),
                Tx(D(2019, 1, 1), "100.00", currency=None),
                Tx(D(2019, 1, 1), "100.00", kind="99"),
            ],
            default_currency=None,
        ),
        Act(f"{IOM}-SE", [Tx(D(2019, 1, 1), "not read", provider=SWEDEN)]),
    )
    reasons = _refused(iom, content)
    assert [r.split(": ", 1)[1] for r in reasons] == [
        "a transaction's value is not a number.",
        "a transaction's value has no currency (neither its own nor the activity's "
        "default-currency).",
        "a transaction from XM-DAC-3-1 has no known transaction type.",
    ]
    assert all(r.startswith("Line ") for r in reasons)


def test_an_organisation_without_an_iati_identifier_cannot_import(db):
    partnership = factories.PartnershipFactory()
    with pytest.raises(ImportRefusedError, match="has no IATI organisation identifier"):
        import_bytes(partnership, planted_file())


def test_the_command_imports_and_reports_what_it_kept_and_found(funded, tmp_path):
    path = tmp_path / "iom-activities.xml"
    path.write_bytes(planted_file())
    out = StringIO()
    call_command("iati_import", "denmark-iom-2018-2020", str(path), stdout=out)
    assert "Imported iom-activities.xml: 2 of 4 activities with Denmark as a funder, 6 " in (
        out.getvalue()
    )
    assert "Missing in Denmark's records: 5" in out.getvalue()  # no payments recorded yet
    out = StringIO()
    call_command("iati_import", "denmark-iom-2018-2020", str(path), stdout=out)
    assert "iom-activities.xml was already imported on" in out.getvalue()


def test_the_command_says_why_a_file_is_refused(iom, tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<html/>")
    err = StringIO()
    with pytest.raises(CommandError, match=r"Nothing was imported from page\.html"):
        call_command("iati_import", "denmark-iom-2018-2020", str(path), stderr=err)
    assert "not an IATI activity file" in err.getvalue()
    with pytest.raises(CommandError, match="No partnership with the slug 'nope'"):
        call_command("iati_import", "nope", str(path))


def test_reading_stops_at_the_time_limit(iom, monkeypatch, settings):
    """A file that takes too long is refused, however far it got."""
    clock = iter(range(0, 10_000, 7))
    monkeypatch.setattr(importer.time, "monotonic", lambda: next(clock))
    settings.IATI_IMPORT_MAX_SECONDS = 60
    content = activity_file(*[Act(f"{IOM}-{i}", [Tx(D(2019, 1, 1), "1.00")]) for i in range(50)])
    (reason,) = _refused(iom, content)
    assert reason == (
        "Reading the file took longer than 60 seconds and was stopped; nothing was imported."
    )


def test_reading_stops_at_the_size_limit_when_the_size_is_not_known_before(iom, settings):
    settings.IATI_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    content = activity_file(
        *[Act(f"{IOM}-{i}", [Tx(D(2019, 1, 1), "1.00", provider=SWEDEN)]) for i in range(6000)]
    )
    assert len(content) > settings.IATI_IMPORT_MAX_BYTES
    with pytest.raises(ImportRefusedError) as refused:
        services.iati_import(partnership=iom, file=io.BytesIO(content), filename="big.xml")
    assert refused.value.reasons == [
        "The file is larger than 2 MB; an IATI file to import may be at most 2 MB. It was "
        "refused before it was read."
    ]
    assert _nothing_kept()


def test_a_file_of_many_activities_is_read_one_activity_at_a_time(iom):
    """What stays in memory is what one read of the file brings (64 KB), not the file: the
    activities before the one being read are gone from the parsed tree."""
    content = activity_file(
        *[Act(f"{IOM}-{i}", [Tx(D(2019, 1, 1), "1.00", provider=SWEDEN)]) for i in range(2000)],
        Act(f"{IOM}-DK", [Tx(D(2019, 1, 1), "5.00")]),
    )
    widest = 0
    original = importer._Reader.activity

    def watch(self, element):
        nonlocal widest
        widest = max(widest, len(element.getparent()))
        return original(self, element)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer._Reader, "activity", watch)
        record = import_bytes(iom, content).record
    assert (record.activities_read, record.activities_kept) == (2001, 1)
    per_read = 64 * 1024 // (len(content) // 2001)
    assert widest <= per_read + 2 < 2001 // 10, (widest, per_read)
