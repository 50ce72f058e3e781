"""The reviews API: the role matrix, render (202), download (logged), issue, assessments."""

from __future__ import annotations

import pytest

from partnership.models import OverallGoal
from partnership.models import PriorityArea
from reviews import services
from reviews.models import DownloadLog
from reviews.models import GoalAssessment
from reviews.models import ReportVersion
from reviews.models import Review
from tests.reviews.factories import ReportVersionFactory
from tests.reviews.factories import done_version
from tests.reviews.factories import issued_version

SLUG = "denmark-iom-2018-2020"
ROLES = ["anonymous", "outsider", "desk", "geneva", "auditor"]
API_WRITE = {"anonymous": 401, "outsider": 404, "desk": 200, "geneva": 403, "auditor": 403}


@pytest.fixture
def api_objects(review, desk):
    goal = OverallGoal.objects.get(partnership=review.partnership, number=1)
    area = PriorityArea.objects.get(partnership=review.partnership, number=1)
    goal_assessment = services.goal_assessment_save(
        review=review, goal=goal, by=desk, rating="achieved", narrative="Done."
    )
    area_assessment = services.priority_area_assessment_save(
        review=review, priority_area=area, by=desk, rating="too_early", narrative="Soon."
    )
    finding = services.finding_create(review=review, text="F.")
    recommendation = services.recommendation_create(review=review, text="R.", finding=finding)
    return {
        "reviews": review.pk,
        "report-versions": done_version(review, requested_by=desk, number=1).pk,
        "goal-assessments": goal_assessment.pk,
        "priority-area-assessments": area_assessment.pk,
        "findings": finding.pk,
        "recommendations": recommendation.pk,
    }


UPDATES = [
    ("reviews", {"title": "Mid-term review (2019)", "reason": "clearer"}),
    ("goal-assessments", {"rating": "partly_achieved"}),
    ("priority-area-assessments", {"narrative": "Later."}),
    ("findings", {"text": "Finding, rephrased."}),
    ("recommendations", {"text": "Recommendation, rephrased."}),
]


@pytest.mark.parametrize(("resource", "payload"), UPDATES)
@pytest.mark.parametrize("role", ROLES)
def test_api_update(users, api_login, api_objects, resource, payload, role):
    response = api_login(users.get(role)).patch(
        f"/api/v1/{resource}/{api_objects[resource]}/", payload, format="json"
    )
    assert response.status_code == API_WRITE[role], (role, response.content)


CREATE_STATUS = {"anonymous": 401, "outsider": 400, "desk": 201, "geneva": 403, "auditor": 403}


@pytest.mark.parametrize("resource", ["reviews", "goal-assessments", "findings"])
@pytest.mark.parametrize("role", ROLES)
def test_api_create(users, api_login, review, resource, role):
    goal = OverallGoal.objects.get(partnership=review.partnership, number=2)
    payload, count = {
        "reviews": (
            {"partnership": SLUG, "kind": "final", "title": "Final review of the strategy"},
            Review.objects.count,
        ),
        "goal-assessments": (
            {"review": review.pk, "goal": goal.pk, "rating": "not_achieved", "narrative": "No."},
            GoalAssessment.objects.count,
        ),
        "findings": ({"review": review.pk, "text": "Found."}, review.findings.count),
    }[resource]
    before = count()
    response = api_login(users.get(role)).post(f"/api/v1/{resource}/", payload, format="json")
    assert response.status_code == CREATE_STATUS[role], (role, response.content)
    assert count() - before == (1 if role == "desk" else 0)


RENDER_STATUS = {"anonymous": 401, "outsider": 404, "desk": 202, "geneva": 403, "auditor": 403}


@pytest.mark.parametrize("role", ROLES)
def test_render_answers_202_with_the_new_versions_id(
    users, api_login, review, role, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[int] = []
    monkeypatch.setattr(services, "_send_render", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_login(users.get(role)).post(f"/api/v1/reviews/{review.pk}/render/")
    assert response.status_code == RENDER_STATUS[role], role
    if role == "desk":
        version = ReportVersion.objects.get(review=review)
        assert response.json() == {"id": version.pk, "number": 1, "status": "queued"}
        assert sent == [version.pk]
    else:
        assert not ReportVersion.objects.exists()


DOWNLOAD_STATUS = {"anonymous": 401, "outsider": 404, "desk": 200, "geneva": 200, "auditor": 200}


@pytest.mark.parametrize("role", ROLES)
def test_download_through_the_api_is_logged(users, api_login, review, desk, role):
    version = done_version(review, requested_by=desk, number=1, content=b"%PDF-1.7 api")
    response = api_login(users.get(role)).get(f"/api/v1/report-versions/{version.pk}/download/")
    assert response.status_code == DOWNLOAD_STATUS[role], role
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.7 api"
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"].startswith("attachment;")
        (entry,) = DownloadLog.objects.all()
        assert (entry.user, entry.channel) == (users[role], "api")
    else:
        assert not DownloadLog.objects.exists()


def test_a_version_without_a_file_answers_404_on_download(api_login, review, desk):
    queued = ReportVersionFactory(review=review, number=1, requested_by=desk)
    response = api_login(desk).get(f"/api/v1/report-versions/{queued.pk}/download/")
    assert response.status_code == 404


def test_report_versions_show_their_fields(api_login, review, desk, auditor):
    version = done_version(review, requested_by=desk, number=1)
    row = api_login(auditor).get(f"/api/v1/report-versions/{version.pk}/").json()
    assert {k: row[k] for k in ("id", "review", "number", "status", "sha256", "size", "pages")} == {
        "id": version.pk,
        "review": review.pk,
        "number": 1,
        "status": "done",
        "sha256": version.sha256,
        "size": version.size,
        "pages": 1,
    }
    assert row["error"] == ""


def test_issue_through_the_api_needs_a_reason_and_queues_the_final_version(
    api_login, review, desk, monkeypatch
):
    monkeypatch.setattr(services, "_send_render", lambda version_id: None)
    draft = done_version(review, requested_by=desk, number=1)
    client = api_login(desk)
    missing = client.post(f"/api/v1/report-versions/{draft.pk}/issue/", {}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"reason": ["Give a reason: it is kept with the change history."]}
    blank = client.post(
        f"/api/v1/report-versions/{draft.pk}/issue/", {"reason": " "}, format="json"
    )
    assert blank.status_code == 400
    assert "reason" in blank.json()
    # The change history keeps 100 characters of a reason: a longer one is refused at the
    # field rather than cut or failing in the database.
    too_long = client.post(
        f"/api/v1/report-versions/{draft.pk}/issue/", {"reason": "x" * 101}, format="json"
    )
    assert too_long.status_code == 400
    assert "100" in too_long.json()["reason"][0]
    assert not ReportVersion.objects.filter(final=True).exists()

    response = client.post(
        f"/api/v1/report-versions/{draft.pk}/issue/", {"reason": "Approved."}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    assert {k: body[k] for k in ("number", "status", "final", "issued_at", "issue_reason")} == {
        "number": 2,
        "status": "queued",
        "final": True,
        "issued_at": None,
        "issue_reason": "Approved.",
    }
    again = client.post(
        f"/api/v1/report-versions/{draft.pk}/issue/", {"reason": "Again."}, format="json"
    )
    assert again.status_code == 400
    assert "being rendered as the issued report" in str(again.json())
    render = client.post(f"/api/v1/reviews/{review.pk}/render/")
    assert render.status_code == 400
    change = client.patch(f"/api/v1/reviews/{review.pk}/", {"title": "New"}, format="json")
    assert change.status_code == 400
    assert "issued" in str(change.json())


def test_an_issued_version_never_changes_through_the_api(api_login, review, desk):
    version = issued_version(review, requested_by=desk, number=1)
    client = api_login(desk)
    row = client.get(f"/api/v1/report-versions/{version.pk}/").json()
    assert (row["final"], row["issued_by"]) == (True, "desk")
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/report-versions/{version.pk}/").status_code == 405
    again = client.post(
        f"/api/v1/report-versions/{version.pk}/issue/", {"reason": "Again."}, format="json"
    )
    assert again.status_code == 400
    assert "issued with version 1" in str(again.json())


def test_a_second_assessment_of_the_same_goal_is_refused_at_its_field(api_login, review, desk):
    goal = OverallGoal.objects.get(partnership=review.partnership, number=3)
    payload = {"review": review.pk, "goal": goal.pk, "rating": "achieved", "narrative": "Y."}
    client = api_login(desk)
    assert client.post("/api/v1/goal-assessments/", payload, format="json").status_code == 201
    second = client.post("/api/v1/goal-assessments/", payload, format="json")
    assert second.status_code == 400
    assert "goal" in second.json()
    assert GoalAssessment.objects.filter(goal=goal).count() == 1


def test_a_report_asked_for_in_danish_is_written_in_danish(api_login, review, desk):
    client = api_login(desk)
    answer = client.post(f"/api/v1/reviews/{review.pk}/render/", HTTP_ACCEPT_LANGUAGE="da")
    assert answer.status_code == 202
    danish = ReportVersion.objects.get(pk=answer.json()["id"])
    assert danish.language == "da"
    row = client.get(f"/api/v1/report-versions/{danish.pk}/").json()
    assert row["language"] == "da"
    english = client.post(f"/api/v1/reviews/{review.pk}/render/", HTTP_ACCEPT_LANGUAGE="en")
    assert ReportVersion.objects.get(pk=english.json()["id"]).language == "en-gb"
