"""Writes to who belongs to a partnership. Each is atomic and checks its rules first; the
change history keeps who did it and the reason given."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.access import Role
from core.reasons import clean_reason
from core.services import record_update
from partnership.models import Membership


def _person(membership: Membership) -> str:
    user = membership.user
    return user.get_full_name() or user.username


def _keep_a_desk_officer(membership: Membership, field: str) -> None:
    """A partnership keeps at least one desk officer: someone must be able to edit it and
    manage its people. The partnership's desk officers are locked while this is checked, so
    two who step down at once cannot both pass."""
    if membership.role != Role.DESK_OFFICER:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(partnership_id=membership.partnership_id, role=Role.DESK_OFFICER)
        .exclude(pk=membership.pk)
    )
    if not list(others.values_list("pk", flat=True)):
        raise ValidationError(
            {
                field: f"{_person(membership)} is the partnership's only desk officer: give "
                "someone else that role first."
            }
        )


@transaction.atomic
def membership_role_change(
    *, membership: Membership, by: Any, role: str, reason: str = ""
) -> Membership:
    """Give a member another role in the partnership: it decides what they may do there
    from their next request on."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose desk officer, mission staff or auditor."})
    current = _locked(membership)
    if role != current.role:
        _keep_a_desk_officer(current, "role")
    return record_update(instance=current, data={"role": role}, reason=reason, by=by)


@transaction.atomic
def membership_remove(*, membership: Membership, by: Any, reason: str) -> None:
    """Take a person out of the partnership: from their next request on they do not see it.
    What they wrote stays, under their name, and the change history keeps the membership,
    who removed it and why."""
    reason = clean_reason(reason)
    current = _locked(membership)
    _keep_a_desk_officer(current, "__all__")
    current._change_reason = reason  # read by django-simple-history
    current._history_user = by
    current.delete()


def _locked(membership: Membership) -> Membership:
    """The membership as stored now, locked until the transaction ends."""
    try:
        return Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    except Membership.DoesNotExist as exc:
        raise ValidationError(
            f"{_person(membership)} is no longer a member of the partnership."
        ) from exc
