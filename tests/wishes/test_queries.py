"""Every list page costs a fixed number of queries, with 10 wishes or 1,000."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.pagecache import user_pages_changed
from wishes.models import Claim, Resident, Wish

pytestmark = pytest.mark.django_db


def seed(community, n, *, state=Wish.State.PUBLISHED, member=None):
    resident = Resident.objects.create(community=community, name="李秀英", phone="13900001111")
    now = timezone.now()
    wishes = Wish.objects.bulk_create(
        Wish(
            community=community,
            resident=resident,
            title=f"心愿{i}",
            state=state
            if state == Wish.State.COMPLETED
            else (Wish.State.CLAIMED if member else state),
            created_at=now - datetime.timedelta(minutes=i),
            completed_at=now if state == Wish.State.COMPLETED else None,
        )
        for i in range(n)
    )
    if member:
        Claim.objects.bulk_create(
            Claim(
                wish=w,
                member=member,
                claimed_by=member.user,
                promised_date=timezone.localdate() + datetime.timedelta(days=i % 5 - 2),
                state=Claim.State.COMPLETED if state == Wish.State.COMPLETED else "active",
            )
            for i, w in enumerate(wishes)
        )
    return wishes


# Logged-in pages: the session, the user, the role facts (with a staff member's community) and
# the unread-notification badge come from the cache once the first request put them there…
MY_CLAIMS = 2
STAFF_LIST = 3
REVIEW_QUEUE = 3


@pytest.mark.parametrize("n", [10, 1000])
def test_wall_costs_a_fixed_number_of_queries(client, community, n, django_assert_num_queries):
    seed(community, n)
    # Cold: the count, the page, the community filter's choices.
    with django_assert_num_queries(3):
        response = client.get(reverse("wishes:wall"))
    assert response.status_code == 200
    # The count is cached for a minute: the page and the choices.
    with django_assert_num_queries(2):
        client.get(reverse("wishes:wall"), {"page": "2"})


@pytest.mark.parametrize("n", [10, 1000])
def test_wall_with_filters_costs_the_same(client, community, n, django_assert_num_queries):
    seed(community, n)
    with django_assert_num_queries(3):
        client.get(reverse("wishes:wall"), {"q": "心愿", "category": "daily", "state": "published"})


@pytest.mark.parametrize("n", [10, 1000])
def test_my_claims_costs_a_fixed_number_of_queries(
    login, member, community, n, django_assert_num_queries
):
    seed(community, n, member=member)
    client = login(member.user)
    client.get(reverse("wishes:my_claims"))
    user_pages_changed(member.user.pk)  # the page made again, not served from the cache
    # the count and the page of claims
    with django_assert_num_queries(MY_CLAIMS):
        client.get(reverse("wishes:my_claims"))


@pytest.mark.parametrize("n", [10, 1000])
def test_staff_list_costs_a_fixed_number_of_queries(
    login, staff, member, community, n, django_assert_num_queries
):
    seed(community, n // 2)
    seed(community, n // 2, member=member)
    client = login(staff)
    client.get(reverse("wishes:staff_list"))
    # another query string (another page): the count, the page, the page's claims
    with django_assert_num_queries(STAFF_LIST):
        client.get(reverse("wishes:staff_list"), {"state": ""})


@pytest.mark.parametrize("n", [10, 1000])
def test_review_queue_costs_a_fixed_number_of_queries(
    login, staff, community, n, django_assert_num_queries
):
    seed(community, n, state=Wish.State.SUBMITTED)
    client = login(staff)
    client.get(reverse("wishes:review_queue"))
    user_pages_changed(staff.pk)  # the page made again, not served from the cache
    with django_assert_num_queries(REVIEW_QUEUE):
        response = client.get(reverse("wishes:review_queue"))
    assert len(response.context["page"].object_list) > 0


@pytest.mark.parametrize("n", [10, 1000])
def test_stories_cost_a_fixed_number_of_queries(
    client, member, community, n, django_assert_num_queries
):
    seed(community, n, state=Wish.State.COMPLETED, member=member)
    client.get(reverse("wishes:stories"))
    # the page, its claims and their photos (the count is cached)
    with django_assert_num_queries(3):
        client.get(reverse("wishes:stories"))


def test_the_wall_count_is_cached_per_filter(client, community):
    seed(community, 30)
    first = client.get(reverse("wishes:wall")).context["page"].paginator.count
    assert first == 30
    seed(community, 30)
    assert client.get(reverse("wishes:wall")).context["page"].paginator.count == 30  # cached
    filtered = client.get(reverse("wishes:wall"), {"category": "daily"})
    assert filtered.context["page"].paginator.count == 60  # another filter, counted afresh
