"""Settings for benchmark runs only: production's settings, plus the benchmark app (its
commands ``generate_load_data`` and ``bench_measure``) and a bare view to compare with.

``make bench`` (``bench/run.sh``, ``bench/harness.py``) runs every command and server with
``DJANGO_SETTINGS_MODULE=bench.settings``; production never names this module, so neither
the commands nor the baseline view exist there.
"""

import os

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"

# No collectstatic before a run: pages only name their static files, and the report's
# stylesheet is found where it lies.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# make bench's uncached runs (BENCH_UNCACHED=1): every read is a first read after a write.
# The default and pages caches hold only core.caching's pages and lists; a cache that keeps nothing
# makes each request build its answer, as the first one after a write does.
if os.environ.get("BENCH_UNCACHED") == "1":
    CACHES = {
        **CACHES,  # noqa: F405
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
