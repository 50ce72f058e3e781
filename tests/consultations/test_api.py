"""The consultations API: creating with the standard agenda, errors at the field, and the
schema that documents the 409."""

from __future__ import annotations

from consultations.models import Consultation

SLUG = "denmark-iom-2018-2020"


def test_creating_a_consultation_through_the_api_gives_it_the_standard_agenda(
    geneva, api_login, iom
):
    client = api_login(geneva)
    response = client.post(
        "/api/v1/consultations/",
        {"partnership": SLUG, "year": 2019, "date": "2019-11-19", "place": "Geneva"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["partnership"], body["year"], body["status"], body["created_by"]) == (
        SLUG,
        2019,
        "planned",
        "geneva",
    )
    items = client.get("/api/v1/agenda-items/", {"consultation": body["id"]}).json()
    assert [row["code"] for row in items["results"]][:3] == ["i", "ii", "iii"]
    assert items["count"] == 12


def test_a_taken_year_is_refused_at_the_field(geneva, api_login, iom):
    client = api_login(geneva)
    client.post("/api/v1/consultations/", {"partnership": SLUG, "year": 2019}, format="json")
    again = client.post(
        "/api/v1/consultations/", {"partnership": SLUG, "year": 2019}, format="json"
    )
    assert again.status_code == 400
    assert again.json() == {"year": ["There is already a consultation for 2019."]}
    assert Consultation.objects.count() == 1


def test_the_schema_documents_the_endpoints_and_the_409(desk, api_login):
    response = api_login(desk).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/consultations/",
        "/api/v1/agenda-items/",
        "/api/v1/notes/",
        "/api/v1/notes/{id}/mark-ready/",
        "/api/v1/notes/{id}/clear/",
        "/api/v1/action-points/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/v1/notes/{id}/"]["patch"]["responses"]
    note = schema["components"]["schemas"]["Note"]["properties"]
    assert {"id", "agenda_item", "body", "status", "version", "author"} <= set(note)


def test_a_date_outside_the_consultations_year_is_a_400_at_the_field(geneva, api_login, iom):
    client = api_login(geneva)
    created = client.post(
        "/api/v1/consultations/",
        {"partnership": SLUG, "year": 2018, "date": "2016-05-01"},
        format="json",
    )
    assert (created.status_code, created.json()) == (
        400,
        {"date": ["Give a date in 2018, the consultation's year."]},
    )
    assert not Consultation.objects.exists()
    made = client.post(
        "/api/v1/consultations/", {"partnership": SLUG, "year": 2020}, format="json"
    ).json()
    changed = client.patch(
        f"/api/v1/consultations/{made['id']}/",
        {"date": "2031-01-01", "place": "Geneva"},
        format="json",
    )
    assert (changed.status_code, changed.json()) == (
        400,
        {"date": ["Give a date in 2020, the consultation's year."]},
    )
    consultation = Consultation.objects.get()
    assert (consultation.date, consultation.place) == (None, "")
