"""What every domain app of Partnership Monitor stands on: access and capabilities, the
API base, caching, history, uploads, exports and the one way a view calls a service.
The domain apps depend on it; it depends on none of them."""

from importlib import import_module

from django.apps import AppConfig


class CoreConfig(AppConfig):
    default = True  # the app's configuration; DomainAppConfig below is the apps' base
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import caching
        from . import history

        caching.connect()
        history.connect()


class DomainAppConfig(AppConfig):
    """A domain app's start-up: the pages and lists show its rows (a write to them is a
    change of the cached pages), its ``cards`` module fills the dashboard's registry, and
    its models' changes are kept in the partnership's history. With ``period_check``, its
    selectors' ``outside_period`` says what it holds that a shorter agreement period would
    leave outside (``core.periods``), which the partnership's edit refuses.

    ``recorded`` maps the lookup from a model to its partnership (``""`` for the
    partnership itself) to the names of the models that reach it so.

    An app's ``apps.py`` imports this module, not the class: Django takes the one
    AppConfig class an ``apps.py`` holds (or the one marked ``default``) as the app's
    configuration."""

    cards = False
    period_check = False
    recorded: dict[str, tuple[str, ...]] = {}

    def ready(self) -> None:
        from . import caching
        from . import history
        from . import periods

        caching.watch(self.label)
        if self.cards:
            import_module(f"{self.name}.cards").register_cards()
        if self.period_check:
            periods.register(import_module(f"{self.name}.selectors").outside_period)
        for partnership_path, model_names in self.recorded.items():
            for model_name in model_names:
                history.register(self.get_model(model_name), partnership_path=partnership_path)
