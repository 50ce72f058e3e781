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

budget_lines = ObjectAccess.through(BudgetLine, "partnership", "assignee")
disbursements = ObjectAccess.through(Disbursement, "budget_line__partnership", "created_by", "rate")
exchange_rates = ObjectAccess.through(ExchangeRate, "partnership")
assessed_contributions = ObjectAccess.through(AssessedContribution, "partnership")
voluntary_contributions = ObjectAccess.through(VoluntaryContribution, "partnership")
allocations = ObjectAccess.through(Allocation, "budget_line__partnership")
staff_positions = ObjectAccess.through(StaffPosition, "partnership", "budget_line")
