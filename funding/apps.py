from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self) -> None:
        from core import caching, history

        from . import cards, models

        caching.watch(self.label)  # the pages and lists show its rows
        cards.register_cards()  # what it shows on the partnership's pages

        for model in (
            models.BudgetLine,
            models.ExchangeRate,
            models.AssessedContribution,
            models.BudgetFigure,
            models.ContributionImport,
            models.VoluntaryContribution,
            models.StatedSubtotal,
            models.StaffPosition,
        ):
            history.register(model, partnership_path="partnership")
        for model in (models.BudgetLineTransition, models.Disbursement, models.Allocation):
            history.register(model, partnership_path="budget_line__partnership")
