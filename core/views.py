"""The one idiom of a page whose form is backed by a service, read top to bottom::

form = ThingForm(request.POST or None)
if done := submit(form, services.thing_create, partnership=partnership, by=request.user):
    messages.success(request, _("Thing added."))
    return redirect(done.value.get_absolute_url())
return render(request, "app/thing_form.html", context, status=form_status(form))

``submit`` runs the service only for a posted, valid form, and puts what the service
refuses on the form's fields; ``form_status`` then answers 400.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import access

T = TypeVar("T")


def add_form_errors(form: Any, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields (or to the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@dataclass(frozen=True)
class Done(Generic[T]):
    """A service that ran: true even when what it returned (``value``) is None."""

    value: T


def submit(
    form: BaseForm,
    service: Callable[..., T],
    /,
    *,
    data: Callable[[], Mapping[str, Any]] | None = None,
    **arguments: Any,
) -> Done[T] | None:
    """Run ``service`` with ``arguments`` and the form's data if the form is bound (posted)
    and valid: ``Done`` with what it returned. None otherwise, and when the service refuses
    (a ValidationError), its errors then on the form's fields (``add_form_errors``).

    The form's data is its cleaned data, or what ``data`` (a method of the form, called
    once it is valid) gives where the service takes it otherwise."""
    if not form.is_valid():
        return None
    try:
        value = service(**arguments, **(data() if data is not None else form.cleaned_data))
    except ValidationError as error:
        add_form_errors(form, error)
        return None
    return Done(value)


def form_status(*forms: Any) -> int:
    """400 when a submitted form was refused, so that the page says so to machines too."""
    return 400 if any(f is not None and f.is_bound and f.errors for f in forms) else 200


def saved_message(changes: dict) -> str:
    """What an edit page says once the record's update service has run."""
    return gettext("Saved.") if changes else gettext("Nothing was changed.")


def import_message(request: HttpRequest, result: Any, *, added: str) -> None:
    """What an import page says once the file is read: that it was imported before and
    nothing was added (``result.already_imported``), or what it ``added``."""
    if result.already_imported:
        messages.warning(
            request,
            _("This file was already imported on %(created_at)s; nothing was added.")
            % {"created_at": date_format(result.record.created_at)},
        )
    else:
        messages.success(request, added)


def refused_back(request: HttpRequest, check: Any, back: str) -> HttpResponse | None:
    """A page that offers a form only where the service would accept it: ``check()`` (the
    service's own check) refusing, back to ``back`` saying why; None otherwise."""
    try:
        check()
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect(back)
    return None


def confirm_page(
    request: HttpRequest,
    partnership: Any,
    *,
    title: str,
    consequences: list[str],
    form: Any,
    confirm_label: str,
    back: str,
) -> HttpResponse:
    """The confirmation page of an irreversible or corrective action (``confirm.html``):
    what it will do, the form asking for the reason, and the way back."""
    return form_page(
        request,
        partnership,
        form=form,
        title=title,
        back=back,
        template="confirm.html",
        consequences=consequences,
        confirm_label=confirm_label,
    )


def form_page(
    request: HttpRequest,
    partnership: Any,
    *,
    form: Any,
    title: str,
    back: str,
    template: str = "partnership/record_form.html",
    **extra: Any,
) -> HttpResponse:
    """The page of one form on a partnership's record (``template``, the plain record form
    unless said otherwise): its ``title``, the form, the way ``back``, and ``extra``."""
    context = partnership_context(request, partnership, form=form, title=title, back=back, **extra)
    return render(request, template, context, status=form_status(form))


def record_edit_page(
    request: HttpRequest,
    partnership: Any,
    *,
    form: Any,
    update: Any,
    title: str,
    back: str,
) -> HttpResponse:
    """The edit page of a record whose ``form`` gives its changes and the reason:
    ``update`` (the record's update service, given the record) with them, then ``back``
    saying whether anything was saved."""
    if submit(form, update, data=form.update_data, by=request.user):
        messages.success(request, saved_message(form.changes()))
        return redirect(back)
    return form_page(request, partnership, form=form, title=title, back=back)


def partnership_context(request: HttpRequest, partnership: Any, **extra: Any) -> dict:
    """What every page of a partnership shows around its content: the partnership, the
    reader's role in it (``None`` for a portfolio administrator who holds none) and what
    they may do there (``caps``)."""
    role = access.role_in(request.user, partnership.pk)
    return {
        "partnership": partnership,
        "caps": access.capabilities_in(request.user, partnership.pk),
        "role": access.Role(role) if role else None,
        **extra,
    }


def paged(
    request: HttpRequest, items: Any, per_page: int, *, default: int = 1, param: str = "page"
) -> tuple[Any, str]:
    """The page of ``items`` the request asks for (``?page=``, or ``param`` for one of
    several paged lists on a page; ``default`` if none, the first if not a number, the last
    if past the end) and the request's other parameters, for the links of
    ``includes/pagination.html``. A queryset costs a count and the page's slice."""
    page = Paginator(items, per_page).get_page(request.GET.get(param, default))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != param and v])
    return page, query


def page_rows(page: Any) -> list:
    """The rows of ``page`` (a page of a queryset) read in one query, even when the list is
    empty: Django's page then reads none, and a page whose count must not depend on what
    it holds would make one query fewer."""
    per_page = page.paginator.per_page
    return list(page.paginator.object_list[(page.number - 1) * per_page :][:per_page])
