import io

import pytest
from django.utils import timezone

from members import demo as members_demo
from wishes import demo
from wishes.models import Claim, Wish, WishTransition

pytestmark = pytest.mark.django_db


def test_demo_wishes_cover_every_state_and_a_second_run_changes_nothing():
    members_demo.seed(size="small", stdout=io.StringIO())
    assert demo.seed(size="small", stdout=io.StringIO())
    counts = (Wish.objects.count(), Claim.objects.count(), WishTransition.objects.count())
    assert set(Wish.objects.values_list("state", flat=True)) == set(Wish.State.values)
    assert not demo.seed(size="small", stdout=io.StringIO())
    assert (Wish.objects.count(), Claim.objects.count(), WishTransition.objects.count()) == counts
    # Every open or finished claim's wish is in the matching state.
    for claim in Claim.objects.select_related("wish"):
        expected = {"active": "claimed", "fulfilled": "fulfilled", "completed": "completed"}
        assert claim.wish.state == expected[claim.state]


def test_nothing_in_the_demo_wishes_happens_in_the_future():
    members_demo.seed(size="small", stdout=io.StringIO())
    demo.seed(size="small", stdout=io.StringIO())
    now = timezone.now()

    assert not Wish.objects.filter(completed_at__gt=now).exists()
    assert not Claim.objects.filter(fulfilled_at__gt=now).exists()
    assert not WishTransition.objects.filter(at__gt=now).exists()
