from core import apps


class ReviewsConfig(apps.DomainAppConfig):
    name = "reviews"
    verbose_name = "Reviews"
    cards = True  # what it shows on the partnership's pages
    recorded = {
        "partnership": ("Review",),
        "review__partnership": (
            "ReviewSource",
            "GoalAssessment",
            "PriorityAreaAssessment",
            "Finding",
            "Recommendation",
            "ReportVersion",
        ),
    }
    # Downloads are not changes: they have their own page, the download log. Nor are
    # dossiers, the requests to collect them with the rest (their own page lists them).

    def ready(self) -> None:
        from django.core import checks

        from . import pdf_engine

        super().ready()
        checks.register(pdf_engine.checks)
