"""Pages of what needs attention: my work, and who was reminded of what."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import profile_of
from core import caching
from core.access import Capability
from core.views import paged
from core.views import partnership_context
from partnership import access
from partnership.models import Membership

from . import rules
from . import selectors

REMINDERS_PER_PAGE = 50
PARTNERSHIPS_PER_PAGE = 10
ITEMS_PER_PAGE = 25


@require_GET
@caching.cached_page
def my_work(request: HttpRequest) -> HttpResponse:
    """What needs the signed-in user's attention, by partnership, a page of partnerships at
    a time, each with the first few of each rule (``?partnership=<slug>``: one of them;
    ``&rule=<rule>``: every item of that rule there, paged)."""
    slug = request.GET.get("partnership", "").strip()[:80] or None
    rule = request.GET.get("rule", "")
    partnerships, query = paged(
        request, selectors.my_partnerships(user=request.user, slug=slug), PARTNERSHIPS_PER_PAGE
    )
    context = {"profile": profile_of(user=request.user), "query": query}
    if slug is not None and rule in selectors.RULES and partnerships.object_list:
        (partnership,) = partnerships.object_list
        today = rules.today()
        candidates = selectors.rule_candidates(
            rule, partnership_ids=[partnership.pk], today=today, user_id=request.user.pk
        )
        page, query = paged(request, candidates, ITEMS_PER_PAGE)
        items = selectors.rule_items(rule, page.object_list, today=today)
        group = selectors.PartnershipWork(
            partnership, Membership.Role(partnership.my_role), items, page.paginator.count
        )
        work = selectors.MyWork(today=today, groups=[group])
        context.update(rule=rule, rule_label=selectors.RULES[rule], page=page, query=query)
    else:
        work = selectors.my_work(user=request.user, partnerships=list(partnerships.object_list))
        context["page"] = partnerships
    context["work"] = work
    return render(request, "attention/my_work.html", context)


@require_GET
@caching.cached_page
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
