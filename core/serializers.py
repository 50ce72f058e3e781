"""Serializer pieces every app's API uses: related objects the user may see, the people the
server records, amounts of money, and a change's reason."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request

from .access import ObjectAccess
from .reasons import REASON_MAX_LENGTH
from .reasons import REASON_REQUIRED


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object the requesting user may see; anything else 'does not exist'."""

    def __init__(self, *, object_access: ObjectAccess, **kwargs):
        self.object_access = object_access
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.object_access.visible(self.context["request"].user)


class VisibleSlugRelatedField(serializers.SlugRelatedField):
    """A related object the requesting user may see, named by its slug; anything else
    'does not exist'."""

    def __init__(self, *, object_access: ObjectAccess, slug_field: str = "slug", **kwargs):
        self.object_access = object_access
        super().__init__(slug_field=slug_field, **kwargs)

    def get_queryset(self):
        return self.object_access.visible(self.context["request"].user)


# One answer for a partnership slug that names none and one of a partnership the user may not
# reach: which of the two it is must not show (DRF's own message says "Object with slug=…").
PARTNERSHIP_NOT_REACHED = _("No partnership “{value}” that you can reach.")


class VisiblePartnershipField(VisibleSlugRelatedField):
    """A partnership the requesting user may reach (``object_access`` says which), by its
    slug."""

    default_error_messages = {"does_not_exist": PARTNERSHIP_NOT_REACHED}


class UsernameField(serializers.CharField):
    """A user the server records (who uploaded, created, cleared…), by username; null where
    there is none. Give the relation as ``source``."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value) -> str:
        return value.username


class AmountField(serializers.DecimalField):
    """An amount of money as the models keep it: 16 digits, 2 of them after the point."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=16, decimal_places=2, **kwargs)


def reason_field(**kwargs: Any) -> serializers.CharField:
    """The reason of a correction or an irreversible action, required and kept with the
    change history (whose column holds ``REASON_MAX_LENGTH`` characters)."""
    return serializers.CharField(
        write_only=True,
        max_length=REASON_MAX_LENGTH,
        help_text=kwargs.pop("help_text", _("Why; kept with the change history.")),
        error_messages={"required": REASON_REQUIRED, "blank": REASON_REQUIRED},
        **kwargs,
    )


class ReasonSerializer(serializers.Serializer):
    """The body of an action that asks only for a reason."""

    reason = reason_field()


def reason_of(request: Request) -> str:
    """The reason that is the whole body of an action (``ReasonSerializer``); a 400 at the
    field where it is missing or blank."""
    payload = ReasonSerializer(data=request.data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data["reason"]


class ReasonField(serializers.CharField):
    """An optional reason for an edit, kept with the change history."""

    def __init__(self, **kwargs):
        super().__init__(
            write_only=True,
            required=False,
            allow_blank=True,
            max_length=REASON_MAX_LENGTH,
            help_text=_("Why the change is made; kept with the change history."),
            **kwargs,
        )
