"""Every change is recorded: who, what, when, from which value to which, and why; and an
auditor reads it by name: references by their names, amounts with their currency, times in
the site's time zone to the minute, one name per person."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from simple_history.models import HistoricalRecords

from core import history
from funding import seed as funding_seed
from funding.models import BudgetLine
from funding.models import Component
from partnership.models import Document
from partnership.models import Membership
from partnership.models import OverallGoal
from people.services import membership_invite
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.funding.factories import DisbursementFactory
from tests.queries import count_get

SLUG = "denmark-iom-2018-2020"
PAGE = f"/p/{SLUG}/history/"
UTC = dt.UTC


def _entries(iom, **criteria) -> list[history.HistoryEntry]:
    return history.Changes(history.Criteria(partnership_ids=(iom.pk,), **criteria)).all()


@contextlib.contextmanager
def acting_as(user):
    """Changes made meanwhile are recorded as the user's, as a request of theirs would be."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def _at(obj, when: dt.datetime) -> None:
    """Date the object's latest recorded change."""
    latest = obj.history.order_by("-history_id").first()
    type(latest).objects.filter(history_id=latest.history_id).update(history_date=when)


def _changes(entry) -> dict[str, tuple[str, str]]:
    return {change.field: (change.old, change.new) for change in entry.changes}


@pytest.fixture
def lines(iom):
    funding_seed.load_demo(iom)
    return {
        (line.year, line.component): line for line in BudgetLine.objects.filter(partnership=iom)
    }


@pytest.fixture
def unnamed(iom):
    """A member with no full name: the history calls them by their user name."""
    user = factories.UserFactory(username="kbh-temp", first_name="", last_name="")
    Membership.objects.create(user=user, partnership=iom, role=Membership.Role.DESK_OFFICER)
    return user


# --- What is recorded ---------------------------------------------------------------------


def test_editing_a_goal_records_old_and_new_value_and_the_reason(desk, login, iom):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    response = login(desk).post(
        f"/p/{SLUG}/goals/4/edit/",
        {
            "text": goal.text,
            "indicator": goal.indicator,
            "unit": "member states",
            "baseline_value": "5",
            "baseline_year": "2017",
            "baseline_note": goal.baseline_note,
            "target_description": goal.target_description,
            "reason": "Unit as the strategy words it",
        },
    )
    assert response.status_code == 302
    entry = _entries(iom)[0]
    assert (entry.kind, entry.action, entry.by) == ("Overall goal", "changed", "Test desk")
    assert entry.reason == "Unit as the strategy words it"
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("Unit", "donors", "member states")]


def test_an_edit_that_changes_nothing_writes_no_history(desk, login, iom):
    risk = iom.risks.get(number=1)
    before = risk.history.count()
    login(desk).post(
        f"/p/{SLUG}/risks/1/edit/", {"title": risk.title, "description": risk.description}
    )
    assert risk.history.count() == before


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (
            lambda iom, user: factories.GoalUpdateFactory(goal=iom.goals.first(), author=user),
            "Goal update",
        ),
        (
            lambda iom, user: factories.RiskAssessmentFactory(risk=iom.risks.first(), author=user),
            "Risk assessment",
        ),
        (lambda iom, user: factories.DocumentFactory(partnership=iom), "Document"),
        (
            lambda iom, user: Membership.objects.create(
                user=factories.UserFactory(), partnership=iom, role=Membership.Role.AUDITOR
            ),
            "Membership",
        ),
    ],
)
def test_each_kind_of_record_is_in_the_history(desk, iom, make, kind):
    make(iom, desk)
    newest = _entries(iom)[0]
    assert (newest.kind, newest.action) == (kind, "created")


def test_seeded_records_are_in_the_history_with_their_values(iom):
    created = [e for e in _entries(iom) if e.kind == "Risk" and e.action == "created"]
    assert len(created) == 4
    titles = {_changes(entry)["Title"][1] for entry in created}
    assert "Misuse of funds and misconduct" in titles


def test_the_history_page_shows_a_report_version_whose_history_leaves_fields_out(
    auditor, login, iom, desk
):
    """Report versions keep no history of their worker bookkeeping (claim, task id)."""
    from tests.reviews.factories import ReportVersionFactory
    from tests.reviews.factories import ReviewFactory

    review = ReviewFactory(partnership=iom)
    ReportVersionFactory(review=review, requested_by=desk, task_id="celery-task-1", claim="c1")
    response = login(auditor).get(PAGE)
    assert response.status_code == 200
    entry = _entries(iom)[0]
    assert entry.kind == "Report version"
    assert "Task id" not in _changes(entry)
    assert _changes(entry)["Review"] == ("—", review.title)


# --- Read by name -------------------------------------------------------------------------


def test_a_payment_names_its_budget_line_and_who_recorded_it_and_gives_its_currency(
    iom, lines, desk
):
    line = lines[(2019, Component.PRIORITY_AREA_1)]
    with acting_as(desk):
        DisbursementFactory(
            budget_line=line,
            created_by=desk,
            currency="USD",
            amount=Decimal("1500.50"),
            exchange_rate=Decimal("6.500000"),
            amount_dkk=Decimal("9753.25"),
            reference="IOM-2019-PA1",
        )
    entry = _entries(iom)[0]
    assert (entry.kind, entry.label, entry.by) == (
        "Disbursement",
        "Payment IOM-2019-PA1",
        "Test desk",
    )
    values = {field: new for field, (_, new) in _changes(entry).items()}
    assert values["Budget line"] == "2019 · Priority area 1 (thematically earmarked)"
    assert values["Created by"] == "Test desk"
    assert values["Amount"] == "USD 1,500.50"
    assert values["DKK equivalent"] == "DKK 9,753.25"
    assert values["DKK per unit"] == "6.5"  # a rate, not money
    assert values["Value date"] == "1 Mar 2018"


def test_a_changed_amount_reads_with_its_currency_and_no_raw_decimals(iom, lines, desk):
    line = lines[(2020, Component.PRIORITY_AREA_1)]
    line.amount = Decimal("2000000.00")
    line._change_reason = "Parliament's appropriation for 2020"
    with acting_as(desk):
        line.save()
    entry = _entries(iom)[0]
    assert entry.label == "2020 · Priority area 1 (thematically earmarked)"
    assert _changes(entry) == {"Amount": ("DKK 4,000,000", "DKK 2,000,000")}
    assert entry.reason == "Parliament's appropriation for 2020"


def test_no_database_id_or_raw_value_is_shown_on_the_page(iom, lines, desk, auditor, login):
    line = lines[(2019, Component.PRIORITY_AREA_1)]
    with acting_as(desk):
        DisbursementFactory(budget_line=line, created_by=desk, amount=Decimal("1000000.00"))
        factories.GoalUpdateFactory(goal=iom.goals.get(number=9), author=desk)
    page = login(auditor).get(PAGE).content.decode()
    assert re.search(r"#\d", page) is None
    assert "1000000.00" not in page
    assert "+00:00" not in page
    assert "2019 · Priority area 1 (thematically earmarked)" in page
    assert "DKK 1,000,000" in page
    assert "Goal 9:" in page


def test_the_history_page_says_what_happened_in_the_readers_language(
    iom, lines, desk, auditor, login
):
    line = lines[(2019, Component.PRIORITY_AREA_1)]
    with acting_as(desk):
        DisbursementFactory(budget_line=line, created_by=desk, amount=Decimal("1000000.00"))
    page = login(auditor).get(PAGE, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "</strong> oprettet</td>" in page
    assert "</strong> created</td>" not in page
    assert "DKK 1.000.000" in page
    # The kinds of record, in the table and in the filter, in Danish too.
    assert ">Udbetaling<" in page
    assert '<option value="disbursement">Udbetaling</option>' in page
    assert ">Disbursement<" not in page


def test_the_history_filters_and_yes_or_no_read_in_the_readers_language(iom, desk, auditor, login):
    from tests.reviews.factories import ReportVersionFactory
    from tests.reviews.factories import ReviewFactory

    ReportVersionFactory(review=ReviewFactory(partnership=iom), requested_by=desk)
    page = login(auditor).get(PAGE, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert re.search(r'<label for="id_from">Fra:</label>', page)
    assert re.search(r'<label for="id_to">Til:</label>', page)
    assert "Kun ændringer foretaget denne dag eller senere (dansk tid)." in page
    assert "Kun ændringer foretaget denne dag eller tidligere (dansk tid)." in page
    assert "tidspunkter er dansk tid (Europe/Copenhagen)" in page
    assert "Copenhagen-tid" not in page
    assert "<li>Udstedte rapport: <ins>nej</ins></li>" in page
    assert not re.search(r">(yes|no)<", page)
    assert ">Ældre ændringer</a>" in page


def test_times_are_in_the_sites_time_zone_to_the_minute(iom, desk, auditor, login):
    document = factories.DocumentFactory(partnership=iom, title="Audit report 2018")
    # 22:30:15.5 UTC on 30 June is 00:30 on 1 July in Copenhagen (summer time).
    _at(document, dt.datetime(2019, 6, 30, 22, 30, 15, 500000, tzinfo=UTC))
    page = login(auditor).get(PAGE, {"kind": "document", "from": "2019-07-01"})
    html = page.content.decode()
    assert '<time datetime="2019-07-01T00:30:15.500000+02:00">1 Jul 2019 00:30</time>' in html
    assert "Copenhagen time" in html


def test_a_recorded_time_reads_in_the_sites_time_zone_to_the_minute(iom, desk):
    from tests.reviews.factories import ReportVersionFactory
    from tests.reviews.factories import ReviewFactory

    sent = dt.datetime(2019, 1, 15, 13, 5, 59, 999999, tzinfo=UTC)
    ReportVersionFactory(review=ReviewFactory(partnership=iom), requested_by=desk, sent_at=sent)
    changes = _changes(_entries(iom)[0])
    assert changes["Sent at"] == ("—", "15 Jan 2019 14:05")
    assert changes["Requested by"] == ("—", "Test desk")


def test_one_person_has_one_name_as_author_and_in_values(iom, desk, unnamed):
    with acting_as(desk):
        factories.GoalUpdateFactory(goal=iom.goals.first(), author=desk)
    with acting_as(unnamed):
        factories.DocumentFactory(partnership=iom, uploaded_by=unnamed, title="Minutes 2019")
    document, update = _entries(iom)[:2]
    assert (update.by, _changes(update)["Author"][1]) == ("Test desk", "Test desk")
    assert (document.by, _changes(document)["Uploaded by"][1]) == ("kbh-temp", "kbh-temp")


def test_a_membership_names_the_person_and_the_role(iom, desk):
    member = factories.UserFactory(username="mette", first_name="Mette", last_name="Holm")
    with acting_as(desk):
        Membership.objects.create(user=member, partnership=iom, role=Membership.Role.AUDITOR)
    entry = _entries(iom)[0]
    assert entry.label.startswith("Mette Holm — Auditor")
    assert _changes(entry)["User"] == ("—", "Mette Holm")


def test_an_invitation_names_the_partnership_as_a_membership_does(
    iom, portfolio_admin, auditor, login
):
    """By its slug, not its database id (its title would cut the role off the label)."""
    with acting_as(portfolio_admin):
        membership_invite(
            partnership=iom, by=portfolio_admin, email="new.auditor@example.org", role="auditor"
        )
    page = login(auditor).get(PAGE, {"kind": "invitation"})
    labels = {entry.label for entry in page.context["page"].object_list}
    assert labels == {f"new.auditor@example.org to {SLUG} as Auditor"}
    assert f"to {iom.pk} as" not in page.content.decode()


def test_a_deleted_record_keeps_its_name(iom, desk):
    document = factories.DocumentFactory(partnership=iom, title="Draft minutes")
    with acting_as(desk):
        document.delete()
    entry = _entries(iom)[0]
    assert (entry.action, entry.label, entry.by) == ("deleted", "Draft minutes (2018)", "Test desk")


def test_the_organisation_is_listed_once_for_a_member_of_two_of_its_partnerships(
    iom, tmp_path, api_login
):
    from tests.api.resources import twin_of_iom

    twin = twin_of_iom(tmp_path)
    reader = factories.member(iom, Membership.Role.AUDITOR, username="both")
    Membership.objects.create(user=reader, partnership=twin, role=Membership.Role.AUDITOR)
    found = history.Changes(
        history.Criteria(partnership_ids=(iom.pk, twin.pk), kinds=(type(iom.organisation),))
    )
    assert len(found.all()) == iom.organisation.history.count() == found.count()


# --- The page: filters, paging, the reason ------------------------------------------------


def test_the_reason_is_shown_with_its_change(iom, lines, desk, auditor, login):
    line = lines[(2020, Component.CORE)]
    line.amount = Decimal("24000000.00")
    line._change_reason = "Finance Bill 2020 cut the core contribution"
    with acting_as(desk):
        line.save()
    page = login(auditor).get(PAGE, {"kind": "budgetline"}).content.decode()
    row = page[page.index("2020 · Core funds") :]
    row = row[: row.index("</tr>")]
    assert "Finance Bill 2020 cut the core contribution" in row
    assert 'data-label="Reason"' in row


def test_filters_by_period_in_the_sites_time_zone_kind_and_person(
    iom, desk, unnamed, auditor, login
):
    with acting_as(desk):
        early = factories.DocumentFactory(partnership=iom, title="Early")
        late = factories.DocumentFactory(partnership=iom, title="Late")
        update = factories.GoalUpdateFactory(goal=iom.goals.first(), author=desk)
    with acting_as(unnamed):
        other = factories.DocumentFactory(partnership=iom, title="Someone else's")
    _at(early, dt.datetime(2019, 6, 30, 21, 59, tzinfo=UTC))  # 23:59 on 30 June
    _at(late, dt.datetime(2019, 6, 30, 22, 0, tzinfo=UTC))  # 00:00 on 1 July
    _at(update, dt.datetime(2019, 7, 2, 9, 0, tzinfo=UTC))
    _at(other, dt.datetime(2019, 7, 1, 9, 0, tzinfo=UTC))
    client = login(auditor)

    def shown(**params):
        response = client.get(PAGE, params)
        assert response.status_code == 200
        return [(e.kind, e.label) for e in response.context["page"].object_list]

    on_30_june = shown(to="2019-06-30")
    assert on_30_june[0] == ("Document", "Early (2018)")
    assert ("Document", "Late (2018)") not in on_30_june
    assert shown(**{"from": "2019-07-01", "to": "2019-07-01"}) == [
        ("Document", "Someone else's (2018)"),
        ("Document", "Late (2018)"),
    ]
    by_desk = shown(**{"from": "2019-07-01", "to": "2019-07-02", "person": desk.pk})
    assert [kind for kind, _ in by_desk] == ["Goal update", "Document"]
    assert shown(**{"from": "2019-07-01", "kind": "document", "person": desk.pk}) == [
        ("Document", "Late (2018)")
    ]


def test_every_kind_of_record_the_history_holds_can_be_filtered_on_the_page_and_exports(
    iom, geneva, auditor, login
):
    # The consultations' and the reviews' kinds are registered after the partnership's:
    # the filter offers every kind, not those known when the filters were first imported.
    with acting_as(geneva):
        consultation = consultation_factories.held(
            iom, year=2019, date=dt.date(2019, 11, 19), created_by=geneva
        )
        consultation_factories.ActionPointFactory(consultation=consultation)
    held = {entry.model_name for entry in _entries(iom)}
    assert {"consultation", "agendaitem", "actionpoint"} <= held
    client = login(auditor)
    offered = {
        value for value, _ in client.get(PAGE).context["filters"].form.fields["kind"].choices
    }
    assert held <= offered
    assert {"review", "finding", "recommendation", "reportversion"} <= offered
    for kind in sorted(held):
        page = client.get(PAGE, {"kind": kind})
        assert page.status_code == 200, kind
        assert {entry.model_name for entry in page.context["page"].object_list} == {kind}
        export = client.get(f"{PAGE}export.csv", {"kind": kind})
        assert export.status_code == 200, kind
        assert len({row["kind"] for row in _csv_rows(export)}) == 1, kind


def test_the_person_filter_lists_the_members_by_name(iom, desk, unnamed, auditor, login):
    form = login(auditor).get(PAGE).context["filters"].form
    names = [label for _, label in form.fields["person"].choices][1:]
    assert names == ["kbh-temp", "Test auditor", "Test desk"]


def test_the_person_filter_offers_whoever_made_a_change_members_or_not(
    iom, desk, portfolio_admin, auditor, login
):
    """The portfolio administrator who invited a colleague holds no role in the
    partnership: the filter offers them, and filters by them."""
    with acting_as(portfolio_admin):
        membership_invite(
            partnership=iom, by=portfolio_admin, email="new.auditor@example.org", role="auditor"
        )
    client = login(auditor)
    form = client.get(PAGE).context["filters"].form
    names = [label for _, label in form.fields["person"].choices][1:]
    assert "Portfolio Admin" in names
    assert {"Test auditor", "Test desk"} <= set(names)
    response = client.get(PAGE, {"person": portfolio_admin.pk})
    assert response.status_code == 200
    assert {(e.kind, e.by) for e in response.context["page"].object_list} == {
        ("Membership", "Portfolio Admin"),
        ("Invitation", "Portfolio Admin"),
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2019-02-30"}, "from", "Enter a valid date."),
        ({"to": "30/06/2019"}, "to", "Enter a valid date."),
        ({"from": "2019-07-01", "to": "2019-06-30"}, "to", "The end of the period is before"),
        ({"kind": "user"}, "kind", "Select a valid choice."),
        ({"person": "²"}, "person", "Select a valid choice."),
        ({"person": "9" * 30}, "person", "is not one of the available choices."),
    ],
)
def test_a_bad_filter_is_answered_at_its_field(auditor, login, iom, params, field, message):
    response = login(auditor).get(PAGE, params)
    assert response.status_code == 400
    assert message in " ".join(response.context["filters"].form.errors[field])
    html = response.content.decode()
    assert re.search(
        rf'<ul class="errorlist" id="id_{field}_error"><li>[^<]*{re.escape(message)}', html
    )
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html)


def test_a_person_of_another_partnership_is_refused_like_one_that_does_not_exist(
    auditor, login, iom, outsider
):
    theirs = login(auditor).get(PAGE, {"person": outsider.pk})
    missing = login(auditor).get(PAGE, {"person": 2**40})
    assert theirs.status_code == missing.status_code == 400
    assert theirs.context["filters"].form.errors == missing.context["filters"].form.errors


def test_the_page_shows_50_changes_newest_first_and_keeps_the_filters_on_every_page(
    auditor, desk, login, iom
):
    with acting_as(desk):
        for _ in range(60):
            factories.GoalUpdateFactory(goal=iom.goals.first(), author=desk)
    client = login(auditor)
    first = client.get(PAGE, {"kind": "goalupdate", "person": desk.pk})
    page = first.context["page"]
    assert (len(page.object_list), page.paginator.count, page.paginator.num_pages) == (50, 60, 2)
    times = [entry.when for entry in page.object_list]
    assert times == sorted(times, reverse=True)
    html = first.content.decode()
    assert f'href="?kind=goalupdate&amp;person={desk.pk}&amp;page=2"' in html
    assert f"export.csv?kind=goalupdate&amp;person={desk.pk}" in html
    second = client.get(PAGE, {"kind": "goalupdate", "person": desk.pk, "page": 2})
    rest = second.context["page"].object_list
    assert len(rest) == 10
    assert not {e.key for e in page.object_list} & {e.key for e in rest}
    assert f'href="?kind=goalupdate&amp;person={desk.pk}&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize("number", ["0", "99", "two", "2020-01-01T00:00:00\x00"])
def test_a_page_number_out_of_range_shows_a_page_of_changes(auditor, login, iom, number):
    response = login(auditor).get(PAGE, {"page": number})
    assert response.status_code == 200
    assert response.context["page"].object_list


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}export.csv", f"{PAGE}export.xlsx"])
@pytest.mark.parametrize(
    ("role", "status"), [("desk", 200), ("auditor", 200), ("geneva", 403), ("outsider", 404)]
)
def test_the_history_and_its_exports_are_for_desk_officers_and_auditors(
    users, login, url, role, status
):
    assert login(users[role]).get(url).status_code == status


def test_an_unknown_export_format_is_a_404(auditor, login, iom):
    assert login(auditor).get(f"{PAGE}export.pdf").status_code == 404


# --- Exports: what the page shows, with its filters -----------------------------------------


def _csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_what_the_page_shows_with_its_filters(iom, lines, desk, auditor, login):
    line = lines[(2019, Component.PRIORITY_AREA_1)]
    with acting_as(desk):
        DisbursementFactory(budget_line=line, created_by=desk, amount=Decimal("2000000.00"))
        factories.DocumentFactory(partnership=iom, title='=HYPERLINK("http://x")')
    _at(line.disbursements.get(), dt.datetime(2019, 6, 30, 22, 30, tzinfo=UTC))
    response = login(auditor).get(f"{PAGE}export.csv", {"kind": "disbursement"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-history.csv"'
    rows = _csv_rows(response)
    assert {row["kind"] for row in rows} == {"Disbursement"}
    values = {row["field"]: row["to"] for row in rows}
    assert values["Budget line"] == "2019 · Priority area 1 (thematically earmarked)"
    assert values["Amount"] == "DKK 2,000,000"
    assert values["Created by"] == "Test desk"
    assert {(row["when"], row["who"], row["action"]) for row in rows} == {
        ("2019-07-01 00:30", "Test desk", "created")
    }
    documents = _csv_rows(login(auditor).get(f"{PAGE}export.csv", {"kind": "document"}))
    assert '\'=HYPERLINK("http://x")' in {row["to"] for row in documents}


def test_the_xlsx_holds_the_same_rows_as_the_csv(iom, desk, auditor, login):
    with acting_as(desk):
        factories.GoalUpdateFactory(goal=iom.goals.first(), author=desk)
    client = login(auditor)
    params = {"person": desk.pk}
    rows = _csv_rows(client.get(f"{PAGE}export.csv", params))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"{PAGE}export.xlsx", params).content))
    # The XLSX's times are real date cells; the CSV writes them as text.
    cells = [
        [
            cell.strftime("%Y-%m-%d %H:%M") if isinstance(cell, dt.datetime) else cell or ""
            for cell in row
        ]
        for row in sheet.active.iter_rows(values_only=True)
    ]
    assert isinstance(sheet.active.cell(row=2, column=1).value, dt.datetime)
    assert cells[0] == list(history.EXPORT_HEADERS)
    assert cells[1:] == [list(row.values()) for row in rows]
    assert {row["who"] for row in rows} == {"Test desk"}


def test_a_bad_filter_on_an_export_shows_the_page_with_the_message(auditor, login, iom):
    response = login(auditor).get(f"{PAGE}export.csv", {"to": "yesterday"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response.context["filters"].form.errors["to"] == ["Enter a valid date."]


# --- The per-object history -----------------------------------------------------------------


def test_a_budget_lines_own_history_reads_by_name(iom, lines, desk, auditor, login):
    line = lines[(2019, Component.PRIORITY_AREA_1)]
    line.amount = Decimal("3500000.00")
    line._change_reason = "Reallocated from priority area 2"
    with acting_as(desk):
        line.save()
    response = login(auditor).get(f"/p/{SLUG}/funding/lines/{line.pk}/")
    entry = response.context["history"][0]
    assert (entry.by, entry.reason) == ("Test desk", "Reallocated from priority area 2")
    assert _changes(entry) == {"Amount": ("DKK 4,000,000", "DKK 3,500,000")}
    html = response.content.decode()
    assert "DKK 3,500,000" in html
    assert "3500000.00" not in html


def test_a_documents_upload_names_the_person(iom, desk):
    document = Document.objects.create(
        partnership=iom, kind="other", title="Notes", uploaded_by=desk, url="https://x.org/a"
    )
    (entry,) = history.object_history(document)
    assert _changes(entry)["Uploaded by"] == ("—", "Test desk")


# --- Queries: a fixed few, whatever the size ------------------------------------------------


def _many_kinds_of_change(iom, lines, n: int, person=None) -> None:
    """n changes of each of six kinds, each by a person of its own (or ``person``), naming
    other records and people."""
    line = lines[(2018, Component.CORE)]
    for _ in range(n):
        someone = person or factories.UserFactory()
        with acting_as(someone):
            factories.GoalUpdateFactory(goal=iom.goals.first(), author=someone)
            factories.RiskAssessmentFactory(risk=iom.risks.first(), author=someone)
            factories.DocumentFactory(partnership=iom, uploaded_by=someone)
            DisbursementFactory(budget_line=line, created_by=someone, amount=Decimal(1))
            Membership.objects.create(user=factories.UserFactory(), partnership=iom, role="auditor")
            line.citation = f"Changed by {someone.username}"
            line.save()


# Session, user, the partnership (with the reader's role in it), the members for the person
# filter; then the count, the page's keys, its rows and the names they refer to; and the
# data version of the page's key (core.caching.cached_page).
PAGE_QUERIES = 9


@pytest.mark.parametrize(
    ("params", "pinned"),
    [
        ({}, PAGE_QUERIES),
        ({"kind": "disbursement", "from": "2018-01-01", "to": "2100-01-01"}, PAGE_QUERIES),
        ({"page": "2"}, PAGE_QUERIES),
        ({"person": "__desk__"}, PAGE_QUERIES + 1),  # + the person, to check the filter
    ],
)
def test_the_history_page_reads_a_fixed_number_of_queries_at_any_size(
    iom, lines, desk, auditor, login, params, pinned
):
    client = login(auditor)
    params = {k: desk.pk if v == "__desk__" else v for k, v in params.items()}
    _many_kinds_of_change(iom, lines, 1)
    _many_kinds_of_change(iom, lines, 1, person=desk)
    with_one = count_get(client, PAGE, **params)
    _many_kinds_of_change(iom, lines, 40)
    _many_kinds_of_change(iom, lines, 40, person=desk)
    with_forty = count_get(client, PAGE, **params)
    assert (with_one, with_forty) == (pinned, pinned)
    assert pinned <= 15


def test_an_export_reads_a_fixed_number_of_queries_at_any_size(iom, lines, auditor, login):
    client = login(auditor)
    _many_kinds_of_change(iom, lines, 1)
    with_one = count_get(client, f"{PAGE}export.csv")
    _many_kinds_of_change(iom, lines, 40)
    with_forty = count_get(client, f"{PAGE}export.csv")
    # Session, user, the partnership (with the reader's role in it); the rows, the names.
    assert (with_one, with_forty) == (5, 5)


def test_an_objects_history_reads_two_queries_at_any_size(iom, lines):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    line = lines[(2018, Component.CORE)]
    counts = []
    for n in (1, 30):
        for i in range(n):
            person = factories.UserFactory()
            with acting_as(person):
                line.citation = f"{n}-{i}"
                line.save()
        with CaptureQueriesContext(connection) as captured:
            found = history.object_history(line, limit=20)
        counts.append(len(captured.captured_queries))
        assert len({entry.by for entry in found}) > 1 or n == 1
    assert counts == [2, 2]


def test_the_history_names_its_records_in_the_readers_language(iom, lines, desk, auditor, login):
    with acting_as(desk):
        factories.GoalUpdateFactory(
            goal=iom.goals.get(number=9), author=desk, as_of=dt.date(2019, 5, 15)
        )
    page = login(auditor).get(PAGE, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Mål 9:" in page
    assert "15. maj 2019" in page
    assert "Goal 9:" not in page
    assert " as of " not in page


def test_a_record_or_person_no_longer_recorded_is_said_in_the_readers_language(db):
    from django.utils import translation

    names = history._Names({})
    with translation.override("da"):
        assert names.name(Document, 10**9) == "Dokument findes ikke længere"
        assert names.person(10**9).name == "en person, der ikke længere er registreret"
    with translation.override("en-gb"):
        assert history._Names({}).name(Document, 10**9) == "Document no longer recorded"
