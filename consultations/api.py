"""API resources of the annual consultations (registered under /api/v1/)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.access import Capability
from core.api import operation_summaries
from core.filters import BooleanFilter
from core.filters import FilterSet
from core.filters import ModelChoiceFilter
from core.filters import RetiredFilter
from core.serializers import ReasonSerializer
from core.viewsets import CreateThroughServiceMixin
from core.viewsets import ListReadViewSet
from core.viewsets import RecordThroughServicesMixin
from partnership.models import OverallGoal
from partnership.models import Risk

from . import access
from . import serializers
from . import services
from .models import ActionPoint
from .models import Consultation
from .models import Note
from .models import StandardAgendaItem

_LINKS = (
    Prefetch("goals", queryset=OverallGoal.objects.order_by("number")),
    Prefetch("risks", queryset=Risk.objects.order_by("number")),
)


class ConsultationScopedViewSet(ListReadViewSet):
    write_capability = Capability.EDIT_CONSULTATIONS


class _LinkingViewSet(ConsultationScopedViewSet):
    # Notes and action points, read with the goals and risks they link (in number order).

    def get_queryset(self):
        return super().get_queryset().prefetch_related(*_LINKS)

    def read_linked(self, pk: int) -> Any:
        """The object again after a write, with its links, whatever the list's filters."""
        return self.access.base().prefetch_related(*_LINKS).get(pk=pk)


# --- Consultations ------------------------------------------------------------------------


@operation_summaries(
    list="List annual consultations",
    retrieve="Read a consultation",
    create="Add a consultation; its agenda starts with the strategy's standard items",
    update="Replace a consultation's date, place, participants, status",
    partial_update="Change a consultation's date, place, participants or status",
)
class ConsultationViewSet(
    CreateThroughServiceMixin, mixins.UpdateModelMixin, ConsultationScopedViewSet
):
    access = access.consultations
    serializer_class = serializers.ConsultationSerializer
    create_serializer_class = serializers.ConsultationCreateSerializer
    filterset_fields = ["year", "status"]
    ordering_fields = ["year", "date"]
    ordering = ["-year", "id"]
    create_service = staticmethod(services.consultation_create)

    def perform_update(self, serializer):
        current = serializer.instance
        data = {
            name: serializer.validated_data.get(name, getattr(current, name))
            for name in ("date", "place", "participants", "status", "organiser")
        }
        self.check_capability(
            current.partnership_id, access.status_capability(current.status, data["status"])
        )
        serializer.instance = services.consultation_update(
            consultation=current, by=self.request.user, **data
        )


# --- Agenda items ------------------------------------------------------------------------


@operation_summaries(
    list="List agenda items in agenda order (?consultation=<id>)",
    retrieve="Read an agenda item",
    create="Add an item to a consultation's agenda (at the end)",
    update="Move an item, or rename an added item",
    partial_update="Move an item (order), or rename an added item",
    destroy="Remove an added item (standard items are kept)",
)
class AgendaItemViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ConsultationScopedViewSet,
):
    access = access.agenda_items
    serializer_class = serializers.AgendaItemSerializer
    update_serializer_class = serializers.AgendaItemUpdateSerializer
    filterset_fields = ["consultation", "kind"]
    ordering_fields = ["order"]
    ordering = ["consultation_id", "order"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        consultation = data["consultation"]
        self.check_write(consultation.partnership_id)
        item = services.agenda_item_add(
            consultation=consultation, by=self.request.user, title=data["title"]
        )
        if data.get("order") is not None:
            item = services.agenda_item_move(
                item=item, by=self.request.user, position=data["order"]
            )
        serializer.instance = item

    def perform_update(self, serializer):
        item = serializer.instance
        data = serializer.validated_data
        if "title" in data and data["title"] != item.title:
            item = services.agenda_item_rename(item=item, by=self.request.user, title=data["title"])
        if data.get("order") is not None and data["order"] != item.order:
            item = services.agenda_item_move(
                item=item, by=self.request.user, position=data["order"]
            )
        serializer.instance = item

    def perform_destroy(self, instance):
        services.agenda_item_remove(item=instance, by=self.request.user)


# --- Notes --------------------------------------------------------------------------------


class NoteFilter(FilterSet):
    consultation = ModelChoiceFilter(
        field_name="agenda_item__consultation", queryset=Consultation.objects.all()
    )

    class Meta:
        model = Note
        fields = ["consultation", "agenda_item", "status"]


CONFLICT = OpenApiResponse(
    serializers.NoteSerializer,
    description="Someone saved the note after the version you sent: nothing was changed; "
    "the body is the stored note (with its current version).",
)
# The answers of a write that sends the version of the note it read.
SAVED_OR_CONFLICT = {200: serializers.NoteSerializer, 409: CONFLICT}


@operation_summaries(
    list="List notes (?consultation=<id>, ?agenda_item=<id>)",
    retrieve="Read a note",
    create="Write a note on an agenda item (a draft)",
    update=extend_schema(
        summary="Replace a note's text and links (send its version)",
        responses=SAVED_OR_CONFLICT,
    ),
    partial_update=extend_schema(
        summary="Change a note's text or links (send its version)",
        responses=SAVED_OR_CONFLICT,
    ),
)
class NoteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _LinkingViewSet):
    access = access.notes
    serializer_class = serializers.NoteSerializer
    update_serializer_class = serializers.NoteUpdateSerializer
    filterset_class = NoteFilter
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["agenda_item__consultation_id", "agenda_item__order", "created_at", "id"]

    def _conflict(self, current: Note) -> Response:
        body = self.get_serializer(current).data
        body = {"detail": _("Someone else changed this note since the version you sent."), **body}
        return Response(body, status=status.HTTP_409_CONFLICT)

    def perform_create(self, serializer):
        data = serializer.validated_data
        item = data["agenda_item"]
        self.check_write(item.consultation.partnership_id)
        serializer.instance = services.note_create(
            agenda_item=item,
            by=self.request.user,
            body=data.get("body", ""),
            goals=data.get("goals", ()),
            risks=data.get("risks", ()),
        )

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        note = self.get_object()
        serializer = self.get_serializer(note, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            note = services.note_update(
                note=note,
                by=request.user,
                version=data["version"],
                body=data.get("body", note.body),
                goals=data.get("goals"),
                risks=data.get("risks"),
            )
        except services.NoteConflictError as conflict:
            return self._conflict(conflict.current)
        return Response(self.get_serializer(self.read_linked(note.pk)).data)

    def _step(
        self,
        request,
        pk,
        capability: Capability,
        step,
        payload_class=serializers.NoteStepSerializer,
    ) -> Response:
        note = self.access.get(user=request.user, capability=capability, pk=pk)
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            step(note=note, by=request.user, **payload.validated_data)
        except services.NoteConflictError as conflict:
            return self._conflict(conflict.current)
        return Response(self.get_serializer(self.read_linked(note.pk)).data)

    @extend_schema(
        summary="Mark a draft note ready for clearing",
        request=serializers.NoteStepSerializer,
        responses=SAVED_OR_CONFLICT,
    )
    @action(detail=True, methods=["post"], url_path="mark-ready")
    def mark_ready(self, request, pk=None):
        return self._step(request, pk, Capability.EDIT_CONSULTATIONS, services.note_mark_ready)

    @extend_schema(
        summary="Clear a note marked ready (desk officers): it is locked, its text kept",
        description="Send the version you read and the reason (kept with the change history).",
        request=serializers.NoteClearSerializer,
        responses=SAVED_OR_CONFLICT,
    )
    @action(detail=True, methods=["post"])
    def clear(self, request, pk=None):
        return self._step(
            request,
            pk,
            Capability.CLEAR_NOTES,
            services.note_clear,
            payload_class=serializers.NoteClearSerializer,
        )


# --- Action points ------------------------------------------------------------------------


class ActionPointFilter(FilterSet):
    overdue = BooleanFilter(method="filter_overdue", label=_("Open with the due date passed"))

    class Meta:
        model = ActionPoint
        fields = ["consultation", "agenda_item", "status", "goals", "risks"]

    def filter_overdue(self, queryset, name, value):
        overdue = ActionPoint.objects.overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


@operation_summaries(
    list="List action points (?status=open&overdue=true)",
    retrieve="Read an action point",
    create="Record an action point agreed at a consultation",
    update="Replace an action point",
    partial_update="Change an action point (e.g. its status); dropping it needs a reason",
)
class ActionPointViewSet(CreateThroughServiceMixin, mixins.UpdateModelMixin, _LinkingViewSet):
    access = access.action_points
    serializer_class = serializers.ActionPointSerializer
    update_serializer_class = serializers.ActionPointUpdateSerializer
    filterset_class = ActionPointFilter
    ordering_fields = ["due_date", "created_at"]
    ordering = ["consultation_id", "due_date", "id"]
    create_service = staticmethod(services.action_point_create)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        point = services.action_point_update(
            action_point=serializer.instance,
            by=self.request.user,
            goals=data.pop("goals", None),
            risks=data.pop("risks", None),
            **data,
        )
        serializer.instance = self.read_linked(point.pk)


# --- The standard agenda ------------------------------------------------------------------


class StandardAgendaItemFilter(RetiredFilter):
    retired = BooleanFilter(
        method="filter_retired",
        label=_("Only the retired (true) or only those in force (false)"),
    )

    class Meta:
        model = StandardAgendaItem
        fields = ["kind", "code"]


@operation_summaries(
    list="List the items of partnerships' standard agendas (the retired too: see retired_on)",
    retrieve="Read an item of a standard agenda",
    create=(
        "Add an item to the end of a draft or active partnership's standard agenda (desk officers)"
    ),
    update="Replace an item of a standard agenda (desk officers)",
    partial_update="Change an item of a standard agenda (desk officers)",
    retire=extend_schema(
        summary="Retire an item of a standard agenda, with the reason (desk officers)",
        description="Consultations created later start without it; those already created keep it.",
        request=ReasonSerializer,
        responses=serializers.StandardAgendaItemSerializer,
    ),
)
class StandardAgendaItemViewSet(RecordThroughServicesMixin, ListReadViewSet):
    """The standard agenda is part of the strategy: desk officers keep it."""

    access = access.standard_agenda_items
    write_capability = Capability.EDIT_RECORD
    serializer_class = serializers.StandardAgendaItemSerializer
    create_serializer_class = serializers.StandardAgendaItemCreateSerializer
    create_service = staticmethod(services.standard_agenda_item_create)
    update_service = staticmethod(services.standard_agenda_item_update)
    retire_service = staticmethod(services.standard_agenda_item_retire)
    record_argument = "item"
    filterset_class = StandardAgendaItemFilter
    ordering_fields = ["order", "code"]
    ordering = ["partnership_id", "order"]


def register(router: BaseRouter) -> None:
    router.register("consultations", ConsultationViewSet, basename="consultation")
    router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
    router.register("notes", NoteViewSet, basename="note")
    router.register("action-points", ActionPointViewSet, basename="action-point")
    router.register(
        "standard-agenda-items", StandardAgendaItemViewSet, basename="standard-agenda-item"
    )
