"""Second factors for the accounts tests: an authenticator app set up as a user would,
its codes computed from its key, and a session signed in with it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services


def code_of(device: TOTPDevice) -> str:
    """The code the user's app shows now, as a phone computes it from the key: the current
    time step, or the next if this one's code has already been used (each works once)."""
    device.refresh_from_db()
    now = int((time.time() - device.t0) // device.step)
    code = hotp(device.bin_key, max(now, device.last_t + 1), digits=device.digits)
    return f"{code:0{device.digits}d}"


def set_up(user: Any) -> tuple[TOTPDevice, list[str]]:
    """An authenticator app set up through the services, and the recovery codes shown."""
    device = services.authenticator_begin(by=user)
    codes = services.authenticator_confirm(by=user, device=device, code=code_of(device))
    return device, codes


@pytest.fixture
def mfa(settings):
    """Production's rule: desk officers, auditors and administrators sign in with a code."""
    settings.MFA_REQUIRED = True
    return settings


@pytest.fixture
def verified_login():
    """verified_login(user) -> a page client logged in as the user, in a session verified
    with their authenticator app (set up for them if they have none)."""

    def log_in(user: Any) -> Client:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or set_up(user)[0]
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return log_in
