"""Writes to the partnership record. Each is atomic and validates before it saves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from core.uploads import validate_upload

from .models import Document, GoalUpdate, OverallGoal, Partnership, Risk, RiskAssessment


def record_update(
    *, instance: models.Model, data: dict[str, Any], reason: str = ""
) -> models.Model:
    """Change fields of a record, keeping the reason with its history entry.

    Compares with the stored row (locked for the update), so it works on an instance a
    form has already changed in memory; saves only the fields that differ, and a change
    that differs in nothing writes nothing (and no history row).
    """
    model = type(instance)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        changed = [name for name, value in data.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, data[name])
        current.full_clean()
        current._change_reason = reason.strip()  # read by django-simple-history
        current.save(update_fields=changed)
    return current


@transaction.atomic
def goal_update_create(
    *,
    goal: OverallGoal,
    author: Any,
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
        raise ValidationError({"evidence": "Evidence must be a document of this partnership."})
    if actual_value is not None and not goal.has_indicator:
        raise ValidationError(
            {"actual_value": "This goal has no quantitative indicator to report a value against."}
        )
    update = GoalUpdate(
        goal=goal,
        author=author,
        as_of=as_of,
        status=status,
        narrative=narrative,
        actual_value=actual_value,
        evidence_url=evidence_url,
    )
    update.full_clean()  # before the new document's file is stored
    if new_document is not None:
        evidence.append(_new_evidence(goal, author, new_document))
    update.save()
    if evidence:
        update.evidence.set(evidence)
    return update


def _new_evidence(goal: OverallGoal, author: Any, fields: dict[str, Any]) -> Document:
    try:
        return document_create(partnership=goal.partnership, uploaded_by=author, **fields)
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
    author: Any,
    as_of: date,
    likelihood: int,
    impact: int,
    residual_likelihood: int,
    residual_impact: int,
    response: str,
) -> RiskAssessment:
    assessment = RiskAssessment(
        risk=risk,
        author=author,
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
    uploaded_by: Any,
    kind: str,
    title: str,
    year: int | None = None,
    reference: str = "",
    file: UploadedFile | None = None,
    url: str = "",
) -> Document:
    if file and url:
        raise ValidationError({"url": "Give a file or a link, not both."})
    if not file and not url:
        raise ValidationError({"file": "Upload a file or give a link."})
    document = Document(
        partnership=partnership,
        uploaded_by=uploaded_by,
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
