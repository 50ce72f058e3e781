"""A real SMTP server on loopback (aiosmtpd), for the tests that read the e-mail the app
sends as a mail server receives it: the ``smtp`` fixture (tests/conftest.py) starts one
and points Django's SMTP backend at it."""

from __future__ import annotations

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


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


def smtp_server(settings):
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
