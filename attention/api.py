"""``/api/v1/my-work/`` (what needs the user's attention, as the page shows it, and their
digest preference) and ``/api/v1/reminders/`` (who was reminded of what)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import exceptions
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts import selectors as account_selectors
from accounts import services as account_services
from core import access as core_access
from core import caching
from core.access import Capability
from core.api import operation_summaries
from core.filters import BooleanFilter
from core.filters import FilterSet
from core.filters import OrderingFilter
from core.viewsets import CachedListMixin
from core.viewsets import PartnershipScopedViewSet
from core.viewsets import partnership_slug
from partnership import access as partnership_access

from . import access
from . import rules
from . import selectors
from . import serializers
from .models import Reminder

_ORDERINGS = {
    "due": lambda item: (item.due or dt.date.max, item.key),
    "partnership": lambda item: (item.partnership.title, *item.sort_key),
    "rule": lambda item: (selectors.RULE_ORDER[item.rule], *item.sort_key),
}


@extend_schema_view(
    list=extend_schema(
        summary="List what needs your attention across your partnerships (as My work shows it)",
        description="What you are responsible for, and what nobody is responsible for that "
        "your role lets you act on; the most urgent first unless ordered otherwise.",
    )
)
class MyWorkViewSet(mixins.ListModelMixin, PartnershipScopedViewSet):
    access = partnership_access.partnerships
    serializer_class = serializers.AttentionItemSerializer
    write_capability = Capability.VIEW  # the digest preference is everyone's own
    filterset_class = None
    ordering_fields = list(_ORDERINGS)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Cached until the next write, like every list; the rules' today is in the key."""

        def page() -> Any:
            return super(MyWorkViewSet, self).list(request, *args, **kwargs).data

        parts = ("api-list", self.basename, request.build_absolute_uri(), request.user.pk)
        return Response(caching.cached((*parts, rules.today()), page))

    def filter_queryset(self, queryset: Any) -> list[selectors.Item]:
        """The items of the partnerships ``queryset`` selects, in the order asked for."""
        ordering = OrderingFilter().get_ordering(self.request, queryset, self)
        user = self.request.user
        rows = list(selectors.with_my_role(queryset, user=user).values_list("pk", "my_role"))
        ids = [pk for pk, _role in rows]
        roles = {pk: role for pk, role in rows if role}
        items = selectors.attention_found(partnership_ids=ids, user_id=user.pk, roles=roles).items
        if ordering:
            name = ordering[0]
            items.sort(key=_ORDERINGS[name.removeprefix("-")], reverse=name.startswith("-"))
        return items

    def get_object(self) -> Any:
        """The one object here is your own digest preference (DRF's OPTIONS asks for it)."""
        return account_selectors.profile_of(user=self.request.user)

    @extend_schema(
        summary="Set when you get the e-mail digest of what needs your attention",
        request=serializers.DigestPreferenceSerializer,
        responses=serializers.DigestPreferenceSerializer,
        filters=False,
    )
    @action(
        detail=False,
        methods=["put"],
        filterset_class=None,
        pagination_class=None,
        serializer_class=serializers.DigestPreferenceSerializer,
    )
    def digest(self, request: Request) -> Response:
        data = serializers.DigestPreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        account_services.profile_digest_update(
            user=request.user,
            by=request.user,
            frequency=values["frequency"],
            time=values["time"],
            weekday=values["weekday"],
        )
        profile = account_selectors.profile_of(user=request.user)
        return Response(serializers.DigestPreferenceSerializer(profile).data)


class ReminderFilter(FilterSet):
    new = BooleanFilter(field_name="is_new", help_text=_("Told for the first time, or not."))

    class Meta:
        model = Reminder
        fields = ["rule", "overdue", "new"]


@operation_summaries(
    list="List who was reminded of what by e-mail, newest first (desk officers and auditors)"
)
class ReminderViewSet(CachedListMixin, PartnershipScopedViewSet):
    """Reads the reminders of the partnerships where the user may read who did what; a
    member whose role may in none of the partnerships asked for is refused (403)."""

    access = access.reminders
    serializer_class = serializers.ReminderSerializer
    write_capability = Capability.VIEW_HISTORY
    filterset_class = ReminderFilter
    ordering_fields = ["id", "due"]
    ordering = ["-id"]

    def get_queryset(self):
        user = self.request.user
        refused = exceptions.PermissionDenied(_("Your role does not allow reading the reminders."))
        slug = partnership_slug(self.request)
        if slug:
            partnerships = partnership_access.partnerships.visible(user).filter(slug=slug)
            selected = list(partnerships.values_list("pk", flat=True))
            readable = [pk for pk in selected if core_access.can(user, pk, Capability.VIEW_HISTORY)]
            if selected and not readable:
                raise refused
            return self.access.base().filter(partnership_id__in=readable)
        # Every partnership whose history the user may read: a subquery, no row a role.
        if core_access.refused_everywhere(user, Capability.VIEW_HISTORY):
            raise refused
        readable = core_access.partnership_ids_with(user, Capability.VIEW_HISTORY)
        return self.access.base().filter(partnership_id__in=readable)


def register(router: BaseRouter) -> None:
    router.register("my-work", MyWorkViewSet, basename="my-work")
    router.register("reminders", ReminderViewSet, basename="reminder")
