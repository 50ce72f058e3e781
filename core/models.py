"""What the apps' models share: the append-only record, and the data version the cache is
keyed by."""

from __future__ import annotations

from django.db import models


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
