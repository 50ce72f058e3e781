from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the system: health checks, request ids in the logs, session refresh."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import sessions

        user_logged_in.connect(sessions.on_login, dispatch_uid="ops.sessions.on_login")
