from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self) -> None:
        from core import caching, history

        from . import cards, models

        caching.watch(self.label)  # the pages and lists show its rows
        cards.register_cards()  # what it shows on the partnership's pages

        history.register(models.Consultation, partnership_path="partnership")
        history.register(models.AgendaItem, partnership_path="consultation__partnership")
        history.register(models.Note, partnership_path="agenda_item__consultation__partnership")
        history.register(
            models.NoteRevision, partnership_path="note__agenda_item__consultation__partnership"
        )
        history.register(models.ActionPoint, partnership_path="consultation__partnership")
