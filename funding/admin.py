"""The funding records in the admin, read-only: every write has rules (the lifecycle, the
row lock, the DAC list) that live in ``services.py`` and the pages."""

from django.contrib import admin

from core.admin import AppendOnlyAdmin

from .models import Allocation
from .models import AssessedContribution
from .models import BudgetFigure
from .models import BudgetLine
from .models import BudgetLineTransition
from .models import ContributionImport
from .models import Disbursement
from .models import ExchangeRate
from .models import StaffPosition
from .models import StatedSubtotal
from .models import VoluntaryContribution

LISTS = {
    BudgetLine: ["partnership", "year", "component", "amount", "status", "finance_act_reference"],
    BudgetLineTransition: ["budget_line", "from_status", "to_status", "by", "at"],
    Disbursement: ["budget_line", "kind", "value_date", "amount", "currency", "amount_dkk"],
    ExchangeRate: ["partnership", "currency", "date", "rate", "source"],
    AssessedContribution: ["partnership", "year", "scale_percent", "administrative_budget"],
    BudgetFigure: ["partnership", "year", "label", "amount", "currency"],
    ContributionImport: ["partnership", "filename", "created_at", "contributions_added"],
    VoluntaryContribution: ["partnership", "project_code", "country", "year", "amount"],
    StatedSubtotal: ["partnership", "source_table", "level", "name", "year", "amount"],
    Allocation: ["budget_line", "country", "amount", "currency"],
    StaffPosition: ["partnership", "kind", "position", "duty_station", "start_date"],
}

for model, columns in LISTS.items():
    admin.site.register(model, type(f"{model.__name__}Admin", (AppendOnlyAdmin,), {
        "list_display": columns,
    }))  # fmt: skip
