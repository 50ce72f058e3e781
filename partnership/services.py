"""Writes to the partnership record. Each is atomic and validates before it saves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.services import record_update
from core.uploads import validate_upload

from .models import (
    Document,
    GoalUpdate,
    OverallGoal,
    Partnership,
    PriorityArea,
    Risk,
    RiskAssessment,
)

# The fields of each record that an edit may change: the forms and the serializers list
# these, and the update services refuse any other.
PARTNERSHIP_FIELDS = (
    "title",
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


def _only(fields: tuple[str, ...], changes: Mapping[str, Any]) -> Mapping[str, Any]:
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(unknown)}.")
    return changes


def partnership_update(
    *, partnership: Partnership, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> Partnership:
    """Change the agreement's facts (``PARTNERSHIP_FIELDS``); the reason goes with the
    history entry. A change that differs in nothing writes nothing."""
    _only(PARTNERSHIP_FIELDS, changes)
    return record_update(instance=partnership, data=changes, reason=reason, by=by)


def priority_area_update(
    *, priority_area: PriorityArea, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> PriorityArea:
    """Change a priority area's text (``PRIORITY_AREA_FIELDS``)."""
    _only(PRIORITY_AREA_FIELDS, changes)
    return record_update(instance=priority_area, data=changes, reason=reason, by=by)


def goal_update(
    *, goal: OverallGoal, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> OverallGoal:
    """Change a goal's text and indicator (``GOAL_FIELDS``). Its priority area must be one
    of the goal's partnership."""
    _only(GOAL_FIELDS, changes)
    area = changes.get("priority_area")
    if area is not None and area.partnership_id != goal.partnership_id:
        raise ValidationError(
            {"priority_area": _("Choose a priority area of the goal's partnership.")}
        )
    return record_update(instance=goal, data=changes, reason=reason, by=by)


def risk_update(*, risk: Risk, by: Any, changes: Mapping[str, Any], reason: str = "") -> Risk:
    """Change a risk's text (``RISK_FIELDS``)."""
    _only(RISK_FIELDS, changes)
    return record_update(instance=risk, data=changes, reason=reason, by=by)


def document_update(
    *, document: Document, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> Document:
    """Change a document's description (``DOCUMENT_FIELDS``); its partnership and its
    stored file or link do not change."""
    _only(DOCUMENT_FIELDS, changes)
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
