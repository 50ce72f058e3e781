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
