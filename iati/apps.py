from django.apps import AppConfig


class IatiConfig(AppConfig):
    name = "iati"
    verbose_name = "IATI"

    def ready(self) -> None:
        from partnership import history

        from . import models

        history.register(models.IatiImport, partnership_path="partnership")
        history.register(models.IatiActivity, partnership_path="partnership")
        history.register(models.IatiTransaction, partnership_path="partnership")
