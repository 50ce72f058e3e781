"""Writes to the partnership record. Each is atomic and validates before it saves."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core import periods
from core.reasons import clean_reason
from core.services import apply_changes
from core.services import editable
from core.services import record_create
from core.services import record_update
from core.uploads import validate_upload

from .models import Currency
from .models import Document
from .models import GoalUpdate
from .models import Organisation
from .models import OrganisationFact
from .models import OverallGoal
from .models import Partnership
from .models import PriorityArea
from .models import Risk
from .models import RiskAssessment

DEFAULT_DONOR = "Denmark — Ministry of Foreign Affairs"
Status = Partnership.Status
# A partnership moves forward only: a draft is agreed (active), an agreement ends (closed).
STATUS_MOVES = {
    Status.DRAFT: {Status.DRAFT, Status.ACTIVE},
    Status.ACTIVE: {Status.ACTIVE, Status.CLOSED},
    Status.CLOSED: {Status.CLOSED},
}

# The terms of the agreement: an edit may change them and a strategy file states them
# (``portfolio.strategy_file``), so a term added here is edited and carried alike.
AGREEMENT_TERMS = (
    "donor",
    "start_date",
    "end_date",
    "annual_amount",
    "currency",
    "funding_note",
    "signature_date",
    "status",
    "mid_term_review_due",
)

# The fields of each record that an edit may change: the forms and the serializers list
# these, and the update services refuse any other.
PARTNERSHIP_FIELDS = ("title", *AGREEMENT_TERMS, "strategy_language")
PRIORITY_AREA_FIELDS = ("title", "short_title", "description")
GOAL_FIELDS = (
    "text",
    "priority_area",
    "indicator",
    "unit",
    "baseline_value",
    "baseline_year",
    "baseline_note",
    "target_value",
    "target_description",
)
RISK_FIELDS = ("title", "description")
DOCUMENT_FIELDS = ("kind", "title", "year", "reference")


def partnership_update(
    *, partnership: Partnership, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> Partnership:
    """Change the agreement's facts (``PARTNERSHIP_FIELDS``); the reason goes with the
    history entry. A change that differs in nothing writes nothing. Its status moves
    forward only (``STATUS_MOVES``). Its period cannot shrink away from what the apps hold
    of it by the year or the day (``core.periods``): budget lines, consultations, goal
    updates, risk assessments; what would fall outside is named at the date that would."""
    editable(PARTNERSHIP_FIELDS, changes)
    if not {"start_date", "end_date", "status"} & set(changes):
        return record_update(instance=partnership, data=changes, reason=reason, by=by)
    # The rules compare with the stored record: the page's form has already set the new
    # values on the instance it was given.
    stored = Partnership.objects.only("title", "status", "start_date", "end_date").get(
        pk=partnership.pk
    )
    if "start_date" in changes or "end_date" in changes:
        _check_period(stored, changes)
    status = changes.get("status", stored.status)
    if status not in STATUS_MOVES[Status(stored.status)]:
        raise ValidationError(
            {
                "status": _(
                    "%(title)s is %(status)s: it cannot become %(new_status)s. A draft becomes "
                    "active, an active partnership closed."
                )
                % {
                    "title": stored.title,
                    "status": stored.get_status_display().lower(),
                    "new_status": Status(status).label.lower(),
                }
            }
        )
    return record_update(instance=partnership, data=changes, reason=reason, by=by)


def _check_period(stored: Partnership, changes: Mapping[str, Any]) -> None:
    # Not locked: the creates of lines and consultations check the period without
    # locking the partnership either.
    start_date = changes.get("start_date", stored.start_date)
    end_date = changes.get("end_date", stored.end_date)
    if start_date and end_date and start_date <= end_date:  # else the model's clean says so
        outside = periods.outside(partnership=stored, start_date=start_date, end_date=end_date)
        if outside:
            raise ValidationError(outside)


# --- Creating organisations, partnerships and what a strategy holds ---------------------------


@transaction.atomic
def organisation_create(
    *,
    by: Any,
    name: str,
    acronym: str,
    headquarters: str = "",
    founded: int | None = None,
    member_states: int | None = None,
    countries_with_offices: int | None = None,
    un_related_since: int | None = None,
    iati_identifier: str = "",
    citation: str = "",
    reason: str = "",
) -> Organisation:
    """A multilateral organisation the ministry may hold partnerships with."""
    name = name.strip()
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("%(name)s is already recorded: choose it instead.") % {"name": name}}
        )
    organisation = Organisation(
        name=name,
        acronym=acronym.strip(),
        headquarters=headquarters.strip(),
        founded=founded,
        member_states=member_states,
        countries_with_offices=countries_with_offices,
        un_related_since=un_related_since,
        iati_identifier=iati_identifier.strip(),
        citation=citation.strip(),
    )
    return record_create(instance=organisation, by=by, reason=reason)


@transaction.atomic
def organisation_fact_create(
    *, organisation: Organisation, by: Any, label: str, value: str, citation: str, reason: str = ""
) -> OrganisationFact:
    """A further fact a strategy states about the organisation, after those recorded."""
    last = organisation.facts.aggregate(m=Max("order"))["m"] or 0
    fact = OrganisationFact(
        organisation=organisation, order=last + 1, label=label, value=value, citation=citation
    )
    return record_create(instance=fact, by=by, reason=reason)


def default_slug(*, donor: str, acronym: str, start_date: date, end_date: date) -> str:
    """``denmark-iom-2021-2025``: the donor's first word, the acronym and the years."""
    words = (donor or "").split()
    first = words[0] if words else ""
    return slugify(f"{first} {acronym} {start_date.year} {end_date.year}")[:80].strip("-")


def partnership_slug_check(slug: str) -> None:
    """Refuses a slug another partnership has (a partnership's addresses are by its slug)."""
    if Partnership.objects.filter(slug=slug).exists():
        raise ValidationError(
            {
                "slug": _("The slug %(slug)s is taken by another partnership: give one of its own.")
                % {"slug": slug}
            }
        )


@transaction.atomic
def partnership_create(
    *,
    by: Any,
    organisation: Organisation,
    title: str,
    start_date: date,
    end_date: date,
    annual_amount: Decimal,
    currency: str = Currency.DKK,
    slug: str = "",
    donor: str = DEFAULT_DONOR,
    funding_note: str = "",
    signature_date: date | None = None,
    status: str = Status.DRAFT,
    mid_term_review_due: str = "",
    strategy_title: str = "",
    strategy_date: str = "",
    strategy_language: str = "en",
    citation: str = "",
    previous: Partnership | None = None,
    strategy_document: UploadedFile | None = None,
    reason: str = "",
) -> Partnership:
    """A new partnership (a draft unless ``status`` says otherwise) with the organisation.
    Without a slug it is made from the donor, the organisation's acronym and the years.
    ``strategy_document`` is the strategy's file, stored as its first document; ``previous``
    the partnership it renews."""
    if not slug and start_date and end_date:
        slug = default_slug(
            donor=donor, acronym=organisation.acronym, start_date=start_date, end_date=end_date
        )
    if slug:
        partnership_slug_check(slug)
    partnership = Partnership(
        organisation=organisation,
        title=title.strip(),
        slug=slug,
        donor=donor.strip(),
        start_date=start_date,
        end_date=end_date,
        annual_amount=annual_amount,
        currency=currency,
        funding_note=funding_note.strip(),
        signature_date=signature_date,
        status=status,
        mid_term_review_due=mid_term_review_due.strip(),
        strategy_title=strategy_title.strip(),
        strategy_date=strategy_date.strip(),
        strategy_language=strategy_language,
        citation=citation.strip(),
        previous=previous,
    )
    record_create(instance=partnership, by=by, reason=reason)
    if strategy_document is not None:
        try:
            document_create(
                partnership=partnership,
                by=by,
                kind=Document.Kind.STRATEGY,
                title=strategy_title.strip() or title.strip(),
                file=strategy_document,
            )
        except ValidationError as error:
            raise ValidationError({"strategy_document": error.messages}) from error
    return partnership


NEW_ORGANISATION_PREFIX = "new_organisation_"


@transaction.atomic
def partnership_create_with_organisation(
    *, by: Any, new_organisation: Mapping[str, Any], **fields: Any
) -> Partnership:
    """A new organisation (``organisation_create``'s arguments) and a partnership with it
    (``partnership_create``'s): both are saved, or neither. The organisation's errors name
    the fields ``new_organisation_<field>``."""
    try:
        organisation = organisation_create(by=by, **new_organisation)
    except ValidationError as error:
        raise ValidationError(
            {
                f"{NEW_ORGANISATION_PREFIX}{'name' if name == NON_FIELD_ERRORS else name}": messages
                for name, messages in error.message_dict.items()
            }
        ) from error
    return partnership_create(by=by, organisation=organisation, **fields)


def _check_open(partnership: Partnership) -> None:
    """A closed partnership's strategy is kept as it ended."""
    if partnership.status == Status.CLOSED:
        raise ValidationError(
            _("%(title)s is closed: its strategy is kept as it ended.")
            % {"title": partnership.title}
        )


# How a message names a priority area, goal or risk.
_RECORD_NAMES = {
    PriorityArea: _("Priority area %(number)s"),
    OverallGoal: _("Goal %(number)s"),
    Risk: _("Risk %(number)s"),
}


def strategy_record_check(record: PriorityArea | OverallGoal | Risk) -> None:
    """A priority area, goal or risk may still change: a closed partnership's strategy, and
    what was retired from it, stay as they were (a ValidationError saying which otherwise).
    The update and retire services check it; their pages ask it before offering a form."""
    _check_open(record.partnership)
    if record.retired_on is not None:
        raise ValidationError(
            _("%(name)s was retired on %(date)s.")
            % {
                "name": _RECORD_NAMES[type(record)] % {"number": record.number},
                "date": date_format(record.retired_on),
            }
        )


def _check_area(partnership_id: int, area: PriorityArea | None, current_id: int | None = None):
    """A goal's priority area is one of its partnership's, not retired (unless it is the
    one the goal already has)."""
    if area is None:
        return
    if area.partnership_id != partnership_id:
        raise ValidationError(
            {"priority_area": _("Choose a priority area of the goal's partnership.")}
        )
    if area.retired_on is not None and area.pk != current_id:
        raise ValidationError(
            {
                "priority_area": _("Priority area %(number)s was retired: choose a current one.")
                % {"number": area.number}
            }
        )


# What a strategy numbers: its priority areas, goals and risks.
Numbered = TypeVar("Numbered", PriorityArea, OverallGoal, Risk)


def _numbered_create(
    model: type[Numbered],
    *,
    partnership: Partnership,
    number: int | None,
    by: Any,
    reason: str,
    **fields: Any,
) -> Numbered:
    """A new priority area, goal or risk of ``partnership``, numbered after its last unless
    ``number`` says otherwise; the texts typed into it are saved stripped."""
    if not number:
        last = model.objects.filter(partnership=partnership).aggregate(m=Max("number"))["m"]
        number = (last or 0) + 1
    record = model(
        partnership=partnership,
        number=number,
        **{name: v.strip() if isinstance(v, str) else v for name, v in fields.items()},
    )
    return record_create(instance=record, by=by, reason=reason)


@transaction.atomic
def priority_area_create(
    *,
    partnership: Partnership,
    by: Any,
    title: str,
    number: int | None = None,
    short_title: str = "",
    description: str = "",
    citation: str = "",
    reason: str = "",
) -> PriorityArea:
    """A priority area of a draft or active partnership, numbered after the last unless
    ``number`` says otherwise."""
    _check_open(partnership)
    return _numbered_create(
        PriorityArea,
        partnership=partnership,
        number=number,
        by=by,
        reason=reason,
        title=title,
        short_title=short_title,
        description=description,
        citation=citation,
    )


@transaction.atomic
def goal_create(
    *,
    partnership: Partnership,
    by: Any,
    text: str,
    number: int | None = None,
    priority_area: PriorityArea | None = None,
    indicator: str = "",
    unit: str = "",
    baseline_value: Decimal | None = None,
    baseline_year: int | None = None,
    baseline_note: str = "",
    baseline_citation: str = "",
    target_value: Decimal | None = None,
    target_description: str = "",
    citation: str = "",
    reason: str = "",
) -> OverallGoal:
    """An overall goal of a draft or active partnership, with its indicator if one fits;
    numbered after the last unless ``number`` says otherwise."""
    _check_open(partnership)
    _check_area(partnership.pk, priority_area)
    return _numbered_create(
        OverallGoal,
        partnership=partnership,
        number=number,
        by=by,
        reason=reason,
        text=text,
        priority_area=priority_area,
        indicator=indicator,
        unit=unit,
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        baseline_note=baseline_note,
        baseline_citation=baseline_citation,
        target_value=target_value,
        target_description=target_description,
        citation=citation,
    )


@transaction.atomic
def risk_create(
    *,
    partnership: Partnership,
    by: Any,
    title: str,
    description: str,
    number: int | None = None,
    citation: str = "",
    reason: str = "",
) -> Risk:
    """A risk of a draft or active partnership, numbered after the last unless ``number``
    says otherwise."""
    _check_open(partnership)
    return _numbered_create(
        Risk,
        partnership=partnership,
        number=number,
        by=by,
        reason=reason,
        title=title,
        description=description,
        citation=citation,
    )


@transaction.atomic
def document_reference_create(
    *,
    partnership: Partnership,
    by: Any,
    kind: str,
    title: str,
    year: int | None = None,
    reference: str = "",
    url: str = "",
    citation: str = "",
    reason: str = "",
) -> Document:
    """A document a strategy cites, by its reference and link if it has one: no file."""
    document = Document(
        partnership=partnership,
        kind=kind,
        title=title.strip(),
        year=year,
        reference=reference.strip(),
        url=url.strip(),
        citation=citation.strip(),
    )
    return record_create(instance=document, by=by, reason=reason)


def priority_area_update(
    *, priority_area: PriorityArea, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> PriorityArea:
    """Change a priority area's text (``PRIORITY_AREA_FIELDS``)."""
    editable(PRIORITY_AREA_FIELDS, changes)
    strategy_record_check(priority_area)
    return record_update(instance=priority_area, data=changes, reason=reason, by=by)


def goal_update(
    *, goal: OverallGoal, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> OverallGoal:
    """Change a goal's text and indicator (``GOAL_FIELDS``). Its priority area must be one
    of the goal's partnership."""
    editable(GOAL_FIELDS, changes)
    strategy_record_check(goal)
    _check_area(goal.partnership_id, changes.get("priority_area"), goal.priority_area_id)
    return record_update(instance=goal, data=changes, reason=reason, by=by)


def risk_update(*, risk: Risk, by: Any, changes: Mapping[str, Any], reason: str = "") -> Risk:
    """Change a risk's text (``RISK_FIELDS``)."""
    editable(RISK_FIELDS, changes)
    strategy_record_check(risk)
    return record_update(instance=risk, data=changes, reason=reason, by=by)


def document_update(
    *, document: Document, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> Document:
    """Change a document's description (``DOCUMENT_FIELDS``); its partnership and its
    stored file or link do not change."""
    editable(DOCUMENT_FIELDS, changes)
    return record_update(instance=document, data=changes, reason=reason, by=by)


@transaction.atomic
def goal_update_create(
    *,
    goal: OverallGoal,
    by: Any,
    as_of: date,
    status: str,
    narrative: str,
    actual_value: Decimal | None = None,
    evidence: Iterable[Document] = (),
    evidence_url: str = "",
    new_document: dict[str, Any] | None = None,
) -> GoalUpdate:
    """Add an update to a goal's timeline. ``new_document`` (the arguments of
    :func:`document_create`) is a document uploaded with it as further evidence: both are
    saved, or neither (its errors name the fields ``new_document_<field>``)."""
    if goal.retired_on is not None:
        raise ValidationError(
            _("Goal %(number)s was retired: its timeline is closed.") % {"number": goal.number}
        )
    evidence = list(evidence)
    foreign = [doc for doc in evidence if doc.partnership_id != goal.partnership_id]
    if foreign:
        raise ValidationError({"evidence": _("Evidence must be a document of this partnership.")})
    if actual_value is not None and not goal.has_indicator:
        raise ValidationError(
            {
                "actual_value": _(
                    "This goal has no quantitative indicator to report a value against."
                )
            }
        )
    update = GoalUpdate(
        goal=goal,
        author=by,
        as_of=as_of,
        status=status,
        narrative=narrative,
        actual_value=actual_value,
        evidence_url=evidence_url,
    )
    update.full_clean()  # before the new document's file is stored
    if new_document is not None:
        evidence.append(_new_evidence(goal, by, new_document))
    update.save()
    if evidence:
        update.evidence.set(evidence)
    return update


def _new_evidence(goal: OverallGoal, by: Any, fields: dict[str, Any]) -> Document:
    try:
        return document_create(partnership=goal.partnership, by=by, **fields)
    except ValidationError as error:
        raise ValidationError(
            {
                f"new_document_{'file' if name == NON_FIELD_ERRORS else name}": messages
                for name, messages in error.message_dict.items()
            }
        ) from error


@transaction.atomic
def risk_assessment_create(
    *,
    risk: Risk,
    by: Any,
    as_of: date,
    likelihood: int,
    impact: int,
    residual_likelihood: int,
    residual_impact: int,
    response: str,
) -> RiskAssessment:
    if risk.retired_on is not None:
        raise ValidationError(
            {
                "risk": _("Risk %(number)s was retired: it is assessed no more.")
                % {"number": risk.number}
            }
        )
    assessment = RiskAssessment(
        risk=risk,
        author=by,
        as_of=as_of,
        likelihood=likelihood,
        impact=impact,
        residual_likelihood=residual_likelihood,
        residual_impact=residual_impact,
        response=response,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def document_create(
    *,
    partnership: Partnership,
    by: Any,
    kind: str,
    title: str,
    year: int | None = None,
    reference: str = "",
    file: UploadedFile | None = None,
    url: str = "",
) -> Document:
    if file and url:
        raise ValidationError({"url": _("Give a file or a link, not both.")})
    if not file and not url:
        raise ValidationError({"file": _("Upload a file or give a link.")})
    document = Document(
        partnership=partnership,
        uploaded_by=by,
        kind=kind,
        title=title,
        year=year,
        reference=reference,
        url=url,
    )
    if file:
        try:
            validate_upload(file)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        document.original_filename = file.name[:255]
        document.file = file
    document.full_clean()
    document.save()
    return document


# --- Retiring what a strategy no longer holds ----------------------------------------------------


def _retire(record: Any, *, by: Any, reason: str) -> Any:
    """Mark a record of a draft or active partnership retired today, with the reason in its
    history. It keeps its history (and a goal its timeline) and leaves what the partnership's
    strategy now holds."""
    reason = clean_reason(reason)
    current = (
        type(record).objects.select_for_update().select_related("partnership").get(pk=record.pk)
    )
    strategy_record_check(current)
    current._history_user = by
    return apply_changes(
        current=current, changes={"retired_on": timezone.localdate()}, reason=reason
    )


@transaction.atomic
def priority_area_retire(*, priority_area: PriorityArea, by: Any, reason: str) -> PriorityArea:
    """Retire a priority area; its goals keep it as theirs."""
    return _retire(priority_area, by=by, reason=reason)


@transaction.atomic
def goal_retire(*, goal: OverallGoal, by: Any, reason: str) -> OverallGoal:
    """Retire a goal: its timeline and history stay readable, it leaves the goal tracker's
    totals, takes no further updates and is not carried into a renewal."""
    return _retire(goal, by=by, reason=reason)


@transaction.atomic
def risk_retire(*, risk: Risk, by: Any, reason: str) -> Risk:
    """Retire a risk: its assessments stay readable, it leaves the risk list and heat map."""
    return _retire(risk, by=by, reason=reason)
