"""The reason a change is made: what the change history keeps beside it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# django-simple-history keeps a change's reason in a column of this length.
REASON_MAX_LENGTH = 100
REASON_REQUIRED = _("Give a reason: it is kept with the change history.")
REASON_TOO_LONG = _(
    "Keep the reason within %(reason_max_length)s characters (it has %(text_count)s): the "
    "change history holds no more."
)


def clean_reason(reason: str | None) -> str:
    """The reason an irreversible or corrective change is made: required, and short enough
    for the change history that keeps it."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": REASON_REQUIRED})
    if len(text) > REASON_MAX_LENGTH:
        counts = {"reason_max_length": REASON_MAX_LENGTH, "text_count": len(text)}
        raise ValidationError({"reason": REASON_TOO_LONG % counts})
    return text
