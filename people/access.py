"""Who may see and manage a partnership's people.

Every member reads who belongs to their partnership. Managing its memberships (inviting,
changing a role, removing someone) needs ``MANAGE_MEMBERS`` there (desk officers), or the
ministry-wide portfolio administrator role, which reaches every partnership: for them
nothing here is out of sight, for everyone else it is as ``core.access`` says (non-member
404, a role without the right 403).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from core.access import Capability
from core.access import ObjectAccess
from core.access import can
from core.access import check
from core.access import is_portfolio_admin
from core.access import role_in
from partnership import access as partnership_access
from partnership.models import Membership
from partnership.models import Partnership


class _PortfolioWide(ObjectAccess):
    """An access helper that a portfolio administrator passes everywhere."""

    def visible(self, user: Any):
        if is_portfolio_admin(user):
            return self.base()
        return super().visible(user)

    def get(self, *, user: Any, capability: Capability = Capability.VIEW, queryset=None, **lookup):
        if not is_portfolio_admin(user):
            return super().get(user=user, capability=capability, queryset=queryset, **lookup)
        try:
            return (self.base() if queryset is None else queryset).get(**lookup)
        except (self.base().model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404("Not found.") from exc


memberships = _PortfolioWide(
    lambda: Membership.objects.select_related("user", "partnership"), "partnership"
)


def may_manage(user: Any, partnership_id: int) -> bool:
    return is_portfolio_admin(user) or can(user, partnership_id, Capability.MANAGE_MEMBERS)


def partnerships_of_people(*, user: Any):
    """The partnerships whose people the user reads: their own, or any for a portfolio
    administrator."""
    if is_portfolio_admin(user):
        return partnership_access.partnerships.base()
    return partnership_access.partnerships.visible(user)


def partnership_of_people(
    *, user: Any, slug: str, capability: Capability = Capability.VIEW
) -> Partnership:
    """The partnership whose people the user reads (``VIEW``) or manages
    (``MANAGE_MEMBERS``)."""
    try:
        partnership = partnership_access.partnerships.base().get(slug=slug)
    except Partnership.DoesNotExist as exc:
        raise Http404("No such partnership.") from exc
    # The user's role in it and their portfolio flag, read together (one row).
    role_in(user, partnership.pk)
    if not is_portfolio_admin(user):
        check(user, partnership.pk, capability)
    return partnership
