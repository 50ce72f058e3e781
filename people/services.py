"""Writes to who belongs to a partnership. Each is atomic and checks its rules first; the
change history keeps who did it and the reason given."""

from __future__ import annotations

import re
import secrets
import smtplib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.selectors import profile_language
from core.access import Role
from core.reasons import REASON_MAX_LENGTH
from core.reasons import clean_reason
from core.services import record_update
from partnership.models import Membership
from partnership.models import Partnership

from . import selectors
from .models import Invitation


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
                field: _(
                    "%(person)s is the partnership's only desk officer: give someone else "
                    "that role first."
                )
                % {"person": _person(membership)}
            }
        )


@transaction.atomic
def membership_role_change(
    *, membership: Membership, by: Any, role: str, reason: str
) -> Membership:
    """Give a member another role in the partnership: it decides what they may do there
    from their next request on. A change of role, like any correction of who may do what,
    needs a reason, kept with the change history."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose desk officer, mission staff or auditor.")})
    current = _locked(membership)
    if role != current.role:
        reason = clean_reason(reason)
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
            _("%(person)s is no longer a member of the partnership.")
            % {"person": _person(membership)}
        ) from exc


# --- Invitations ---------------------------------------------------------------------------


def _normalised(email: str) -> str:
    email = get_user_model().objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Give an e-mail address, e.g. name@um.dk.")}) from exc
    return email


# What a user name cannot hold (Django's UnicodeUsernameValidator takes letters, digits and
# @ . + - _), though an address may: an apostrophe, say.
_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")


def _username_for(email: str) -> str:
    """A free user name for a new account: the address (lower case) without what a user
    name cannot hold, cut to a user name's length, with -2, -3… when it is taken."""
    users = get_user_model().objects
    longest = users.model._meta.get_field("username").max_length
    base = _NOT_IN_USERNAME.sub("", email.lower())
    username, n = base[:longest], 1
    while users.filter(username__iexact=username).exists():
        n += 1
        suffix = f"-{n}"
        username = base[: longest - len(suffix)] + suffix
    return username


def _account_for(email: str, first_name: str, last_name: str) -> Any:
    """The account with this address, or a new one without a password (its user name is
    the address, as far as a user name can hold it: the invitation says which). Two
    accounts with one address cannot be told apart: refused."""
    users = get_user_model().objects
    found = list(users.filter(email__iexact=email)[:2])
    if len(found) > 1:
        raise ValidationError(
            {"email": _("Two accounts have this address: ask an administrator to tell them apart.")}
        )
    if found:
        return found[0]
    username = _username_for(email)
    user = users.model(
        username=username,
        email=email,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def _invitation_record(
    *, partnership: Partnership, by: Any, email: str, role: str, first_name: str, last_name: str
) -> Invitation:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose desk officer, mission staff or auditor.")})
    email = _normalised(email)
    user = _account_for(email, first_name, last_name)
    if not user.is_active:
        raise ValidationError(
            {"email": _("The account with this address is deactivated: an administrator can "
             "reactivate it.")}
        )  # fmt: skip
    existing = Membership.objects.filter(user=user, partnership=partnership).first()
    if existing is not None:
        raise ValidationError(
            {
                "email": _("%(person)s is already a member, as %(role)s.")
                % {
                    "person": user.get_full_name() or user.username,
                    "role": existing.get_role_display().lower(),
                }
            }
        )
    membership = Membership(user=user, partnership=partnership, role=role)
    membership._change_reason = f"Invited by e-mail ({email})"[:REASON_MAX_LENGTH]
    membership._history_user = by
    membership.save()
    invitation = Invitation(
        user=user,
        partnership=partnership,
        role=role,
        email=email,
        new_account=not user.has_usable_password(),
        invited_by=by,
        key=secrets.token_urlsafe(32),
    )
    invitation._history_user = by
    invitation.save()
    return invitation


def membership_invite(
    *,
    partnership: Partnership,
    by: Any,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Make the person with this address a member in ``role`` and tell them by e-mail.

    A new address gets an account without a password and a link to set one (one use,
    ``INVITATION_MAX_AGE_DAYS``); an existing account is added and told so. The membership
    and the invitation are saved together; the e-mail goes after they are, and whether it
    went is recorded on the invitation (``sent_at`` or ``send_error``: sent again from the
    people's page)."""
    invitation = _invitation_record(
        partnership=partnership,
        by=by,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
    )
    return invitation_send(invitation=invitation)


def invitation_message(invitation: Invitation) -> EmailMessage:
    """The e-mail of an invitation, plain text: who invited whom, to what, and the link; in
    the language the person chose in their profile, else in the inviter's."""
    language = profile_language(user=invitation.user) or translation.get_language()
    with translation.override(language):
        return _invitation_message(invitation)


def _invitation_message(invitation: Invitation) -> EmailMessage:
    inviter = invitation.invited_by
    context = {
        "local_passwords": settings.LOCAL_PASSWORDS,
        "sso_enabled": bool(settings.OIDC_RP_CLIENT_ID),
        "sso_label": settings.OIDC_PROVIDER_NAME,
        "invitation": invitation,
        "inviter": (inviter.get_full_name() or inviter.username)
        if inviter
        else _("An administrator"),
        "partnership": invitation.partnership,
        "role": invitation.get_role_display().lower(),
        "site_url": settings.SITE_URL,
        "expires": timezone.localtime(
            (invitation.sent_at or timezone.now()) + selectors.invitation_max_age()
        ),
        "link": settings.SITE_URL
        + (
            reverse("invitation-accept", args=[selectors.invitation_token(invitation)])
            if invitation.new_account
            else invitation.partnership.get_absolute_url()
        ),
    }
    subject = render_to_string("people/email/invitation_subject.txt", context).strip()
    body = render_to_string("people/email/invitation.txt", context)
    return EmailMessage(
        subject=settings.EMAIL_SUBJECT_PREFIX + subject, body=body, to=[invitation.email]
    )


def invitation_send(*, invitation: Invitation) -> Invitation:
    """Send the invitation's e-mail now and record the outcome: when it went, or why the
    mail server refused it. Nothing else is undone by a failure."""
    invitation.sent_at = timezone.now()  # the link's age counts from this send
    try:
        invitation_message(invitation).send()
    except (OSError, smtplib.SMTPException) as exc:
        invitation.sent_at = None
        invitation.send_error = f"The e-mail could not be sent: {exc}"[:300]
    else:
        invitation.send_error = ""
    invitation.save(update_fields=["sent_at", "send_error"])
    return invitation


def invitation_resend(*, invitation: Invitation, by: Any) -> Invitation:
    """Send the invitation again with a new link; the link sent before no longer works."""
    if invitation.accepted_at is not None or invitation.user.has_usable_password():
        raise ValidationError(
            _("%(email)s has set a password already: they log in as usual.")
            % {"email": invitation.email}
        )
    invitation.key = secrets.token_urlsafe(32)
    invitation._history_user = by
    invitation.save(update_fields=["key"])
    return invitation_send(invitation=invitation)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password_form: Any) -> Any:
    """Set the invited person's password (a bound, valid ``SetPasswordForm``): the link is
    used, and so are their other invitations still open (they have a password now)."""
    user = password_form.save()
    invitations_take_up(user=user)
    return user


def invitations_take_up(*, user: Any) -> None:
    """The person's invitations still open are used: they have a password, or signed in
    through the ministry's single sign-on. Called inside the caller's transaction."""
    now = timezone.now()
    for pending in Invitation.objects.select_for_update().filter(
        user=user, accepted_at__isnull=True
    ):
        pending.accepted_at = now
        pending._history_user = user
        pending.save(update_fields=["accepted_at"])
