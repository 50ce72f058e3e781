from __future__ import annotations

from django import template

from partnership.models import GoalStatus

register = template.Library()

_STATUS_LABELS = dict(GoalStatus.choices)


@register.filter
def goal_status_label(value: str) -> str:
    return _STATUS_LABELS.get(value, value)
