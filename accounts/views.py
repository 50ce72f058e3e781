from __future__ import annotations

import base64
import textwrap
from collections.abc import Callable
from functools import wraps
from typing import Any

import qrcode
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import admin
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from qrcode.image.svg import SvgPathImage

from core import caching
from core import i18n
from core.views import form_status
from core.views import submit

from . import selectors
from . import services
from . import signin
from .forms import ApiTokenForm
from .forms import AuthenticatorSetUpForm
from .forms import DigestForm
from .forms import SignInCodeForm


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    # A token is a single-factor credential: it is made only in a session that was signed
    # in with a second factor, so a password alone never yields one.
    verified = request.user.is_verified()
    form = ApiTokenForm(request.POST or None) if verified else None
    new_token = None
    if form is not None and (done := submit(form, services.api_token_create, by=request.user)):
        # Shown in this response only: it is stored hashed and cannot be shown again.
        new_token = done.value
        form = ApiTokenForm()
    refused = request.method == "POST" and not verified
    context = {
        "tokens": selectors.tokens_of(user=request.user),
        "form": form,
        "new_token": new_token,
        "refused": refused,
        "has_authenticator": not verified and selectors.authenticator_of(request.user),
    }
    status = 403 if refused else form_status(form)
    response = render(request, "accounts/token_list.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_of(user=request.user, pk=pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(
        request, _("The token “%(name)s” is revoked; it no longer works.") % {"name": token.name}
    )
    return redirect("accounts:token-list")


@require_http_methods(["GET", "POST"])
@caching.cached_page
def digest(request: HttpRequest) -> HttpResponse:
    """When the person gets the e-mail digest of what needs their attention."""
    profile = selectors.profile_of(user=request.user)
    initial = {
        "frequency": profile.digest_frequency,
        "time": profile.digest_time,
        "weekday": profile.digest_weekday,
    }
    form = DigestForm(request.POST or None, initial=initial)
    if submit(form, services.profile_digest_update, user=request.user, by=request.user):
        messages.success(request, _("Your e-mail digest is saved."))
        return redirect("accounts:digest")
    return render(request, "accounts/digest.html", {"form": form}, status=form_status(form))


# --- Signing in with a second factor (accounts.signin) --------------------------------------


class LoginView(auth_views.LoginView):
    """Django's log-in page. For a user who is asked for a code, the password only starts
    the sign-in: the code's page (or a first set-up) logs them in."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not selectors.second_factor_asked(user):
            return super().form_valid(form)
        step = signin.begin(
            self.request, user, backend=user.backend, next_url=self.get_success_url()
        )
        return redirect(step)


@never_cache
@login_not_required
def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's log-in page (as ``AdminSite.login``), signing in through the same steps
    as the site's: an administrator must give a code too."""
    site = admin.site
    if request.method == "GET" and site.has_permission(request):
        return redirect("admin:index")
    context = {
        **site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=site.name)
    context.update(extra_context or {})
    request.current_app = site.name
    return LoginView.as_view(
        extra_context=context,
        authentication_form=AdminAuthenticationForm,
        template_name="admin/login.html",
    )(request)


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        _(
            "Log in with your user name and password first. A sign-in waits "
            "%(value)s minutes for its code."
        )
        % {"value": signin.PENDING_SECONDS // 60},
    )
    return redirect("login")


@login_not_required
@require_http_methods(["GET", "POST"])
def signin_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app, or a recovery code. A wrong code is a failed
    log-in for django-axes, so that its lockout covers codes as it covers passwords."""
    user = signin.pending_user(request)
    if user is None:
        return _start_again(request)
    if selectors.authenticator_of(user) is None:
        return redirect(signin.step_url(user))
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        signin.clear(request)
        return get_lockout_response(request, None, credentials)
    form = SignInCodeForm(request.POST or None)
    if done := submit(form, services.second_factor_verify, by=user):
        device = done.value
        next_url = signin.complete(request, user, device)
        if isinstance(device, StaticDevice):
            _recovery_code_used(request, user)
        return redirect(next_url)
    # The service's refusal: the form's own checks never say "wrong".
    if form.has_error("code", "wrong"):
        user_login_failed.send(__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            signin.clear(request)  # AxesMiddleware answers with the lockout page
    return render(
        request,
        "accounts/signin_code.html",
        {"form": form, "signing_in": user},
        status=form_status(form),
    )


def _recovery_code_used(request: HttpRequest, user: Any) -> None:
    left = selectors.recovery_codes_left(user)
    text = ngettext(
        "You signed in with a recovery code; it no longer works. %(left)s of %(count)s "
        "recovery code left.",
        "You signed in with a recovery code; it no longer works. %(left)s of %(count)s "
        "recovery codes left.",
        services.RECOVERY_CODE_COUNT,
    ) % {"left": left, "count": services.RECOVERY_CODE_COUNT}
    if left <= 3:
        text += " Make new ones on the Security page."
    messages.warning(request, text)


@login_not_required
@require_http_methods(["GET", "POST"])
def signin_set_up(request: HttpRequest) -> HttpResponse:
    """The second step of a first log-in that must have a second factor: add the app."""
    user = signin.pending_user(request)
    if user is None:
        return _start_again(request)
    if selectors.authenticator_of(user) is not None:
        return redirect("accounts:signin-code")
    return _authenticator_set_up(request, user, signing_in=True)


@require_http_methods(["GET", "POST"])
def authenticator_set_up(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app, or replace it (which needs a session signed in with it)."""
    user = request.user
    if selectors.authenticator_of(user) is not None and not user.is_verified():
        messages.error(
            request,
            _(
                "To replace your authenticator app, log out and sign in again with a code "
                "from it, or with a recovery code."
            ),
        )
        return redirect("accounts:security")
    return _authenticator_set_up(request, user, signing_in=False)


def _authenticator_set_up(request: HttpRequest, user: Any, *, signing_in: bool) -> HttpResponse:
    device = services.authenticator_begin(by=user)
    form = AuthenticatorSetUpForm(request.POST or None)
    if done := submit(form, services.authenticator_confirm, by=user, device=device):
        if signing_in:
            next_url = signin.complete(request, user, device)
        else:
            otp_login(request, device)
            next_url = reverse("accounts:security")
        _show_recovery_codes(request, done.value, next_url)
        messages.success(request, _("Your authenticator app is set up."))
        return redirect("accounts:recovery-codes")
    context = {
        "form": form,
        "account": user,
        "signing_in": user if signing_in else None,
        "replacing": selectors.authenticator_of(user) is not None,
        "key": " ".join(textwrap.wrap(base64.b32encode(device.bin_key).decode(), 4)),
        "qr_code": _qr_code(device.config_url),
    }
    return render(request, "accounts/authenticator_set_up.html", context, status=form_status(form))


def _qr_code(text: str) -> str:
    """The QR code as an SVG image in a data: URL (the page's CSP allows those for images)."""
    svg = qrcode.make(text, image_factory=SvgPathImage).to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# --- Recovery codes: shown once, as text to keep --------------------------------------------

FRESH_CODES = "_recovery_codes"
RECOVERY_CODES_FILE = "partnership-monitor-recovery-codes.txt"


def _show_recovery_codes(request: HttpRequest, codes: list[str], next_url: str) -> None:
    """Keep new codes in the session until the user says they have kept them."""
    request.session[FRESH_CODES] = {"codes": codes, "next": next_url}


@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    fresh = request.session.get(FRESH_CODES)
    if not fresh:
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": fresh["codes"]})


@require_GET
def recovery_codes_text(request: HttpRequest) -> HttpResponse:
    fresh = request.session.get(FRESH_CODES)
    if not fresh:
        raise Http404("The recovery codes are shown only once, as they are made.")
    lines = [
        _("Partnership Monitor: recovery codes of %(user)s")
        % {"user": request.user.get_username()},
        _("Made %(when)s. Each code works once.")
        % {"when": date_format(timezone.localtime(), "DATETIME_FORMAT")},
        "",
        *fresh["codes"],
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        'attachment; filename="partnership-monitor-recovery-codes.txt"'
    )
    return response


@require_POST
def recovery_codes_kept(request: HttpRequest) -> HttpResponse:
    fresh = request.session.pop(FRESH_CODES, None)
    next_url = fresh["next"] if fresh else reverse("accounts:security")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    return redirect(next_url)


@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        messages.error(
            request, _("New recovery codes need a session signed in with a code: log in again.")
        )
        return redirect("accounts:security")
    codes = services.recovery_codes_renew(by=request.user)
    _show_recovery_codes(request, codes, reverse("accounts:security"))
    messages.success(request, _("New recovery codes are made; the old ones no longer work."))
    return redirect("accounts:recovery-codes")


@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "authenticator": selectors.authenticator_of(user),
        "codes_left": selectors.recovery_codes_left(user),
        "codes_made": services.RECOVERY_CODE_COUNT,
        "required": selectors.second_factor_required(user),
        "verified": user.is_verified(),
    }
    return render(request, "accounts/security.html", context)


def local_passwords(view: Callable) -> Callable:
    """A page of passwords kept here: not found when ``LOCAL_PASSWORDS`` is off (people
    then sign in with the ministry's identity provider only)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LOCAL_PASSWORDS:
            raise Http404("Passwords are not used here: sign in with the ministry's account.")
        return view(request, *args, **kwargs)

    return wrapped


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with the link in the e-mail starting at ``SITE_URL`` (the
    address people reach the site at) rather than the request's Host header."""

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


@login_not_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's language switcher and the profile's choice, without JavaScript: Django's
    set_language (the cookie, back to ``next``), and for a signed-in person their profile
    and session too, so the choice follows them to another browser."""
    language = request.POST.get("language", "")
    if language and language not in dict(settings.LANGUAGES):
        language = i18n.supported(language) or ""
    response = set_language(request)
    if not language:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    if request.user.is_authenticated:
        services.profile_language_set(user=request.user, by=request.user, language=language)
        i18n.remember(request, language)
    return response


def remember_language(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """From the sign-in on, the session speaks the language of the person's profile."""
    if request is not None:
        i18n.remember(request, selectors.profile_language(user=user))
