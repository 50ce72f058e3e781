from __future__ import annotations

from rest_framework import serializers

from core.access import Role
from core.serializers import ReasonField
from partnership.models import Membership


class OptionalEmailField(serializers.EmailField):
    """An address that may be absent: ``null`` rather than an empty string."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class MembershipSerializer(serializers.ModelSerializer):
    """A person's role in a partnership. Only the role changes here; a person is added by
    an invitation and taken out with ``POST …/remove/``."""

    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()
    email = OptionalEmailField(source="user.email", read_only=True)
    is_active = serializers.BooleanField(
        source="user.is_active",
        read_only=True,
        help_text="False when the person's account is deactivated: they cannot log in.",
    )
    role = serializers.ChoiceField(choices=Role.choices)
    reason = ReasonField()

    class Meta:
        model = Membership
        fields = ["id", "partnership", "username", "name", "email", "is_active", "role", "reason"]
        read_only_fields = ["id"]

    def get_name(self, membership: Membership) -> str:
        return membership.user.get_full_name() or membership.user.username
