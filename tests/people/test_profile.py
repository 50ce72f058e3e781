"""A person's own account page (/account/): who they are and their partnerships, each with
their role, linked from their name in the header."""

from partnership.models import Membership
from tests import factories
from tests.queries import cost_get
from tests.queries import count_get


def test_a_person_sees_their_partnerships_and_roles(desk, other_partnership, login, iom):
    Membership.objects.create(user=desk, partnership=other_partnership, role="auditor")
    client = login(desk)
    home = client.get("/").content.decode()
    assert '<a href="/account/"' in home  # their name in the header
    page = client.get("/account/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your partnerships and roles" in text
    rows = [(m.partnership.title, m.get_role_display()) for m in page.context["memberships"]]
    assert sorted(rows) == sorted([(iom.title, "Desk officer"), ("Another agreement", "Auditor")])
    assert iom.get_absolute_url() in text
    assert "Portfolio administrator" not in text


def test_someone_with_no_partnership_is_told_who_gives_access(db, login):
    page = login(factories.UserFactory(username="new")).get("/account/").content.decode()
    assert "You do not belong to any partnership yet" in page


def test_a_portfolio_administrator_sees_that_role(portfolio_admin, login):
    page = login(portfolio_admin).get("/account/").content.decode()
    assert "Portfolio administrator" in page


def test_the_profile_page_reads_a_fixed_number_of_queries(desk, login, iom):
    client = login(desk)
    # Session, user, the memberships' count and a page of them with their partnerships,
    # the portfolio flag, the language chosen, the data version of the page's key
    # (core.caching.cached_page).
    assert count_get(client, "/account/") == 7
    for i in range(20):
        Membership.objects.create(
            user=desk, partnership=factories.PartnershipFactory(slug=f"p{i}"), role="auditor"
        )
    assert count_get(client, "/account/") == 7


def test_the_profile_pages_the_partnerships_and_reads_the_same_rows_with_ten_times_as_many(
    desk, login, iom, monkeypatch
):
    """Two a page: three partnerships, then thirty; the second page holds the third."""
    from people import views

    monkeypatch.setattr(views, "MEMBERSHIPS_PER_PAGE", 2)

    def join(start, n):
        for i in range(start, start + n):
            Membership.objects.create(
                user=desk,
                partnership=factories.PartnershipFactory(slug=f"q{i}", title=f"Agreement {i}"),
                role="auditor",
            )

    client = login(desk)
    join(0, 2)
    few = cost_get(client, "/account/")
    assert 'href="?page=2"' in client.get("/account/").content.decode()
    join(2, 27)
    many = cost_get(client, "/account/")
    assert few == many, (few, many)
