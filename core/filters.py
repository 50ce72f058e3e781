"""What every API filter shares: whole numbers, strict booleans, ids the database can hold
and the user may see, ISO dates, and ordering by named fields only."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework import filters

from .access import access_for


def whole_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes "²", which ``int`` refuses."""
    return text.isascii() and text.isdigit()


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: ``?year=0.5`` is a 400, not an empty list."""

    field_class = forms.IntegerField


class StrictBooleanWidget(django_filters.widgets.BooleanWidget):
    """Passes on what it cannot read, for the field to refuse."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        return raw if value is None and raw not in (None, "") else value


class StrictBooleanField(forms.NullBooleanField):
    """true or false (or 1 or 0); anything else is refused, not read as "no filter"."""

    widget = StrictBooleanWidget

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            raise DjangoValidationError(_("Give true or false."), code="invalid")
        return super().clean(value)


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


# Ids are 64-bit: a larger number cannot name anything and must not reach the database.
MAX_ID = 2**63 - 1


def _bounded_ids(values: Any) -> None:
    for value in values if isinstance(values, list | tuple) else [values]:
        text = str(value).strip()
        if whole_number(text.lstrip("-")) and abs(int(text)) > MAX_ID:
            raise DjangoValidationError(
                _("%(value)s is not one of the available choices."),
                code="invalid_choice",
                params={"value": text[:30]},
            )


class BoundedModelChoiceField(django_filters.fields.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        _bounded_ids(value)
        return super().to_python(value)


class BoundedModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        if value:
            _bounded_ids(value)
        return super().clean(value)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = BoundedModelChoiceField


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = BoundedModelMultipleChoiceField


class FilterSet(django_filters.FilterSet):
    """The base of every API filter set: integer fields filter by whole numbers, related
    objects by ids the database can hold and the user may see (an id of another
    partnership is refused as one that does not exist, not answered with an empty list)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.IntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
                models.AutoField,
                models.BigAutoField,
            )
        },
        models.ForeignKey: {
            **django_filters.FilterSet.FILTER_DEFAULTS[models.ForeignKey],
            "filter_class": ModelChoiceFilter,
        },
        models.OneToOneField: {
            **django_filters.FilterSet.FILTER_DEFAULTS[models.OneToOneField],
            "filter_class": ModelChoiceFilter,
        },
        models.ManyToManyField: {
            **django_filters.FilterSet.FILTER_DEFAULTS[models.ManyToManyField],
            "filter_class": ModelMultipleChoiceFilter,
        },
        models.BooleanField: {"filter_class": BooleanFilter},
        # ISO 8601 dates only, as the schema says (Django forms would also take 10/25/2006).
        models.DateField: {
            "filter_class": django_filters.DateFilter,
            "extra": lambda field: {"input_formats": ["%Y-%m-%d"]},
        },
    }

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            if user is None or not isinstance(
                filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
            ):
                continue
            access = access_for(filter_.queryset.model)
            if access is not None:
                filter_.queryset = access.visible(user)


class RetiredFilter(FilterSet):
    """Records that may be retired (``retired_on``): ``?retired=false`` those in force,
    ``true`` the retired."""

    retired = BooleanFilter(
        method="filter_retired",
        label=_("Only the retired (true) or only those the strategy now holds (false)"),
    )

    def filter_retired(self, queryset, name, value):
        return queryset.filter(retired_on__isnull=not value)

    @classmethod
    def of(cls, model) -> type[FilterSet]:
        meta = type("Meta", (), {"model": model, "fields": []})
        return type(f"{model.__name__}Filter", (cls,), {"Meta": meta})


class FilterBackend(DjangoFilterBackend):
    """django-filter, with the strict base for filter sets made from ``filterset_fields``."""

    filterset_base = FilterSet


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` by the fields the resource names (``-`` first for descending, several
    separated by commas). A name it does not order by is a 400, as with the filters, and
    ties are broken by id so that pages never overlap."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.getlist(self.ordering_param)
        if not raw:
            return self.get_default_ordering(view)
        valid = self._names(view)
        terms = [term.strip() for term in ",".join(raw).split(",")]
        if len(raw) > 1 or not all(term.removeprefix("-") in valid for term in terms):
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        _("Order by %(join)s; put - first to reverse.") % {"join": ", ".join(valid)}
                    ]
                }
            )
        return terms

    def filter_queryset(self, request, queryset, view):
        ordering = list(self.get_ordering(request, queryset, view) or [])
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering.append("pk")
        return queryset.order_by(*ordering)

    @staticmethod
    def _names(view) -> list[str]:
        names = getattr(view, "ordering_fields", None)
        if not isinstance(names, list | tuple):
            raise TypeError(f"{type(view).__name__} must name its ordering_fields.")
        return list(names)

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        names = self._names(view)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": _(
                    "The order of the results: one or more of the names, "
                    "separated by commas; - first to reverse."
                ),
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": [*names, *(f"-{n}" for n in names)]},
                },
                "style": "form",
                "explode": False,
            }
        ]
