"""The strategy's words are marked with the strategy's language (WCAG 2.2 SC 3.1.2,
Language of Parts): on a Danish page a screen reader speaks IOM's English strategy in
English, and what people wrote is left unmarked. The field itself is set on the edit page
and through the API (the strategy file: tests/portfolio)."""

from __future__ import annotations

import re
from html import escape

from lxml import html as lxml_html

from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from partnership.services import goal_update_create
from tests.languages import languages_of

SLUG = "denmark-iom-2018-2020"
DANISH = {"HTTP_ACCEPT_LANGUAGE": "da"}


def _danish_page(client, url: str) -> str:
    response = client.get(url, **DANISH)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="da">' in page
    return page


# Not looked at: the change history, which shows every field's old and new values whatever
# their source, and a form's choices (an <option> holds text only).
NOT_MARKED = "//section[h2[contains(@id, 'history-heading')]] | //option"


def _all_in(page: str, text: str, language: str) -> None:
    found = languages_of(page, text, leaving_out=NOT_MARKED)
    assert found, f"{text!r} is not on the page"
    assert set(found) == {language}, f"{text!r} is spoken in {found}"


def test_the_goal_list_marks_the_goals_and_indicators_as_english_on_a_danish_page(iom, desk, login):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    page = _danish_page(login(desk), f"/p/{SLUG}/goals/")
    _all_in(page, goal.text, "en")
    _all_in(page, goal.indicator, "en")
    _all_in(page, goal.citation, "en")
    # The page's own words stay Danish.
    assert set(languages_of(page, "Overordnede mål")) == {"da"}


def test_a_goals_page_marks_its_text_baseline_and_target_but_not_the_updates(iom, desk, login):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    narrative = "Sverige og Norge gav kernebidrag i år."
    goal_update_create(
        goal=goal, by=desk, as_of=iom.start_date, status="on_track", narrative=narrative
    )
    page = _danish_page(login(desk), f"/p/{SLUG}/goals/4/")
    for text in (goal.text, goal.indicator, goal.baseline_note[:60], goal.citation):
        _all_in(page, text, "en")
    _all_in(page, goal.baseline_citation, "en")
    _all_in(page, goal.target_description[:40], "en")
    _all_in(page, goal.unit, "en")
    # A person's narrative: its language is not known, so it is not marked.
    _all_in(page, narrative, "da")


def test_the_risks_are_marked_on_their_list_and_their_pages(iom, desk, login):
    risk = Risk.objects.get(partnership=iom, number=1)
    client = login(desk)
    listed = _danish_page(client, f"/p/{SLUG}/risks/")
    _all_in(listed, risk.title, "en")
    _all_in(listed, risk.citation, "en")
    page = _danish_page(client, f"/p/{SLUG}/risks/1/")
    _all_in(page, risk.title, "en")
    _all_in(page, risk.description[:60], "en")


def test_the_dashboard_marks_the_strategys_words(iom, desk, login):
    area = PriorityArea.objects.get(partnership=iom, number=1)
    goal = OverallGoal.objects.get(partnership=iom, number=2)
    risk = Risk.objects.get(partnership=iom, number=1)
    page = _danish_page(login(desk), f"/p/{SLUG}/")
    for text in (
        iom.funding_note[:60],
        iom.mid_term_review_due,
        iom.strategy_title[:60],
        area.title,
        area.description[:60],
        area.citation,
        goal.text,
        risk.title,
    ):
        _all_in(page, text, "en")


def test_a_danish_strategys_words_are_marked_danish_on_an_english_page(iom, desk, login):
    Partnership.objects.filter(pk=iom.pk).update(strategy_language="da")
    goal = OverallGoal.objects.get(partnership=iom, number=2)
    risk = Risk.objects.get(partnership=iom, number=1)
    client = login(desk)
    dashboard = client.get(f"/p/{SLUG}/").content.decode()
    assert '<html lang="en-gb">' in dashboard
    _all_in(dashboard, goal.text, "da")
    _all_in(dashboard, iom.funding_note[:60], "da")
    _all_in(client.get(f"/p/{SLUG}/goals/").content.decode(), goal.text, "da")
    _all_in(client.get(f"/p/{SLUG}/risks/1/").content.decode(), risk.title, "da")


# --- The field -------------------------------------------------------------------------------


def test_the_edit_page_sets_the_strategys_language_and_the_history_keeps_it(iom, desk, login):
    client = login(desk)
    form = client.get(f"/p/{SLUG}/edit/").context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(strategy_language="da", reason="The strategy is Danish.")
    response = client.post(f"/p/{SLUG}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    iom.refresh_from_db()
    assert iom.strategy_language == "da"
    latest = iom.history.first()
    assert (latest.strategy_language, latest.history_change_reason) == (
        "da",
        "The strategy is Danish.",
    )
    assert 'value="da" selected' in client.get(f"/p/{SLUG}/edit/").content.decode()


def test_the_api_reads_and_changes_the_strategys_language(iom, desk, api_login):
    client = api_login(desk)
    url = f"/api/v1/partnerships/{iom.pk}/"
    assert client.get(url).json()["strategy_language"] == "en"
    response = client.patch(url, {"strategy_language": "da", "reason": "Danish."}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["strategy_language"] == "da"
    iom.refresh_from_db()
    assert iom.strategy_language == "da"
    refused = client.patch(url, {"strategy_language": "fr"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["strategy_language"]


HISTORY = "//section[h2[contains(@id, 'history-heading')]]"


def _history_of(page: str) -> str:
    """The page's change history alone."""
    document = lxml_html.document_fromstring(page)
    (section,) = document.xpath(HISTORY)
    return lxml_html.tostring(section, encoding="unicode")


def test_the_history_speaks_a_records_name_in_the_page_and_the_strategy_in_its_own(
    iom, desk, login
):
    """A goal's history names it "Mål 4: " and its text, cut where the name is long: the
    text in English, the rest in Danish; a risk's and a priority area's the same."""
    for url, record in (
        (f"/p/{SLUG}/goals/4/", OverallGoal.objects.get(partnership=iom, number=4)),
        (f"/p/{SLUG}/risks/2/", Risk.objects.get(partnership=iom, number=2)),
    ):
        history = _history_of(_danish_page(login(desk), url))
        shown = record.strategy_words[:40]
        # (The values of the fields the entry lists are left unmarked: see NOT_MARKED.)
        name = re.search(r"<strong>(.*?)</strong>", history, re.S).group(1)
        prefix = {OverallGoal: "Mål 4: ", Risk: "Risiko 2: "}[type(record)]
        assert name.startswith(f'{prefix}<span lang="en">{escape(shown)}'), name
        assert name.endswith("</span>")


def test_the_members_page_marks_the_agreements_title(iom, desk, login):
    members = _danish_page(login(desk), f"/p/{SLUG}/members/")
    # The lede and the table's caption.
    assert languages_of(members, iom.title) == ["en", "en"]
    assert languages_of(members, "Medlemmer af") == ["da"]
