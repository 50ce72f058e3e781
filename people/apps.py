from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from core import caching, history

        from . import models

        caching.watch(self.label)  # the people's lists show who was invited
        history.register(models.Invitation, partnership_path="partnership")

        # A portfolio administrator's lists hold every partnership's people: the flag on the
        # person's profile (accounts) decides what a cached list holds.
        caching.watch("accounts")
