"""Numbers no database can hold are refused at the parameter, never a server error."""

import pytest

HUGE = "2200080766439639432187346"


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/action-points/", "risks"),
        ("/api/v1/action-points/", "consultation"),
        ("/api/v1/goal-updates/", "goal"),
        ("/api/v1/notes/", "agenda_item"),
        ("/api/v1/disbursements/", "budget_line"),
    ],
)
def test_an_id_too_large_for_the_database_is_a_400_at_its_filter(desk, api_login, url, param):
    response = api_login(desk).get(url, {param: HUGE})
    assert response.status_code == 400
    assert list(response.json()) == [param]


def test_an_id_too_large_in_a_body_is_a_400(desk, api_login, iom):
    response = api_login(desk).post(
        "/api/v1/goal-updates/",
        {"goal": int(HUGE), "as_of": "2019-01-01", "status": "on_track", "narrative": "x"},
        format="json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["²", "١٢", "1e3", "-1", "0"])
@pytest.mark.parametrize("param", ["page", "page_size"])
def test_paging_takes_ascii_whole_numbers_only(desk, api_login, param, value):
    response = api_login(desk).get("/api/v1/notes/", {param: value})
    assert response.status_code == 400
    assert list(response.json()) == [param]


def test_pages_ignore_a_filter_value_that_is_no_plain_number(auditor, login, iom):
    slug = "denmark-iom-2018-2020"
    explorer = f"/p/{slug}/funding/voluntary-contributions/"
    assert login(auditor).get(explorer, {"year": "²"}).status_code == 200
    assert login(auditor).get(explorer, {"year": "9" * 30}).status_code == 200
