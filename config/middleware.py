from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import HttpResponseNotAllowed
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme

from core import i18n

# The API authenticates on its own (401/403 with JSON, never a redirect to the login page).
LOGIN_EXEMPT_PREFIXES = ("/api/",)
# Probes without a session: the health check.
LOGIN_EXEMPT_PATHS = ("/healthz",)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(LOGIN_EXEMPT_PREFIXES):
            return None
        if request.path_info in LOGIN_EXEMPT_PATHS:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class MethodNotAllowedPageMiddleware:
    """The site's own page for a request its address does not take (405).

    ``require_POST`` and its kind answer an empty ``HttpResponseNotAllowed``: a person who
    opens such an address (a form's action, a bookmark) would see a blank page. They get
    templates/405.html instead, with the Allow header kept and a way back. The API answers
    its own JSON 405 and is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not isinstance(response, HttpResponseNotAllowed)
            or response.content
            or request.path_info.startswith(LOGIN_EXEMPT_PREFIXES)
        ):
            return response
        referer = request.headers.get("referer", "")
        same_site = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        back = urlsplit(referer)._replace(scheme="", netloc="").geturl() if same_site else ""
        page = render(request, "405.html", {"allowed": response["Allow"], "back": back}, status=405)
        page["Allow"] = response["Allow"]
        return page


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every answer that sets no caching of its own.

    Pages and API answers show what one user may see (ASVS 14.3.2): no browser cache or
    proxy keeps them. Static files are served before this (WhiteNoise) and keep theirs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class LanguageMiddleware(LocaleMiddleware):
    """The language a signed-in person chose (kept in the session, core.i18n) before the
    browser's; Django's LocaleMiddleware otherwise (the language cookie the switcher sets,
    then Accept-Language). The addresses carry no language."""

    def process_request(self, request: HttpRequest) -> None:
        language = i18n.chosen(request)
        if language is None:
            super().process_request(request)
            return
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
