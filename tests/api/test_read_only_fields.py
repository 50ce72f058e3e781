"""A field a write's serializer lists as read-only is read-only: Django REST framework
applies ``Meta.read_only_fields`` only to the fields it generates, so a field declared on
the serializer (or on a parent) stays writable unless it says so itself."""

from __future__ import annotations

import pytest

from .resources import WRITE_ROUTES
from .resources import Route


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=str)
def test_a_field_listed_read_only_is_read_only(route: Route):
    viewset = route.viewset(action=route.action, format_kwarg=None)
    serializer = viewset.get_serializer_class()()
    listed = set(getattr(serializer.Meta, "read_only_fields", ()))
    writable = {
        name for name in listed & set(serializer.fields) if not serializer.fields[name].read_only
    }
    assert not writable, f"{type(serializer).__name__} lets a client write {sorted(writable)}"
