"""The demo partnership as a desk officer finds it on 15 February 2020: every app's demo
data, and the action point the issue names, agreed at the 2019 consultation and due on
31 January 2020 (the demo invents no meeting, so the test logs it as mission staff would)."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from dataclasses import dataclass
from dataclasses import field
from types import SimpleNamespace
from typing import Any

import pytest
from celery import Celery
from django.apps import apps

from consultations import services as consultation_services
from consultations.models import Consultation
from funding.models import BudgetLine
from reviews.models import Review

TODAY = dt.date(2020, 2, 15)


@pytest.fixture
def today(settings):
    """The rules' today: 15 February 2020."""
    settings.ATTENTION_TODAY = TODAY.isoformat()
    return TODAY


def load_demo(partnership) -> None:
    """Every app's demo data, as ``manage.py setup_demo`` loads it."""
    for config in apps.get_app_configs():
        module_name = f"{config.name}.seed"
        if config.name == "partnership" or not importlib.util.find_spec(module_name):
            continue
        module = importlib.import_module(module_name)
        if hasattr(module, "load_demo"):
            module.load_demo(partnership)


@pytest.fixture
def demo(iom, desk, geneva, auditor, today):
    load_demo(iom)
    consultation = Consultation.objects.get(partnership=iom, year=2019)
    point = consultation_services.action_point_create(
        consultation=consultation,
        by=geneva,
        agenda_item=consultation.agenda_items.order_by("order").first(),
        description="IOM to share the draft results framework of its new strategy.",
        owner="IOM",
        due_date=dt.date(2020, 1, 31),
    )
    return SimpleNamespace(
        partnership=iom,
        point=point,
        review=Review.objects.get(partnership=iom, kind=Review.Kind.MID_TERM),
        lines=BudgetLine.objects.filter(partnership=iom),
        desk=desk,
        geneva=geneva,
        auditor=auditor,
    )


# --- A worker run in the test's thread (the SMTP server on loopback: tests/mail.py) ---------


@dataclass
class Worker:
    """Celery tasks the application sends, run on demand in the test's thread."""

    sent: list[tuple[Any, tuple]] = field(default_factory=list)

    def run(self) -> list[Any]:
        results = []
        while self.sent:
            task, args = self.sent.pop(0)
            # As a worker would: a retry runs again (at once here), its outcome is the result.
            results.append(task.apply(args=args).get())
        return results


@pytest.fixture
def worker(monkeypatch) -> Worker:
    kept = Worker()

    def send_task(app, name, args=None, kwargs=None, **options):
        app.loader.import_default_modules()
        kept.sent.append((app.tasks[name], tuple(args or ())))

    monkeypatch.setattr(Celery, "send_task", send_task)
    return kept
