"""Denmark's payments of 2018 and 2019 in the IOM partnership, and the IOM activity file
the tests write, with known differences planted against those payments.

Denmark's payments (value date, line, amount; the USD rates are recorded for the partnership):

    2018-03-01  core 2018           DKK 15,000,000   DK-2018-CORE
    2018-06-15  priority area 1     USD    600,000   DK-2018-PA1  (6.40: DKK 3,840,000)
    2018-09-01  secondments         DKK  2,000,000   DK-2018-SEC
    2018-11-20  priority area 1     USD     50,000   DK-2018-REF  refund (6.45: DKK 322,500)
    2018-12-28  priority area 2     DKK  4,000,000   DK-2018-PA2
    2019-03-01  core 2019           DKK 15,000,000   DK-2019-CORE

What IOM's file says it received from the ministry (incoming funds):

    2018-03-05  USD 2,400,000   at 6.25: DKK 15,000,000 — the core payment, matched
    2018-06-20  USD   600,000   ref DK-2018-PA1 — matched
    2019-01-04  DKK 4,000,000   the late-December payment, booked in 2019: timing
    2019-03-04  USD 2,300,000   at 6.60: DKK 15,180,000 — the 2019 core payment: currency
    2019-08-01  USD   100,000   at 6.70: DKK 670,000 — no payment of Denmark's: missing

and nothing of the secondments payment or the refund (missing in IOM's data). It also
holds a receipt from Sweden, an incoming commitment from the ministry, and an activity
another organisation reports, none of which the reconciliation counts.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from funding import services as funding_services
from funding.models import BudgetLine
from funding.models import Component
from iati import services
from tests.iati.iatifiles import DENMARK
from tests.iati.iatifiles import IOM
from tests.iati.iatifiles import MFA
from tests.iati.iatifiles import SWEDEN
from tests.iati.iatifiles import Act
from tests.iati.iatifiles import Tx
from tests.iati.iatifiles import activity_file

D = dt.date
RATE_SOURCE = "Danmarks Nationalbank (test figures)"
USD_RATES = {
    D(2018, 3, 5): "6.25",
    D(2018, 6, 15): "6.40",
    D(2018, 11, 20): "6.45",
    D(2019, 3, 4): "6.60",
    D(2019, 8, 1): "6.70",
}
PAYMENTS = [
    # value date, year, component, amount, currency, reference, kind
    (D(2018, 3, 1), 2018, Component.CORE, "15000000", "DKK", "DK-2018-CORE", "payment"),
    (D(2018, 6, 15), 2018, Component.PRIORITY_AREA_1, "600000", "USD", "DK-2018-PA1", "payment"),
    (D(2018, 9, 1), 2018, Component.SECONDMENTS, "2000000", "DKK", "DK-2018-SEC", "payment"),
    (D(2018, 11, 20), 2018, Component.PRIORITY_AREA_1, "50000", "USD", "DK-2018-REF", "refund"),
    (D(2018, 12, 28), 2018, Component.PRIORITY_AREA_2, "4000000", "DKK", "DK-2018-PA2", "payment"),
    (D(2019, 3, 1), 2019, Component.CORE, "15000000", "DKK", "DK-2019-CORE", "payment"),
]


def record_payments(partnership, by) -> None:
    """The 2019 lines committed, the USD rates recorded and the payments made, through the
    services, as a desk officer would."""
    funding_services.budget_year_commit(
        partnership=partnership,
        year=2019,
        finance_act_reference="Finance Act for 2019",
        reason="Adopted by the Folketing",
        by=by,
    )
    for day, rate in USD_RATES.items():
        funding_services.exchange_rate_create(
            partnership=partnership,
            currency="USD",
            date=day,
            rate=Decimal(rate),
            source=RATE_SOURCE,
            by=by,
        )
    for day, year, component, amount, currency, reference, kind in PAYMENTS:
        funding_services.disbursement_create(
            budget_line=BudgetLine.objects.get(
                partnership=partnership, year=year, component=component
            ),
            by=by,
            value_date=day,
            amount=Decimal(amount),
            currency=currency,
            reference=reference,
            kind=kind,
        )


def planted_file() -> bytes:
    """IOM's activity file with the receipts the module docstring lists."""
    return activity_file(
        Act(
            f"{IOM}-DK-CORE",
            [
                Tx(D(2018, 3, 5), "2400000.00"),
                Tx(D(2019, 3, 4), "2300000.00", provider=DENMARK),
                Tx(D(2019, 2, 1), "9999999.00", kind="11"),  # an incoming commitment
                Tx(D(2019, 5, 5), "333.00", provider=SWEDEN),
            ],
            title="Core contribution of Denmark",
        ),
        Act(
            f"{IOM}-DK-PA",
            [
                Tx(D(2018, 6, 20), "600000.00", ref="DK-2018-PA1"),
                Tx(D(2019, 1, 4), "4000000.00", currency="DKK"),
                Tx(D(2019, 8, 1), "100000.00"),
            ],
            funders=[MFA],
            title="Migration management: priority areas 1 and 2",
        ),
        Act(f"{IOM}-SE-1", [Tx(D(2019, 4, 1), "5000.00", provider=SWEDEN)]),
        Act("XM-DAC-41114-DK", [Tx(D(2019, 4, 1), "7000.00")], reporting_org="XM-DAC-41114"),
    )


def import_bytes(partnership, content: bytes, *, by=None, filename="iom-activities.xml"):
    return services.iati_import(
        partnership=partnership, file=io.BytesIO(content), filename=filename, by=by
    )
