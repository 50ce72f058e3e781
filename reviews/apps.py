from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from django.core import checks

        from core import caching, history

        from . import cards, models, pdf_engine

        caching.watch(self.label)  # the pages and lists show its rows
        cards.register_cards()  # what it shows on the partnership's pages

        checks.register(pdf_engine.checks)

        history.register(models.Review, partnership_path="partnership")
        for model in (
            models.ReviewSource,
            models.GoalAssessment,
            models.PriorityAreaAssessment,
            models.Finding,
            models.Recommendation,
            models.ReportVersion,
        ):
            history.register(model, partnership_path="review__partnership")
        # Downloads are not changes: they have their own page, the download log. Nor are
        # dossiers, the requests to collect them with the rest (their own page lists them).
