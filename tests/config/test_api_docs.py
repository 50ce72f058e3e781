import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from tests.queries import count_get


class Page(HTMLParser):
    """What a test reads of a page: the ids of the operations listed, the scripts and the
    inline styles (the CSP refuses a script or a style without a nonce)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.operations: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.styled: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "api-operation" in (attributes.get("class") or "").split():
            self.operations.append(attributes["id"])
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "style" or "style" in attributes:
            self.styled.append(tag)


def operation_ids(schema: dict) -> list[str]:
    return [
        operation["operationId"]
        for methods in schema["paths"].values()
        for method, operation in methods.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


@pytest.mark.django_db
def test_the_reference_lists_every_operation_of_the_schema(auditor, login):
    from tests.api.resources import openapi

    client = login(auditor)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    listed = Page(page.content.decode()).operations
    assert len(listed) == len(operation_ids(openapi())) > 100
    assert sorted(listed) == sorted(operation_ids(openapi()))


@pytest.mark.django_db
def test_the_reference_shows_each_operation_with_what_an_integrator_sends_and_reads(auditor, login):
    html = login(auditor).get("/api/docs/").content.decode()
    operation = html[html.index('id="v1_goals_create"') :]
    operation = operation[: operation.index("</details>")]
    assert "POST" in operation
    assert "/api/v1/goals/" in operation
    assert "Add an overall goal, with its indicator" in operation
    # Its body's fields, with their limits, and its answer's; its errors; its schemes.
    assert "<code>indicator</code>" in operation
    assert "maxLength 300" in operation
    assert "Request body" in operation
    assert "<code>201</code>" in operation
    assert 'href="#schema-GoalCreate"' in operation
    assert 'href="#error-400">400</a>' in operation
    assert 'id="error-400"' in html
    assert 'href="#auth-personalToken"' in operation
    # The page links to the schema, to Swagger UI, and names the ways to authenticate.
    assert 'href="/api/docs/try/">Try requests in Swagger UI</a>' in html
    assert 'href="/api/schema/?format=yaml"' in html
    assert 'href="/api/schema/?format=json"' in html
    assert 'id="auth-personalToken"' in html
    assert 'id="auth-cookieAuth"' in html
    assert 'id="schema-Goal"' in html


@pytest.mark.django_db
def test_the_reference_is_within_the_csp_and_works_offline(auditor, login):
    page = login(auditor).get("/api/docs/")
    html = page.content.decode()
    parsed = Page(html)
    assert parsed.styled == []
    assert all(script.get("src") or script.get("nonce") for script in parsed.scripts)
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    assert not re.search(r"(src|href)=\"https?://", html)


@pytest.mark.django_db
def test_swagger_ui_stays_for_trying_requests_offline_and_within_the_csp(auditor, login):
    client = login(auditor)
    page = client.get("/api/docs/try/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style>" not in html
    assert "http://" not in html
    assert "https://" not in html
    script = client.get("/api/docs/try/", {"script": ""})
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_the_reference_needs_credentials_like_the_api(client):
    assert client.get("/api/docs/").status_code == 401


@pytest.mark.django_db
def test_the_reference_is_drawn_once_per_language_and_read_in_fixed_queries(
    auditor, login, monkeypatch
):
    """Drawing the reference takes most of a second: once per process, version and
    language, like the schema; a visit then costs the page's own queries (the session and
    the user), whatever the size of the record."""
    from core import api_reference

    monkeypatch.setattr(api_reference, "_REFERENCES", {})
    drawn = []
    original = api_reference.groups_of

    def counted(document):
        drawn.append(translation.get_language())
        return original(document)

    monkeypatch.setattr(api_reference, "groups_of", counted)
    client = login(auditor)
    english = client.get("/api/docs/").content.decode()
    assert count_get(client, "/api/docs/") == 2
    danish = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="da")
    assert drawn == ["en-gb", "da"]
    assert "Try requests in Swagger UI" in english
    assert "Prøv forespørgsler i Swagger UI" in danish
    # The schema's own texts in the reader's language too.
    assert "Resultaternes rækkefølge" in danish
    assert "The order of the results" in english


@pytest.mark.django_db
def test_api_schema_describes_the_partnership_resources(auditor, login):
    schema = login(auditor).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for resource in ("partnerships", "goals", "goal-updates", "risks", "risk-assessments"):
        assert f"/api/v1/{resource}/" in paths


@pytest.mark.django_db
def test_the_schema_is_built_once_and_is_the_one_the_api_tests_check(auditor, login, monkeypatch):
    """/api/docs/ is drawn from it and Swagger UI reads /api/schema/: built once per process
    and language (a second or more each time before), for no particular user, as
    ``manage.py spectacular`` does."""
    from drf_spectacular.generators import SchemaGenerator

    from core import schema as core_schema
    from tests.api.resources import openapi

    monkeypatch.setattr(core_schema, "_SCHEMAS", {})
    built = []
    original = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        built.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    client = login(auditor)
    first = client.get("/api/schema/", {"format": "json"})
    again = client.get("/api/schema/", {"format": "json"})
    yaml = client.get("/api/schema/")
    assert (first.status_code, again.status_code, yaml.status_code) == (200, 200, 200)
    assert built == [{"request": None, "public": True}]
    assert first.content == again.content
    assert first.json() == openapi()
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")


@pytest.mark.django_db
def test_the_schema_reaches_the_browser_compressed(auditor, login):
    """Swagger UI (/api/docs/try/) fetches the schema as JSON on every visit: gzip, where the
    browser takes it, a tenth of the bytes or less; still not stored (an API answer)."""
    import gzip
    import json

    client = login(auditor)
    plain = client.get("/api/schema/", {"format": "json"})
    packed = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert len(packed.content) * 8 < len(plain.content)
    assert "no-store" in packed["Cache-Control"]


@pytest.mark.django_db
def test_the_schema_describes_ordering_and_the_responsible_member_in_the_readers_language(
    auditor, login
):
    client = login(auditor)

    def described(language: str) -> tuple[set[str], set[str]]:
        schema = client.get(
            "/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE=language
        ).json()
        ordering = {
            parameter["description"]
            for methods in schema["paths"].values()
            for operation in methods.values()
            for parameter in operation.get("parameters", [])
            if parameter["name"] == "ordering"
        }
        assignee = {
            component["properties"]["assignee"]["description"]
            for component in schema["components"]["schemas"].values()
            if "assignee" in component.get("properties", {})
        }
        return ordering, assignee

    english_ordering, english_assignee = described("en-gb")
    danish_ordering, danish_assignee = described("da")
    assert english_ordering == {
        "The order of the results: one or more of the names, separated by commas; "
        "- first to reverse."
    }
    assert danish_ordering == {
        "Resultaternes rækkefølge: et eller flere af navnene, adskilt af kommaer; "
        "sæt - foran for omvendt rækkefølge."
    }
    # Each resource says who its responsible member is; every one of them in Danish too.
    assert len(danish_assignee) == len(english_assignee) > 1
    assert not danish_assignee & english_assignee
