from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import NOTES
from core.reasons import REASON_MAX_LENGTH
from core.serializers import ReasonField
from core.serializers import UsernameField
from core.serializers import VisiblePartnershipField
from core.serializers import VisibleRelatedField
from core.serializers import reason_field
from partnership import access as partnership_access
from partnership.assignees import AssigneeField

from . import access
from .models import ActionPoint
from .models import AgendaItem
from .models import Consultation
from .models import Note
from .models import StandardAgendaItem
from .rendering import render_markdown


class ConsultationSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organiser = AssigneeField(
        help_text=_(
            "The member who prepares it and is reminded of it, by user name (an id is "
            "accepted too); null for nobody. A desk officer or mission staff of the partnership."
        )
    )
    created_by = UsernameField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "partnership",
            "year",
            "date",
            "place",
            "participants",
            "status",
            "organiser",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "year", "created_by", "created_at"]


class ConsultationCreateSerializer(ConsultationSerializer):
    """Creating one: it starts planned, with the standard agenda of the strategy."""

    partnership = VisiblePartnershipField(object_access=partnership_access.partnerships)

    class Meta(ConsultationSerializer.Meta):
        read_only_fields = ["id", "status", "created_by", "created_at"]
        validators = []  # the service says which year is taken, at the field


class AgendaItemSerializer(serializers.ModelSerializer):
    consultation = VisibleRelatedField(object_access=access.consultations)
    order = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=_(
            "Position on the agenda, 1 first. Changing it moves the item; the others "
            "keep their relative order."
        ),
    )

    class Meta:
        model = AgendaItem
        fields = ["id", "consultation", "order", "code", "kind", "title", "citation"]
        read_only_fields = ["id", "code", "kind", "citation"]
        validators = []  # a new or moved item takes a place; the others make way


class AgendaItemUpdateSerializer(AgendaItemSerializer):
    """An item stays on its consultation's agenda."""

    consultation = serializers.PrimaryKeyRelatedField(read_only=True)


class NoteSerializer(serializers.ModelSerializer):
    """A note. Updates must send the ``version`` they are based on: if someone saved in
    between, the update is refused with 409 and the stored note."""

    agenda_item = VisibleRelatedField(object_access=access.agenda_items)
    author = serializers.CharField(source="author.username", read_only=True)
    last_edited_by = UsernameField()
    cleared_by = UsernameField()
    goals = VisibleRelatedField(object_access=partnership_access.goals, many=True, required=False)
    risks = VisibleRelatedField(object_access=partnership_access.risks, many=True, required=False)
    body = serializers.CharField(
        allow_blank=True, required=False, trim_whitespace=False, max_length=NOTES
    )
    body_html = serializers.SerializerMethodField(
        help_text=_("The body rendered as safe HTML (no raw HTML, links http and https only).")
    )
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=_("Rises with every change. Send the version you read with an update."),
    )

    class Meta:
        model = Note
        fields = [
            "id",
            "agenda_item",
            "body",
            "body_html",
            "status",
            "version",
            "revision",
            "author",
            "last_edited_by",
            "goals",
            "risks",
            "cleared_by",
            "cleared_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "revision",
            "author",
            "cleared_at",
            "created_at",
            "updated_at",
        ]

    def get_body_html(self, note: Note) -> str:
        return render_markdown(note.body)


class NoteUpdateSerializer(NoteSerializer):
    """A change of a note: it stays on its agenda item, and names the version it is based on."""

    agenda_item = serializers.PrimaryKeyRelatedField(read_only=True)
    version = serializers.IntegerField(
        min_value=1,
        help_text=_("The version you read: if the note changed since, nothing is changed (409)."),
    )

    def validate(self, attrs):
        if "version" not in attrs:  # a partial change too
            raise serializers.ValidationError(
                {"version": _("Send the version of the note your change is based on.")}
            )
        return attrs


class NoteStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version of the note you are marking or clearing.")
    )


class NoteClearSerializer(NoteStepSerializer):
    reason = reason_field(help_text=_("Why you clear it; required, kept with the change history."))


class ActionPointSerializer(serializers.ModelSerializer):
    consultation = VisibleRelatedField(object_access=access.consultations)
    agenda_item = VisibleRelatedField(
        object_access=access.agenda_items, required=False, allow_null=True
    )
    goals = VisibleRelatedField(object_access=partnership_access.goals, many=True, required=False)
    risks = VisibleRelatedField(object_access=partnership_access.risks, many=True, required=False)
    overdue = serializers.SerializerMethodField(
        help_text=_("Open with its due date passed (as of today).")
    )
    assignee = AssigneeField(
        help_text=_(
            "The member who follows it up and is reminded of it, by user name (an id "
            "is accepted too); null for nobody. A desk officer or mission staff of the partnership."
        )
    )
    created_by = UsernameField()
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text=_(
            "Why the change is made, kept with the change history; required to drop "
            "the point (status dropped)."
        ),
    )

    class Meta:
        model = ActionPoint
        fields = [
            "id",
            "consultation",
            "agenda_item",
            "description",
            "owner",
            "assignee",
            "due_date",
            "status",
            "closed_on",
            "overdue",
            "goals",
            "risks",
            "created_by",
            "created_at",
            "reason",
        ]
        read_only_fields = ["id", "closed_on", "created_by", "created_at"]

    def get_overdue(self, point: ActionPoint) -> bool:
        return point.is_overdue(timezone.localdate())


class ActionPointUpdateSerializer(ActionPointSerializer):
    """A point stays with the consultation that agreed it."""

    consultation = serializers.PrimaryKeyRelatedField(read_only=True)


class StandardAgendaItemSerializer(serializers.ModelSerializer):
    """An item of a partnership's standard agenda: what its consultations created later
    start with."""

    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reason = ReasonField()

    class Meta:
        model = StandardAgendaItem
        fields = [
            "id",
            "partnership",
            "order",
            "code",
            "title",
            "kind",
            "citation",
            "retired_on",
            "reason",
        ]
        read_only_fields = ["id", "order", "citation", "retired_on"]
        validators = []  # the service says which code is taken, at the field


class StandardAgendaItemCreateSerializer(StandardAgendaItemSerializer):
    """A new item, at the end of a draft or active partnership's standard agenda."""

    partnership = VisiblePartnershipField(
        object_access=partnership_access.partnerships,
        help_text=_("The slug of the partnership whose standard agenda it joins."),
    )
