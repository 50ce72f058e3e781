"""The base of every API resource whose objects belong to a partnership."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework import mixins
from rest_framework import permissions
from rest_framework import serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from . import access
from . import caching
from .access import Capability
from .serializers import reason_of


class CachedListMixin(mixins.ListModelMixin):
    """A list page, cached until the next write (``core.caching``).

    Keyed by the resource, the whole URL (query string and host, which the links to the
    next and previous pages carry) and the user, whose memberships decide what the list
    holds; a change of membership is a write like any other. A refused request (400) is
    not cached."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        def page() -> Any:
            return super(CachedListMixin, self).list(request, *args, **kwargs).data

        parts = ("api-list", self.basename, request.build_absolute_uri(), request.user.pk)
        return Response(caching.cached(parts, page))


class CanWriteSomewhere(permissions.BasePermission):
    """Creates need the view's write capability in at least one partnership.

    A write to an object is decided by the object's own partnership when it is fetched
    (404 for a non-member, 403 for a role without the right), and a user with no
    membership at all is a non-member everywhere: what they name does not exist for them.
    """

    message = access.ROLE_REFUSED

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS or getattr(view, "detail", False):
            return True
        roles = access.roles_of(request.user).values()
        capability = view.write_capability
        return not roles or any(capability in access.ROLE_CAPABILITIES[role] for role in roles)


class IsPortfolioAdmin(permissions.BasePermission):
    """The ministry-wide portfolio administrator's actions (``access.is_portfolio_admin``):
    creating partnerships, renewing them, loading strategy files."""

    message = _("Only portfolio administrators may do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.is_portfolio_admin(request.user)


SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")


PARTNERSHIP_PARAMETER = OpenApiParameter(
    "partnership",
    OpenApiTypes.STR,
    description="Only objects of the partnership with this slug.",
)


def partnership_slug(request: Request) -> str | None:
    """The ``?partnership=`` of a list: a slug, or a 400 at the parameter."""
    slug = request.query_params.get("partnership")
    if slug and not SLUG_RE.fullmatch(slug):
        raise exceptions.ValidationError(
            {"partnership": [_("Give a partnership's slug: letters, digits, - and _.")]}
        )
    return slug or None


class CreateThroughServiceMixin(mixins.CreateModelMixin):
    # Creates go through the app's create service (``create_service``), with the acting
    # user as ``by``, once the user's role allows the write in the partnership the new
    # object goes into (reached from what the request names along the access path).
    # A comment, not a docstring: the schema would show it on resources that have none.

    create_service: Callable[..., Any]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_write(self.access.partnership_id_in(data))
        serializer.instance = self.create_service(by=self.request.user, **data)


class UpdateWithReasonMixin(mixins.UpdateModelMixin):
    """Updates go through the record's update service (``save_update``), so that its
    rules hold and the history keeps the reason."""

    def save_update(self, instance: Any, *, by: Any, changes: dict, reason: str) -> Any:
        raise NotImplementedError

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        reason = changes.pop("reason", "")
        updated = self.save_update(
            serializer.instance, by=self.request.user, changes=changes, reason=reason
        )
        # Re-read so computed fields (annotations) are present in the answer.
        serializer.instance = self.get_base_queryset().get(pk=updated.pk)


class RecordThroughServicesMixin(CreateThroughServiceMixin, UpdateWithReasonMixin):
    # A record kept through its services: created through create_service, changed through
    # update_service with a reason, and retired with one (the ``retire`` action, through
    # retire_service); record_argument names the record in the update and retire services
    # ("goal": goal_update(goal=…)). A comment, not a docstring: the schema would show it
    # on resources that have none.

    update_service: Callable[..., Any]
    retire_service: Callable[..., Any]
    record_argument: str

    def save_update(self, instance, **kwargs):
        return self.update_service(**{self.record_argument: instance}, **kwargs)

    @action(detail=True, methods=["post"])
    def retire(self, request, *args, **kwargs):
        record = self.get_object()
        self.retire_service(
            **{self.record_argument: record}, by=request.user, reason=reason_of(request)
        )
        body = self.get_serializer(self.get_base_queryset().get(pk=record.pk)).data
        return Response(body)


class PartnershipScopedViewSet(viewsets.GenericViewSet):
    """A resource whose objects belong to a partnership.

    Lists show only the partnerships the user belongs to; objects of other partnerships
    are 404; writes need ``write_capability`` in the object's partnership (403 otherwise).
    """

    access: access.ObjectAccess
    write_capability: Capability = Capability.EDIT_RECORD
    permission_classes = [permissions.IsAuthenticated, CanWriteSomewhere]
    # The schema documents it on lists (config.schema.AutoSchema).
    list_parameters = [PARTNERSHIP_PARAMETER]
    # What a create or an update reads, where it differs from ``serializer_class`` (a
    # partnership named by slug, fields that stay once the object exists, a reason).
    create_serializer_class: type[serializers.BaseSerializer] | None = None
    update_serializer_class: type[serializers.BaseSerializer] | None = None

    def get_serializer_class(self):
        if self.action == "create" and self.create_serializer_class is not None:
            return self.create_serializer_class
        if self.action in ("update", "partial_update") and self.update_serializer_class is not None:
            return self.update_serializer_class
        return super().get_serializer_class()

    def get_base_queryset(self):
        """The objects the user may see, with what the serializer reads (annotations)."""
        return self.access.visible(self.request.user)

    def get_queryset(self):
        queryset = self.get_base_queryset()
        slug = partnership_slug(self.request)
        if slug:
            path = self.access.partnership_path
            queryset = queryset.filter(**{f"{path}__slug" if path else "slug": slug})
        return queryset

    def get_object(self):
        lookup = {"pk": self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        capability = (
            Capability.VIEW
            if self.request.method in permissions.SAFE_METHODS
            else self.write_capability
        )
        obj = self.access.get(
            user=self.request.user,
            capability=capability,
            queryset=self.get_base_queryset(),
            **lookup,
        )
        self.check_object_permissions(self.request, obj)
        return obj

    def check_capability(self, partnership_id: int, capability: Capability) -> None:
        """404 for a non-member of the partnership, 403 for a role without ``capability``
        (answered as such by ``core.api.exception_handler``)."""
        access.check(self.request.user, partnership_id, capability)

    def check_write(self, partnership_id: int) -> None:
        """For creates: the partnership the new object goes into must allow the write."""
        self.check_capability(partnership_id, self.write_capability)


# A resource that lists its objects (cached) and reads them one by one: every resource of a
# partnership's records but the few that only list. (No docstring: the schema would show it
# as the description of the resources that have none.)
class ListReadViewSet(CachedListMixin, mixins.RetrieveModelMixin, PartnershipScopedViewSet):
    pass


# The base of other apps' actions on one partnership (its IATI files, its renewal…), routed
# under /api/v1/partnerships/<slug>/…: the partnership by its slug, never a list. Each sets
# ``access`` to the partnerships' own. (No docstring: the schema would show it as their
# description.)
class PartnershipBySlugViewSet(PartnershipScopedViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    pagination_class = None
    filter_backends = []


# Their actions' path parameter, for the schema.
SLUG_PARAMETER = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The partnership's slug."
)
