"""Cached pages (core.caching.cached_page): a repeated read is served from the cache, and
never to another user, language, day, kind of request, session's CSRF token, or after a
write; a page with a message is neither served from nor kept in the cache.

A page served from the cache is told apart by a write that sends no signal (a
``QuerySet.update`` of the partnership's title): the cached page still shows the old title,
a page drawn afresh the new one."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.http import HttpResponse
from django.http import JsonResponse
from django.http import StreamingHttpResponse
from django.test import Client
from django.test import RequestFactory
from django.utils import timezone

from core import caching
from core.access import Role
from partnership.models import Membership
from partnership.models import Partnership
from people import services as people_services
from tests import factories

SLUG = "denmark-iom-2018-2020"
DASHBOARD = f"/p/{SLUG}/"
EDIT = f"/p/{SLUG}/edit/"
STALE = "A title written without a signal"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _rename_without_signal() -> None:
    Partnership.objects.filter(slug=SLUG).update(title=STALE)


def _from_cache(response) -> bool:
    """Drawn before the rename (cached), or after it (drawn afresh)."""
    assert response.status_code == 200, response.status_code
    return STALE not in response.content.decode()


# --- Served, and not served -----------------------------------------------------------------


def test_a_repeated_read_comes_from_the_cache_until_the_next_write(desk, login, iom):
    client = login(desk)
    client.get(DASHBOARD)
    _rename_without_signal()
    assert _from_cache(client.get(DASHBOARD))
    caching.changed()
    assert not _from_cache(client.get(DASHBOARD))


def test_another_user_with_the_same_role_never_gets_the_first_ones_page(desk, login, iom):
    other = factories.member(iom, Role.DESK_OFFICER, username="desk2")
    first = login(desk)
    first.get(DASHBOARD)
    second = login(other)  # a sign-in ends no cached page (the test below)
    _rename_without_signal()
    assert _from_cache(first.get(DASHBOARD))
    assert not _from_cache(second.get(DASHBOARD))


def test_a_sign_in_keeps_the_cached_pages(desk, login, iom):
    # Signing in saves only the user's last login, which no page or list shows: were it a
    # change, every colleague's sign-in would end every cached page.
    other = factories.member(iom, Role.AUDITOR, username="auditor2")
    client = login(desk)
    client.get(DASHBOARD)
    _rename_without_signal()
    login(other)
    assert _from_cache(client.get(DASHBOARD))
    other.first_name = "Renamed"
    other.save()  # any other change of a user is a change
    assert not _from_cache(client.get(DASHBOARD))


def test_another_language_is_drawn_afresh(desk, login, iom):
    client = login(desk)
    english = client.get(DASHBOARD)
    _rename_without_signal()
    danish = client.get(DASHBOARD, headers={"accept-language": "da"})
    assert 'lang="da"' in danish.content.decode()
    assert 'lang="en' in english.content.decode()
    assert not _from_cache(danish)


def test_the_next_day_is_drawn_afresh(desk, login, iom):
    client = login(desk)
    client.get(DASHBOARD)
    _rename_without_signal()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        assert not _from_cache(client.get(DASHBOARD))


def test_an_htmx_request_and_the_full_page_are_kept_apart(desk, login, iom):
    client = login(desk)
    htmx = {"hx-request": "true", "hx-target": "main"}
    client.get(DASHBOARD)
    _rename_without_signal()
    assert not _from_cache(client.get(DASHBOARD, headers=htmx))
    caching.changed()
    client.get(DASHBOARD, headers=htmx)
    Partnership.objects.filter(slug=SLUG).update(title="Renamed once more")
    assert "Renamed once more" in client.get(DASHBOARD).content.decode()
    # Another HX-* header is another request too.
    assert "Renamed once more" in (
        client.get(DASHBOARD, headers={**htmx, "hx-trigger": "refresh"}).content.decode()
    )


def test_a_write_through_a_page_shows_on_the_next_read(desk, login, iom):
    client = login(desk)
    goal = iom.goals.get(number=1)
    url = f"/p/{SLUG}/goals/1/"
    assert "Written through the page" not in client.get(url).content.decode()
    response = client.post(
        url,
        {"as_of": "2019-06-30", "status": "on_track", "narrative": "Written through the page"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert goal.updates.filter(narrative="Written through the page").exists()
    assert "Written through the page" in client.get(url).content.decode()


def test_a_change_of_role_shows_on_the_next_read(desk, auditor, login, iom):
    client = login(auditor)
    assert "Edit the agreement" not in client.get(DASHBOARD).content.decode()
    membership = Membership.objects.get(user=auditor, partnership=iom)
    people_services.membership_role_change(
        membership=membership, by=desk, role=Role.DESK_OFFICER, reason="Covering"
    )
    assert "Edit the agreement" in client.get(DASHBOARD).content.decode()


def test_a_post_is_never_answered_from_the_cache(desk, login, iom):
    client = login(desk)
    client.get(EDIT)
    response = client.post(EDIT, {"title": "", "reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors


def test_a_hit_still_goes_through_access(desk, outsider, login, iom):
    login(desk).get(DASHBOARD)
    assert login(outsider).get(DASHBOARD).status_code == 404
    assert Client().get(DASHBOARD).status_code == 302


# --- Messages -----------------------------------------------------------------------------


def test_a_message_is_shown_once_and_never_kept_with_the_page(desk, login, iom):
    client = login(desk)
    client.get(DASHBOARD)
    values = {k: v for k, v in client.get(EDIT).context["form"].initial.items() if v is not None}
    # Saving nothing new writes nothing: the cached dashboard would be served, but for the
    # message waiting.
    response = client.post(EDIT, {**values, "reason": "No change"}, follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert "Nothing was changed." not in client.get(DASHBOARD).content.decode()


def _request(user, **headers):
    request = RequestFactory().get("/page/", headers=headers)
    request.user = user
    request.session = SessionStore()
    request._messages = default_storage(request)
    return request


def _counting(response_of=lambda request: HttpResponse("<p>page</p>")):
    calls = []

    @caching.cached_page
    def view(request):
        calls.append(request)
        return response_of(request)

    return view, calls


def test_messages_waiting_are_not_served_from_the_cache_nor_kept(desk):
    view, calls = _counting()
    view(_request(desk))
    waiting = _request(desk)
    messages.info(waiting, "Waiting")
    view(waiting)
    assert len(calls) == 2
    assert len(messages.get_messages(waiting)) == 1  # not consumed by the check

    caches["pages"].clear()
    fresh, calls = _counting()
    fresh(waiting)
    fresh(_request(desk))
    assert len(calls) == 2


def test_a_page_whose_view_added_a_message_is_not_kept(desk):
    def with_message(request):
        messages.success(request, "Done")
        return HttpResponse("<p>page</p>")

    view, calls = _counting(with_message)
    view(_request(desk))
    view(_request(desk))
    assert len(calls) == 2


# --- What is kept -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "response_of",
    [
        lambda request: HttpResponse("<p>gone</p>", status=404),
        lambda request: JsonResponse({"a": 1}),
        lambda request: StreamingHttpResponse(iter([b"<p>page</p>"])),
        lambda request: HttpResponse("<p>" + "x" * settings.PAGE_CACHE_MAX_BYTES + "</p>"),
    ],
    ids=["not-200", "not-html", "streaming", "too-large"],
)
def test_only_a_200_html_page_of_bounded_size_is_kept(desk, response_of):
    view, calls = _counting(response_of)
    view(_request(desk))
    view(_request(desk))
    assert len(calls) == 2


def test_a_page_that_set_a_cookie_is_not_kept(desk):
    def with_cookie(request):
        response = HttpResponse("<p>page</p>")
        response.set_cookie("chosen", "1")
        return response

    view, calls = _counting(with_cookie)
    view(_request(desk))
    view(_request(desk))
    assert len(calls) == 2


def test_only_get_and_head_by_a_signed_in_user_are_served(desk, db):
    from django.contrib.auth.models import AnonymousUser

    view, calls = _counting()
    view(_request(desk))
    view(_request(desk))
    assert len(calls) == 1
    view(_request(AnonymousUser()))
    view(_request(AnonymousUser()))
    assert len(calls) == 3
    head = _request(desk)
    head.method = "HEAD"
    view(head)
    post = _request(desk)
    post.method = "POST"
    view(post)
    assert len(calls) == 4


def test_pages_are_kept_in_a_cache_of_their_own(desk, login, iom):
    login(desk).get(DASHBOARD)
    assert caches["pages"]._cache  # the locmem store holds the page
    assert settings.CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"] > 0
    assert settings.CACHES["pages"].get("LOCATION") != settings.CACHES["default"].get("LOCATION")


# --- CSRF and CSP -------------------------------------------------------------------------------


def test_a_cached_page_carries_each_sessions_own_csrf_token(desk, iom):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(desk)
    second.force_login(desk)
    page = first.get(EDIT)
    _rename_without_signal()
    cached = second.get(EDIT)
    assert _from_cache(cached)
    html = cached.content.decode()
    assert caching.CSRF_PLACEHOLDER not in html
    (token,) = set(TOKEN.findall(html))
    assert token not in page.content.decode()
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    values = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    response = second.post(
        EDIT,
        {
            **values,
            "title": "Posted from a cached page",
            "reason": "x",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert Partnership.objects.get(slug=SLUG).title == "Posted from a cached page"
    # The first session's token is not the second's.
    (theirs,) = set(TOKEN.findall(page.content.decode()))
    refused = second.post(EDIT, {**values, "reason": "x", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    assert theirs != token


def test_a_cached_page_has_the_same_valid_csp_header(desk, login, iom):
    client = login(desk)
    fresh = client.get(DASHBOARD)
    _rename_without_signal()
    cached = client.get(DASHBOARD)
    assert _from_cache(cached)
    policy = cached["Content-Security-Policy"]
    assert policy == fresh["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "nonce-" not in policy


def test_no_template_uses_a_csp_nonce():
    """A nonce would be kept with a cached page: cached_page would have to replace it too."""
    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")
    using = [t for t in templates if re.search(r"csp_nonce|CSP_NONCE", t.read_text())]
    assert using == []
