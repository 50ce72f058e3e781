from django.apps import AppConfig


class AttentionConfig(AppConfig):
    name = "attention"
    verbose_name = "What needs attention"

    def ready(self) -> None:
        from core import caching

        from . import cards

        caching.watch(self.label)  # the list of who was reminded of what shows its rows
        cards.register_cards()  # the dashboard's "Needs attention" panel
