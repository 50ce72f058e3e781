"""API resources of a partnership's people (registered under /api/v1/)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework import mixins
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.access import Capability
from core.access import Role
from core.access import check
from core.access import is_portfolio_admin
from core.api import operation_summaries
from core.filters import FilterSet
from core.serializers import ReasonSerializer
from core.serializers import reason_of
from core.viewsets import CanWriteSomewhere
from core.viewsets import ListReadViewSet
from partnership.models import Membership

from . import access
from . import selectors
from . import serializers
from . import services


class MayManageSomewhere(CanWriteSomewhere):
    """Writes need the right to manage the people of some partnership, which a portfolio
    administrator holds in all of them."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_portfolio_admin(request.user) or super().has_permission(request, view)


class MembershipFilter(FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["role"]


@operation_summaries(
    list="List the members of your partnerships, with their roles",
    create="Invite someone by e-mail into a partnership (desk officers)",
    retrieve="Read a member's role",
    update="Give a member another role (desk officers)",
    partial_update="Give a member another role (desk officers)",
)
class MembershipViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ListReadViewSet):
    """Every member reads who belongs to their partnerships; desk officers and portfolio
    administrators change roles and remove people (portfolio administrators in every
    partnership)."""

    access = access.memberships
    write_capability = Capability.MANAGE_MEMBERS
    permission_classes = [permissions.IsAuthenticated, MayManageSomewhere]
    serializer_class = serializers.MembershipSerializer
    create_serializer_class = serializers.MembershipInviteSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["role"]
    ordering = ["partnership_id", "user__last_name", "user__first_name", "user__username"]

    def get_base_queryset(self):
        return selectors.with_invitations(super().get_base_queryset())

    def check_capability(self, partnership_id: int, capability: Capability) -> None:
        if not is_portfolio_admin(self.request.user):
            check(self.request.user, partnership_id, capability)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        partnership = data.pop("partnership")
        self.check_write(partnership.pk)
        invitation = services.membership_invite(
            partnership=partnership,
            by=self.request.user,
            email=data["user"]["email"],
            role=data["role"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )
        serializer.instance = self.get_base_queryset().get(
            user_id=invitation.user_id, partnership_id=partnership.pk
        )

    @extend_schema(
        summary="Send a member's pending invitation again, with a new link (desk officers)",
        request=None,
        responses={200: serializers.MembershipSerializer},
    )
    @action(detail=True, methods=["post"], url_path="invite-again")
    def invite_again(self, request, pk=None):
        membership = self.get_object()
        invitation = selectors.pending_invitation(membership=membership)
        if invitation is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("This member has no invitation waiting.")]}
            )
        services.invitation_resend(invitation=invitation, by=request.user)
        fresh = self.get_base_queryset().get(pk=membership.pk)
        return Response(serializers.MembershipSerializer(fresh).data)

    def perform_update(self, serializer):
        data = serializer.validated_data
        updated = services.membership_role_change(
            membership=serializer.instance,
            by=self.request.user,
            role=data.get("role", serializer.instance.role),
            reason=data.get("reason", ""),
        )
        serializer.instance = self.get_base_queryset().get(pk=updated.pk)

    @extend_schema(
        summary="Remove a member from the partnership, with the reason (desk officers)",
        request=ReasonSerializer,
        responses={204: None},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        membership = self.get_object()
        services.membership_remove(
            membership=membership, by=request.user, reason=reason_of(request)
        )
        return Response(status=204)


def register(router: BaseRouter) -> None:
    router.register("memberships", MembershipViewSet, basename="membership")
