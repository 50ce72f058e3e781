"""The evidence of a goal update: a long list of documents searched by name (a filter in the
page, a search the server answers without JavaScript), and a new document uploaded with the
update in one go: both saved, or neither."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnership.models import Document
from partnership.models import GoalUpdate
from tests import factories

SLUG = "denmark-iom-2018-2020"
GOAL = f"/p/{SLUG}/goals/4/"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"
UPDATE = {"as_of": "2019-06-30", "status": "on_track", "narrative": "Two more donors."}


@pytest.fixture
def documents(iom):
    kinds = {
        "IOM Annual Report 2018": "annual_report",
        "MOPAN assessment of IOM": "mopan",
        "Audit of the PRIMA system": "audit_report",
    }
    made = [
        factories.DocumentFactory(partnership=iom, title=title, kind=kind, year=2019)
        for title, kind in kinds.items()
    ]
    made += [
        factories.DocumentFactory(partnership=iom, title=f"Minutes {n}", kind="minutes")
        for n in range(20)
    ]
    return {doc.title: doc for doc in made}


def _stored_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(folder.iterdir()) if folder.exists() else []


def _evidence_choices(html: str) -> int:
    return html.count('name="evidence"')


def test_the_evidence_list_is_searchable_by_the_server_without_javascript(desk, login, documents):
    client = login(desk)
    everything = client.get(GOAL).content.decode()
    assert _evidence_choices(everything) == Document.objects.filter(partnership__slug=SLUG).count()
    assert 'type="search"' in everything
    assert "data-option-filter" in everything  # the list the page's script filters

    found = client.get(GOAL, {"documents": "annual report"}).content.decode()
    assert "IOM Annual Report 2018" in found
    assert "MOPAN assessment of IOM" not in found
    assert "Minutes 3" not in found
    assert "matching “annual report”" in found
    assert f'href="{GOAL}#update-heading"' in found  # show them all again
    by_year = client.get(GOAL, {"documents": "2019"}).content.decode()
    # The three of 2019, and the strategy, whose title says 2018-2019/2020.
    assert _evidence_choices(by_year) == 4


def test_a_document_outside_the_search_can_still_be_chosen_and_stays_shown(desk, login, documents):
    mopan = documents["MOPAN assessment of IOM"]
    client = login(desk)
    response = client.post(
        f"{GOAL}?documents=annual", {**UPDATE, "narrative": "", "evidence": [mopan.pk]}
    )
    assert response.status_code == 400  # the narrative is missing
    html = response.content.decode()
    assert "MOPAN assessment of IOM" in html  # the chosen one is kept in view, checked
    assert re.search(rf'value="{mopan.pk}"[^>]* checked', html)
    done = client.post(f"{GOAL}?documents=annual", {**UPDATE, "evidence": [mopan.pk]})
    assert done.status_code == 302
    assert list(GoalUpdate.objects.get().evidence.all()) == [mopan]


def test_a_new_document_uploaded_with_the_update_becomes_its_evidence(
    desk, login, iom, documents, settings
):
    before = Document.objects.count()
    response = login(desk).post(
        GOAL,
        {
            **UPDATE,
            "evidence": [documents["IOM Annual Report 2018"].pk],
            "new_document_file": SimpleUploadedFile("pledges.pdf", PDF),
            "new_document_title": "Pledging conference summary 2019",
            "new_document_kind": "other",
            "new_document_year": "2019",
        },
    )
    assert response.status_code == 302
    new = Document.objects.get(title="Pledging conference summary 2019")
    assert (new.partnership, new.uploaded_by, new.year, new.original_filename) == (
        iom,
        desk,
        2019,
        "pledges.pdf",
    )
    assert Document.objects.count() == before + 1
    update = GoalUpdate.objects.get()
    assert set(update.evidence.all()) == {documents["IOM Annual Report 2018"], new}
    assert len(_stored_files(settings)) == 1
    assert "Pledging conference summary 2019" in login(desk).get(GOAL).content.decode()


@pytest.mark.parametrize(
    ("upload", "fields", "field", "message"),
    [
        (
            SimpleUploadedFile("pledges.pdf", b"MZ not a pdf"),
            {"new_document_title": "Pledges"},
            "new_document_file",
            "content is not what a .pdf file holds",
        ),
        (
            SimpleUploadedFile("pledges.pdf", PDF),
            {"new_document_title": ""},
            "new_document_title",
            "Give the new document&#x27;s title.",
        ),
        (None, {"new_document_title": "Pledges"}, "new_document_file", "Choose the file"),
    ],
)
def test_a_bad_new_document_is_answered_at_its_field_and_nothing_is_saved(
    desk, login, documents, settings, upload, fields, field, message
):
    data = {**UPDATE, "new_document_kind": "other", **fields}
    if upload is not None:
        data["new_document_file"] = upload
    response = login(desk).post(GOAL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert response.context["form"].errors.keys() == {field}
    assert not GoalUpdate.objects.exists()
    assert not Document.objects.filter(uploaded_by=desk).exists()
    assert _stored_files(settings) == []


def test_a_bad_update_with_a_good_file_saves_neither(desk, login, documents, settings):
    response = login(desk).post(
        GOAL,
        {
            **UPDATE,
            "narrative": "",
            "new_document_file": SimpleUploadedFile("pledges.pdf", PDF),
            "new_document_title": "Pledges",
            "new_document_kind": "other",
        },
    )
    assert response.status_code == 400
    assert "narrative" in response.context["form"].errors
    assert not GoalUpdate.objects.exists()
    assert not Document.objects.filter(title="Pledges").exists()
    assert _stored_files(settings) == []


def test_the_api_takes_documents_by_id_as_evidence_and_refuses_others(
    desk, api_login, documents, other_partnership
):
    theirs = factories.DocumentFactory(partnership=other_partnership)
    goal = GoalUpdate._meta.get_field("goal").related_model.objects.get(
        partnership__slug=SLUG, number=4
    )
    client = api_login(desk)
    refused = client.post(
        "/api/v1/goal-updates/",
        {**UPDATE, "goal": goal.pk, "evidence": [theirs.pk]},
        format="json",
    )
    assert refused.status_code == 400
    assert "evidence" in refused.json()
    made = client.post(
        "/api/v1/goal-updates/",
        {**UPDATE, "goal": goal.pk, "evidence": [documents["MOPAN assessment of IOM"].pk]},
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["evidence"] == [documents["MOPAN assessment of IOM"].pk]


def test_a_long_evidence_list_offers_the_newest_documents_and_finds_the_others(
    desk, login, documents, monkeypatch
):
    """Five at a time here: the newest (2019's three first), what is chosen stays offered,
    and a search finds an older document the list leaves out."""
    from partnership import selectors

    monkeypatch.setattr(selectors, "EVIDENCE_SHOWN", 5)
    total = Document.objects.filter(partnership__slug=SLUG).count()
    client = login(desk)
    page = client.get(GOAL).content.decode()
    assert _evidence_choices(page) == 5
    assert f"Showing the newest 5 of {total} documents" in page
    assert "MOPAN assessment of IOM" in page
    assert "Minutes 17" not in page
    found = client.get(GOAL, {"documents": "minutes 17"}).content.decode()
    assert _evidence_choices(found) == 1
    assert "Minutes 17" in found
    chosen = documents["Minutes 17"]
    kept = client.post(GOAL, {**UPDATE, "narrative": "", "evidence": [chosen.pk]}).content
    assert _evidence_choices(kept.decode()) == 6
    assert "Minutes 17" in kept.decode()


def test_the_evidence_filter_says_its_count_in_the_readers_language(desk, login, documents):
    """What the filter writes as one types comes from the page, in its language."""
    page = login(desk).get(GOAL, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'data-matching="Viser {shown} af {total} dokumenter, der matcher “{search}”."' in page
    assert 'data-one="{count} dokument."' in page
    assert 'data-many="{count} dokumenter."' in page
