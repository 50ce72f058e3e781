"""What the apps' models share: the append-only record, the data version the cache is
keyed by, and the limits of the texts people type."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# How long a text may be, by its use, in characters (a report's page holds some 3,000).
SENTENCE = 500  # a title, an item's wording
PARAGRAPH = 2_000  # a note on a figure, a purpose, a citation
SECTION = 5_000  # a description, a finding, a response, a list of participants
NARRATIVE = 10_000  # an assessment's or an update's narrative: some three pages
NOTES = 50_000  # the notes of an agenda item

# A calendar year a person types (a budget's, a consultation's, a baseline's): from the
# post-war multilateral system on, and not beyond this century.
YEAR_VALIDATORS = [MinValueValidator(1945), MaxValueValidator(2100)]

# A date a person types (a payment's, a rate's, a due date, a period's ends): in the same
# years, so that a slip of the keyboard (1700, 20244) is refused at the field, not kept as
# a fact the lists, the budget and the reminders then count with.
DATE_RANGE_MESSAGE = _("Give a date from 1 January 1945 to 31 December 2100.")
DATE_VALIDATORS = [
    MinValueValidator(dt.date(1945, 1, 1), message=DATE_RANGE_MESSAGE),
    MaxValueValidator(dt.date(2100, 12, 31), message=DATE_RANGE_MESSAGE),
]


def check_date_in_range(value: dt.date | None, *, field: str) -> None:
    """``DATE_VALIDATORS`` at ``field``, for a service that must check a date before the
    model's ``full_clean`` (a payment's, before its rate is looked up)."""
    if value is None:
        return
    for validator in DATE_VALIDATORS:
        try:
            validator(value)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None


class LimitedTextField(models.TextField):
    """A text of several lines with a length limit, which the model enforces (its
    ``full_clean``, as a CharField's), the page's form from it shows (``maxlength``) and
    the API's serializer from it checks and documents (``maxLength``)."""

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))


def _key(to: Any, on_delete: Any, *, optional: bool, **options: Any) -> models.ForeignKey:
    """A key to ``to``: an ``optional`` one may be left empty, in the database and in forms."""
    return models.ForeignKey(to, on_delete=on_delete, null=optional, blank=optional, **options)


def person_field(
    verbose_name: Any,
    *,
    optional: bool = False,
    related_name: str = "+",
    on_delete: Any = models.PROTECT,
    **options: Any,
) -> models.ForeignKey:
    """The person who did something to the record (wrote, created, cleared, issued it):
    kept with the record, so their account cannot be deleted while it names them
    (PROTECT), and not listed from the user's side unless ``related_name`` says how.
    ``optional`` where older records or machine writes name no one; ``on_delete`` where a
    deleted account takes the record along (CASCADE) or leaves it without (SET_NULL)."""
    return _key(
        settings.AUTH_USER_MODEL,
        on_delete,
        optional=optional,
        related_name=related_name,
        verbose_name=verbose_name,
        **options,
    )


def part_of(to: Any, *, related_name: str, verbose_name: Any) -> models.ForeignKey:
    """The record this one is part of (its partnership, review, budget line…): deleted
    with it."""
    return models.ForeignKey(
        to, on_delete=models.CASCADE, related_name=related_name, verbose_name=verbose_name
    )


def kept(
    to: Any, *, related_name: str, verbose_name: Any, optional: bool = False, **options: Any
) -> models.ForeignKey:
    """A record this one stands on (the goal an update is of, the document a source cites,
    the import a row came from): it cannot be deleted while this one names it.
    ``optional`` where the record may name none (a partnership that renews no earlier one)."""
    return _key(
        to,
        models.PROTECT,
        optional=optional,
        related_name=related_name,
        verbose_name=verbose_name,
        **options,
    )


def retired_on_field(help_text: Any) -> models.DateField:
    """The day a record was retired: it stays, with its history, but what is current no
    longer holds it (``help_text`` says what retiring it means for that record)."""
    return models.DateField(
        null=True, blank=True, help_text=help_text, verbose_name=_("retired on")
    )


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an append-only record."""


class AppendOnlyModel(models.Model):
    """A record that is written once: corrections are new records, never edits."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} records are append-only.")


class DataVersion(models.Model):
    """One row whose number goes up after every committed write to the data pages show:
    the key of cached pages and lists (see ``core.caching``)."""

    number = models.BigIntegerField(default=0, verbose_name=_("number"))

    class Meta:
        # Made by the partnership app before the cache became the core's; the table kept
        # its name so that moving the model changed nothing in the database.
        db_table = "partnership_dataversion"
        verbose_name = "data version"
        default_permissions = ()

    def __str__(self) -> str:
        return f"data version {self.number}"
