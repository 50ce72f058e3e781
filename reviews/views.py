"""Pages of the reviews: assessments, the render button, versions, downloads, verification.

Views fetch through ``access`` and write through ``services``; they hold no rules of
their own.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST
from django.views.decorators.http import require_safe

from core import caching
from core.access import Capability
from core.forms import ConfirmForm
from core.views import confirm_page
from core.views import form_status
from core.views import paged
from core.views import partnership_context
from core.views import saved_message
from core.views import submit
from partnership import access as partnership_access
from partnership import selectors as partnership_selectors
from partnership.models import Partnership

from . import access
from . import selectors
from . import services
from .forms import AssessmentForm
from .forms import DossierYearForm
from .forms import DueDateForm
from .forms import FindingForm
from .forms import RecommendationForm
from .forms import ReviewCreateForm
from .forms import ReviewForm
from .forms import SourcesForm
from .forms import VerifyForm
from .models import Dossier
from .models import DownloadLog
from .models import ReportVersion
from .models import Review
from .templatetags.review_tags import site_date


def _capability(request: HttpRequest) -> Capability:
    return Capability.EDIT_REVIEWS if request.method == "POST" else Capability.VIEW


def _review(request: HttpRequest, slug: str, pk: int, capability: Capability) -> Review:
    return access.reviews.get(
        user=request.user, capability=capability, partnership__slug=slug, pk=pk
    )


def _documents(
    request: HttpRequest, partnership: Partnership, *, keep: list
) -> partnership_selectors.EvidenceChoices:
    """What a review's sources list offers: the documents its search (?documents=) finds,
    the newest of them, and those already chosen (``keep``)."""
    return partnership_selectors.evidence_documents(
        partnership=partnership, search=request.GET.get("documents", "").strip()[:100], keep=keep
    )


def _sources_form(
    request: HttpRequest, review: Review, data: Any = None
) -> tuple[SourcesForm, partnership_selectors.EvidenceChoices]:
    """The sources form (bound to ``data``, a post, if given) and what its list offers: the
    documents chosen (posted, or else the review's) stay offered."""
    if data is not None:
        chosen: list = data.getlist("sources")
    else:
        chosen = list(review.sources.values_list("pk", flat=True))
    evidence = _documents(request, review.partnership, keep=[str(pk) for pk in chosen])
    form = SourcesForm(data, review=review, chosen=chosen, shown=evidence.shown)
    return form, evidence


# The review list, a page at a time, in the order the reviews are due.
REVIEWS_PER_PAGE = 25
DOSSIERS_PER_PAGE = 25
REVIEWS_LINKED = 5


@require_http_methods(["GET", "POST"])
@caching.cached_page
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_access.partnerships.get(
        user=request.user, capability=_capability(request), slug=slug
    )
    evidence = _documents(request, partnership, keep=request.POST.getlist("sources"))
    form = ReviewCreateForm(request.POST or None, partnership=partnership, shown=evidence.shown)
    if done := submit(form, services.review_create, partnership=partnership, by=request.user):
        messages.success(request, _("The review was created."))
        return redirect(done.value.get_absolute_url())
    reviews, query = paged(
        request, selectors.reviews_for_partnership(partnership=partnership), REVIEWS_PER_PAGE
    )
    context = partnership_context(
        request,
        partnership,
        reviews=reviews,
        query=query,
        today=timezone.localdate(),
        form=form,
        evidence=evidence,
    )
    return render(request, "reviews/review_list.html", context, status=form_status(form))


def _versions_context(review: Review) -> dict[str, Any]:
    versions = list(selectors.review_versions(review=review))
    final = next((v for v in versions if v.final), None)
    for version in versions:
        version.issuable = not services.refusal_to_issue(final=final, version=version)
    return {
        "review": review,
        "versions": versions,
        "polling": any(v.is_pending for v in versions),
        "final": final,
        # Issued, or its issued report asked for: nothing of the review changes any more.
        "locked": review.is_issued or final is not None,
    }


# The review page holds both forms, each with a "text" field: their own ids keep each
# label on its own box (with Django's "id_%s" the recommendation's label named the
# finding's box, and the recommendation's box had none).
_FINDING_IDS = "finding-%s"
_RECOMMENDATION_IDS = "recommendation-%s"


def _detail_context(request: HttpRequest, review: Review, **extra: Any) -> dict[str, Any]:
    data = selectors.review_assessments(review=review)
    extra.setdefault("due_form", DueDateForm(initial={"due_date": review.due_date}))
    today = timezone.localdate()
    extra.setdefault("finding_form", FindingForm(auto_id=_FINDING_IDS))
    extra.setdefault(
        "recommendation_form", RecommendationForm(review=review, auto_id=_RECOMMENDATION_IDS)
    )
    return partnership_context(
        request,
        review.partnership,
        data=data,
        checks=selectors.review_checks(review=review, assessments=data, as_of=today),
        **_dossiers_context(request, review.partnership, review=review),
        sources=selectors.review_sources(review=review),
        today=today,
        # The goal the review fulfils, with its status (from the goals already loaded).
        fulfilled=next(
            (row.goal for row in data.goals if row.goal.pk == review.fulfils_goal_id), None
        ),
        **_versions_context(review),
        **extra,
    )


@require_GET
@caching.cached_page
def review_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.VIEW)
    return render(request, "reviews/review_detail.html", _detail_context(request, review))


@require_POST
def review_due_date(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Confirm the review's due date: the day the app compares with today."""
    review = _review(request, slug, pk, Capability.EDIT_REVIEWS)
    form = DueDateForm(request.POST)
    if submit(form, services.review_due_date_confirm, review=review, by=request.user):
        messages.success(request, _("The due date is confirmed."))
        return redirect(review.get_absolute_url())
    context = _detail_context(request, review, due_form=form)
    return render(request, "reviews/review_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
@caching.cached_page
def review_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.EDIT_REVIEWS)
    form = ReviewForm(request.POST or None, instance=review)
    if submit(form, services.review_update, data=form.update_data, review=review, by=request.user):
        messages.success(request, saved_message(form.changes()))
        return redirect(review.get_absolute_url())
    sources_form, evidence = _sources_form(request, review)
    return _edit_page(request, review, form, sources_form, evidence)


@require_POST
def review_sources(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.EDIT_REVIEWS)
    form, evidence = _sources_form(request, review, request.POST)
    if submit(form, services.review_sources_set, data=form.service_data, review=review):
        messages.success(request, _("The sources were saved."))
        return redirect(review.get_absolute_url())
    return _edit_page(request, review, ReviewForm(instance=review), form, evidence)


def _edit_page(
    request: HttpRequest,
    review: Review,
    form: ReviewForm,
    sources_form: SourcesForm,
    evidence: partnership_selectors.EvidenceChoices,
) -> HttpResponse:
    """The review's edit page: the form of the review and the form of its sources, each
    saved on its own (400 when the one sent was refused)."""
    context = partnership_context(
        request,
        review.partnership,
        review=review,
        form=form,
        sources_form=sources_form,
        evidence=evidence,
    )
    status = form_status(form, sources_form)
    return render(request, "reviews/review_edit.html", context, status=status)


def _numbered(subjects: QuerySet, number: int, *, missing: str) -> Any:
    """The partnership's goal or priority area numbered ``number`` (a 404 that says
    ``missing`` if it has none)."""
    subject = subjects.filter(number=number).first()
    if subject is None:
        raise Http404(missing)
    return subject


def _assessment_form(request: HttpRequest, current: Any) -> AssessmentForm:
    initial = {"rating": current.rating, "narrative": current.narrative} if current else None
    return AssessmentForm(request.POST or None, initial=initial)


def _assessment_page(
    request: HttpRequest, review: Review, form: AssessmentForm, *, heading: str, subject_text: str
) -> HttpResponse:
    context = partnership_context(
        request,
        review.partnership,
        review=review,
        subject_text=subject_text,
        heading=heading,
        form=form,
    )
    return render(request, "reviews/assessment_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@caching.cached_page
def goal_assessment(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.EDIT_REVIEWS)
    goal = _numbered(review.partnership.goals, number, missing=_("No such goal."))
    form = _assessment_form(request, review.goal_assessments.filter(goal=goal).first())
    if submit(form, services.goal_assessment_save, review=review, goal=goal, by=request.user):
        messages.success(
            request, _("The assessment of goal %(number)s was saved.") % {"number": goal.number}
        )
        return redirect(review.get_absolute_url())
    heading = _("Goal %(number)s") % {"number": goal.number}
    return _assessment_page(request, review, form, heading=heading, subject_text=goal.text)


@require_http_methods(["GET", "POST"])
@caching.cached_page
def priority_area_assessment(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.EDIT_REVIEWS)
    area = _numbered(review.partnership.priority_areas, number, missing=_("No such priority area."))
    form = _assessment_form(
        request, review.priority_area_assessments.filter(priority_area=area).first()
    )
    if submit(
        form,
        services.priority_area_assessment_save,
        review=review,
        priority_area=area,
        by=request.user,
    ):
        messages.success(
            request,
            _("The assessment of priority area %(number)s was saved.") % {"number": area.number},
        )
        return redirect(review.get_absolute_url())
    heading = _("Priority area %(number)s") % {"number": area.number}
    return _assessment_page(request, review, form, heading=heading, subject_text=area.title)


@require_POST
def finding_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.EDIT_REVIEWS)
    form = FindingForm(request.POST, auto_id=_FINDING_IDS)
    if submit(form, services.finding_create, review=review):
        messages.success(request, _("The finding was added."))
        return redirect(review.get_absolute_url())
    context = _detail_context(request, review, finding_form=form)
    return render(request, "reviews/review_detail.html", context, status=400)


@require_POST
def recommendation_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.EDIT_REVIEWS)
    form = RecommendationForm(request.POST, review=review, auto_id=_RECOMMENDATION_IDS)
    if submit(form, services.recommendation_create, review=review):
        messages.success(request, _("The recommendation was added."))
        return redirect(review.get_absolute_url())
    context = _detail_context(request, review, recommendation_form=form)
    return render(request, "reviews/review_detail.html", context, status=400)


_ITEM_ACCESS = {"finding": access.findings, "recommendation": access.recommendations}
# What the edit and delete pages say of each kind of item, whole sentences so that each
# language words them its own way (the URL's "finding" is not a word of the page).
_ITEM_WORDS = {
    "finding": {
        "edit": _("Edit finding %(number)s"),
        "saved": _("The finding was saved."),
        "delete": _("Delete finding %(number)s"),
        "deleted": _("Finding %(number)s was deleted."),
        "what": _(
            "Delete finding %(number)s of “%(title)s”: “%(truncator)s”. The numbers of the "
            "other findings do not change."
        ),
    },
    "recommendation": {
        "edit": _("Edit recommendation %(number)s"),
        "saved": _("The recommendation was saved."),
        "delete": _("Delete recommendation %(number)s"),
        "deleted": _("Recommendation %(number)s was deleted."),
        "what": _(
            "Delete recommendation %(number)s of “%(title)s”: “%(truncator)s”. The numbers of "
            "the other recommendations do not change."
        ),
    },
}


def _item(request: HttpRequest, slug: str, pk: int, kind: str, number: int) -> Any:
    return _ITEM_ACCESS[kind].get(
        user=request.user,
        capability=Capability.EDIT_REVIEWS,
        review__partnership__slug=slug,
        review_id=pk,
        number=number,
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def item_edit(request: HttpRequest, slug: str, pk: int, kind: str, number: int) -> HttpResponse:
    item = _item(request, slug, pk, kind, number)
    review = item.review
    if kind == "recommendation":
        initial = {"text": item.text, "finding": item.finding_id}
        form = RecommendationForm(request.POST or None, initial=initial, review=review)
    else:
        form = FindingForm(request.POST or None, initial={"text": item.text})
    if submit(form, services.review_item_update, data=form.update_data, item=item, by=request.user):
        messages.success(request, _ITEM_WORDS[kind]["saved"])
        return redirect(review.get_absolute_url())
    numbered = {"number": item.number}
    context = partnership_context(
        request,
        review.partnership,
        review=review,
        item=item,
        kind=kind,
        form=form,
        heading=_ITEM_WORDS[kind]["edit"] % numbered,
        delete_label=_ITEM_WORDS[kind]["delete"] % numbered,
    )
    return render(request, "reviews/item_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@caching.cached_page
def item_delete(request: HttpRequest, slug: str, pk: int, kind: str, number: int) -> HttpResponse:
    """GET: what deleting the finding or recommendation does. POST, with the reason:
    delete it."""
    item = _item(request, slug, pk, kind, number)
    review = item.review
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_item_delete(item=item, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _ITEM_WORDS[kind]["deleted"] % {"number": number})
        return redirect(review.get_absolute_url())
    words = _ITEM_WORDS[kind]
    consequences = [
        words["what"]
        % {
            "number": number,
            "title": review.title,
            "truncator": Truncator(item.text).chars(120),
        },
        _("Keep its text and your reason in the change history."),
    ]
    if kind == "finding" and item.recommendations.exists():
        consequences.append(_("Leave the recommendations that answer it without a finding."))
    return confirm_page(
        request,
        review.partnership,
        title=words["delete"] % {"number": number},
        consequences=consequences,
        form=form,
        confirm_label=words["delete"] % {"number": number},
        back=reverse(f"reviews:{kind}-edit", args=[slug, pk, number]),
    )


@require_POST
def review_render(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.EDIT_REVIEWS)
    try:
        version = services.report_version_request(review=review, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if request.htmx:
            context = partnership_context(request, review.partnership, **_versions_context(review))
            return render(request, "reviews/partials/versions.html", context)
        messages.success(
            request,
            _("Version %(number)s (a draft) is queued for rendering.") % {"number": version.number},
        )
    return redirect(review.get_absolute_url())


@require_GET
@caching.cached_page
def review_versions(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The versions table alone: the review page polls it while a render is pending."""
    review = _review(request, slug, pk, Capability.VIEW)
    context = partnership_context(request, review.partnership, **_versions_context(review))
    return render(request, "reviews/partials/versions.html", context)


def _version(request: HttpRequest, slug: str, pk: int, capability: Capability) -> ReportVersion:
    return access.report_versions.get(
        user=request.user, capability=capability, review__partnership__slug=slug, pk=pk
    )


@require_POST
def version_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    version = _version(request, slug, pk, Capability.EDIT_REVIEWS)
    try:
        services.report_version_retry(version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Version %(number)s is queued again.") % {"number": version.number}
        )
    if request.htmx:
        context = partnership_context(
            request, version.review.partnership, **_versions_context(version.review)
        )
        return render(request, "reviews/partials/versions.html", context)
    return redirect(version.review.get_absolute_url())


def _issue_consequences(version: ReportVersion, issuer: Any) -> list[str]:
    """What issuing the review's report from ``version`` will do (one query)."""
    review = version.review
    number = selectors.next_version_number(review=review)
    name = issuer.get_full_name() or issuer.username
    lines = [
        _(
            "Render version %(number)s of the report from the review's data as it stands now, "
            "as the issued report: its cover and every page say it was issued by %(name)s on "
            "%(day)s. Version %(draft)s, the draft, stays a draft."
        )
        % {
            "number": number,
            "name": name,
            "day": site_date(timezone.now()),
            "draft": version.number,
        },
        _(
            "Make the review issued as soon as that file is stored. The issued file never "
            "changes, and no further version of the report is rendered."
        ),
        _("Lock the review's assessments, findings, recommendations and sources from now on."),
    ]
    goal = review.fulfils_goal
    if goal is not None:
        lines.append(
            _(
                "Leave the status of overall goal %(number)s as it is: once the report is "
                "issued, the goal's page asks you to update it."
            )
            % {"number": goal.number}
        )
    return lines


@require_http_methods(["GET", "POST"])
def version_issue(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what issuing will do, and the reason to give. POST: issue (render the final
    version; the review becomes issued when its file is stored)."""
    version = _version(request, slug, pk, Capability.EDIT_REVIEWS)
    review = version.review
    refusal = services.issue_refusal(review, version)
    if refusal:
        messages.error(request, refusal)
        return redirect(review.get_absolute_url())
    form = ConfirmForm(request.POST or None)
    if done := submit(form, services.report_version_issue, version=version, by=request.user):
        messages.success(
            request,
            _(
                "Version %(number)s is being rendered as the issued report. The review "
                "is issued as soon as its file is stored."
            )
            % {"number": done.value.number},
        )
        return redirect(review.get_absolute_url())
    return confirm_page(
        request,
        review.partnership,
        title=_("Issue the report of “%(title)s”") % {"title": review.title},
        consequences=_issue_consequences(version, request.user),
        form=form,
        confirm_label=_("Issue the report"),
        back=review.get_absolute_url(),
    )


def download_filename(version: ReportVersion) -> str:
    """A file name made of the partnership, the review and the version: no user's path."""
    stem = slugify(f"{version.review.partnership.slug} {version.review.title}")[:100] or "review"
    return f"{stem}-v{version.number}.pdf"


def version_file_response(version: ReportVersion) -> FileResponse:
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=download_filename(version),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


def dossier_file_response(dossier: Dossier) -> FileResponse:
    stem = slugify(dossier.partnership.slug)[:60]
    name = f"{stem}-dossier-{dossier.pk}.zip"
    response = FileResponse(
        dossier.file.open("rb"), as_attachment=True, filename=name, content_type="application/zip"
    )
    response["Cache-Control"] = "no-store"
    return response


def dossier_delivery(request: HttpRequest, dossier: Dossier, *, channel: str) -> FileResponse:
    """The dossier's ZIP, logged as a download (a HEAD request: the headers, no log entry).
    Raises ValidationError while there is no file."""
    if request.method == "HEAD":
        services.dossier_require_file(dossier=dossier)
    else:
        services.dossier_log_download(dossier=dossier, by=request.user, channel=channel)
    return dossier_file_response(dossier)


def version_delivery(request: HttpRequest, version: ReportVersion, *, channel: str) -> FileResponse:
    """The version's file, logged as a download. A HEAD request gets the same headers and
    no log entry: nothing is delivered. Raises ValidationError while there is no file."""
    if request.method == "HEAD":
        services.report_version_require_file(version=version)
    else:
        services.report_version_log_download(version=version, by=request.user, channel=channel)
    return version_file_response(version)


@require_safe
def version_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    version = _version(request, slug, pk, Capability.DOWNLOAD)
    try:
        return version_delivery(request, version, channel=DownloadLog.Channel.PAGE)
    except ValidationError as error:
        raise Http404(_("This version has no file yet.")) from error


def _sha256_of(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


@require_http_methods(["GET", "POST"])
@caching.cached_page
def verify(request: HttpRequest, slug: str) -> HttpResponse:
    """Which report version (or dossier) is this file? Answers from the SHA-256 of the
    uploaded bytes."""
    partnership = partnership_access.partnerships.get(user=request.user, slug=slug)
    form = VerifyForm(request.POST or None, request.FILES or None)
    checked = None
    match = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload is not None and upload.size > settings.UPLOAD_MAX_BYTES:
            form.add_error("file", _("The file is larger than any report this app renders."))
        else:
            checked = _sha256_of(upload) if upload is not None else form.cleaned_data["sha256"]
            match = selectors.report_version_by_sha256(partnership=partnership, sha256=checked)
    issued = (
        selectors.issued_version(review_id=match.review_id)
        if match is not None and not match.is_issued
        else None
    )
    dossier = (
        selectors.dossier_by_sha256(partnership=partnership, sha256=checked)
        if checked and match is None
        else None
    )
    context = partnership_context(
        request,
        partnership,
        form=form,
        checked=checked,
        match=match,
        issued=issued,
        dossier=dossier,
    )
    return render(request, "reviews/verify.html", context, status=form_status(form))


DOWNLOAD_LOG_PAGE_SIZE = 50


@require_GET
@caching.cached_page
def download_log(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_access.partnerships.get(
        user=request.user, capability=Capability.VIEW_HISTORY, slug=slug
    )
    paginator = Paginator(selectors.download_log(partnership=partnership), DOWNLOAD_LOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    dossier_downloads = selectors.dossier_downloads(partnership=partnership)[
        :DOWNLOAD_LOG_PAGE_SIZE
    ]
    context = partnership_context(
        request, partnership, page=page, dossier_downloads=dossier_downloads
    )
    return render(request, "reviews/download_log.html", context)


# --- Dossiers ------------------------------------------------------------------------------


def _dossiers_context(
    request: HttpRequest, partnership: Any, *, review: Review | None = None
) -> dict[str, Any]:
    """The dossiers table: a page of the partnership's dossiers (or a review's), and while
    one on it is being collected the address the table polls itself from (the same page)."""
    dossiers, query = paged(
        request, selectors.dossiers_of(partnership=partnership, review=review), DOSSIERS_PER_PAGE
    )
    url = (
        reverse("reviews:review-dossiers", args=[partnership.slug, review.pk])
        if review is not None
        else reverse("reviews:dossier-table", args=[partnership.slug])
    )
    if dossiers.number > 1:
        url = f"{url}?page={dossiers.number}"
    return {
        "dossiers": dossiers,
        "query": query,
        "dossiers_polling": any(dossier.is_pending for dossier in dossiers),
        "dossiers_url": url,
    }


def _dossier_partnership(request: HttpRequest, slug: str) -> Any:
    return partnership_access.partnerships.get(
        user=request.user, capability=Capability.VIEW_HISTORY, slug=slug
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def dossier_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's dossiers, and the form to collect one for a year."""
    partnership = _dossier_partnership(request, slug)
    form = DossierYearForm(request.POST or None, partnership=partnership)
    if done := submit(form, services.dossier_request, partnership=partnership, by=request.user):
        messages.success(
            request,
            _("Dossier %(pk)s is queued: it is collected shortly.") % {"pk": done.value.pk},
        )
        return redirect("reviews:dossier-list", slug=slug)
    # The reviews next due link to their pages; the review list holds the rest.
    reviews = list(selectors.reviews_due(partnership=partnership)[: REVIEWS_LINKED + 1])
    context = partnership_context(
        request,
        partnership,
        reviews=reviews[:REVIEWS_LINKED],
        more_reviews=len(reviews) > REVIEWS_LINKED,
        **_dossiers_context(request, partnership),
        form=form,
    )
    return render(request, "reviews/dossier_list.html", context, status=form_status(form))


@require_GET
@caching.cached_page
def dossier_table(request: HttpRequest, slug: str) -> HttpResponse:
    """The dossiers table alone: the dossiers page polls it while a dossier is pending."""
    partnership = _dossier_partnership(request, slug)
    context = partnership_context(request, partnership, **_dossiers_context(request, partnership))
    return render(request, "reviews/partials/dossiers.html", context)


@require_GET
@caching.cached_page
def review_dossiers(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The review's dossiers table alone: the review page polls it while one is pending."""
    review = _review(request, slug, pk, Capability.VIEW_HISTORY)
    context = partnership_context(
        request, review.partnership, **_dossiers_context(request, review.partnership, review=review)
    )
    return render(request, "reviews/partials/dossiers.html", context)


@require_POST
def review_dossier(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = _review(request, slug, pk, Capability.VIEW_HISTORY)
    dossier = services.dossier_request(review=review, by=request.user)
    messages.success(request, _("Dossier %(pk)s of this review is queued.") % {"pk": dossier.pk})
    return redirect(review.get_absolute_url() + "#dossier-heading")


@require_safe
def dossier_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    dossier = access.dossiers.get(
        user=request.user, capability=Capability.VIEW_HISTORY, partnership__slug=slug, pk=pk
    )
    try:
        return dossier_delivery(request, dossier, channel=DownloadLog.Channel.PAGE)
    except ValidationError as error:
        raise Http404(_("This dossier has no file yet.")) from error
