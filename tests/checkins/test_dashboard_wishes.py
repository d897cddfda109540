"""The campaign dashboard shows how many micro-wishes were fulfilled today in the campaign's
communities (composed by the portal: the check-in app reads no wishes)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.checkins.factories import ActivityFactory, VenueFactory
from tests.wishes.factories import ClaimFactory, ResidentFactory, WishFactory
from wishes.models import Claim, Wish

pytestmark = pytest.mark.django_db


def _fulfilled(community, member, *, at):
    claim = ClaimFactory(member=member, wish__resident=ResidentFactory(community=community))
    Claim.objects.filter(pk=claim.pk).update(state=Claim.State.FULFILLED, fulfilled_at=at)
    Wish.objects.filter(pk=claim.wish_id).update(state=Wish.State.FULFILLED)
    return claim


def _figure(client, activity) -> int:
    cache.clear()
    html = client.get(reverse("checkins:dashboard_live", args=[activity.pk])).content.decode()
    return int(re.search(r'data-figure="wishes_fulfilled_today">(\d+)<', html).group(1))


def test_the_dashboard_counts_wishes_fulfilled_today_in_the_campaigns_communities(
    login, staff, activity, venue, other_community, member
):
    # A sub-activity of the campaign at another community counts too.
    sub = ActivityFactory(organizer_community=activity.organizer_community, campaign=activity)
    VenueFactory(activity=sub, community=other_community)
    now = timezone.now()
    _fulfilled(venue.community, member, at=now)
    _fulfilled(other_community, member, at=now)
    _fulfilled(venue.community, member, at=now - datetime.timedelta(days=2))
    elsewhere = ResidentFactory().community
    _fulfilled(elsewhere, member, at=now)
    WishFactory(resident=ResidentFactory(community=venue.community))  # open, not fulfilled
    assert _figure(login(staff), activity) == 2


def test_a_member_sees_no_dashboard(login, member_user, activity, venue):
    response = login(member_user).get(reverse("checkins:dashboard_live", args=[activity.pk]))
    assert response.status_code == 404


def test_the_figure_costs_one_query_however_many_wishes(login, staff, activity, venue, member):
    client = login(staff)
    url = reverse("checkins:dashboard_live", args=[activity.pk])
    client.get(url)  # role facts cached

    def count():
        cache.clear()
        client.get(url)  # role facts cached again after new rows
        cache.delete(f"checkins:dashboard:{activity.pk}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    _fulfilled(venue.community, member, at=timezone.now())
    small = count()
    for _ in range(8):
        _fulfilled(venue.community, member, at=timezone.now())
    assert count() == small
