"""Who may see and do what, per partnership.

Access is per partnership through a membership (``partnership.models.Membership``: a user,
a partnership and a :class:`Role`). A user who is not a member does not see the
partnership or anything in it (404, absent from lists), unless they are a portfolio
administrator, who reads every partnership (``PORTFOLIO_ADMIN_CAPABILITIES``); a member
whose role lacks the capability gets 403. Pages and the API both fetch objects through an
:class:`ObjectAccess`, one per object kind, which each app declares in its ``access.py``.

The memberships and the portfolio administrator's flag are read through the user's
``memberships`` and ``profile`` (the related names of the membership's and the profile's
user), so this module names no app's models.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from typing import Generic
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A member's role in a partnership (DESIGN.md, Roles)."""

    DESK_OFFICER = "desk_officer", _("Desk officer")
    MISSION_STAFF = "mission_staff", _("Mission staff")
    AUDITOR = "auditor", _("Auditor")


class Capability(StrEnum):
    VIEW = "view"
    EDIT_RECORD = "edit_record"  # agreement, priority areas, goals, risks, documents
    EDIT_FUNDING = "edit_funding"  # budget lines, disbursements, allocations, staff, imports
    EDIT_CONSULTATIONS = "edit_consultations"  # agenda, notes, action points
    EDIT_REVIEWS = "edit_reviews"  # assessments, render and issue PDFs
    CLEAR_NOTES = "clear_notes"
    DOWNLOAD = "download"  # review PDFs and exports
    VIEW_HISTORY = "view_history"  # change history and download log
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove (portfolio admins too)


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.DESK_OFFICER: frozenset(Capability),
    Role.MISSION_STAFF: frozenset(
        {Capability.VIEW, Capability.EDIT_CONSULTATIONS, Capability.DOWNLOAD}
    ),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.DOWNLOAD, Capability.VIEW_HISTORY}),
}


def roles_with(capability: Capability) -> list[Role]:
    """The roles whose members may do this, in the order the roles are declared (e.g. to
    tell those who may not whom to ask)."""
    return [role for role in Role if capability in ROLE_CAPABILITIES[role]]


# What a portfolio administrator may do in a partnership they hold no role in: read it and
# download its reports and exports (DESIGN.md: nobody sees a partnership they hold no role
# in, except portfolio administrators). To change it they take a role in it.
PORTFOLIO_ADMIN_CAPABILITIES = frozenset({Capability.VIEW, Capability.DOWNLOAD})

_ROLES_ATTR = "_partnership_roles"
_ROLE_IN_ATTR = "_partnership_role_in"
_PORTFOLIO_ADMIN_ATTR = "_is_portfolio_admin"


def _load(user: Any) -> None:
    """Read the user's roles and portfolio administrator flag in one query (the profile and
    the memberships joined to the user) and keep both on the user object."""
    rows = list(
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .values_list(
            "profile__is_portfolio_admin", "memberships__partnership_id", "memberships__role"
        )
    )
    setattr(user, _ROLES_ATTR, {pid: role for _, pid, role in rows if pid is not None})
    setattr(user, _PORTFOLIO_ADMIN_ATTR, any(flag for flag, _, _ in rows))


_READER_ROLE = "access_reader_role"
_READER_ADMIN = "access_reader_is_portfolio_admin"


def _role_unknown(user: Any) -> bool:
    """Whether role_in would read the database for this user (signed in, roles not read)."""
    return getattr(user, "is_authenticated", False) and getattr(user, _ROLES_ATTR, None) is None


def _remember_role_in(user: Any, partnership_id: int, role: str | None, flag: Any) -> None:
    """Keep what role_in and is_portfolio_admin read (the role in one partnership, the
    portfolio administrator flag), read by a query that had another purpose."""
    known = getattr(user, _ROLE_IN_ATTR, None)
    if known is None:
        known = {}
        setattr(user, _ROLE_IN_ATTR, known)
    known[partnership_id] = role
    if getattr(user, _PORTFOLIO_ADMIN_ATTR, None) is None:
        setattr(user, _PORTFOLIO_ADMIN_ATTR, bool(flag))


def _load_role_in(user: Any, partnership_id: int) -> str | None:
    """The user's role in one partnership and their portfolio administrator flag, in one
    query of one row: a page of one partnership reads no row for every other partnership
    the user holds a role in. Kept on the user object."""
    row = (
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .values_list(
            "profile__is_portfolio_admin",
            models.Subquery(
                user.memberships.filter(partnership_id=partnership_id).values("role")[:1]
            ),
        )
        .first()
    )
    flag, role = row if row is not None else (False, None)
    _remember_role_in(user, partnership_id, role, flag)
    return role


def roles_of(user: Any) -> dict[int, str]:
    """The user's role per partnership id: a row for every partnership they hold a role
    in. One query (with ``is_portfolio_admin``), cached on the user object. What concerns
    one partnership asks :func:`role_in` instead, which reads that one row."""
    if not getattr(user, "is_authenticated", False):
        return {}
    if getattr(user, _ROLES_ATTR, None) is None:
        _load(user)
    return getattr(user, _ROLES_ATTR)


def roles_in(user: Any, partnership_ids: list[int]) -> dict[int, str]:
    """The user's role in each of these partnerships that they hold one in: from the roles
    already read, or else those memberships alone (one query, a row each at most): a list
    of a page of partnerships reads no row for the user's other ones. Keeps the user's
    portfolio administrator flag, read in the same query."""
    if not getattr(user, "is_authenticated", False):
        return {}
    roles = getattr(user, _ROLES_ATTR, None)
    if roles is not None:
        return {pid: roles[pid] for pid in partnership_ids if pid in roles}
    # With the portfolio administrator flag, as roles_of reads it (a row at least).
    rows = list(
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .annotate(
            these=models.FilteredRelation(
                "memberships", condition=models.Q(memberships__partnership_id__in=partnership_ids)
            )
        )
        .values_list("profile__is_portfolio_admin", "these__partnership_id", "these__role")
    )
    if getattr(user, _PORTFOLIO_ADMIN_ATTR, None) is None:
        setattr(user, _PORTFOLIO_ADMIN_ATTR, any(flag for flag, _, _ in rows))
    found = {pid: role for _, pid, role in rows if pid is not None}
    # What role_in reads from: these partnerships need no query of their own afterwards.
    known = getattr(user, _ROLE_IN_ATTR, None)
    if known is None:
        known = {}
        setattr(user, _ROLE_IN_ATTR, known)
    known.update({pid: found.get(pid) for pid in partnership_ids})
    return found


def is_portfolio_admin(user: Any) -> bool:
    """Whether the user holds the ministry-wide portfolio administrator role (their
    profile's flag; superusers always do). At most one query of one row (none where
    ``roles_of`` or ``role_in`` read it already), cached on the user object.

    The profile is read through the user's ``profile`` (its related name), so this module
    names no app's models."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return False
    if user.is_superuser:
        return True
    if getattr(user, _PORTFOLIO_ADMIN_ATTR, None) is None:
        flag = (
            get_user_model()
            ._default_manager.filter(pk=user.pk)
            .values_list("profile__is_portfolio_admin", flat=True)
            .first()
        )
        setattr(user, _PORTFOLIO_ADMIN_ATTR, bool(flag))
    return getattr(user, _PORTFOLIO_ADMIN_ATTR)


def role_in(user: Any, partnership_id: int) -> str | None:
    """The user's role in the partnership (``None`` where they hold none). Read from the
    roles already read, or else that one membership alone (one query, one row)."""
    if not getattr(user, "is_authenticated", False):
        return None
    roles = getattr(user, _ROLES_ATTR, None)
    if roles is not None:
        return roles.get(partnership_id)
    known = getattr(user, _ROLE_IN_ATTR, None) or {}
    if partnership_id in known:
        return known[partnership_id]
    return _load_role_in(user, partnership_id)


def capabilities_in(user: Any, partnership_id: int) -> frozenset[Capability]:
    """What the user may do in the partnership: their role's capabilities, a portfolio
    administrator's reading where they hold no role, or nothing."""
    role = role_in(user, partnership_id)
    if role is not None:
        return ROLE_CAPABILITIES[role]
    return PORTFOLIO_ADMIN_CAPABILITIES if is_portfolio_admin(user) else frozenset()


def partnership_ids_with(user: Any, capability: Capability) -> models.QuerySet | list[int]:
    """The ids of the partnerships where the user's role grants ``capability``, as a
    subquery for ``partnership_id__in`` (no row read for each role the user holds); none
    for someone not signed in."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = [role for role, allowed in ROLE_CAPABILITIES.items() if capability in allowed]
    return user.memberships.filter(role__in=roles).values("partnership_id")


def refused_everywhere(user: Any, capability: Capability) -> bool:
    """The user holds a role in some partnership but in none whose role grants
    ``capability`` (one query of one row)."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = [role for role, allowed in ROLE_CAPABILITIES.items() if capability in allowed]
    counts = user.memberships.aggregate(
        held=models.Count("pk"), allowed=models.Count("pk", filter=models.Q(role__in=roles))
    )
    return bool(counts["held"]) and not counts["allowed"]


def can(user: Any, partnership_id: int, capability: Capability) -> bool:
    return capability in capabilities_in(user, partnership_id)


# What a 403 says, pages and API alike, wherever a role lacks the right.
ROLE_REFUSED = _("Your role in this partnership does not allow this.")


def check(user: Any, partnership_id: int, capability: Capability) -> None:
    """404 for someone who may not see the partnership, 403 for one who may see it but whose
    role lacks the capability."""
    allowed = capabilities_in(user, partnership_id)
    if not allowed:
        raise Http404(_("No such partnership."))
    if capability not in allowed:
        raise PermissionDenied(ROLE_REFUSED)


M = TypeVar("M", bound=models.Model)
N = TypeVar("N", bound=models.Model)
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

    @classmethod
    def through(cls, model: type[N], partnership_path: str, *related: str) -> ObjectAccess[N]:
        """The access of most kinds of object: their queryset joins the way to their
        partnership and the ``related`` objects their pages read."""
        return cls(
            lambda: model._default_manager.select_related(partnership_path, *related),
            partnership_path,
        )

    @property
    def _partnership_id_field(self) -> str:
        return f"{self.partnership_path}_id" if self.partnership_path else "pk"

    def visible(self, user: Any) -> models.QuerySet[M]:
        """Objects of the partnerships the user belongs to; of every partnership for a
        portfolio administrator. Both are decided in the database (a subquery of the
        user's memberships, and of their flag where it is not yet known): no row is read
        for each partnership the user holds a role in."""
        if not getattr(user, "is_authenticated", False):
            return self.base().none()
        admin = getattr(user, _PORTFOLIO_ADMIN_ATTR, None)
        if user.is_superuser or admin:
            return self.base()
        member = models.Q(
            **{f"{self._partnership_id_field}__in": user.memberships.values("partnership_id")}
        )
        if admin is None:
            member |= models.Q(
                models.Exists(
                    get_user_model()._default_manager.filter(
                        pk=user.pk, profile__is_portfolio_admin=True
                    )
                )
            )
        return self.base().filter(member)

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
        queryset = self.visible(user) if queryset is None else queryset
        reads_role = _role_unknown(user)
        if reads_role:
            queryset = queryset.annotate(**self._reader_role(user))
        try:
            obj = queryset.get(**lookup)
        except (self.base().model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404(_("Not found.")) from exc
        partnership_id = self.partnership_id_of(obj)
        if reads_role:
            _remember_role_in(
                user, partnership_id, getattr(obj, _READER_ROLE), getattr(obj, _READER_ADMIN)
            )
        check(user, partnership_id, capability)
        return obj

    def _reader_role(self, user: Any) -> dict[str, Any]:
        """The reader's role in the object's partnership and their portfolio administrator
        flag, read with the object (what :func:`role_in` would read in a query of its own)."""
        return {
            _READER_ROLE: models.Subquery(
                user.memberships.filter(
                    partnership_id=models.OuterRef(self._partnership_id_field)
                ).values("role")[:1]
            ),
            _READER_ADMIN: models.Subquery(
                get_user_model()
                ._default_manager.filter(pk=user.pk)
                .values("profile__is_portfolio_admin")[:1]
            ),
        }

    def partnership_id_of(self, obj: M) -> int:
        if not self.partnership_path:
            return obj.pk
        return _partnership_id_along(obj, self.partnership_path)

    def partnership_id_in(self, values: Mapping[str, Any]) -> int:
        """The partnership an object with these field values belongs to (a create's data
        names its partnership, or the goal, budget line… it belongs to)."""
        first, _sep, rest = self.partnership_path.partition("__")
        target = values[first]
        return _partnership_id_along(target, rest) if rest else target.pk


def _partnership_id_along(obj: Any, path: str) -> int:
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return getattr(obj, f"{last}_id")


def access_for(model: type[models.Model]) -> ObjectAccess | None:
    """The access helper of a kind of object, if it has one (e.g. for the ids an API
    filter accepts)."""
    return next((a for a in _ACCESSES if a.base().model is model), None)
