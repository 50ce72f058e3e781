"""Fuzzing every operation of the OpenAPI schema as a desk officer and as an auditor, and the
portfolio's own writes as a portfolio administrator: no server error and no response that
breaks the schema, however malformed the request.

The requests go where bugs are found. As a desk officer, who may read and write, every
operation first gets schemathesis' coverage cases: each parameter and field at its
boundaries, missing, of the wrong type, and the methods its path does not take
(deterministic, and cheap to send). Then generated requests, which cost far more to make:
``WRITE_EXAMPLES`` for each write, whose bodies reach validation and the services, and
``READ_EXAMPLES`` for each read, whose filters, orderings and paging are also each tried
with malformed, too large and another partnership's values (test_conventions,
test_bounds, test_isolation). As an auditor, ``AUDITOR_EXAMPLES`` generated requests
for every operation: the auditor reads what the desk officer reads, and every write is
refused (403) before its body is read, so coverage cases would repeat the desk officer's.
"""

from __future__ import annotations

import copy

import pytest
import schemathesis
from django.core.signals import request_finished
from django.core.signals import request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.checks import negative_data_rejection
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from accounts import services as token_services
from accounts.models import Profile
from config.wsgi import application
from tests import factories

from .resources import openapi

WRITE_EXAMPLES = 50
READ_EXAMPLES = 10
AUDITOR_EXAMPLES = 10


def _schema(*, coverage: bool = True, **include):
    config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": coverage}}})
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(openapi()), config=config)
    if include:
        loaded = loaded.include(**include)
    loaded.app = application
    return loaded


reads = _schema(method="GET")
writes = _schema(method=["POST", "PUT", "PATCH", "DELETE"])
every_operation = _schema(coverage=False)
# What only a portfolio administrator may write: a desk officer's requests stop at the 403.
portfolio_writes = _schema(
    method="POST", path_regex=r"^/api/v1/partnerships/(\{slug\}/renew/|import/)?$"
)


def _fuzz_settings(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


@pytest.fixture
def _wsgi_inside_the_test_transaction():
    """The WSGI app closes the database connection after each request, as a server should;
    inside a test that would end the test's transaction, so do as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(iom, other_partnership, settings, _wsgi_inside_the_test_transaction):
    settings.ALLOWED_HOSTS = ["localhost"]
    factories.GoalUpdateFactory(goal=iom.goals.first())
    factories.RiskAssessmentFactory(risk=iom.risks.first())
    portfolio = factories.UserFactory(username="fuzz-portfolio")
    Profile.objects.create(user=portfolio, is_portfolio_admin=True)
    users = {
        "desk": factories.member(iom, "desk_officer", username="fuzz-desk"),
        "auditor": factories.member(iom, "auditor", username="fuzz-auditor"),
        "portfolio": portfolio,
    }
    return {
        role: token_services.api_token_create(by=u, name="fuzz")[1] for role, u in users.items()
    }


def _call(case, token: str, request) -> None:
    # Left out: a request that fits the schema may still be refused (400) for what the
    # schema cannot say (a goal id that does not exist), and an empty query parameter
    # means "no filter" rather than a malformed one.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
    request.node.user_properties.append(("fuzz_requests", 1))


@reads.parametrize()
@_fuzz_settings(READ_EXAMPLES)
def test_a_desk_officers_reads_give_no_server_error_and_no_response_that_breaks_the_schema(
    case, tokens, request
):
    _call(case, tokens["desk"], request)


@writes.parametrize()
@_fuzz_settings(WRITE_EXAMPLES)
def test_a_desk_officers_writes_give_no_server_error_and_no_response_that_breaks_the_schema(
    case, tokens, request
):
    _call(case, tokens["desk"], request)


@every_operation.parametrize()
@_fuzz_settings(AUDITOR_EXAMPLES)
def test_an_auditors_requests_give_no_server_error_and_no_response_that_breaks_the_schema(
    case, tokens, request
):
    _call(case, tokens["auditor"], request)


@portfolio_writes.parametrize()
@_fuzz_settings(WRITE_EXAMPLES)
def test_a_portfolio_administrators_writes_give_no_server_error_and_no_response_that_breaks_the_schema(  # noqa: E501
    case, tokens, request
):
    _call(case, tokens["portfolio"], request)
