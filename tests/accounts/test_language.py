"""The language of the site: the person's choice (profile, kept from the sign-in on), else
the browser's Accept-Language; the header's switcher works without JavaScript, a POST to
/language/; <html lang> follows and the addresses stay the same."""

from __future__ import annotations

import re

from django.test import Client

from accounts.models import Profile
from tests import factories


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def test_the_browser_s_language_is_used_without_a_choice(desk, login):
    client = login(desk)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="da-DK,da;q=0.9,en;q=0.5")
    assert html_lang(page) == "da"
    assert "Mit arbejde" in page.content.decode()  # My work
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert html_lang(english) == "en-gb"
    assert "My work" in english.content.decode()


def test_an_unknown_language_falls_back_to_english(desk, login):
    page = login(desk).get("/", HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert html_lang(page) == "en-gb"


def test_the_profile_s_language_wins_over_the_browser_s(desk, login):
    Profile.objects.create(user=desk, language="da")
    page = login(desk).get("/account/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert html_lang(page) == "da"
    assert page.request["PATH_INFO"] == "/account/"  # no language in the address


def test_the_switcher_sets_the_profile_in_one_click(desk, login):
    client = login(desk)
    page = client.get("/account/").content.decode()
    # The header offers the other language as a plain form: no JavaScript needed.
    assert 'action="/language/"' in page
    assert '<button class="linklike" type="submit" lang="da">Dansk</button>' in page
    answer = client.post("/language/", {"language": "da", "next": "/account/"})
    assert answer.status_code == 302
    assert answer["Location"] == "/account/"
    assert Profile.objects.get(user=desk).language == "da"
    danish = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(danish) == "da"
    # Each language is named in its own words, whatever the page's language.
    assert '<button class="linklike" type="submit" lang="en-gb">English</button>' in (
        danish.content.decode()
    )
    # The choice follows the person to another browser.
    other = login(desk)
    assert html_lang(other.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "da"
    # And back, in one click too; the change is in the profile's history.
    client.post("/language/", {"language": "en-gb", "next": "/"})
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="da")) == "en-gb"
    profile = Profile.objects.get(user=desk)
    assert [h.language for h in profile.history.order_by("history_id")] == ["da", "en-gb"]
    assert profile.history.first().history_user == desk


def test_the_profile_can_go_back_to_the_browser_s_language(desk, login):
    Profile.objects.create(user=desk, language="da")
    client = login(desk)
    page = client.get("/account/").content.decode()
    assert '<option value="da" lang="da" selected>Dansk</option>' in page
    client.post("/language/", {"language": "", "next": "/account/"})
    assert Profile.objects.get(user=desk).language == ""
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "en-gb"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="da")) == "da"


def test_the_login_page_switches_with_a_cookie(db):
    client = Client()
    assert html_lang(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")) == "en-gb"
    answer = client.post("/language/", {"language": "da", "next": "/accounts/login/"})
    assert answer["Location"] == "/accounts/login/"
    assert html_lang(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")) == "da"


def test_an_unknown_language_changes_nothing(desk, login):
    client = login(desk)
    client.post("/language/", {"language": "xx", "next": "/"})
    assert not Profile.objects.filter(user=desk).exclude(language="").exists()


def test_a_switch_goes_back_only_to_this_site(db):
    answer = Client().post("/language/", {"language": "da", "next": "https://evil.example/"})
    assert answer["Location"] == "/"


def test_cached_pages_keep_each_language_apart(desk, login, iom):
    client = login(desk)
    english = client.get(iom.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    danish = client.get(iom.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert english != danish


def test_a_new_user_gets_no_profile_from_reading_pages(db, login):
    user = factories.UserFactory(username="reader")
    login(user).get("/", HTTP_ACCEPT_LANGUAGE="da")
    assert not Profile.objects.filter(user=user).exists()
