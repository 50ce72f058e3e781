"""API resources of the portfolio (registered under /api/v1/): a partnership renewed for
its next period, and a partnership loaded from a strategy file; portfolio administrators
only. Creating a partnership field by field is ``POST /api/v1/partnerships/``."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import permissions
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from attention import rules as attention_rules
from core import caching
from core.filters import FilterSet
from core.filters import IntegerFilter
from core.viewsets import SLUG_PARAMETER
from core.viewsets import CachedListMixin
from core.viewsets import IsPortfolioAdmin
from core.viewsets import PartnershipBySlugViewSet
from core.viewsets import PartnershipScopedViewSet
from partnership import access as partnership_access
from partnership.models import Partnership
from partnership.serializers import PartnershipSerializer

from . import selectors
from . import serializers
from . import services


class PartnershipPortfolioViewSet(PartnershipBySlugViewSet):
    """New partnerships from old ones and from files, by the old one's slug."""

    access = partnership_access.partnerships
    permission_classes = [permissions.IsAuthenticated, IsPortfolioAdmin]

    def get_serializer_class(self):
        if self.action == "import_file":
            return serializers.StrategyFileUploadSerializer
        return serializers.RenewSerializer

    def _created(self, partnership) -> Response:
        body = PartnershipSerializer(
            self.access.base().get(pk=partnership.pk), context=self.get_serializer_context()
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Renew a partnership for its next period (portfolio administrators)",
        description="A draft partnership for a period after this one's, with a copy of its "
        "priority areas, goals and their indicators, risks, standard agenda and budget "
        "components (each at its last year's amount, indicative, for every new year); no "
        "updates, assessments, payments, consultations, reviews or documents. Send JSON, or "
        "a multipart form with the new strategy's file as `strategy_document`.",
        parameters=[SLUG_PARAMETER],
        request={
            "application/json": serializers.RenewSerializer,
            "multipart/form-data": serializers.RenewSerializer,
        },
        responses={201: PartnershipSerializer},
    )
    @action(detail=True, methods=["post"], url_path="renew", url_name="renew")
    def renew(self, request, slug=None, **kwargs):
        partnership = self.access.get(user=request.user, slug=slug)
        payload = serializers.RenewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        renewal = services.partnership_renew(
            partnership=partnership, by=request.user, **payload.validated_data
        )
        return self._created(renewal)

    @extend_schema(
        summary="Create a partnership from a strategy file (portfolio administrators)",
        description="Send the file as `file` in a multipart form. All or nothing: a file with "
        "any problem is a 400 at `file` listing each with its line and field "
        "(`Line 21, goals[1].priority_area: …`), and nothing is stored.",
        request={"multipart/form-data": serializers.StrategyFileUploadSerializer},
        responses={201: PartnershipSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_file(self, request, **kwargs):
        payload = serializers.StrategyFileUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        saved = services.strategy_import(
            content=upload.read(), filename=upload.name, by=request.user
        )
        return self._created(saved.partnership)


class PortfolioFilter(FilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__acronym",
        lookup_expr="iexact",
        label=_("The organisation's acronym"),
    )
    year = IntegerFilter(
        method="filter_year",
        min_value=1945,
        max_value=2100,
        label=_("Partnerships running that year; their budget figures of that year only"),
    )

    class Meta:
        model = Partnership
        fields = ["status"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_date__year__lte=value, end_date__year__gte=value)


@extend_schema_view(
    list=extend_schema(
        summary="The portfolio: every partnership you see, with its DKK budget per year, "
        "goals by status, risks by residual rating, next consultation and review, and what "
        "is overdue",
        description="Every partnership you hold a role in; every partnership, for a "
        "portfolio administrator. `?year=` keeps the partnerships running that year and "
        "their figures of that year.",
    )
)
class PortfolioViewSet(CachedListMixin, PartnershipScopedViewSet):
    access = partnership_access.partnerships
    serializer_class = serializers.PortfolioPartnershipSerializer
    filterset_class = PortfolioFilter
    ordering_fields = ["start_date", "title", "status"]
    ordering = ["-start_date", "title"]

    def list(self, request, *args, **kwargs):
        """Cached until the next write, like every list; what is overdue depends on today,
        which is in the key."""
        parts = ("api-list", self.basename, request.build_absolute_uri(), request.user.pk)

        def page():
            return super(CachedListMixin, self).list(request, *args, **kwargs).data

        return Response(caching.cached((*parts, attention_rules.today()), page))

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organisation")

    def paginate_queryset(self, queryset):
        """The page's partnerships, with their figures (a fixed number of queries)."""
        page = super().paginate_queryset(queryset)
        year = self.request.query_params.get("year")
        return selectors.portfolio_figures(
            user=self.request.user,
            partnerships=list(page),
            year=int(year) if year else None,
            by_year=True,
        )


def register(router: BaseRouter) -> None:
    router.register("partnerships", PartnershipPortfolioViewSet, basename="partnership-portfolio")
    router.register("portfolio", PortfolioViewSet, basename="portfolio")
