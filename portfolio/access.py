"""Who may act on the portfolio: creating organisations and partnerships, renewing a
strategy and loading one from a file are for portfolio administrators
(``core.access.is_portfolio_admin``: the ministry-wide role, superusers too)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.access import is_portfolio_admin
from partnership import access as partnership_access
from partnership.models import Partnership

REFUSED = _("Only portfolio administrators create, renew and load partnerships.")


def check_portfolio_admin(user: Any) -> None:
    """403 for anyone who does not hold the portfolio administrator's role."""
    if not is_portfolio_admin(user):
        raise PermissionDenied(REFUSED)


def partnership_to_renew(*, user: Any, slug: str) -> Partnership:
    """The partnership, for a portfolio administrator (403 for anyone else, before it is
    looked up: the answer tells nothing of which partnerships exist; then 404 for a slug
    that names none), as the API answers."""
    check_portfolio_admin(user)
    return partnership_access.partnerships.get(user=user, slug=slug)
