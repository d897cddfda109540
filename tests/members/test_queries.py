"""Every list page costs the same number of queries whatever its length."""

import pytest
from django.urls import reverse

from core.pagecache import user_pages_changed
from members.models import CommunityRegistration
from tests import factories as f
from tests.wishes.factories import ClaimFactory


def _fill(n, community):
    """n communities, each with a partnership and a confirmed member; n pending and n
    confirmed registrations (with service categories) at `community`."""
    cats = [f.ServiceCategoryFactory(name=f"服务{i}") for i in range(3)]
    for _ in range(n):
        c = f.CommunityFactory()
        f.PartnershipFactory(community=c)
        f.ConfirmedRegistrationFactory(community=c)
        pending = f.RegistrationFactory(community=community)
        pending.member.service_categories.set(cats)
        confirmed = f.ConfirmedRegistrationFactory(community=community)
        confirmed.member.service_categories.set(cats)
        f.PartnershipFactory(community=community)


SIZES = [pytest.param(2, id="small"), pytest.param(12, id="large")]


def _count(client, url, django_assert_num_queries, expected, *, afresh_for=None):
    client.get(url)  # warm the session and role caches the same way for every size
    if afresh_for is not None:  # a user's own cached part of the page, made again
        user_pages_changed(afresh_for.pk)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("n", SIZES)
def test_home_queries(client, community, n, django_assert_num_queries):
    _fill(n, community)
    # figures (cached, with their age) + communities (1) + their member counts (1) + their
    # current partnerships (1)
    _count(client, reverse("portal:home"), django_assert_num_queries, 3)


@pytest.mark.parametrize("n", SIZES)
def test_community_list_queries(client, community, n, django_assert_num_queries):
    _fill(n, community)
    # count (1) + page of communities (1) + the page's member counts (1) + partnerships (1)
    _count(client, reverse("members:community_list"), django_assert_num_queries, 4)


@pytest.mark.parametrize("n", SIZES)
def test_staff_home_queries(login, staff, community, n, django_assert_num_queries):
    _fill(n, community)
    # pending (2: rows and their categories), partnerships (1), "waiting for you": the waiting
    # wishes counted in one query (1); the session, the user, the roles with the community, the
    # badge, the overdue claims, the member count and the members not rated from the cache
    response = _count(
        login(staff), reverse("portal:staff_home"), django_assert_num_queries, 4, afresh_for=staff
    )
    assert len(response.context["pending"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_staff_members_queries(login, staff, community, n, django_assert_num_queries):
    _fill(n, community)
    # a page of members, their categories, registrations and stars; their number is cached
    # (counted once per change to the registrations), and so are the user and the community
    response = _count(
        login(staff),
        reverse("members:staff_members"),
        django_assert_num_queries,
        4,
        afresh_for=staff,
    )
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_community_detail_private_list_queries(
    login, staff, community, n, django_assert_num_queries
):
    _fill(n, community)
    _count(login(staff), community.get_absolute_url(), django_assert_num_queries, 5)


@pytest.mark.parametrize("n", SIZES)
def test_partnership_list_queries(login, org_admin, party_committee, n, django_assert_num_queries):
    for _ in range(n):
        f.PartnershipFactory(organization=party_committee)
    _count(login(org_admin), reverse("members:partnership_list"), django_assert_num_queries, 2)


@pytest.mark.parametrize("n", SIZES)
def test_dashboard_history_queries(login, member, n, django_assert_num_queries):
    for _ in range(n):
        f.RegistrationFactory(
            member=member, community=f.CommunityFactory(), state=CommunityRegistration.State.ENDED
        )
    # member, categories, registrations (3; the user cached); the home's summary: the star
    # level, open claims, latest report (3; the totals and ranks cached); the projects card:
    # open claims, the teams' claims (2; its figures cached); orders: offers, open orders (2; the
    # count cached); check-in (2); the choice of communities is cached
    _count(
        login(member.user),
        reverse("portal:dashboard"),
        django_assert_num_queries,
        12,
        afresh_for=member.user,
    )


@pytest.mark.parametrize("n", SIZES)
def test_the_member_home_seen_again_costs_no_query(
    login, member, community, n, django_assert_num_queries
):
    """Within the minute and with nothing changed: the user, the member (the cached role
    facts) and the page all come from the cache."""
    for _ in range(n):
        f.ServiceRecordFactory(member=member, community=community)
        ClaimFactory(member=member)
    _count(login(member.user), reverse("portal:dashboard"), django_assert_num_queries, 0)


@pytest.mark.parametrize("n", SIZES)
def test_dashboard_summary_queries(login, member, community, n, django_assert_num_queries):
    """However many records, claims, reports and notifications the member has."""
    from notifications.models import Notification
    from tests.reports.factories import MemberReportFactory
    from tests.wishes.factories import ClaimFactory

    for i in range(n):
        f.ServiceRecordFactory(member=member, community=community)
        f.ConfirmedRegistrationFactory(community=community)
        ClaimFactory(member=member)
        MemberReportFactory(member=member, year=2000 + i)
        Notification.objects.create(user=member.user, key=f"k{i}", subject="s", body="b")
    response = _count(
        login(member.user),
        reverse("portal:dashboard"),
        django_assert_num_queries,
        12,
        afresh_for=member.user,
    )
    assert len(response.context["home"].open_claims) == min(n, 5)


@pytest.mark.parametrize("n", SIZES)
def test_staff_home_summary_queries(login, staff, community, branch, n, django_assert_num_queries):
    """However many wishes, claims and members to rate wait for the staff."""
    import datetime

    from tests.reports.factories import registered_since
    from tests.wishes.factories import ClaimFactory, ResidentFactory, WishFactory
    from wishes.models import Wish

    resident = ResidentFactory(community=community)
    for _ in range(n):
        f.RegistrationFactory(community=community)
        WishFactory(resident=resident, state=Wish.State.SUBMITTED)
        ClaimFactory(wish__resident=resident, promised_date=datetime.date(2020, 1, 1))
        registered_since(f.MemberFactory(branch=branch), community, datetime.date(2020, 1, 1))
    response = _count(
        login(staff), reverse("portal:staff_home"), django_assert_num_queries, 4, afresh_for=staff
    )
    assert response.context["waiting"].submitted_wishes == n
    assert response.context["waiting"].overdue_claims == n
