from django.apps import AppConfig


class IatiConfig(AppConfig):
    name = "iati"
    verbose_name = "IATI"

    def ready(self) -> None:
        from core import caching, history

        from . import cards, models

        caching.watch(self.label)  # the pages and lists show its rows
        cards.register_cards()  # what it shows on the partnership's pages
        history.register(models.IatiImport, partnership_path="partnership")
        history.register(models.IatiActivity, partnership_path="partnership")
        history.register(models.IatiTransaction, partnership_path="partnership")
