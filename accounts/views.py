from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.views import add_form_errors, form_status

from . import selectors, services
from .forms import ApiTokenForm, DigestForm


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(by=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            # Shown in this response only: it is stored hashed and cannot be shown again.
            new_token = (token, raw)
            form = ApiTokenForm()
    context = {
        "tokens": selectors.tokens_of(user=request.user),
        "form": form,
        "new_token": new_token,
    }
    response = render(request, "accounts/token_list.html", context, status=form_status(form))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_of(user=request.user, pk=pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name}” is revoked; it no longer works.")
    return redirect("accounts:token-list")


@require_http_methods(["GET", "POST"])
def digest(request: HttpRequest) -> HttpResponse:
    """When the person gets the e-mail digest of what needs their attention."""
    profile = selectors.profile_of(user=request.user)
    initial = {
        "frequency": profile.digest_frequency,
        "time": profile.digest_time,
        "weekday": profile.digest_weekday,
    }
    form = DigestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_digest_update(user=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Your e-mail digest is saved.")
            return redirect("accounts:digest")
    return render(request, "accounts/digest.html", {"form": form}, status=form_status(form))


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
