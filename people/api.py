"""API resources of a partnership's people (registered under /api/v1/)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.access import Capability, Role, check, is_portfolio_admin
from core.filters import FilterSet
from core.serializers import ReasonSerializer
from core.viewsets import CachedListMixin, CanWriteSomewhere, PartnershipScopedViewSet
from partnership.models import Membership

from . import access, serializers, services


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


@extend_schema_view(
    list=extend_schema(summary="List the members of your partnerships, with their roles"),
    retrieve=extend_schema(summary="Read a member's role"),
    update=extend_schema(summary="Give a member another role (desk officers)"),
    partial_update=extend_schema(summary="Give a member another role (desk officers)"),
)
class MembershipViewSet(
    mixins.UpdateModelMixin,
    CachedListMixin,
    mixins.RetrieveModelMixin,
    PartnershipScopedViewSet,
):
    """Every member reads who belongs to their partnerships; desk officers and portfolio
    administrators change roles and remove people (portfolio administrators in every
    partnership)."""

    access = access.memberships
    write_capability = Capability.MANAGE_MEMBERS
    permission_classes = [permissions.IsAuthenticated, MayManageSomewhere]
    serializer_class = serializers.MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["role"]
    ordering = ["partnership_id", "user__last_name", "user__first_name", "user__username"]

    def check_capability(self, partnership_id: int, capability: Capability) -> None:
        if not is_portfolio_admin(self.request.user):
            check(self.request.user, partnership_id, capability)

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
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.membership_remove(
            membership=membership, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(status=204)


def register(router: BaseRouter) -> None:
    router.register("memberships", MembershipViewSet, basename="membership")
