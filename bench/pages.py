"""The pages and API lists the benchmark visits, and their query counts.

Every GET page of the application is here, by URL name, with the arguments that name an
object of the demo partnership that exists at every scale; ``NOT_PAGES`` names the URLs
that are no page to count (form posts, downloads). A test checks that the two cover
every URL name, so a new page is not left out silently.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.seed import IOM_SLUG

# Actions that only answer POST (or whose GET is the confirmation of one), and downloads
# of files: no page to count.
NOT_PAGES = frozenset(
    {
        "login",
        "logout",
        "password_change",
        "set-language",  # the header's language switcher: a POST that redirects
        "password_change_done",
        "healthz",
        "schema",
        "api-docs-try",  # Swagger UI: a page of its own script, which asks for the schema
        "bench-bare",
        "accounts:token-revoke",
        # The steps of a sign-in and of setting up a second factor, and recovery codes
        # shown once as they are made.
        "accounts:signin-code",
        "accounts:signin-set-up",
        "accounts:authenticator-set-up",
        "accounts:recovery-codes",
        "accounts:recovery-codes-text",
        "accounts:recovery-codes-kept",
        "accounts:recovery-codes-new",
        "partnership:document-download",
        "partnership:history-export",
        "funding:exchange-rates-import",
        "funding:export",
        "reviews:finding-add",
        "reviews:recommendation-add",
        "reviews:review-sources",
        "reviews:review-render",
        "reviews:version-retry",
        "reviews:version-issue",
        "reviews:review-due-date",
        "reviews:finding-delete",
        "reviews:recommendation-delete",
        "reviews:version-download",
        "reviews:review-dossier",
        "reviews:dossier-download",
        "consultations:agenda-item-add",
        "consultations:agenda-item-move",
        "consultations:agenda-item-remove",
        "consultations:note-create",
        "consultations:note-ready",
        "consultations:note-clear",
        "consultations:note-discard",
        "consultations:action-point-status",
        "consultations:action-point-drop",
        "iati:activities",
        "iati:organisation",
        "iati:check",  # POST: checks both files and goes back to the IATI page
        "iati-portfolio-activities",
        "iati-portfolio-organisation",
        "portfolio:export",
        "portfolio:strategy-download",
        # Pages of portfolio administrators alone, which the demo's desk officer is not.
        "portfolio:partnership-create",
        "portfolio:partnership-import",
        "portfolio:partnership-renew",
        "people:invitation-again",
        # Pages of visitors without a session (as the login page): the password reset, an
        # invitation's link, the way to and back from the identity provider.
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation-accept",
        "oidc_authentication_init",
        "oidc_authentication_callback",
    }
)


@dataclass(frozen=True)
class Objects:
    """Objects of the demo partnership that the pages with an id in their URL show."""

    slug: str
    goal: int
    risk: int
    area: int
    budget_line: int
    exchange_rate: int
    allocation: int
    staff_position: int
    review: int
    consultation_year: int
    agenda_item: int
    note: int
    action_point: int
    standard_agenda_item: int
    membership: int

    @classmethod
    def of_demo(cls, slug: str = IOM_SLUG) -> Objects:
        from consultations.models import ActionPoint
        from consultations.models import AgendaItem
        from consultations.models import Consultation
        from consultations.models import Note
        from consultations.models import StandardAgendaItem
        from funding.models import Allocation
        from funding.models import BudgetLine
        from funding.models import ExchangeRate
        from funding.models import StaffPosition
        from partnership.models import Membership
        from reviews.models import Review

        def first(queryset) -> int:
            return queryset.order_by("pk").values_list("pk", flat=True).first()

        consultation = Consultation.objects.filter(partnership__slug=slug).order_by("pk").first()
        return cls(
            slug=slug,
            goal=1,
            risk=1,
            area=1,
            budget_line=first(BudgetLine.objects.filter(partnership__slug=slug)),
            exchange_rate=first(ExchangeRate.objects.filter(partnership__slug=slug)),
            allocation=first(Allocation.objects.filter(budget_line__partnership__slug=slug)),
            staff_position=first(StaffPosition.objects.filter(partnership__slug=slug)),
            review=first(Review.objects.filter(partnership__slug=slug)),
            consultation_year=consultation.year,
            agenda_item=first(AgendaItem.objects.filter(consultation=consultation)),
            note=first(Note.objects.filter(agenda_item__consultation=consultation)),
            action_point=first(ActionPoint.objects.filter(consultation=consultation)),
            standard_agenda_item=first(
                StandardAgendaItem.objects.filter(partnership__slug=slug, retired_on=None)
            ),
            membership=first(Membership.objects.filter(partnership__slug=slug)),
        )


# URL name -> the arguments it takes, from the objects above.
PAGES: dict[str, Callable[[Objects], dict[str, Any]]] = {
    "home": lambda o: {},
    "accounts:token-list": lambda o: {},
    "accounts:digest": lambda o: {},
    "attention:my-work": lambda o: {},
    "attention:reminders": lambda o: {"slug": o.slug},
    "accounts:security": lambda o: {},
    "partnership:dashboard": lambda o: {"slug": o.slug},
    "partnership:edit": lambda o: {"slug": o.slug},
    "portfolio:overview": lambda o: {},
    "partnership:priority-area-create": lambda o: {"slug": o.slug},
    "partnership:priority-area-edit": lambda o: {"slug": o.slug, "number": o.area},
    "partnership:priority-area-retire": lambda o: {"slug": o.slug, "number": o.area},
    "partnership:goal-create": lambda o: {"slug": o.slug},
    "partnership:goal-retire": lambda o: {"slug": o.slug, "number": o.goal},
    "partnership:risk-create": lambda o: {"slug": o.slug},
    "partnership:risk-retire": lambda o: {"slug": o.slug, "number": o.risk},
    "partnership:goal-list": lambda o: {"slug": o.slug},
    "partnership:goal-detail": lambda o: {"slug": o.slug, "number": o.goal},
    "partnership:goal-edit": lambda o: {"slug": o.slug, "number": o.goal},
    "partnership:risk-list": lambda o: {"slug": o.slug},
    "partnership:risk-detail": lambda o: {"slug": o.slug, "number": o.risk},
    "partnership:risk-edit": lambda o: {"slug": o.slug, "number": o.risk},
    "partnership:document-list": lambda o: {"slug": o.slug},
    "partnership:history": lambda o: {"slug": o.slug},
    "funding:overview": lambda o: {"slug": o.slug},
    "funding:budget-line-detail": lambda o: {"slug": o.slug, "pk": o.budget_line},
    "funding:budget-line-rate-check": lambda o: {"slug": o.slug, "pk": o.budget_line},
    "funding:budget-line-close": lambda o: {"slug": o.slug, "pk": o.budget_line},
    "funding:budget-line-assign": lambda o: {"slug": o.slug, "pk": o.budget_line},
    "funding:budget-year-commit": lambda o: {"slug": o.slug, "year": 2020},
    "funding:exchange-rates": lambda o: {"slug": o.slug},
    "funding:exchange-rate-edit": lambda o: {"slug": o.slug, "pk": o.exchange_rate},
    "funding:exchange-rate-withdraw": lambda o: {"slug": o.slug, "pk": o.exchange_rate},
    "funding:assessed-contributions": lambda o: {"slug": o.slug},
    "funding:assessed-contribution-create": lambda o: {"slug": o.slug},
    "funding:assessed-contribution-edit": lambda o: {"slug": o.slug, "year": 2018},
    "funding:voluntary-contributions": lambda o: {"slug": o.slug},
    "funding:voluntary-contributions-import": lambda o: {"slug": o.slug},
    "funding:reconciliation": lambda o: {"slug": o.slug},
    "funding:allocations": lambda o: {"slug": o.slug},
    "funding:allocation-edit": lambda o: {"slug": o.slug, "pk": o.allocation},
    "funding:allocation-withdraw": lambda o: {"slug": o.slug, "pk": o.allocation},
    "funding:staff": lambda o: {"slug": o.slug},
    "funding:staff-position-edit": lambda o: {"slug": o.slug, "pk": o.staff_position},
    "funding:staff-position-withdraw": lambda o: {"slug": o.slug, "pk": o.staff_position},
    "reviews:review-list": lambda o: {"slug": o.slug},
    "reviews:verify": lambda o: {"slug": o.slug},
    "reviews:download-log": lambda o: {"slug": o.slug},
    "reviews:dossier-list": lambda o: {"slug": o.slug},
    "reviews:dossier-table": lambda o: {"slug": o.slug},
    "reviews:review-detail": lambda o: {"slug": o.slug, "pk": o.review},
    "reviews:review-edit": lambda o: {"slug": o.slug, "pk": o.review},
    "reviews:finding-edit": lambda o: {"slug": o.slug, "pk": o.review, "number": 1},
    "reviews:recommendation-edit": lambda o: {"slug": o.slug, "pk": o.review, "number": 1},
    "reviews:goal-assessment": lambda o: {"slug": o.slug, "pk": o.review, "number": o.goal},
    "reviews:priority-area-assessment": lambda o: {
        "slug": o.slug,
        "pk": o.review,
        "number": o.area,
    },
    "reviews:review-versions": lambda o: {"slug": o.slug, "pk": o.review},
    "reviews:review-dossiers": lambda o: {"slug": o.slug, "pk": o.review},
    "consultations:consultation-list": lambda o: {"slug": o.slug},
    "consultations:consultation-detail": lambda o: {"slug": o.slug, "year": o.consultation_year},
    "consultations:consultation-edit": lambda o: {"slug": o.slug, "year": o.consultation_year},
    "consultations:consultation-notes": lambda o: {"slug": o.slug, "year": o.consultation_year},
    "consultations:consultation-action-points": lambda o: {
        "slug": o.slug,
        "year": o.consultation_year,
    },
    "consultations:matters-arising": lambda o: {"slug": o.slug, "year": o.consultation_year},
    "consultations:goal-linked": lambda o: {"slug": o.slug, "number": o.goal},
    "consultations:risk-linked": lambda o: {"slug": o.slug, "number": o.risk},
    "consultations:note-detail": lambda o: {"slug": o.slug, "pk": o.note},
    "consultations:note-edit": lambda o: {"slug": o.slug, "pk": o.note},
    "consultations:action-point-edit": lambda o: {"slug": o.slug, "pk": o.action_point},
    "consultations:action-point-create": lambda o: {"slug": o.slug, "pk": o.agenda_item},
    "consultations:standard-agenda": lambda o: {"slug": o.slug},
    "consultations:standard-agenda-item-edit": lambda o: {
        "slug": o.slug,
        "pk": o.standard_agenda_item,
    },
    "consultations:standard-agenda-item-retire": lambda o: {
        "slug": o.slug,
        "pk": o.standard_agenda_item,
    },
    "iati:overview": lambda o: {"slug": o.slug},
    "iati:import": lambda o: {"slug": o.slug},
    "iati:reconciliation": lambda o: {"slug": o.slug},
    "iati:data": lambda o: {"slug": o.slug},
    "profile": lambda o: {},
    "api-docs": lambda o: {},
    "people:member-list": lambda o: {"slug": o.slug},
    "people:membership-role": lambda o: {"slug": o.slug, "pk": o.membership},
    "people:membership-remove": lambda o: {"slug": o.slug, "pk": o.membership},
}

# The pages and API lists whose throughput is measured, by the names of the table.
THROUGHPUT = {
    "baseline (bare view)": "/bench/bare/",
    "dashboard": "partnership:dashboard",
    "funding page": "funding:overview",
    "Annex IV explorer": "funding:voluntary-contributions",
    "consultation page": "consultations:consultation-detail",
    "API: goal updates": "api:goal-update-list",
    "API: disbursements": "api:disbursement-list",
    "API: voluntary contributions": "api:voluntary-contribution-list",
}


def page_url(name: str, objects: Objects) -> str:
    return reverse(name, kwargs=PAGES[name](objects))


def api_lists() -> dict[str, str]:
    """Every list of the API router: basename -> path (50 rows a page, the default). A
    viewset without a list (a partnership's IATI routes, under ``partnerships/``) has none."""
    from config.api_urls import router

    return {
        basename: f"/api/v1/{prefix}/"
        for prefix, viewset, basename in router.registry
        if hasattr(viewset, "list")
    }


def throughput_urls(objects: Objects) -> dict[str, str]:
    urls = {}
    lists = api_lists()
    for label, target in THROUGHPUT.items():
        if target.startswith("/"):
            urls[label] = target
        elif target.startswith("api:"):
            basename = target.removeprefix("api:").removesuffix("-list")
            urls[label] = f"{lists[basename]}?partnership={objects.slug}"
        else:
            urls[label] = page_url(target, objects)
    return urls


# Pages that answer a GET only as a fragment that htmx swaps in (else a redirect).
HTMX_PAGES = frozenset({"consultations:note-detail"})


class RowsRead:
    """How many rows the database handed to the process: every row fetched from a cursor."""

    def __init__(self) -> None:
        self.rows = 0


@contextmanager
def rows_read() -> Iterator[RowsRead]:
    """Count the rows fetched while inside. Django's cursor wrapper hands ``fetchone``,
    ``fetchmany`` and ``fetchall`` to the driver's cursor (``__getattr__``); methods of
    the same names on the class come first, count and hand on."""
    found = RowsRead()

    def fetchone(self):
        with self.db.wrap_database_errors:
            row = self.cursor.fetchone()
        found.rows += row is not None
        return row

    def fetchmany(self, size=None):
        with self.db.wrap_database_errors:
            rows = self.cursor.fetchmany() if size is None else self.cursor.fetchmany(size)
        found.rows += len(rows)
        return rows

    def fetchall(self):
        with self.db.wrap_database_errors:
            rows = self.cursor.fetchall()
        found.rows += len(rows)
        return rows

    with (
        mock.patch.object(CursorWrapper, "fetchone", fetchone, create=True),
        mock.patch.object(CursorWrapper, "fetchmany", fetchmany, create=True),
        mock.patch.object(CursorWrapper, "fetchall", fetchall, create=True),
    ):
        yield found


@dataclass(frozen=True)
class Cost:
    """What one GET cost the database: queries made and rows read."""

    queries: int
    rows: int


def measure_get(client: Client, url: str, *, htmx: bool = False) -> Cost:
    """Queries and rows of a GET that must answer 200."""
    with CaptureQueriesContext(connection) as captured, rows_read() as read:
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
    if response.status_code != 200:
        raise AssertionError(f"GET {url} answered {response.status_code}")
    return Cost(len(captured.captured_queries), read.rows)


def every_url(objects: Objects) -> dict[str, dict[str, Any]]:
    """Every page and API list the benchmark reads, by the names of its tables: the URL and
    whether it is asked for as htmx asks (a fragment)."""
    found = {
        f"page {name}": {"url": page_url(name, objects), "htmx": name in HTMX_PAGES}
        for name in PAGES
    }
    for basename, path in api_lists().items():
        found[f"API {basename}"] = {"url": f"{path}?partnership={objects.slug}", "htmx": False}
    return found


def query_counts(*, username: str = "desk") -> dict[str, list[int]]:
    """Queries and rows read of every page and API list as the demo desk officer sees
    them, and the partnerships they hold a role in (every request reads a row for each):
    [queries, rows, roles]."""
    from django.conf import settings

    from partnership.models import Membership

    from .measure import session_cookie

    client = Client()
    # The session the load generator uses: signed in as production signs a desk officer in.
    client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie(username=username)
    roles = Membership.objects.filter(user__username=username).count()
    counts = {}
    for label, target in every_url(Objects.of_demo()).items():
        cost = measure_get(client, target["url"], htmx=target["htmx"])
        counts[label] = [cost.queries, cost.rows, roles]
    return counts
