"""A form refused on a full page takes the person to what is wrong: the page comes back with
the focus on the first field in error (or on the form's own errors when no field is to
blame), scrolled into view with its message, on a phone too, so that a keyboard or
screen-reader user does not start again at the top of a long page. A page without errors
leaves the focus where the browser puts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consultations.models import ActionPoint
from consultations.models import Consultation
from reviews.models import Review

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}"
PHONE = (390, 844)

# Whether an element, and the message that names its error, are wholly on screen.
ON_SCREEN = """(element) => {
  const inside = (box) => box.top >= 0 && box.left >= 0
    && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
  const message = element.id && document.getElementById(element.id + "_error");
  return {
    element: inside(element.getBoundingClientRect()),
    message: message ? inside(message.getBoundingClientRect()) : null,
  };
}"""


def _lands_on(journey, field, step: str) -> None:
    """The page came back refused, its focus on ``field``, which is on screen with its
    message; axe finds nothing wrong with the page as it stands."""
    expect(field).to_be_focused()
    assert field.evaluate(ON_SCREEN) == {"element": True, "message": True}
    journey.audit(step)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def _submit(journey, button) -> int:
    with journey.page.expect_response(lambda r: r.request.method == "POST") as answer:
        button.click()
    journey.page.wait_for_load_state()
    return answer.value.status


def test_an_action_point_refused_on_its_own_page_takes_the_focus_to_the_owner(
    browser_as, demo, geneva
):
    item = Consultation.objects.get(partnership=demo, year=2019).agenda_items.get(code="vii")
    journey = browser_as(geneva, viewport=PHONE)
    page = journey.page
    journey.goto(f"{P}/consultations/items/{item.pk}/action-points/")
    journey.audit("action-point-new")
    page.get_by_label("What was agreed").fill("IOM to share its results framework.")
    assert _submit(journey, page.get_by_role("button", name="Add action point")) == 400
    expect(page).to_have_title(
        "Add an action point · Consultation 2019 · " + demo.title + " · Partnership Monitor"
    )
    _lands_on(journey, page.get_by_label("Owner"), "action-point-refused")
    expect(page.get_by_label("What was agreed")).to_have_value(
        "IOM to share its results framework."
    )
    assert not ActionPoint.objects.filter(description__startswith="IOM to share its").exists()


@pytest.mark.parametrize(
    ("button", "label"),
    [("Add finding", "Finding"), ("Add recommendation", "Recommendation")],
    ids=["finding", "recommendation"],
)
def test_a_finding_or_recommendation_refused_takes_the_focus_to_its_text(
    browser_as, demo, desk, button, label
):
    review = Review.objects.get(partnership=demo)
    journey = browser_as(desk, viewport=PHONE)
    page = journey.page
    journey.goto(f"{P}/reviews/{review.pk}/")
    journey.audit("review")
    assert _submit(journey, page.get_by_role("button", name=button)) == 400
    form = page.locator("form", has=page.get_by_role("button", name=button))
    _lands_on(journey, form.get_by_label(f"{label}:", exact=True), f"{label.lower()}-refused")


@pytest.mark.parametrize(
    ("path", "fill", "button", "field"),
    [
        (f"{P}/consultations/", {"Year": ""}, "Add consultation", "Year"),
        (f"{P}/consultations/2019/edit/", {"Date": "2016-05-01"}, "Save", "Date"),
        ("/account/digest/", {"At": ""}, "Save", "At"),
        ("/account/security/authenticator/", {"Code from the app": "000000"}, "Confirm",
         "Code from the app"),
    ],
    ids=["consultation-add", "consultation-edit", "digest", "authenticator"],
)  # fmt: skip
def test_a_full_page_form_refused_takes_the_focus_to_the_field(
    browser_as, demo, geneva, path, fill, button, field
):
    journey = browser_as(geneva, viewport=PHONE)
    page = journey.page
    journey.goto(path)
    journey.audit("form")
    expect(page.locator("body")).to_be_focused()  # nothing to take the focus to yet
    form = page.locator("form", has=page.get_by_role("button", name=button, exact=True))
    for label, value in fill.items():
        form.get_by_label(f"{label}:", exact=True).fill(value)
    assert _submit(journey, form.get_by_role("button", name=button, exact=True)) == 400
    _lands_on(journey, page.get_by_label(f"{field}:", exact=True), "refused")


def test_a_refused_log_in_takes_the_focus_to_what_the_form_says(browser_as, geneva):
    """No field is to blame for a wrong password: the focus goes to the form's errors."""
    journey = browser_as(geneva, viewport=PHONE, logged_in=False)
    page = journey.page
    journey.goto("/accounts/login/")
    journey.audit("login")
    page.get_by_label("Username").fill(geneva.username)
    page.get_by_label("Password").fill("not-the-password")
    assert _submit(journey, page.get_by_role("button", name="Log in")) == 200
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please enter a correct username and password")
    expect(alert).to_be_focused()
    assert alert.evaluate(ON_SCREEN)["element"]
    journey.audit("login-refused")
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
