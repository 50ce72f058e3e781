from core import apps


class PeopleConfig(apps.DomainAppConfig):
    name = "people"
    verbose_name = "People"
    recorded = {"partnership": ("Invitation",)}  # the people's lists show who was invited

    def ready(self) -> None:
        from core import caching

        super().ready()
        # A portfolio administrator's lists hold every partnership's people: the flag on the
        # person's profile (accounts) decides what a cached list holds.
        caching.watch("accounts")
