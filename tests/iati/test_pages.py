"""The IATI pages and files as people reach them: members only, desk officers alone import,
the files checked before they are served, and the links out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from lxml import etree

from core import caching
from iati import build
from iati import publish
from iati import validation
from iati.models import IatiImport
from partnership.models import Membership
from tests import factories
from tests.iati.iatifiles import IOM
from tests.iati.iatifiles import Act
from tests.iati.iatifiles import Tx
from tests.iati.iatifiles import activity_file
from tests.iati.planted import planted_file

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/iati"
PAGES = [
    f"{P}/",
    f"{P}/reconciliation/",
    f"{P}/data/",
    f"{P}/activities.xml",
    f"{P}/organisation.xml",
]


@pytest.mark.parametrize("url", [*PAGES, f"{P}/import/"])
def test_a_non_member_finds_nothing(outsider, login, url):
    assert login(outsider).get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ["desk", "geneva", "auditor"])
def test_every_member_reads_the_pages_and_the_files(users, login, funded, url, role):
    response = login(users[role]).get(url)
    assert response.status_code == 200
    if url.endswith(".xml"):
        assert response["Content-Type"] == "application/xml"
        assert validation.validate(response.content) == []


@pytest.mark.parametrize("role", ["geneva", "auditor"])
def test_only_desk_officers_import(users, login, iom, role):
    client = login(users[role])
    assert client.get(f"{P}/import/").status_code == 403
    upload = _upload(planted_file())
    assert client.post(f"{P}/import/", {"file": upload}).status_code == 403
    assert not IatiImport.objects.exists()
    assert "Import a file" not in client.get(f"{P}/").content.decode()


def _upload(content: bytes, name: str = "iom-activities.xml"):
    return SimpleUploadedFile(name, content, content_type="application/xml")


def test_a_desk_officer_imports_and_reads_the_reconciliation(desk, login, planted):
    # (planted: imported already; a second, newer file through the page)
    client = login(desk)
    newer = activity_file(Act(f"{IOM}-NEW", [Tx(dt.date(2019, 9, 2), "10.00")]))
    response = client.post(f"{P}/import/", {"file": _upload(newer, "newer.xml")}, follow=True)
    assert response.redirect_chain == [(f"{P}/reconciliation/", 302)]
    page = response.content.decode()
    assert "Imported newer.xml: 1 of its 1 activities name Denmark as a funder" in page
    assert "Timing: booked in different years" in page
    assert "DKK 180,000" in page  # the currency difference of 2019
    assert "DK-2018-SEC" in page  # missing in IOM's data
    assert "Danmarks Nationalbank (test figures)" in page


def test_a_refused_file_is_said_at_the_field_and_nothing_is_kept(desk, login, iom):
    response = login(desk).post(f"{P}/import/", {"file": _upload(b"<html/>", "page.html")})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "This is not an IATI activity file: its root element is <html>, not "
        "<iati-activities>. Import the activity file the organisation publishes."
    ]
    assert not IatiImport.objects.exists()


def test_a_refused_file_is_said_in_the_readers_language(desk, login, iom):
    response = login(desk).post(
        f"{P}/import/", {"file": _upload(b"<html/>", "page.html")}, HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Dette er ikke en IATI-aktivitetsfil: dens rodelement er <html>, ikke "
        "<iati-activities>. Importér den aktivitetsfil, organisationen offentliggør."
    ]


def test_the_same_file_again_is_said_to_add_nothing(desk, login, planted):
    response = login(desk).post(f"{P}/import/", {"file": _upload(planted_file())}, follow=True)
    assert "This file was already imported on" in response.content.decode()


def test_the_overview_shows_the_checked_files_identifiers_and_links_out(desk, login, funded):
    client = login(desk)
    page = client.get(f"{P}/").content.decode()
    assert page.count("Not checked yet") == 2
    response = client.post(f"{P}/check/", follow=True)
    assert "Checked the files: both are valid IATI 2.03." in response.content.decode()
    page = client.get(f"{P}/").content.decode()
    assert page.count("Valid IATI 2.03") == 2
    assert "the records have changed since" not in page
    size = len(client.get(f"{P}/activities.xml").content)
    assert filesizeformat(size) in page
    assert "XM-DAC-3-1-denmark-iom-2018-2020" in page
    assert "IATI 2.03 codelists of 2018-08-16" in page
    assert (
        "https://d-portal.org/ctrack.html#view=act&amp;aid=XM-DAC-3-1-denmark-iom-2018-2020" in page
    )
    assert "https://d-portal.org/ctrack.html?publisher=XM-DAC-47066#view=main" in page
    assert f'href="{P}/activities.xml"' in page
    assert 'href="/iati/activities.xml"' in page


@pytest.mark.django_db(transaction=True)
def test_the_overview_shows_the_last_check_and_says_when_the_records_changed_since(
    desk, login, funded
):
    """Downloading a file checks it; the page shows that check, not a build of its own,
    and says so once a record the files are built from changes (committed)."""
    client = login(desk)
    client.get(f"{P}/organisation.xml")
    page = client.get(f"{P}/").content.decode()
    assert page.count("Valid IATI 2.03") == 1
    assert page.count("Not checked yet") == 1
    funded.title = funded.title + " (amended)"
    funded.save()
    page = client.get(f"{P}/").content.decode()
    assert "Valid IATI 2.03" in page
    assert "the records have changed since" in page
    client.post(f"{P}/check/")
    page = client.get(f"{P}/").content.decode()
    assert page.count("Valid IATI 2.03") == 2
    assert "the records have changed since" not in page


def test_checking_the_files_is_for_members_and_a_post(outsider, auditor, login, funded):
    assert login(outsider).post(f"{P}/check/").status_code == 404
    assert login(auditor).get(f"{P}/check/").status_code == 405
    assert login(auditor).post(f"{P}/check/").status_code == 302


def test_the_dashboard_and_the_navigation_lead_to_the_iati_page(desk, login, iom):
    page = login(desk).get(f"/p/{SLUG}/").content.decode()
    assert page.count(f'href="{P}/"') == 2  # the navigation and the dashboard's IATI card
    assert 'as <code class="identifier">XM-DAC-3-1-denmark-iom-2018-2020</code>' in page
    assert "https://d-portal.org/ctrack.html?publisher=XM-DAC-47066#view=main" in page


def test_the_data_page_lists_the_transactions_from_denmark(desk, login, planted):
    page = login(desk).get(f"{P}/data/").content.decode()
    assert "DK-2018-PA1" in page
    assert "USD 600,000" in page
    assert "333" not in page  # Sweden's


def test_an_invalid_file_is_not_served_but_said_so(desk, login, funded, monkeypatch, caplog):
    monkeypatch.setattr(
        build, "activity_file", lambda partnerships: b'<iati-activities version="2.03"/>'
    )
    with caplog.at_level("ERROR", logger="iati.publish"):
        response = login(desk).get(f"{P}/activities.xml")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"The IATI file was not served" in response.content
    assert b"<iati-activities" not in response.content
    assert "iati.publish" in [r.name for r in caplog.records]
    # The overview says so too (the check recorded), and offers no link to it.
    page = login(desk).get(f"{P}/").content.decode()
    assert "Not valid: not served" in page
    assert "problem against the IATI 2.03 schemas or codelists" in page
    assert f'href="{P}/activities.xml"' not in page


def test_the_portfolio_files_hold_the_partnerships_the_user_belongs_to(desk, login, funded):
    other = factories.PartnershipFactory(slug="another-agreement")
    factories.PartnershipFactory(slug="not-theirs")
    Membership.objects.create(user=desk, partnership=other, role=Membership.Role.AUDITOR)
    response = login(desk).get("/iati/activities.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert [a.findtext("iati-identifier") for a in root.iterfind("iati-activity")] == [
        "XM-DAC-3-1-denmark-iom-2018-2020",
        "XM-DAC-3-1-another-agreement",
    ]
    assert response["Content-Disposition"] == 'inline; filename="activities.xml"'
    organisation = login(desk).get("/iati/organisation.xml")
    assert validation.validate(organisation.content) == []


def test_the_portfolio_files_are_not_found_for_someone_without_a_role(login, db):
    nobody = factories.UserFactory()
    assert login(nobody).get("/iati/activities.xml").status_code == 404


def test_a_file_is_checked_once_until_the_records_change(desk, login, funded, monkeypatch):
    checks = []
    original = validation.validate
    monkeypatch.setattr(publish.validation, "validate", lambda c: checks.append(1) or original(c))
    client = login(desk)
    client.get(f"{P}/activities.xml")
    client.get(f"{P}/activities.xml")
    assert len(checks) == 1
    funded.budget_lines.filter(year=2020).update(amount=1)
    caching.changed()  # as every bulk write says
    assert b">4.00</value>" in client.get(f"{P}/activities.xml").content
    assert len(checks) == 2


def test_the_import_form_is_protected_against_cross_site_posts(desk, iom):
    """The page reads the upload itself (to stop one past the limit), then checks CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk)
    response = client.post(f"{P}/import/", {"file": _upload(planted_file())})
    assert response.status_code == 403
    assert not IatiImport.objects.exists()


def test_the_import_form_helps_in_the_readers_language(desk, login, iom):
    page = login(desk).get(f"{P}/import/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Den aktivitetsfil, organisationen offentliggør, IATI 2.01 til 2.03, højst " in page
    assert "The activity file the organisation publishes" not in page


def test_the_problems_of_a_refused_file_are_said_in_the_readers_language(desk, login, iom):
    content = activity_file(Act(f"{IOM}-BAD", [Tx(dt.date(2019, 1, 4), "1000.00", currency="XXQ")]))
    response = login(desk).post(
        f"{P}/import/", {"file": _upload(content)}, HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 400
    (problem,) = response.context["form"].errors["file"]
    assert problem.startswith("Linje ")
    assert problem.endswith(": XXQ er ikke en valutakode.")


def test_the_danish_pages_write_the_organisations_genitive_with_an_apostrophe_s(
    desk, login, funded
):
    client = login(desk)
    data = client.get(f"{P}/data/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "<h1>IOM's IATI-data: midler fra Danmark</h1>" in data
    assert "IOM' IATI" not in data
