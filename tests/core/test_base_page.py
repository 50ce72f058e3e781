"""What every page loads."""

from __future__ import annotations

SLUG = "denmark-iom-2018-2020"


def test_the_demo_swaps_a_refused_form_into_its_page(settings, geneva, login):
    # Bad input in an in-page form is answered with a 400 fragment that htmx swaps in.
    # django-htmx's debug script (which its template tag adds under DEBUG, as the demo runs)
    # would draw that answer over the whole page instead.
    settings.DEBUG = True
    page = login(geneva).get(f"/p/{SLUG}/consultations/").content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in page
    assert "django-htmx.js" not in page
