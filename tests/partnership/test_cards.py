"""The partnership's pages show the other apps' cards (funding, reviews, consultations)
from the registry each app fills, never by loading those apps' template tags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from core import cards

SLUG = "denmark-iom-2018-2020"
PARTNERSHIP_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "partnership"


def test_the_partnership_templates_load_and_include_nothing_of_another_app():
    reaching = re.compile(
        r"{%\s*(load\s[^%]*\b(funding|review|consultation)_tags\b"
        r"|include\s+\"(funding|reviews|consultations)/)"
    )
    found = {
        path.name: match.group(0)
        for path in PARTNERSHIP_TEMPLATES.glob("*.html")
        if (match := reaching.search(path.read_text()))
    }
    assert found == {}


def test_each_place_holds_the_cards_the_apps_registered_in_order():
    templates = {place: [card.template for card in cards.cards(place)] for place in cards.PLACES}
    assert templates == {
        cards.DASHBOARD_TOP: ["attention/includes/dashboard_panel.html"],
        cards.DASHBOARD: [
            "reviews/includes/dashboard_reviews.html",
            "funding/partials/dashboard_summary.html",
            "iati/partials/dashboard_card.html",
        ],
        cards.GOAL: ["reviews/includes/goal_reviews.html", "consultations/includes/linked.html"],
        cards.RISK: ["consultations/includes/linked.html"],
    }


def test_a_card_for_a_place_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="No place 'agreement'"):
        cards.register("agreement", cards.Card("x.html", dict))


def test_the_dashboard_shows_the_reviews_and_funding_cards_in_their_order(desk, login, iom):
    html = login(desk).get(f"/p/{SLUG}/").content.decode()
    reviews = html.index('id="reviews-due-heading"')
    funding = html.index('id="funding-summary-heading"')
    assert html.index('id="goals-heading"') < reviews < funding < html.index('id="areas-heading"')


def test_the_danish_dashboard_quotes_the_strategys_english_words_for_the_review(desk, login, iom):
    html = login(desk).get(f"/p/{SLUG}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'Forfalder i “<span lang="en">fall of 2019</span>”' in html
