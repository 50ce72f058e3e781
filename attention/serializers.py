from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import DigestFrequency
from accounts.models import Weekday

from .models import Reminder


class AttentionItemSerializer(serializers.Serializer):
    """One thing that needs the user's attention, as "My work" shows it."""

    id = serializers.CharField(source="key", help_text=_("The rule and the object: stable."))
    partnership = serializers.CharField(source="partnership.slug")
    partnership_title = serializers.CharField(source="partnership.title")
    rule = serializers.CharField(help_text=_("The rule that finds it (attention/rules.py)."))
    rule_label = serializers.CharField(help_text=_("The rule, in words."))
    kind = serializers.CharField(help_text=_("What the object is, in words."))
    object_id = serializers.IntegerField(help_text=_("The id of the action point, review…"))
    title = serializers.CharField()
    summary = serializers.CharField(help_text=_("Why it needs attention, in words."))
    due = serializers.DateField(allow_null=True, help_text=_("When it is or was due, if a day."))
    overdue = serializers.BooleanField()
    url = serializers.CharField(help_text=_("The page where it is dealt with (a path)."))
    assignee = serializers.CharField(
        source="assignee.username",
        allow_null=True,
        default=None,
        help_text=_("The responsible member's user name; null when nobody is named."),
    )
    assignee_name = serializers.CharField(allow_null=True)


class DigestPreferenceSerializer(serializers.Serializer):
    frequency = serializers.ChoiceField(
        choices=DigestFrequency.choices, help_text=_("How often the digest is sent.")
    )
    time = serializers.TimeField(
        format="%H:%M",
        input_formats=["%H:%M", "%H:%M:%S"],
        help_text=_("The time of day it is sent, Copenhagen time (HH:MM)."),
    )
    weekday = serializers.ChoiceField(
        choices=Weekday.choices, help_text=_("The day of a weekly digest: 0 Monday … 6 Sunday.")
    )

    def to_representation(self, profile) -> dict:
        return {
            "frequency": profile.digest_frequency,
            "time": profile.digest_time.strftime("%H:%M"),
            "weekday": profile.digest_weekday,
        }


class ReminderSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = serializers.CharField(source="digest.user.username", help_text=_("Who was told."))
    user_name = serializers.SerializerMethodField(help_text=_("Their full name."))
    period = serializers.CharField(source="digest.period", help_text=_("The day or ISO week."))
    status = serializers.CharField(
        source="digest.status", help_text=_("The digest's: pending, sending, sent or failed.")
    )
    attempts = serializers.IntegerField(source="digest.attempts")
    sent_at = serializers.DateTimeField(source="digest.sent_at", allow_null=True)
    error = serializers.CharField(source="digest.error", help_text=_("Why its last send failed."))
    new = serializers.BooleanField(
        source="is_new", help_text=_("The first digest that told this person of it.")
    )

    class Meta:
        model = Reminder
        fields = [
            "id",
            "partnership",
            "user",
            "user_name",
            "period",
            "status",
            "attempts",
            "sent_at",
            "error",
            "rule",
            "kind",
            "title",
            "summary",
            "url",
            "due",
            "overdue",
            "new",
        ]
        read_only_fields = fields

    def get_user_name(self, reminder: Reminder) -> str:
        user = reminder.digest.user
        return user.get_full_name() or user.username
