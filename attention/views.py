"""Pages of what needs attention: my work, and who was reminded of what."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import profile_of
from core.access import Capability
from core.views import partnership_context
from partnership import access

from . import selectors

REMINDERS_PER_PAGE = 50


@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """What needs the signed-in user's attention, by partnership (``?partnership=<slug>``:
    one of them)."""
    slug = request.GET.get("partnership", "").strip()[:80] or None
    work = selectors.my_work(user=request.user, slug=slug)
    context = {"work": work, "profile": profile_of(user=request.user)}
    return render(request, "attention/my_work.html", context)


@require_GET
def reminders(request: HttpRequest, slug: str) -> HttpResponse:
    """Who was reminded of what in the partnership: desk officers and auditors, who read
    who did what and when."""
    partnership = access.partnerships.get(
        user=request.user, capability=Capability.VIEW_HISTORY, slug=slug
    )
    paginator = Paginator(selectors.reminders(partnership_ids=[partnership.pk]), REMINDERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "attention/reminders.html", partnership_context(request, partnership, page=page)
    )
