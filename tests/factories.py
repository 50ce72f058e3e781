from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from partnership.models import Document
from partnership.models import GoalStatus
from partnership.models import GoalUpdate
from partnership.models import Membership
from partnership.models import Organisation
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from partnership.models import RiskAssessment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.SelfAttribute("username")
    password = factory.django.Password("a-long-test-password")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    donor = "Denmark — Ministry of Foreign Affairs"
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Agreement {n}")
    slug = factory.Sequence(lambda n: f"agreement-{n}")
    start_date = dt.date(2021, 1, 1)
    end_date = dt.date(2023, 12, 31)
    annual_amount = Decimal("10000000.00")
    currency = "DKK"


class PriorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityArea

    partnership = factory.SubFactory(PartnershipFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority area {n}")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OverallGoal

    partnership = factory.SubFactory(PartnershipFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Goal text {n}")
    citation = "Test"


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    partnership = factory.SubFactory(PartnershipFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Risk {n}")
    description = "A risk."


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    partnership = factory.SubFactory(PartnershipFactory)
    kind = Document.Kind.ANNUAL_REPORT
    title = factory.Sequence(lambda n: f"Annual Report {2015 + n}")
    year = 2018
    url = "https://example.org/report.pdf"


class GoalUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalUpdate

    goal = factory.SubFactory(GoalFactory)
    # Days of the partnership, as the model's check wants (the factory does not run it).
    as_of = factory.LazyAttributeSequence(
        lambda update, n: update.goal.partnership.start_date + dt.timedelta(days=n)
    )
    status = GoalStatus.ON_TRACK
    narrative = "Progress as reported in the annual report."
    author = factory.SubFactory(UserFactory)


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAssessment

    risk = factory.SubFactory(RiskFactory)
    as_of = factory.LazyAttributeSequence(
        lambda assessment, n: assessment.risk.partnership.start_date + dt.timedelta(days=n)
    )
    likelihood = 3
    impact = 4
    residual_likelihood = 2
    residual_impact = 3
    response = "Raised at the annual consultation."
    author = factory.SubFactory(UserFactory)


def member(partnership: Partnership, role: str, *, username: str):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, partnership=partnership, role=role)
    return user
