"""Who may see and do what, per partnership.

Access is per partnership through a membership (``partnership.models.Membership``: a user,
a partnership and a :class:`Role`). A user who is not a member does not see the
partnership or anything in it (404, absent from lists); a member whose role lacks the
capability gets 403. Pages and the API both fetch objects through an
:class:`ObjectAccess`, one per object kind, which each app declares in its ``access.py``.

The memberships are read through the user's ``memberships`` (the related name of the
membership's user), so this module names no app's models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404


class Role(models.TextChoices):
    """A member's role in a partnership (DESIGN.md, Roles)."""

    DESK_OFFICER = "desk_officer", "Desk officer"
    MISSION_STAFF = "mission_staff", "Mission staff"
    AUDITOR = "auditor", "Auditor"


class Capability(StrEnum):
    VIEW = "view"
    EDIT_RECORD = "edit_record"  # agreement, priority areas, goals, risks, documents
    EDIT_FUNDING = "edit_funding"  # budget lines, disbursements, allocations, staff, imports
    EDIT_CONSULTATIONS = "edit_consultations"  # agenda, notes, action points
    EDIT_REVIEWS = "edit_reviews"  # assessments, render and issue PDFs
    CLEAR_NOTES = "clear_notes"
    DOWNLOAD = "download"  # review PDFs and exports
    VIEW_HISTORY = "view_history"  # change history and download log


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.DESK_OFFICER: frozenset(Capability),
    Role.MISSION_STAFF: frozenset(
        {Capability.VIEW, Capability.EDIT_CONSULTATIONS, Capability.DOWNLOAD}
    ),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.DOWNLOAD, Capability.VIEW_HISTORY}),
}

_ROLES_ATTR = "_partnership_roles"
_PORTFOLIO_ADMIN_ATTR = "_is_portfolio_admin"


def roles_of(user: Any) -> dict[int, str]:
    """The user's role per partnership id. One query, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return {}
    roles = getattr(user, _ROLES_ATTR, None)
    if roles is None:
        roles = dict(user.memberships.values_list("partnership_id", "role"))
        setattr(user, _ROLES_ATTR, roles)
    return roles


def is_portfolio_admin(user: Any) -> bool:
    """Whether the user holds the ministry-wide portfolio administrator role (their
    profile's flag; superusers always do). At most one query, cached on the user object.

    The profile is read through the user's ``profile`` (its related name), so this module
    names no app's models."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, _PORTFOLIO_ADMIN_ATTR, None)
    if cached is None:
        try:
            cached = bool(user.profile.is_portfolio_admin)
        except ObjectDoesNotExist:
            cached = False
        setattr(user, _PORTFOLIO_ADMIN_ATTR, cached)
    return cached


def role_in(user: Any, partnership_id: int) -> str | None:
    return roles_of(user).get(partnership_id)


def can(user: Any, partnership_id: int, capability: Capability) -> bool:
    role = role_in(user, partnership_id)
    return role is not None and capability in ROLE_CAPABILITIES[role]


def check(user: Any, partnership_id: int, capability: Capability) -> None:
    """404 for a non-member, 403 for a member whose role lacks the capability."""
    role = role_in(user, partnership_id)
    if role is None:
        raise Http404("No such partnership.")
    if capability not in ROLE_CAPABILITIES[role]:
        raise PermissionDenied("Your role in this partnership does not allow this.")


def capabilities_in(user: Any, partnership_id: int) -> frozenset[Capability]:
    role = role_in(user, partnership_id)
    return ROLE_CAPABILITIES[role] if role else frozenset()


M = TypeVar("M", bound=models.Model)
_ACCESSES: list[ObjectAccess] = []


@dataclass(frozen=True)
class ObjectAccess(Generic[M]):
    """Access to one kind of object, scoped to the user's partnerships.

    ``base`` builds the queryset (with the joins callers need); ``partnership_path`` is
    the lookup from the object to its partnership ("" for a partnership itself).
    """

    base: Callable[[], models.QuerySet[M]]
    partnership_path: str

    def __post_init__(self) -> None:
        _ACCESSES.append(self)

    @property
    def _partnership_id_field(self) -> str:
        return f"{self.partnership_path}_id" if self.partnership_path else "pk"

    def visible(self, user: Any) -> models.QuerySet[M]:
        """Objects of the partnerships the user belongs to (no extra join)."""
        ids = list(roles_of(user))
        return self.base().filter(**{f"{self._partnership_id_field}__in": ids})

    def get(
        self,
        *,
        user: Any,
        capability: Capability = Capability.VIEW,
        queryset: models.QuerySet[M] | None = None,
        **lookup: Any,
    ) -> M:
        """The object, if the user may see it and their role has the capability.

        ``queryset`` (the visible objects with what a caller reads, e.g. annotations)
        defaults to :meth:`visible`."""
        try:
            obj = (self.visible(user) if queryset is None else queryset).get(**lookup)
        except (self.base().model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404("Not found.") from exc
        check(user, self.partnership_id_of(obj), capability)
        return obj

    def partnership_id_of(self, obj: M) -> int:
        if not self.partnership_path:
            return obj.pk
        target: Any = obj
        *hops, last = self.partnership_path.split("__")
        for hop in hops:
            target = getattr(target, hop)
        return getattr(target, f"{last}_id")


def access_for(model: type[models.Model]) -> ObjectAccess | None:
    """The access helper of a kind of object, if it has one (e.g. for the ids an API
    filter accepts)."""
    return next((a for a in _ACCESSES if a.base().model is model), None)
