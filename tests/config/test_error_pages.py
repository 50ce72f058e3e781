"""The site's own error pages: a GET on an address that only takes a form post answers
405 with a page that says so and a way back (the Allow header kept); the API keeps its
JSON."""

from __future__ import annotations

SLUG = "denmark-iom-2018-2020"


def test_a_get_on_a_post_only_address_shows_the_sites_405_page(desk, login, iom):
    from reviews import seed

    review = seed.load_demo(iom)
    url = f"/p/{SLUG}/reviews/{review.pk}/render/"
    response = login(desk).get(url, HTTP_REFERER=f"http://testserver/p/{SLUG}/reviews/{review.pk}/")
    html = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>This address does not open as a page</h1>" in html
    assert "Nothing was changed." in html
    assert f'href="/p/{SLUG}/reviews/{review.pk}/"' in html  # back where the person came from
    assert 'href="/"' in html
    assert review.versions.count() == 0


def test_the_way_back_never_leads_off_the_site(desk, login, iom):
    response = login(desk).get(
        f"/p/{SLUG}/consultations/items/1/move/", HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 405
    assert "evil.example" not in response.content.decode()


def test_the_api_keeps_its_json_405(desk, api_login, iom):
    from reviews import seed

    review = seed.load_demo(iom)
    response = api_login(desk).get(f"/api/v1/reviews/{review.pk}/render/")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "GET" not allowed.'}
    assert "POST" in response["Allow"]


def test_an_unknown_api_address_is_a_404_in_the_readers_language(desk, api_login):
    client = api_login(desk)
    assert client.get("/api/v1/no-such-resource/").json() == {"detail": "Not found."}
    danish = client.get("/api/v1/no-such-resource/", HTTP_ACCEPT_LANGUAGE="da")
    assert (danish.status_code, danish.json()) == (404, {"detail": "Ikke fundet."})
