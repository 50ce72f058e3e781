"""Notes: written in place and saved as typed, refused when stale (on the page and with
409 in the API), marked ready by mission staff, cleared by a desk officer, locked once
cleared, and revised with the cleared text kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import services
from consultations.models import Consultation
from consultations.models import Note
from consultations.models import NoteRevision
from core.models import AppendOnlyError
from partnership.models import OverallGoal
from partnership.models import Risk
from tests.consultations import factories

SLUG = "denmark-iom-2018-2020"
BASE = f"/p/{SLUG}/consultations"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def c2019(iom, geneva):
    return factories.consultation(iom, year=2019, date=dt.date(2019, 5, 14), created_by=geneva)


@pytest.fixture
def item(c2019):
    return c2019.agenda_items.get(code="vi")


@pytest.fixture
def note(item, geneva):
    return services.note_create(agenda_item=item, by=geneva, body="IOM presented its plans.")


def _save(client, note, body, version, **extra):
    return client.post(
        f"{BASE}/notes/{note.pk}/", {"body": body, "version": version, **extra}, **HTMX
    )


# --- Writing in place -------------------------------------------------------------------


def test_the_saved_time_is_written_in_the_pages_language(geneva, login, note):
    """Hours and minutes on the site's clock, as the reader's language writes a time."""
    client = login(geneva)
    saved = client.post(
        f"{BASE}/notes/{note.pk}/",
        {"body": "Typed.", "version": 1},
        headers={"accept-language": "da"},
        **HTMX,
    ).content.decode()
    note.refresh_from_db()
    at = timezone.localtime(note.updated_at)
    assert "Gemt kl. <time" in saved
    assert f">{at:%H.%M}</time> (version 2)." in saved


def test_adding_a_note_in_place_opens_an_editor_for_a_new_draft(geneva, login, item):
    response = login(geneva).post(f"{BASE}/items/{item.pk}/notes/", **HTMX)
    assert response.status_code == 200
    note = Note.objects.get(agenda_item=item)
    page = response.content.decode()
    assert f'<article id="note-{note.pk}"' in page
    assert "data-autosave" in page
    assert 'name="body"' in page
    assert "autofocus" in page
    assert "<html" not in page
    assert (note.status, note.author, note.body, note.version) == ("draft", geneva, "", 1)


def test_without_javascript_adding_a_note_leads_to_its_edit_page(geneva, login, item):
    client = login(geneva)
    response = client.post(f"{BASE}/items/{item.pk}/notes/")
    note = Note.objects.get(agenda_item=item)
    assert response["Location"] == f"{BASE}/notes/{note.pk}/edit/"
    page = client.get(response["Location"]).content.decode()
    title = "Possible concerns of Denmark in relation to IOM&#x27;s performance"
    assert f"<h1>Note on “{title}”</h1>" in page
    saved = client.post(f"{BASE}/notes/{note.pk}/", {"body": "Typed.", "version": 1})
    assert saved["Location"] == f"{BASE}/2019/#note-{note.pk}"
    note.refresh_from_db()
    assert note.body == "Typed."


def test_an_item_shows_its_newest_ten_notes_so_a_note_just_added_stays_after_a_reload(
    geneva, login, item
):
    for n in range(1, 13):
        services.note_create(agenda_item=item, by=geneva, body=f"Note {n}.")
    client = login(geneva)
    page = client.get(f"{BASE}/2019/").content.decode()
    assert [n for n in range(1, 13) if f"<p>Note {n}.</p>" in page] == list(range(3, 13))
    assert (
        page.index("<p>Note 3.</p>") < page.index("<p>Note 4.</p>") < page.index("<p>Note 12.</p>")
    )
    assert "All 12 notes" in page
    assert "(the last 10 are shown here)" in page
    assert client.post(f"{BASE}/items/{item.pk}/notes/", **HTMX).status_code == 200
    added = Note.objects.get(agenda_item=item, body="")
    assert _save(client, added, "Note 13.", 1).status_code == 200
    page = client.get(f"{BASE}/2019/").content.decode()
    assert f'<article id="note-{added.pk}"' in page
    assert page.index("<p>Note 12.</p>") < page.index("<p>Note 13.</p>")
    assert [n for n in range(1, 14) if f"<p>Note {n}.</p>" in page] == list(range(4, 14))
    assert "All 13 notes" in page


def test_an_autosave_answers_the_new_version_without_replacing_the_text_box(geneva, login, note):
    response = _save(login(geneva), note, "IOM presented its plans for 2020.", 1)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'hx-swap-oob="innerHTML"><input type="hidden" name="version" value="2">' in page
    assert "(version 2)" in page
    assert "<textarea" not in page
    note.refresh_from_db()
    assert (note.body, note.version, note.last_edited_by) == (
        "IOM presented its plans for 2020.",
        2,
        geneva,
    )


def test_saving_and_closing_answers_the_note_as_shown(geneva, login, note):
    response = _save(login(geneva), note, "Plans *in detail*.", 1, close="1")
    assert response["HX-Retarget"] == f"#note-{note.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert "<p>Plans <em>in detail</em>.</p>" in response.content.decode()


def test_browser_line_ends_are_stored_as_newlines(geneva, login, note):
    _save(login(geneva), note, "one\r\ntwo", 1)
    note.refresh_from_db()
    assert note.body == "one\ntwo"


def test_an_unchanged_save_writes_nothing(geneva, login, note):
    before = note.history.count()
    response = _save(login(geneva), note, note.body, 1)
    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.version, note.history.count()) == (1, before)


def test_a_note_too_long_is_refused_at_the_field(geneva, login, note):
    response = _save(login(geneva), note, "x" * 50_001, 1)
    assert response.status_code == 400
    assert "Ensure this value has at most 50000 characters" in response.content.decode()
    note.refresh_from_db()
    assert note.version == 1


def test_links_to_goals_and_risks_are_saved_with_the_text(geneva, login, iom, note):
    goal = OverallGoal.objects.get(partnership=iom, number=7)
    risk = Risk.objects.get(partnership=iom, number=4)
    _save(login(geneva), note, note.body, 1, goals=[goal.pk], risks=[risk.pk])
    note.refresh_from_db()
    assert (list(note.goals.all()), list(note.risks.all()), note.version) == ([goal], [risk], 2)


def test_a_goal_of_another_partnership_cannot_be_linked(geneva, other_partnership, note):
    from tests.factories import GoalFactory

    foreign = GoalFactory(partnership=other_partnership)
    with pytest.raises(ValidationError) as error:
        services.note_update(note=note, by=geneva, version=1, body="x", goals=[foreign])
    assert error.value.message_dict == {"goals": ["Link goals of this partnership only."]}
    note.refresh_from_db()
    assert note.body == "IOM presented its plans."


# --- Two people, one note -------------------------------------------------------------


def test_a_stale_save_is_refused_on_the_page_showing_the_other_persons_text(
    geneva, desk, login, note
):
    assert _save(login(geneva), note, "Geneva's version of events.", 1).status_code == 200
    response = _save(login(desk), note, "Copenhagen's version.", 1)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: Test geneva changed this note meanwhile" in page
    assert "Nothing was overwritten." in page
    assert "<p>Geneva's version of events.</p>" in page
    assert 'name="replace_version" value="2"' in page
    note.refresh_from_db()
    assert (note.body, note.version) == ("Geneva's version of events.", 2)


def test_keeping_my_text_after_seeing_theirs_saves_it(geneva, desk, login, note):
    _save(login(geneva), note, "Geneva's text.", 1)
    client = login(desk)
    assert _save(client, note, "Desk's text.", 1).status_code == 409
    response = _save(client, note, "Desk's text.", 1, replace_version="2")
    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.body, note.version, note.last_edited_by) == ("Desk's text.", 3, desk)


def test_without_javascript_a_stale_save_shows_both_texts(geneva, desk, login, note):
    _save(login(geneva), note, "Geneva's text.", 1)
    response = login(desk).post(f"{BASE}/notes/{note.pk}/", {"body": "Desk's text.", "version": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "<html" in page
    assert "Desk&#x27;s text.</textarea>" in page
    assert "<p>Geneva's text.</p>" in page


def test_the_same_text_saved_from_a_stale_version_is_no_conflict(geneva, desk, note):
    services.note_update(note=note, by=geneva, version=1, body="Agreed wording.")
    saved = services.note_update(note=note, by=desk, version=1, body="Agreed wording.")
    assert (saved.version, saved.last_edited_by) == (2, geneva)


def test_the_api_answers_409_with_the_stored_note(geneva, desk, api_login, note):
    first = api_login(geneva).patch(
        f"/api/v1/notes/{note.pk}/", {"body": "Geneva.", "version": 1}, format="json"
    )
    assert (first.status_code, first.json()["version"]) == (200, 2)
    second = api_login(desk).patch(
        f"/api/v1/notes/{note.pk}/", {"body": "Desk.", "version": 1}, format="json"
    )
    assert second.status_code == 409
    body = second.json()
    assert (body["body"], body["version"], body["last_edited_by"]) == ("Geneva.", 2, "geneva")
    assert "since the version you sent" in body["detail"]
    note.refresh_from_db()
    assert note.body == "Geneva."


def test_the_api_wants_the_version_with_an_update(desk, api_login, note):
    response = api_login(desk).patch(f"/api/v1/notes/{note.pk}/", {"body": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["Send the version of the note your change is based on."]}


# --- Ready, cleared, locked, revised ----------------------------------------------------


def test_mission_staff_mark_ready_and_a_desk_officer_clears_after_confirming(
    geneva, desk, login, note
):
    ready = login(geneva).post(f"{BASE}/notes/{note.pk}/ready/", {"version": 1}, **HTMX)
    assert ready.status_code == 200
    assert "Marked ready for clearing." in ready.content.decode()
    assert "Clear the note" not in ready.content.decode()  # mission staff do not clear
    assert login(geneva).get(f"{BASE}/notes/{note.pk}/clear/").status_code == 403
    refused = login(geneva).post(
        f"{BASE}/notes/{note.pk}/clear/", {"version": 2, "reason": "Agreed."}
    )
    assert refused.status_code == 403

    client = login(desk)
    page = client.get(f"{BASE}/2019/").content.decode()
    # The note offers a link to the confirmation, never a one-click clear.
    assert f'href="{BASE}/notes/{note.pk}/clear/?version=2"' in page
    assert f'action="{BASE}/notes/{note.pk}/clear/"' not in page
    confirm = client.get(f"{BASE}/notes/{note.pk}/clear/?version=2")
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Clear the note by Test geneva" in html
    assert "it is locked, and a later change starts revision 2" in html
    assert 'name="version" value="2"' in html
    note.refresh_from_db()
    assert note.status == "ready"  # the GET changes nothing

    missing = client.post(f"{BASE}/notes/{note.pk}/clear/", {"version": 2, "reason": ""})
    assert missing.status_code == 400
    assert "Give a reason" in missing.content.decode()
    note.refresh_from_db()
    assert note.status == "ready"

    cleared = client.post(
        f"{BASE}/notes/{note.pk}/clear/",
        {"version": 2, "reason": "Agreed with IOM on 20 November."},
        follow=True,
    )
    assert cleared.redirect_chain[-1][0] == f"{BASE}/2019/#note-{note.pk}"
    assert "Cleared: the note is locked" in cleared.content.decode()
    assert "cleared by Test desk" in cleared.content.decode()
    note.refresh_from_db()
    assert (note.status, note.cleared_by, note.version) == ("cleared", desk, 3)
    revision = NoteRevision.objects.get(note=note)
    assert (revision.number, revision.body, revision.cleared_by) == (
        1,
        "IOM presented its plans.",
        desk,
    )
    entry = note.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        desk,
        "Agreed with IOM on 20 November.",
    )


WHO_CLEARS = "A desk officer clears notes marked ready."


def test_a_member_who_cannot_clear_a_ready_note_is_told_who_clears_it(
    geneva, desk, auditor, login, note
):
    """Where the clear button would be, mission staff read who clears; those who clear see
    the button, and those who write no notes neither."""
    page = login(geneva).get(f"{BASE}/2019/").content.decode()
    assert WHO_CLEARS not in page  # a draft is not for clearing yet
    ready = login(geneva).post(f"{BASE}/notes/{note.pk}/ready/", {"version": 1}, **HTMX)
    assert WHO_CLEARS in ready.content.decode()
    for url in (f"{BASE}/2019/", f"{BASE}/2019/notes/"):
        assert WHO_CLEARS in login(geneva).get(url).content.decode(), url
    in_danish = login(geneva).get(f"{BASE}/2019/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "En sagsbehandler godkender notater, der er markeret som klar." in in_danish
    for other in (desk, auditor):
        assert WHO_CLEARS not in login(other).get(f"{BASE}/2019/").content.decode()


def test_a_draft_cannot_be_cleared_and_an_empty_one_cannot_be_marked_ready(desk, item, note):
    with pytest.raises(ValidationError, match=r"Only a note marked ready can be cleared\."):
        services.note_clear(note=note, by=desk, version=1, reason="Agreed.")
    empty = services.note_create(agenda_item=item, by=desk)
    with pytest.raises(ValidationError, match=r"Write the note before marking it ready\."):
        services.note_mark_ready(note=empty, by=desk, version=1)


def test_clearing_a_note_someone_changed_meanwhile_is_refused(geneva, desk, login, note):
    services.note_mark_ready(note=note, by=geneva, version=1)
    services.note_update(note=note, by=geneva, version=2, body="Changed after marking.")
    services.note_mark_ready(note=note, by=geneva, version=3)
    response = login(desk).post(
        f"{BASE}/notes/{note.pk}/clear/", {"version": 2, "reason": "Agreed."}, follow=True
    )
    html = response.content.decode()
    assert "Nothing was changed: Test geneva changed this note meanwhile" in html
    assert "Changed after marking." in html
    note.refresh_from_db()
    assert note.status == "ready"
    assert not NoteRevision.objects.exists()


def test_editing_a_note_marked_ready_returns_it_to_draft(geneva, note):
    services.note_mark_ready(note=note, by=geneva, version=1)
    saved = services.note_update(note=note, by=geneva, version=2, body="Reworded.")
    assert (saved.status, saved.version) == ("draft", 3)


def _cleared(note, geneva, desk) -> Note:
    services.note_mark_ready(note=note, by=geneva, version=note.version)
    note.refresh_from_db()
    return services.note_clear(note=note, by=desk, version=note.version, reason="Agreed.")


def test_changing_a_cleared_note_starts_a_new_revision_and_keeps_the_cleared_text(
    geneva, desk, login, note
):
    cleared = _cleared(note, geneva, desk)
    response = _save(login(geneva), note, "A correction after the meeting.", cleared.version)
    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.status, note.revision, note.body, note.cleared_by) == (
        "draft",
        2,
        "A correction after the meeting.",
        None,
    )
    kept = NoteRevision.objects.get(note=note, number=1)
    assert kept.body == "IOM presented its plans."
    page = login(desk).get(f"{BASE}/2019/").content.decode()
    assert "Cleared revisions (1)" in page
    assert "<p>IOM presented its plans.</p>" in page
    assert "A correction after the meeting." in page
    # Cleared again: both cleared texts are kept.
    _cleared(note, geneva, desk)
    assert list(NoteRevision.objects.filter(note=note).values_list("number", "body")) == [
        (2, "A correction after the meeting."),
        (1, "IOM presented its plans."),
    ]


def test_the_editor_of_a_cleared_note_says_a_change_starts_a_new_revision(
    geneva, desk, login, note
):
    _cleared(note, geneva, desk)
    page = login(geneva).get(f"{BASE}/notes/{note.pk}/edit/", **HTMX).content.decode()
    assert "This note is cleared and locked. A change starts revision 2" in page


def test_cleared_texts_are_append_only(geneva, desk, note):
    _cleared(note, geneva, desk)
    revision = NoteRevision.objects.get(note=note)
    revision.body = "rewritten"
    with pytest.raises(AppendOnlyError):
        revision.save()
    with pytest.raises(AppendOnlyError):
        revision.delete()


def test_revising_a_note_reopens_a_consultation_whose_notes_were_cleared(geneva, desk, c2019, note):
    cleared = _cleared(note, geneva, desk)
    services.consultation_update(
        consultation=c2019,
        by=desk,
        date=c2019.date,
        place="",
        participants="",
        status=Consultation.Status.HELD,
    )
    services.consultation_update(
        consultation=c2019,
        by=desk,
        date=c2019.date,
        place="",
        participants="",
        status=Consultation.Status.NOTES_CLEARED,
    )
    services.note_update(note=note, by=geneva, version=cleared.version, body="Revised.")
    c2019.refresh_from_db()
    assert c2019.status == Consultation.Status.HELD


def test_an_empty_draft_can_be_discarded_and_a_written_one_cannot(geneva, login, item, note):
    empty = services.note_create(agenda_item=item, by=geneva)
    response = login(geneva).post(f"{BASE}/notes/{empty.pk}/discard/", {"version": 1}, **HTMX)
    assert (response.status_code, response.content) == (200, b"")
    assert not Note.objects.filter(pk=empty.pk).exists()
    with pytest.raises(ValidationError, match=r"Only an empty draft can be discarded\."):
        services.note_discard(note=note, by=geneva, version=1)


def _steps_offered(client, note) -> list[str]:
    page = client.get(f"{BASE}/notes/{note.pk}/", **HTMX).content.decode()
    steps = ["Mark ready for clearing", "Clear the note…", "Discard the empty note"]
    return [step for step in steps if step in page]


def test_a_note_offers_the_steps_its_state_allows_and_no_other(geneva, desk, login, item, note):
    blank = services.note_create(agenda_item=item, by=geneva, body="  \n ")
    assert _steps_offered(login(geneva), note) == ["Mark ready for clearing"]
    assert _steps_offered(login(geneva), blank) == ["Discard the empty note"]
    response = login(geneva).post(f"{BASE}/notes/{blank.pk}/discard/", {"version": 1}, **HTMX)
    assert (response.status_code, response.content) == (200, b"")
    services.note_mark_ready(note=note, by=geneva, version=1)
    assert _steps_offered(login(geneva), note) == []
    assert _steps_offered(login(desk), note) == ["Clear the note…"]
    cleared = services.note_clear(note=note, by=desk, version=2, reason="Agreed.")
    assert _steps_offered(login(desk), cleared) == []


def test_the_api_marks_ready_and_clears_with_the_version_and_a_reason(
    geneva, desk, api_login, note
):
    ready = api_login(geneva).post(
        f"/api/v1/notes/{note.pk}/mark-ready/", {"version": 1}, format="json"
    )
    assert (ready.status_code, ready.json()["status"]) == (200, "ready")
    url = f"/api/v1/notes/{note.pk}/clear/"
    assert (
        api_login(geneva).post(url, {"version": 2, "reason": "Agreed."}, format="json").status_code
        == 403
    )
    missing = api_login(desk).post(url, {"version": 2}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"reason": ["Give a reason: it is kept with the change history."]}
    stale = api_login(desk).post(url, {"version": 1, "reason": "Agreed."}, format="json")
    assert stale.status_code == 409
    cleared = api_login(desk).post(url, {"version": 2, "reason": "Agreed."}, format="json")
    assert (cleared.status_code, cleared.json()["status"], cleared.json()["cleared_by"]) == (
        200,
        "cleared",
        "desk",
    )
    assert Note.objects.get(pk=note.pk).history.first().history_change_reason == "Agreed."


# --- The change history of notes ------------------------------------------------------


def test_autosaves_of_one_editing_session_make_one_history_entry(geneva, desk, note):
    start = note.history.count()
    for n, text in enumerate(["A", "AB", "ABC"], start=1):
        services.note_update(note=note, by=geneva, version=n, body=text)
    assert note.history.count() == start + 1
    latest = note.history.order_by("-history_date", "-history_id").first()
    assert (latest.body, latest.version, latest.history_user) == ("ABC", 4, geneva)
    # Another person starts a new entry.
    services.note_update(note=note, by=desk, version=4, body="ABCD")
    assert note.history.count() == start + 2


def test_a_pause_longer_than_the_session_starts_a_new_history_entry(geneva, note):
    services.note_update(note=note, by=geneva, version=1, body="First.")
    latest = note.history.order_by("-history_date").first()
    type(latest).objects.filter(history_id=latest.history_id).update(
        history_date=timezone.now() - services.HISTORY_SESSION - dt.timedelta(seconds=1)
    )
    before = note.history.count()
    services.note_update(note=note, by=geneva, version=2, body="Second.")
    assert note.history.count() == before + 1


def test_notes_show_in_the_partnerships_change_history(geneva, desk, login, note):
    services.note_update(note=note, by=geneva, version=1, body="Reworded in Geneva.")
    page = login(desk).get(f"/p/{SLUG}/history/").content.decode()
    assert "Reworded in Geneva." in page
    assert "Consultation" in page


def test_the_editor_says_unsaved_and_offline_in_the_readers_language(geneva, login, item):
    """What the autosave writes in the status line comes from the form, in its language."""
    response = login(geneva).post(
        f"{BASE}/items/{item.pk}/notes/", HTTP_ACCEPT_LANGUAGE="da", **HTMX
    )
    page = response.content.decode()
    assert 'data-unsaved="Ændringer er ikke gemt …"' in page
    assert 'data-offline="Ikke gemt: ingen forbindelse til serveren. Prøver igen …"' in page
