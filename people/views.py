"""Pages of a partnership's people and of a person's own partnerships. Views fetch through
``access`` and write through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import signin
from core import caching
from core.access import Capability
from core.access import Role
from core.access import capabilities_in
from core.access import is_portfolio_admin
from core.access import role_in
from core.forms import ConfirmForm
from core.views import form_status
from core.views import paged
from core.views import submit
from partnership.models import Membership
from partnership.models import Partnership

from . import access
from . import selectors
from . import services
from .forms import InviteForm
from .forms import MembershipRoleForm
from .models import Invitation

MEMBERSHIPS_PER_PAGE = 25

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path


def _context(request: HttpRequest, partnership: Partnership, **extra) -> dict:
    """What every page of a partnership shows around its content. A portfolio administrator
    may hold no role in the partnership whose people they manage."""
    role = role_in(request.user, partnership.pk)
    return {
        "partnership": partnership,
        "caps": capabilities_in(request.user, partnership.pk),
        "role": Role(role) if role else None,
        "may_manage": access.may_manage(request.user, partnership.pk),
        **extra,
    }


def _person(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.username


def _membership(request: HttpRequest, slug: str, pk: int) -> Membership:
    return access.memberships.get(
        user=request.user, capability=Capability.MANAGE_MEMBERS, partnership__slug=slug, pk=pk
    )


def _sent_message(request: HttpRequest, invitation: Invitation) -> None:
    person = invitation.user.get_full_name() or invitation.email
    if invitation.send_error:
        messages.error(
            request,
            _(
                "%(person)s is a member, but the e-mail to %(email)s could not be sent. "
                "Send it again from the list below."
            )
            % {"person": person, "email": invitation.email},
        )
    elif invitation.new_account:
        messages.success(
            request,
            _(
                "%(person)s is invited as %(invitation)s: an e-mail with a link to set a "
                "password went to %(email)s."
            )
            % {
                "person": person,
                "invitation": invitation.get_role_display().lower(),
                "email": invitation.email,
            },
        )
    else:
        messages.success(
            request,
            _("%(person)s is added as %(invitation)s and was told so at %(email)s.")
            % {
                "person": person,
                "invitation": invitation.get_role_display().lower(),
                "email": invitation.email,
            },
        )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    capability = Capability.MANAGE_MEMBERS if request.method == "POST" else Capability.VIEW
    partnership = access.partnership_of_people(user=request.user, slug=slug, capability=capability)
    form = InviteForm(request.POST or None)
    if done := submit(form, services.membership_invite, partnership=partnership, by=request.user):
        _sent_message(request, done.value)
        return redirect("people:member-list", slug=slug)
    context = _context(
        request, partnership, members=selectors.members(partnership=partnership), form=form
    )
    return render(request, "people/member_list.html", context, status=form_status(form))


@require_POST
def invitation_again(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Send a member's pending invitation again, with a new link."""
    membership = _membership(request, slug, pk)
    invitation = selectors.pending_invitation(membership=membership)
    if invitation is None:
        messages.error(
            request, _("%(person)s has no invitation waiting.") % {"person": _person(membership)}
        )
    else:
        try:
            invitation = services.invitation_resend(invitation=invitation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _sent_message(request, invitation)
    return redirect("people:member-list", slug=slug)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: the invited person sets their password, and is
    logged in to their partnership. The link works once."""
    try:
        invitation = selectors.invitation_from_token(token)
    except selectors.InvitationRefusedError as refused:
        response = render(
            request, "people/invitation_refused.html", {"message": refused.message}, status=400
        )
        response["Cache-Control"] = "no-store"
        return response
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.invitation_accept(invitation=invitation, password_form=form)
        welcome = invitation.partnership.get_absolute_url()
        if account_selectors.second_factor_asked(user):
            # As after a password on the login page: the second factor's set-up logs them in.
            return redirect(signin.begin(request, user, backend=PASSWORD_BACKEND, next_url=welcome))
        login(request, user, backend=PASSWORD_BACKEND)
        messages.success(
            request, _("Welcome, %(value)s.") % {"value": user.get_full_name() or user.username}
        )
        return redirect(welcome)
    context = {"invitation": invitation, "form": form}
    response = render(request, "people/invitation_accept.html", context, status=form_status(form))
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@caching.cached_page
def membership_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    back = reverse("people:member-list", args=[slug])
    if done := submit(
        form, services.membership_role_change, membership=membership, by=request.user
    ):
        updated = done.value
        messages.success(
            request,
            _("%(person)s is now %(updated)s.")
            % {"person": _person(updated), "updated": updated.get_role_display().lower()},
        )
        return redirect(back)
    context = _context(
        request,
        membership.partnership,
        form=form,
        title=_("Change the role of %(person)s") % {"person": _person(membership)},
        back=back,
    )
    return render(request, "partnership/record_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@caching.cached_page
def membership_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    form = ConfirmForm(request.POST or None)
    back = reverse("people:member-list", args=[slug])
    if submit(form, services.membership_remove, membership=membership, by=request.user):
        messages.success(
            request,
            _("%(person)s is no longer a member of %(title)s.")
            % {"person": _person(membership), "title": membership.partnership.title},
        )
        return redirect(back)
    person = _person(membership)
    context = _context(
        request,
        membership.partnership,
        title=_("Remove %(person)s from the partnership") % {"person": person},
        consequences=[
            _(
                "Take away %(person)s’s role (%(membership)s): from their next click "
                "they no longer see the partnership, on the pages or the API."
            )
            % {"person": person, "membership": membership.get_role_display().lower()},
            _("Keep everything they wrote, under their name, and the change history of it."),
            _("Keep your reason with the change history of the partnership's people."),
        ],
        form=form,
        confirm_label=_("Remove from the partnership"),
        back=back,
    )
    return render(request, "confirm.html", context, status=form_status(form))


@require_GET
@caching.cached_page
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own account: who they are and their partnerships, each with their role."""
    memberships, query = paged(
        request, selectors.memberships_of(user=request.user), MEMBERSHIPS_PER_PAGE
    )
    context = {
        "memberships": memberships,
        "query": query,
        "portfolio_admin": is_portfolio_admin(request.user),
        "profile_language": account_selectors.profile_language(user=request.user),
    }
    return render(request, "people/profile.html", context)
