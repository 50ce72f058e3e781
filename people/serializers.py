from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.access import Role
from core.serializers import PARTNERSHIP_NOT_REACHED
from core.serializers import ReasonField
from partnership.models import Membership

from . import access


class OptionalEmailField(serializers.EmailField):
    """An address that may be absent: ``null`` rather than an empty string."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class OptionalTextField(serializers.CharField):
    """A text that may be absent: ``null`` rather than an empty string."""

    def to_representation(self, value):
        return super().to_representation(value) or None


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
        help_text=_("False when the person's account is deactivated: they cannot log in."),
    )
    role = serializers.ChoiceField(choices=Role.choices)
    invitation_pending = serializers.SerializerMethodField(
        help_text=_("True while the person has not set the password their invitation asks for.")
    )
    invitation_sent_at = serializers.DateTimeField(
        source="pending_invitation_sent_at",
        read_only=True,
        allow_null=True,
        help_text=_("When the pending invitation was last sent (null: none, or not sent)."),
    )
    invitation_error = OptionalTextField(
        source="pending_invitation_error",
        read_only=True,
        allow_null=True,
        help_text=_("Why the pending invitation's e-mail could not be sent; null when it went."),
    )
    reason = ReasonField()

    class Meta:
        model = Membership
        fields = [
            "id",
            "partnership",
            "username",
            "name",
            "email",
            "is_active",
            "role",
            "invitation_pending",
            "invitation_sent_at",
            "invitation_error",
            "reason",
        ]
        read_only_fields = ["id"]

    def get_name(self, membership: Membership) -> str:
        return membership.user.get_full_name() or membership.user.username

    def get_invitation_pending(self, membership: Membership) -> bool:
        return getattr(membership, "pending_invitation_id", None) is not None


class PartnershipOfPeopleField(serializers.SlugRelatedField):
    """A partnership the requesting user sees (a portfolio administrator: any); any other
    slug "does not exist" for them, as elsewhere in the API."""

    default_error_messages = {"does_not_exist": PARTNERSHIP_NOT_REACHED}

    def get_queryset(self):
        return access.partnerships_of_people(user=self.context["request"].user)


class MembershipInviteSerializer(MembershipSerializer):
    """An invitation by e-mail: the person with the address becomes a member in the role
    (a new address gets an account and a link to set its password)."""

    partnership = PartnershipOfPeopleField(
        slug_field="slug", help_text=_("The slug of a partnership whose people you manage.")
    )
    email = serializers.EmailField(
        source="user.email",
        max_length=254,
        help_text=_("The person's address: someone with an account is added at once."),
    )
    first_name = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=150
    )
    last_name = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=150
    )

    class Meta(MembershipSerializer.Meta):
        fields = [f for f in MembershipSerializer.Meta.fields if f != "reason"] + [
            "first_name",
            "last_name",
        ]
