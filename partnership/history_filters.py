"""The filters of the change history, one set for the page, its exports and the API: the
period (``from``, ``to``: dates in the site's time zone, both included), the kind of
record and the person who made the change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import history
from core.filters import BoundedModelChoiceField
from core.filters import FilterSet
from core.filters import ModelChoiceFilter

from .models import Membership
from .models import Partnership

ISO_DATE = ["%Y-%m-%d"]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


PARAMETERS = ("from", "to", "kind", "person")


def people_of(partnership_ids: list[int]) -> models.QuerySet:
    """The people who hold or held a role in the partnerships, and whoever else made a
    change in them (a portfolio administrator's import or invitation): one query when read."""
    held = Membership.history.model.objects.filter(partnership_id__in=partnership_ids)
    holding = Membership.objects.filter(partnership_id__in=partnership_ids)
    return (
        get_user_model()
        .objects.filter(
            models.Q(pk__in=holding.values("user_id"))
            | models.Q(pk__in=held.values("user_id"))
            | history.authors(partnership_ids)
        )
        .order_by("first_name", "last_name", "username")
    )


class PersonField(BoundedModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return history.Person.of(obj).name


@extend_schema_field(OpenApiTypes.INT)
class PersonFilter(ModelChoiceFilter):
    field_class = PersonField


class HistoryFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and last < first:
            self.add_error("to", _("The end of the period is before its start."))
        return cleaned


class HistoryFilter(FilterSet):
    """Validates the filters; ``history.Changes`` applies them (``criteria``): they do not
    filter the partnerships the set is given."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind of record"),
        choices=history.KindChoices(),
        empty_label=_("All kinds"),
        help_text=_("Only changes to this kind of record."),
    )
    person = PersonFilter(
        label=_("Changed by"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Anyone"),
        help_text=_("Only changes this person made."),
    )

    class Meta:
        model = Partnership
        fields: list[str] = []
        form = HistoryFilterForm

    def __init__(
        self, data: Any = None, *, request: Any = None, partnership_ids: Sequence[int] = ()
    ) -> None:
        super().__init__(data, Partnership.objects.none(), request=request)
        self.filters["person"].queryset = people_of(list(partnership_ids))

    def filter_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def criteria(
        self, partnership_ids: Sequence[int], *, oldest_first: bool = False
    ) -> history.Criteria:
        """What ``history.Changes`` reads, from valid filters."""
        data = self.form.cleaned_data
        since, until = history.day_bounds(data.get("from"), data.get("to"))
        kind = history.model_of_kind(data["kind"]) if data.get("kind") else None
        return history.Criteria(
            partnership_ids=tuple(partnership_ids),
            kinds=(kind,) if kind else (),
            person_id=data["person"].pk if data.get("person") else None,
            since=since,
            until=until,
            oldest_first=oldest_first,
        )


def _day_filter(label: str, help_text: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name="history_date",
        label=label,
        input_formats=ISO_DATE,
        widget=_date_input(),
        help_text=help_text,
    )


# "from" and "to" are Python keywords, so they cannot be declared as attributes.
HistoryFilter.base_filters = {
    "from": _day_filter(
        _("From"), _("Only changes made on or after this day (in the site's time zone).")
    ),
    "to": _day_filter(
        _("To"), _("Only changes made on or before this day (in the site's time zone).")
    ),
    **HistoryFilter.base_filters,
}
