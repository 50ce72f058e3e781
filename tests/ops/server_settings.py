"""The production settings for the gunicorn test server, with one difference: static files
are hashed but not compressed, which saves the test a minute of compression (the image
build compresses them; see the Dockerfile)."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
