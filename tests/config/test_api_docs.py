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
