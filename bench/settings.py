"""Settings for benchmark runs only: production's settings, plus a bare view to compare with.

``make bench`` serves the app with ``DJANGO_SETTINGS_MODULE=bench.settings``; production
never names this module, so the baseline view exists only there.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# No collectstatic before a run: pages only name their static files, and the report's
# stylesheet is found where it lies.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
