from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and API tokens"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from core import caching

        from . import schema  # noqa: F401 - registers the token scheme with drf-spectacular
        from . import views

        # The admin's log-in asks for the second factor too (set before config.urls reads it).
        admin.site.login = views.admin_login
        user_logged_in.connect(views.remember_language, dispatch_uid="accounts.language")

        # The pages and lists name people (authors, who changed what): a change of a
        # user's name is a change of what they show.
        caching.watch("auth")
