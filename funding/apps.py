from core import apps


class FundingConfig(apps.DomainAppConfig):
    name = "funding"
    verbose_name = "Funding"
    cards = True  # what it shows on the partnership's pages
    period_check = True  # what it holds by the year: the agreement's period keeps it
    recorded = {
        "partnership": (
            "BudgetLine",
            "ExchangeRate",
            "AssessedContribution",
            "BudgetFigure",
            "ContributionImport",
            "VoluntaryContribution",
            "StatedSubtotal",
            "StaffPosition",
        ),
        "budget_line__partnership": ("BudgetLineTransition", "Disbursement", "Allocation"),
    }
