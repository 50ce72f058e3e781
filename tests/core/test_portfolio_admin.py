"""The portfolio administrator: a ministry-wide role held by a few people (their
profile's flag) and by every superuser, read through ``core.access.is_portfolio_admin``."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from accounts.models import Profile
from core.access import is_portfolio_admin
from tests.factories import UserFactory


def test_a_person_is_a_portfolio_administrator_only_when_their_profile_says_so(db):
    plain = UserFactory(username="plain")
    preferences_only = UserFactory(username="prefs")
    Profile.objects.create(user=preferences_only)
    admin = UserFactory(username="portfolio")
    Profile.objects.create(user=admin, is_portfolio_admin=True)

    assert not is_portfolio_admin(plain)  # no profile row: the default
    assert not is_portfolio_admin(preferences_only)
    assert is_portfolio_admin(get_user_model().objects.get(username="portfolio"))


def test_superusers_are_portfolio_administrators_and_anonymous_visitors_are_not(db):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x-long-pw-1")
    assert is_portfolio_admin(root)
    assert not is_portfolio_admin(AnonymousUser())


def test_a_deactivated_portfolio_administrator_holds_the_role_no_longer(db):
    admin = UserFactory(username="portfolio", is_active=False)
    Profile.objects.create(user=admin, is_portfolio_admin=True)
    assert not is_portfolio_admin(admin)


def test_the_answer_is_read_once_per_request_user(db, django_assert_num_queries):
    admin = UserFactory(username="portfolio")
    Profile.objects.create(user=admin, is_portfolio_admin=True)
    user = get_user_model().objects.get(pk=admin.pk)
    with django_assert_num_queries(1):
        assert is_portfolio_admin(user)
        assert is_portfolio_admin(user)
    nobody = get_user_model().objects.get(pk=UserFactory(username="nobody").pk)
    with django_assert_num_queries(1):
        assert not is_portfolio_admin(nobody)
        assert not is_portfolio_admin(nobody)


@pytest.mark.django_db
def test_roles_read_for_a_page_of_partnerships_serve_each_partnerships_role_without_a_query(
    desk, iom, other_partnership, django_assert_num_queries
):
    """The portfolio API reads the roles of a page of partnerships at once; asking then for
    the role in one of them (or in one where the user holds none) reads nothing more."""
    from core.access import role_in
    from core.access import roles_in

    user = get_user_model().objects.get(pk=desk.pk)  # nothing read yet
    with django_assert_num_queries(1):
        roles = roles_in(user, [iom.pk, other_partnership.pk])
    with django_assert_num_queries(0):
        assert role_in(user, iom.pk) == roles[iom.pk] == "desk_officer"
        assert role_in(user, other_partnership.pk) is None
