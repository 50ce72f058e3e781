from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        from core import caching, history

        from . import models

        caching.watch(self.label)  # the pages and lists show its rows

        history.register(models.Organisation, partnership_path="partnerships")
        history.register(models.OrganisationFact, partnership_path="organisation__partnerships")
        history.register(models.Partnership, partnership_path="")
        for model in (
            models.Membership,
            models.PriorityArea,
            models.OverallGoal,
            models.Risk,
            models.Document,
        ):
            history.register(model, partnership_path="partnership")
        history.register(models.GoalUpdate, partnership_path="goal__partnership")
        history.register(models.RiskAssessment, partnership_path="risk__partnership")
