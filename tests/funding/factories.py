from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from funding.models import Allocation
from funding.models import BudgetLine
from funding.models import Component
from funding.models import Disbursement
from funding.models import ExchangeRate
from funding.models import StaffPosition
from tests.factories import PartnershipFactory
from tests.factories import UserFactory


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    partnership = factory.SubFactory(PartnershipFactory)
    year = 2021
    component = Component.CORE
    amount = Decimal("1000000.00")
    status = BudgetLine.Status.COMMITTED
    finance_act_reference = "Finance Act for 2021"


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    partnership = factory.SubFactory(PartnershipFactory)
    currency = "USD"
    date = factory.Sequence(lambda n: dt.date(2018, 1, 1) + dt.timedelta(days=n))
    rate = Decimal("6.500000")
    source = "Test rate, not a published one"


class DisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disbursement

    budget_line = factory.SubFactory(BudgetLineFactory)
    kind = Disbursement.Kind.PAYMENT
    value_date = dt.date(2018, 3, 1)
    amount = Decimal("1000.00")
    currency = "DKK"
    exchange_rate = Decimal(1)
    amount_dkk = factory.SelfAttribute("amount")
    reference = factory.Sequence(lambda n: f"PAY-{n}")
    created_by = factory.SubFactory(UserFactory)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    budget_line = factory.SubFactory(BudgetLineFactory, component=Component.PRIORITY_AREA_2)
    country = "ET"
    amount = Decimal("1000.00")
    description = "Migration management capacity building"


class StaffPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffPosition

    partnership = factory.SubFactory(PartnershipFactory)
    kind = StaffPosition.Kind.REGULAR
    position = factory.Sequence(lambda n: f"Programme officer {n}")
    grade = "P-3"
    duty_station = "Geneva"
    start_date = dt.date(2018, 6, 1)
