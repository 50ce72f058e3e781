from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and API tokens"

    def ready(self) -> None:
        from core import caching

        from . import schema  # noqa: F401 - registers the token scheme with drf-spectacular

        # The pages and lists name people (authors, who changed what): a change of a
        # user's name is a change of what they show.
        caching.watch("auth")
