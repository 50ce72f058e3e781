"""Settings for benchmark runs only: production's settings, plus the benchmark app (its
commands ``generate_load_data`` and ``bench_measure``) and a bare view to compare with.

``make bench`` (``bench/run.sh``, ``bench/harness.py``) runs every command and server with
``DJANGO_SETTINGS_MODULE=bench.settings``; production never names this module, so neither
the commands nor the baseline view exist there.
"""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"

# No collectstatic before a run: pages only name their static files, and the report's
# stylesheet is found where it lies.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
