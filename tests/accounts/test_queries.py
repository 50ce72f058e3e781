"""Pinned query counts of the account pages, and what a session signed in with a second
factor costs a page: one query for its device (django_otp checks it still exists)."""

from __future__ import annotations

import pytest

from accounts import services
from core import caching
from tests.partnership.test_queries import PINNED as PARTNERSHIP_PINNED
from tests.queries import count_get

from .conftest import set_up

SLUG = "denmark-iom-2018-2020"

PINNED = {
    # session, user, the tokens, + the device of a session signed in with a code
    "/account/tokens/": 4,
    # + the authenticator app and the recovery codes left
    "/account/security/": 5,
}


@pytest.mark.parametrize(("url", "pinned"), PINNED.items())
def test_account_pages_are_pinned_and_equal_with_1_and_20_tokens(desk, verified_login, url, pinned):
    client = verified_login(desk)
    services.api_token_create(by=desk, name="first")
    assert count_get(client, url) == pinned
    for n in range(19):
        services.api_token_create(by=desk, name=f"script {n}")
    services.recovery_codes_renew(by=desk)
    assert count_get(client, url) == pinned


def test_the_second_factor_costs_a_page_one_query(mfa, desk, login, verified_login):
    """The dashboard as pinned in tests/partnership/test_queries.py, and one more in a
    verified session with MFA_REQUIRED: the device, read once; the roles it reads are the
    page's."""
    set_up(desk)
    dashboard = f"/p/{SLUG}/"
    mfa.MFA_REQUIRED = False
    assert count_get(login(desk), dashboard) == PARTNERSHIP_PINNED[dashboard]
    mfa.MFA_REQUIRED = True
    caching.changed()  # a first read again: the page was kept by the read above
    assert count_get(verified_login(desk), dashboard) == PARTNERSHIP_PINNED[dashboard] + 1


def test_the_security_page_reads_the_same_rows_with_thirty_roles(mfa, desk, verified_login):
    """Whether a second factor is required reads whether one role asks for it, not a row
    for each partnership the person holds a role in."""
    from partnership.models import Membership
    from tests import factories
    from tests.queries import cost_get

    mfa.MFA_REQUIRED = True
    client = verified_login(desk)
    few = cost_get(client, "/account/security/")
    for _ in range(30):
        Membership.objects.create(
            user=desk, partnership=factories.PartnershipFactory(), role="desk_officer"
        )
    many = cost_get(client, "/account/security/")
    assert few == many, (few, many)
