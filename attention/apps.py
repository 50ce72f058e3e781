from core import apps


class AttentionConfig(apps.DomainAppConfig):
    """The list of who was reminded of what shows its rows; its cards are the dashboard's
    "Needs attention" panel."""

    name = "attention"
    verbose_name = "What needs attention"
    cards = True
