"""The reason a change is made: what the change history keeps beside it."""

from __future__ import annotations

from django.core.exceptions import ValidationError

# django-simple-history keeps a change's reason in a column of this length.
REASON_MAX_LENGTH = 100
REASON_REQUIRED = "Give a reason: it is kept with the change history."


def clean_reason(reason: str | None) -> str:
    """The reason an irreversible or corrective change is made: required, and short enough
    for the change history that keeps it."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": REASON_REQUIRED})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": f"Keep the reason within {REASON_MAX_LENGTH} characters (it has "
                f"{len(text)}): the change history holds no more."
            }
        )
    return text
