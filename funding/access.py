"""Access to a partnership's funding records, one helper per kind of object."""

from __future__ import annotations

from core.access import ObjectAccess

from .models import Allocation
from .models import AssessedContribution
from .models import BudgetLine
from .models import Disbursement
from .models import ExchangeRate
from .models import StaffPosition
from .models import VoluntaryContribution

budget_lines = ObjectAccess[BudgetLine](
    lambda: BudgetLine.objects.select_related("partnership", "assignee"), "partnership"
)
disbursements = ObjectAccess[Disbursement](
    lambda: Disbursement.objects.select_related("budget_line__partnership", "created_by", "rate"),
    "budget_line__partnership",
)
exchange_rates = ObjectAccess[ExchangeRate](
    lambda: ExchangeRate.objects.select_related("partnership"), "partnership"
)
assessed_contributions = ObjectAccess[AssessedContribution](
    lambda: AssessedContribution.objects.select_related("partnership"), "partnership"
)
voluntary_contributions = ObjectAccess[VoluntaryContribution](
    lambda: VoluntaryContribution.objects.select_related("partnership"), "partnership"
)
allocations = ObjectAccess[Allocation](
    lambda: Allocation.objects.select_related("budget_line__partnership"),
    "budget_line__partnership",
)
staff_positions = ObjectAccess[StaffPosition](
    lambda: StaffPosition.objects.select_related("partnership", "budget_line"), "partnership"
)
