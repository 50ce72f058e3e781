from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.views import add_form_errors, form_status

from . import selectors, services
from .forms import ApiTokenForm


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
