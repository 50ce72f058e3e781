"""A review's sources, on the review list's new review form and the review edit page: the
list offers the newest documents and those already chosen, a search finds the others in
the database, and any document of the partnership is accepted; others are refused at the
field."""

from __future__ import annotations

import pytest

from partnership.models import Document
from reviews.models import Review
from tests import factories

SLUG = "denmark-iom-2018-2020"
LIST = f"/p/{SLUG}/reviews/"
NEW = {"kind": "final", "title": "Final review", "due_description": "end of 2020"}


def _offered(html: str) -> int:
    return html.count('name="sources"')


@pytest.fixture
def shelf(iom, monkeypatch):
    """Three documents offered at a time; an old one the list leaves out."""
    from partnership import selectors

    monkeypatch.setattr(selectors, "EVIDENCE_SHOWN", 3)
    for n in range(5):
        factories.DocumentFactory(partnership=iom, year=2020, title=f"Newer report {n}")
    return factories.DocumentFactory(partnership=iom, year=1999, title="Founding charter")


def test_the_new_review_offers_the_newest_documents_and_finds_the_others(desk, login, shelf):
    client = login(desk)
    total = Document.objects.filter(partnership__slug=SLUG).count()
    page = client.get(LIST).content.decode()
    assert _offered(page) == 3
    assert f"Showing the newest 3 of {total} documents" in page
    assert "Founding charter" not in page
    found = client.get(LIST, {"documents": "founding charter"}).content.decode()
    assert _offered(found) == 1
    assert "Founding charter" in found
    # Chosen and sent back (another field wrong): it stays offered, and checked.
    kept = client.post(LIST, {**NEW, "title": "", "sources": [shelf.pk]}).content.decode()
    assert _offered(kept) == 4
    assert f'value="{shelf.pk}" id="id_sources_0" checked' in kept


def test_the_new_review_takes_an_old_document_the_list_did_not_offer(desk, login, shelf):
    response = login(desk).post(LIST, {**NEW, "sources": [shelf.pk]})
    assert response.status_code == 302
    review = Review.objects.get(title="Final review")
    assert list(review.sources.all()) == [shelf]


@pytest.mark.parametrize("bad", ["other", "unknown"])
def test_the_new_review_refuses_another_partnerships_document_at_the_field(
    desk, login, iom, other_partnership, bad
):
    wrong = (
        factories.DocumentFactory(partnership=other_partnership).pk if bad == "other" else 999999
    )
    response = login(desk).post(LIST, {**NEW, "sources": [wrong]})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Select a valid choice. {wrong} is not one of the available choices." in html
    assert not Review.objects.filter(title="Final review").exists()


def test_the_edit_page_keeps_an_old_source_checked_and_finds_the_others(desk, login, review, shelf):
    review.sources.set([shelf])
    client = login(desk)
    url = f"{LIST}{review.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Founding charter" in page
    assert f'value="{shelf.pk}" id="id_sources_0" checked' in page
    assert _offered(page) == 4  # the newest three and the source
    found = client.get(url, {"documents": "newer report 4"}).content.decode()
    assert "Newer report 4" in found
    assert "Newer report 3" not in found
    assert "Founding charter" in found  # chosen: still offered


@pytest.mark.parametrize("bad", ["other", "unknown"])
def test_the_sources_form_refuses_another_partnerships_document_at_the_field(
    desk, login, review, other_partnership, bad
):
    before = set(review.sources.values_list("pk", flat=True))
    wrong = (
        factories.DocumentFactory(partnership=other_partnership).pk if bad == "other" else 999999
    )
    response = login(desk).post(f"{LIST}{review.pk}/sources/", {"sources": [wrong]})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Select a valid choice. {wrong} is not one of the available choices." in html
    assert set(review.sources.values_list("pk", flat=True)) == before


def test_the_sources_form_saves_an_old_document_the_list_did_not_offer(desk, login, review, shelf):
    response = login(desk).post(f"{LIST}{review.pk}/sources/", {"sources": [shelf.pk]})
    assert response.status_code == 302
    assert list(review.sources.all()) == [shelf]
