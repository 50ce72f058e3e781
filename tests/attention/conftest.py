"""The demo partnership as a desk officer finds it on 15 February 2020: every app's demo
data, and the action point the issue names, agreed at the 2019 consultation and due on
31 January 2020 (the demo invents no meeting, so the test logs it as mission staff would)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import importlib
import importlib.util
import socket
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from aiosmtpd.controller import Controller
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


# --- A real SMTP server on loopback, and a worker run in the test's thread ------------------


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts, and refuses a recipient as
    many times as ``refuse`` says (``-1``: always), as a mail server that is down for them
    would."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.refuse: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        left = self.refuse.get(address, 0)
        if left:
            self.refuse[address] = left - 1 if left > 0 else left
            return "550 5.2.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for _, rcpts, message in self.messages if address in rcpts]


def _free_port() -> int:
    # aiosmtpd's Controller checks the server is up by connecting to its port, so it needs
    # a real one (port 0 fails); the race between closing and binding again is harmless.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Mail goes by SMTP to a server on loopback; the test reads what it received."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mailbox
    finally:
        controller.stop()


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
