"""Reads of who belongs to which partnership, in which role."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from core.access import Role
from partnership.models import Membership, Partnership

# Desk officers first: the people to turn to.
_ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(Role.values)),
    output_field=IntegerField(),
)


def members(*, partnership: Partnership) -> QuerySet[Membership]:
    """The partnership's members by role (desk officers first), then by name (one query)."""
    return (
        Membership.objects.filter(partnership=partnership)
        .select_related("user")
        .order_by(_ROLE_ORDER, "user__first_name", "user__last_name", "user__username")
    )


def memberships_of(*, user: Any) -> QuerySet[Membership]:
    """The partnerships the person belongs to, each with their role, newest first (one
    query)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("partnership__organisation")
        .order_by("-partnership__start_date", "partnership__title")
    )
