"""Gunicorn's settings for the web container: `gunicorn --config config/gunicorn.py config.wsgi`.

Everything goes to stdout in the application's line format; each access line carries the
request id that the application put in the X-Request-ID response header, the same id as
in the application's own lines for that request.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
control_socket_disable = True  # the container engine manages the server
# Heartbeat files on a tmpfs: a container's overlay file system can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

accesslog = "-"
access_log_format = (
    '[%({x-request-id}o)s] gunicorn.access %(h)s "%(r)s" %(s)s %(b)s %(M)sms '
    'forwarded-for="%({x-forwarded-for}i)s"'
)
_LINE = "%(asctime)s %(levelname)s "
_FORMATTER = "ops.logs.UTCFormatter"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "access": {"class": _FORMATTER, "format": _LINE + "%(message)s"},
        "server": {"class": _FORMATTER, "format": _LINE + "[-] %(name)s %(message)s"},
    },
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "access",
        },
        "server": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "server",
        },
    },
    "root": {"level": "INFO", "handlers": ["server"]},
    "loggers": {
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        "gunicorn.error": {"level": "INFO", "handlers": ["server"], "propagate": False},
    },
}


def post_worker_init(worker) -> None:
    """Do before the worker takes requests what its first ones would wait for: build the
    API's schema (a second or more, kept for the worker's life by core.schema.schema),
    draw the reference /api/docs/ shows from it (most of a second more, kept by
    core.api_reference.reference) and fill the URL resolver's table of names (the first
    reverse() of a worker, some 0.4 s: Swagger UI's script waited for it)."""
    from django.urls import reverse

    from core.api_reference import reference
    from core.schema import schema

    schema()
    reference()
    reverse("api-docs")
