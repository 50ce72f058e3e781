"""Pages of a partnership's people and of a person's own partnerships. Views fetch through
``access`` and write through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.access import Capability, Role, capabilities_in, is_portfolio_admin, role_in
from core.forms import ConfirmForm
from core.views import add_form_errors, form_status
from partnership.models import Membership, Partnership

from . import access, selectors, services
from .forms import MembershipRoleForm


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


@require_GET
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.partnership_of_people(user=request.user, slug=slug)
    context = _context(request, partnership, members=selectors.members(partnership=partnership))
    return render(request, "people/member_list.html", context)


@require_http_methods(["GET", "POST"])
def membership_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    back = reverse("people:member-list", args=[slug])
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.membership_role_change(
                membership=membership,
                by=request.user,
                role=form.cleaned_data["role"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request, f"{_person(updated)} is now {updated.get_role_display().lower()}."
            )
            return redirect(back)
    context = _context(
        request,
        membership.partnership,
        form=form,
        title=f"Change the role of {_person(membership)}",
        back=back,
    )
    return render(request, "partnership/record_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def membership_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    form = ConfirmForm(request.POST or None)
    back = reverse("people:member-list", args=[slug])
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_remove(
                membership=membership, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                f"{_person(membership)} is no longer a member of {membership.partnership.title}.",
            )
            return redirect(back)
    person = _person(membership)
    context = _context(
        request,
        membership.partnership,
        title=f"Remove {person} from the partnership",
        consequences=[
            f"Take away {person}’s role ({membership.get_role_display().lower()}): from "
            "their next click they no longer see the partnership, on the pages or the API.",
            "Keep everything they wrote, under their name, and the change history of it.",
            "Keep your reason with the change history of the partnership's people.",
        ],
        form=form,
        confirm_label="Remove from the partnership",
        back=back,
    )
    return render(request, "confirm.html", context, status=form_status(form))


@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own account: who they are and their partnerships, each with their role."""
    context = {
        "memberships": selectors.memberships_of(user=request.user),
        "portfolio_admin": is_portfolio_admin(request.user),
    }
    return render(request, "people/profile.html", context)
