"""What every domain app of Partnership Monitor stands on: access and capabilities, the
API base, caching, history, uploads, exports and the one way a view calls a service.
The domain apps depend on it; it depends on none of them."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import caching, history

        caching.connect()
        history.connect()
