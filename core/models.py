"""What the apps' models share: the append-only record, the data version the cache is
keyed by, and the limits of the texts people type."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

# How long a text may be, by its use, in characters (a report's page holds some 3,000).
SENTENCE = 500  # a title, an item's wording
PARAGRAPH = 2_000  # a note on a figure, a purpose, a citation
SECTION = 5_000  # a description, a finding, a response, a list of participants
NARRATIVE = 10_000  # an assessment's or an update's narrative: some three pages
NOTES = 50_000  # the notes of an agenda item


class LimitedTextField(models.TextField):
    """A text of several lines with a length limit, which the model enforces (its
    ``full_clean``, as a CharField's), the page's form from it shows (``maxlength``) and
    the API's serializer from it checks and documents (``maxLength``)."""

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))


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

    number = models.BigIntegerField(default=0)

    class Meta:
        # Made by the partnership app before the cache became the core's; the table kept
        # its name so that moving the model changed nothing in the database.
        db_table = "partnership_dataversion"
        verbose_name = "data version"
        default_permissions = ()

    def __str__(self) -> str:
        return f"data version {self.number}"
