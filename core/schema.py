"""The API's OpenAPI schema, served to ``/api/schema/`` (and drawn as the reference at
``/api/docs/``, ``core.api_reference``) without building it on every visit.

Apart from ``core.api`` (the REST framework's settings name that module, and the schema
views import the REST framework's settings).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.renderers import OpenApiJsonRenderer2
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.renderers import OpenApiYamlRenderer2
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

# The schema of each (API version, language): it follows the code, not the data.
_SCHEMAS: dict[tuple[str | None, str | None], dict] = {}


def schema(version: str | None = None) -> dict:
    """The OpenAPI schema, built once per process, version and language, as ``manage.py
    spectacular`` builds it (for no particular user: every endpoint, whoever asks)."""
    key = (version, translation.get_language())
    if key not in _SCHEMAS:
        generator = SpectacularAPIView.generator_class(api_version=version)
        _SCHEMAS[key] = generator.get_schema(request=None, public=True)
    return _SCHEMAS[key]


class CompactJsonRenderer(OpenApiJsonRenderer2):
    """``application/json``, as Swagger UI (/api/docs/try/) asks for the schema: without
    indentation, less than half the bytes for the browser to fetch and parse (the OpenAPI
    media type, ``application/vnd.oai.openapi+json``, stays indented for people to read)."""

    def get_indent(self, accepted_media_type, renderer_context):
        return None


@method_decorator(gzip_page, name="dispatch")
class SchemaView(SpectacularAPIView):
    """``/api/schema/``, read by Swagger UI at ``/api/docs/try/``: building the schema takes a
    second or more, so it is built once (``schema``; a web worker builds it as it starts: see
    ``config/gunicorn.py``), and each request only renders it, compressed for a browser
    that takes gzip (the schema's JSON, 1.4 MB, to 55 kB). It is no more cached by
    the browser than any API answer (``config.middleware.NoStoreMiddleware``)."""

    renderer_classes = [
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
        OpenApiJsonRenderer,
        CompactJsonRenderer,
    ]

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        return Response(
            data=schema(version),
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )
