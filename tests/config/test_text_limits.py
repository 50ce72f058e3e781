"""Every text a person types has a length limit that fits its use, enforced by the model
(``full_clean``, which every service calls), by the page's form and by the API, each
saying so at the field; a text past it is refused and nothing is saved."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

from tests.api.resources import openapi

ROOT = Path(__file__).resolve().parents[2]
# The project's own apps (not Django's nor a library's), the benchmarks' aside.
APPS = tuple(
    config.label
    for config in apps.get_app_configs()
    if Path(config.path) == ROOT / config.name and config.label != "bench"
)


def _text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)) and field.editable:
                yield f"{model._meta.label}.{field.name}", field


MODEL_FIELDS = dict(_text_fields())


@pytest.mark.parametrize("name", sorted(MODEL_FIELDS))
def test_every_text_field_of_a_model_has_a_limit_its_model_enforces(name):
    field = MODEL_FIELDS[name]
    assert field.max_length, f"{name} has no max_length"
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    assert limits == [field.max_length], f"{name}: full_clean does not check its length"


def _form_text_fields():
    for app in APPS:
        try:
            module = importlib.import_module(f"{apps.get_app_config(app).name}.forms")
        except ModuleNotFoundError:
            continue
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.CharField):
                    yield f"{app}.forms.{name}.{field_name}", field


FORM_FIELDS = dict(_form_text_fields())


@pytest.mark.parametrize("name", sorted(FORM_FIELDS))
def test_every_text_field_of_a_form_has_a_limit(name):
    field = FORM_FIELDS[name]
    assert field.max_length, f"{name} takes a text of any length"


# A partnership named by its slug (looked up, never stored) is the one string a client sends
# that names something rather than says something.
REFERENCES = {"partnership"}


def _request_strings() -> dict[str, int | None]:
    """Each string a client may send in a request body, with its schema's maxLength."""
    schema = openapi()
    components = schema["components"]["schemas"]
    found = {}
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                component = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
                for name, prop in components.get(component, {}).get("properties", {}).items():
                    if (
                        prop.get("type") == "string"
                        and not prop.get("readOnly")
                        and "enum" not in prop
                        and prop.get("format") in (None, "email")
                        and name not in REFERENCES
                    ):
                        found[f"{component}.{name}"] = prop.get("maxLength")
    return found


@pytest.mark.parametrize(("name", "limit"), sorted(_request_strings().items()))
def test_every_text_the_api_takes_has_a_limit_in_its_schema(name, limit):
    assert limit, f"{name} takes a text of any length"
