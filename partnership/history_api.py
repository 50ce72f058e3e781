"""``GET /api/v1/history/``: the change history as the page shows it (names, amounts with
their currency, times in the site's time zone), with the page's filters; for desk
officers and auditors (``VIEW_HISTORY``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import exceptions
from rest_framework import serializers

from core import history
from core.access import Capability
from core.access import can
from core.filters import OrderingFilter
from core.viewsets import CachedListMixin
from core.viewsets import PartnershipScopedViewSet

from . import access
from .history_filters import HistoryFilter


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("The field, by its name on the pages."))
    old = serializers.CharField(help_text=_("The value before the change (— for none)."))
    new = serializers.CharField(help_text=_("The value after the change (— for none)."))


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.CharField(source="key", help_text=_("The change: kind and history id."))
    partnership = serializers.CharField(allow_null=True, help_text=_("The partnership's slug."))
    at = serializers.DateTimeField(source="when")
    by = serializers.CharField(
        allow_null=True, help_text=_("Who made the change (full name, else user name); null: "
        "no person (a data load).")
    )  # fmt: skip
    action = serializers.CharField(help_text=_("created, changed or deleted."))
    kind = serializers.CharField(
        source="model_name", help_text=_("The kind of record, as the kind filter names it.")
    )
    kind_label = serializers.CharField(source="kind", help_text=_("The kind of record, in words."))
    object_id = serializers.IntegerField()
    object = serializers.CharField(source="label", help_text=_("The record, by its name."))
    reason = serializers.CharField(help_text=_("The reason given for the change (may be empty)."))
    changes = HistoryChangeSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="List the changes to the partnerships' records, newest first (desk officers "
        "and auditors)"
    )
)
class HistoryViewSet(CachedListMixin, PartnershipScopedViewSet):
    """Reads the history of the partnerships where the user may read it; a member whose role
    may read it in none of the partnerships asked for is refused (403)."""

    access = access.partnerships
    serializer_class = HistoryEntrySerializer
    filterset_class = HistoryFilter
    ordering_fields = ["at"]
    ordering = ["-at"]

    def filter_queryset(self, queryset: Any) -> history.Changes:
        """The changes (a sequence the paginator pages) in the partnerships ``queryset``
        selects, as the filters say. The filters and the ordering are checked here, not
        applied to the partnerships."""
        selected = list(queryset.values_list("pk", flat=True))
        readable = [pk for pk in selected if can(self.request.user, pk, Capability.VIEW_HISTORY)]
        if selected and not readable:
            raise exceptions.PermissionDenied(_("Your role does not allow reading the history."))
        filters = HistoryFilter(
            self.request.query_params, request=self.request, partnership_ids=readable
        )
        if not filters.is_valid():
            raise exceptions.ValidationError(filters.errors)
        ordering = OrderingFilter().get_ordering(self.request, queryset, self)
        criteria = filters.criteria(readable, oldest_first=ordering[0] == "at")
        return history.Changes(criteria)
