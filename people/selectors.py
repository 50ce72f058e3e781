"""Reads of who belongs to which partnership, in which role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Case
from django.db.models import IntegerField
from django.db.models import OuterRef
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Value
from django.db.models import When
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from core.access import Role
from partnership.models import Membership
from partnership.models import Partnership

from .models import Invitation

TOKEN_SALT = "people.invitation"  # noqa: S105 - a namespace for signing, not a secret

# Desk officers first: the people to turn to.
_ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(Role.values)),
    output_field=IntegerField(),
)


def with_invitations(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Each membership with its latest invitation not yet accepted, if any: its id, when it
    was sent and why sending failed (``pending_invitation_*``; in the same query)."""
    pending = Invitation.objects.filter(
        user_id=OuterRef("user_id"),
        partnership_id=OuterRef("partnership_id"),
        new_account=True,
        accepted_at__isnull=True,
    ).order_by("-created_at", "-pk")
    return memberships.annotate(
        pending_invitation_id=Subquery(pending.values("pk")[:1]),
        pending_invitation_sent_at=Subquery(pending.values("sent_at")[:1]),
        pending_invitation_error=Subquery(pending.values("send_error")[:1]),
    )


def members(*, partnership: Partnership) -> QuerySet[Membership]:
    """The partnership's members by role (desk officers first), then by name, each with
    their pending invitation (one query)."""
    return with_invitations(
        Membership.objects.filter(partnership=partnership)
        .select_related("user")
        .order_by(_ROLE_ORDER, "user__first_name", "user__last_name", "user__username")
    )


def pending_invitation(*, membership: Membership) -> Invitation | None:
    """The member's latest invitation to the partnership still waiting for a password."""
    return (
        Invitation.objects.select_related("user", "partnership", "invited_by")
        .filter(
            user_id=membership.user_id,
            partnership_id=membership.partnership_id,
            new_account=True,
            accepted_at__isnull=True,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def memberships_of(*, user: Any) -> QuerySet[Membership]:
    """The partnerships the person belongs to, each with their role, newest first (one
    query)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("partnership__organisation")
        .order_by("-partnership__start_date", "partnership__title")
    )


# --- Invitations ---------------------------------------------------------------------------


class InvitationRefusedError(Exception):
    """An invitation link that does not work (any more), with what the person should do."""

    def __init__(self, message: str, *, invitation: Invitation | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.invitation = invitation


def invitation_token(invitation: Invitation) -> str:
    """What the link to set a password carries: the invitation and its key, signed with the
    time it was made (Django's signing)."""
    return signing.dumps({"i": invitation.pk, "k": invitation.key}, salt=TOKEN_SALT)


def invitation_max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


def invitation_from_token(token: str) -> Invitation:
    """The invitation whose link this is, if the link still works: signed by us, not older
    than ``INVITATION_MAX_AGE_DAYS``, the latest sent, not used, its membership not taken
    back and its account active and still without a password."""
    if not settings.LOCAL_PASSWORDS:
        raise InvitationRefusedError(
            _(
                "Passwords are not used here: sign in with %(provider)s, using the address the "
                "invitation went to."
            )
            % {"provider": settings.OIDC_PROVIDER_NAME}
        )
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=invitation_max_age())
    except signing.SignatureExpired as exc:
        raise InvitationRefusedError(
            _("This invitation has expired. Ask the person who invited you to send it again.")
        ) from exc
    except signing.BadSignature as exc:
        raise InvitationRefusedError(
            _("This link is not a valid invitation. Check that the whole link was copied.")
        ) from exc
    invitation = (
        Invitation.objects.select_related("user", "partnership", "invited_by")
        .filter(pk=data.get("i"), new_account=True)
        .first()
    )
    if invitation is None or not constant_time_compare(str(data.get("k")), invitation.key):
        raise InvitationRefusedError(
            _("This link has been replaced by a newer invitation: use the latest e-mail.")
        )
    if invitation.accepted_at is not None or invitation.user.has_usable_password():
        raise InvitationRefusedError(
            _("This invitation has been used already. Log in with your user name and password."),
            invitation=invitation,
        )
    if not invitation.user.is_active:
        raise InvitationRefusedError(_("This account is deactivated."), invitation=invitation)
    if not Membership.objects.filter(
        user_id=invitation.user_id, partnership_id=invitation.partnership_id
    ).exists():
        raise InvitationRefusedError(
            _("This invitation was withdrawn: you are no longer a member of the partnership."),
            invitation=invitation,
        )
    return invitation
