import pytest


@pytest.mark.django_db
def test_api_docs_work_offline_and_within_the_csp(auditor, login):
    client = login(auditor)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style>" not in html
    assert "http://" not in html
    assert "https://" not in html
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_api_schema_describes_the_partnership_resources(auditor, login):
    schema = login(auditor).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for resource in ("partnerships", "goals", "goal-updates", "risks", "risk-assessments"):
        assert f"/api/v1/{resource}/" in paths


@pytest.mark.django_db
def test_the_schema_is_built_once_and_is_the_one_the_api_tests_check(auditor, login, monkeypatch):
    """/api/docs/ reads /api/schema/: built once per process and language (a second or
    more each time before), for no particular user, as ``manage.py spectacular`` does."""
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
    """/api/docs/ fetches the schema as JSON on every visit: gzip, where the browser takes
    it, a tenth of the bytes or less; still not stored (an API answer)."""
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
