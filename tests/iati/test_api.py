"""The same through the API: the files, the import and the reconciliation, with the pages'
permissions (the generated contract tests in tests/api/ cover every route and role too)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from iati import build
from iati import validation
from iati.models import IatiImport
from tests.iati.iatifiles import IOM
from tests.iati.iatifiles import Act
from tests.iati.iatifiles import Tx
from tests.iati.iatifiles import activity_file
from tests.iati.planted import planted_file

SLUG = "denmark-iom-2018-2020"
A = f"/api/v1/partnerships/{SLUG}/iati"


def _file(content: bytes, name: str = "iom-activities.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/xml")


def test_the_files_are_served_at_their_names_checked(auditor, api_login, funded):
    client = api_login(auditor)
    for name, root in (
        ("activities.xml", "iati-activities"),
        ("organisation.xml", "iati-organisations"),
    ):
        response = client.get(f"{A}/{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/xml"
        assert etree.fromstring(response.content).tag == root
        assert validation.validate(response.content) == []
    assert client.get(f"{A}/activities.xml/").status_code == 404  # a file, not a folder


def test_a_non_member_gets_404_for_everything(outsider, api_login, iom):
    client = api_login(outsider)
    for url in (f"{A}/activities.xml", f"{A}/organisation.xml", f"{A}/reconciliation/"):
        assert client.get(url).status_code == 404
    response = client.post(f"{A}/imports/", {"file": _file(planted_file())}, format="multipart")
    assert response.status_code == 404
    assert not IatiImport.objects.exists()


def test_a_desk_officer_imports_then_the_same_file_again(desk, api_login, iom):
    client = api_login(desk)
    created = client.post(f"{A}/imports/", {"file": _file(planted_file())}, format="multipart")
    assert created.status_code == 201
    body = created.json()
    assert (body["activities_read"], body["activities_kept"], body["transactions_kept"]) == (
        4,
        2,
        6,
    )
    assert (body["partnership"], body["imported_by"], body["already_imported"]) == (
        SLUG,
        "desk",
        False,
    )
    again = client.post(f"{A}/imports/", {"file": _file(planted_file())}, format="multipart")
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["already_imported"]) == (body["id"], True)
    listed = client.get("/api/v1/iati-transactions/", {"partnership": SLUG, "year": 2019})
    assert listed.json()["count"] == 4
    incoming = client.get("/api/v1/iati-transactions/", {"transaction_type": "1", "year": 2018})
    assert {t["reference"] for t in incoming.json()["results"]} == {"", "DK-2018-PA1"}


def test_mission_staff_and_auditors_may_not_import(geneva, auditor, api_login, iom):
    for user in (geneva, auditor):
        response = api_login(user).post(
            f"{A}/imports/", {"file": _file(planted_file())}, format="multipart"
        )
        assert response.status_code == 403
    assert not IatiImport.objects.exists()


def test_a_refused_file_is_a_400_at_file(desk, api_login, iom):
    response = api_login(desk).post(
        f"{A}/imports/", {"file": _file(b'<iati-activities version="1.03"/>')}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "The file is IATI version 1.03; the import reads IATI 2.01 to 2.03 activity files "
            "(2.03 is the current version)."
        ]
    }
    missing = api_login(desk).post(f"{A}/imports/", {}, format="multipart")
    assert (missing.status_code, list(missing.json())) == (400, ["file"])


def test_the_reconciliation_answers_what_the_page_shows(auditor, api_login, planted):
    body = api_login(auditor).get(f"{A}/reconciliation/").json()
    assert body["currency"] == "DKK"
    assert body["latest_import"]["filename"] == "iom-activities.xml"
    years = {y["year"]: y for y in body["years"]}
    assert (years[2018]["disbursed"], years[2018]["received"]) == ("24517500.00", "18840000.00")
    assert (years[2019]["difference"], years[2019]["unexplained"]) == ("4850000.00", "0.00")
    kinds = sorted(f["kind"] for f in body["findings"])
    assert kinds == [
        "currency",
        "missing_in_iati",
        "missing_in_iati",
        "missing_in_records",
        "timing",
    ]
    currency = next(f for f in body["findings"] if f["kind"] == "currency")
    assert (currency["difference"], currency["currency"]) == ("180000.00", "DKK")
    assert currency["organisation"]["rate"] == "6.600000"
    assert currency["organisation"]["rate_source"] == "Danmarks Nationalbank (test figures)"
    assert body["matched"] == 2


def test_an_invalid_file_is_a_500_with_why_and_never_the_file(desk, api_login, funded, monkeypatch):
    monkeypatch.setattr(
        build, "organisation_file", lambda partnerships: b"<iati-organisations version='2.03'/>"
    )
    response = api_login(desk).get(f"{A}/organisation.xml")
    assert response.status_code == 500
    assert response.json()["detail"].startswith(
        "The IATI organisation file of denmark-iom-2018-2020 is not valid IATI 2.03"
    )


def test_transactions_of_a_replaced_activity_are_told_apart(desk, api_login, iom):
    client = api_login(desk)
    client.post(f"{A}/imports/", {"file": _file(planted_file())}, format="multipart")
    newer = activity_file(Act(f"{IOM}-DK-CORE", [Tx(dt.date(2018, 3, 5), "2400000.00")]))
    client.post(f"{A}/imports/", {"file": _file(newer, "newer.xml")}, format="multipart")
    current = client.get("/api/v1/iati-transactions/", {"current": "true"}).json()
    replaced = client.get("/api/v1/iati-transactions/", {"current": "false"}).json()
    assert (current["count"], replaced["count"]) == (4, 3)
    assert all(not t["current"] for t in replaced["results"])
    assert Decimal(current["results"][0]["value"]) > 0


def test_the_api_root_still_lists_the_partnerships(desk, api_login):
    """Two viewsets share the prefix partnerships/: the root names the one with a list."""
    body = api_login(desk).get("/api/v1/").json()
    assert body["partnerships"].endswith("/api/v1/partnerships/")
    assert body["iati-imports"].endswith("/api/v1/iati-imports/")


def test_a_year_no_date_can_have_is_a_400_at_year(desk, api_login, iom):
    for year in ("0", "0.0", "10000"):
        response = api_login(desk).get("/api/v1/iati-transactions/", {"year": year})
        assert (response.status_code, list(response.json())) == (400, ["year"]), year
