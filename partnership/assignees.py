"""The person responsible for something in a partnership: its assignee.

Action points, reviews, consultations (their organiser) and budget lines awaiting
commitment name one member of their partnership who sees them in "my work" and is
reminded of them. What every kind shares lives here: the model field, the rule (a member
whose role may act on that kind of object), the form field (the members, by full name)
and the API field (a user name or an id).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import TypedChoiceField
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.access import ROLE_CAPABILITIES
from core.access import Capability
from core.access import roles_of
from core.access import roles_with
from core.models import person_field

from .models import Membership


class _Unchanged:
    """The default of a service's assignee argument: leave the stored one as it is."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()
StrOrPromise = str | Promise


RESPONSIBLE = _("responsible")


def assignee_field(
    verbose_name: StrOrPromise = RESPONSIBLE, help_text: StrOrPromise = ""
) -> models.ForeignKey:
    """A nullable link to the responsible user; a deleted user leaves the object unassigned."""
    return person_field(
        verbose_name,
        optional=True,
        on_delete=models.SET_NULL,
        help_text=help_text
        or _("The member of the partnership who sees it in their work and is reminded of it."),
    )


def person_name(user: Any) -> str:
    return user.get_full_name() or user.username


def _role_names(capability: Capability) -> str:
    labels = [Membership.Role(role).label.lower() for role in roles_with(capability)]
    return get_text_list(labels)  # "a or b", "a, b or c" in the reader's language


def check_assignee(
    *, user: Any, partnership_id: int, capability: Capability, field: str = "assignee"
) -> None:
    """Refuse (at ``field``) anyone but a member of the partnership whose role may act on
    the object (``capability``): the person must be able to do what they are reminded of."""
    if user is None:
        return
    role = (
        Membership.objects.filter(partnership_id=partnership_id, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )
    name = person_name(user)
    if role is None:
        raise ValidationError(
            {
                field: _("%(name)s is not a member of this partnership: choose one of its members.")
                % {"name": name}
            }
        )
    if capability not in ROLE_CAPABILITIES[role]:
        raise ValidationError(
            {
                field: _(
                    "%(name)s is %(label)s here and cannot act on it: choose a %(role_names)s."
                )
                % {
                    "name": name,
                    "label": Membership.Role(role).label.lower(),
                    "role_names": _role_names(capability),
                }
            }
        )


class AssigneeChoiceField(TypedChoiceField):
    """A select of the members who may be responsible, by full name (the user name where
    two share one); empty for nobody. Its value is the user."""

    def __init__(self, *, members: list[Any] | None = None, **kwargs: Any):
        kwargs.setdefault("label", _("Responsible"))
        kwargs.setdefault(
            "help_text", _("The member who sees it under “My work” and is reminded of it.")
        )
        super().__init__(coerce=int, required=False, empty_value=None, **kwargs)
        self.set_members(members or [])

    def set_members(self, members: list[Any]) -> None:
        self._members = {user.pk: user for user in members}
        names = [person_name(user) for user in members]
        self.choices = [
            ("", _("Nobody")),
            *(
                (user.pk, name if names.count(name) == 1 else f"{name} ({user.username})")
                for user, name in zip(members, names, strict=True)
            ),
        ]

    def clean(self, value: Any) -> Any:
        pk = super().clean(value)
        return None if pk is None else self._members[pk]

    def prepare_value(self, value: Any) -> Any:
        return getattr(value, "pk", value)


USERNAME_MAX_LENGTH = 150  # Django's User.username


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "maxLength": USERNAME_MAX_LENGTH,
        "description": _(
            "The responsible member, by user name (an id is accepted too); null for nobody. "
            "They must be a member of the partnership whose role may act on the object."
        ),
    }
)
class AssigneeField(serializers.Field):
    """The responsible user: read as the user name, written as a user name or an id. Only
    people who share a partnership with the requester are found; whether they may be
    responsible for this object is the service's rule (a 400 at the same field)."""

    default_error_messages = {
        "unknown": _("No member of your partnerships has the user name or id “{value}”."),
        "invalid": _("Give a user name or a user id."),
        "max_length": format_lazy(
            _("A user name has at most {max_length} characters."),
            max_length=USERNAME_MAX_LENGTH,
        ),
    }

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return value.username if value is not None else None

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        request = self.context.get("request")
        people = get_user_model().objects.filter(
            memberships__partnership_id__in=list(roles_of(request.user) if request else [])
        )
        text = str(data).strip()
        if len(text) > USERNAME_MAX_LENGTH:
            self.fail("max_length")
        if isinstance(data, int):
            found = people.filter(pk=data).first() if 0 < data < 2**63 else None
        else:
            found = people.filter(username=text).first()
            if found is None and text.isascii() and text.isdigit() and len(text) < 19:
                found = people.filter(pk=int(text)).first()
        if found is None:
            self.fail("unknown", value=text[:150])
        return found
