"""Of many simultaneous claims on one wish exactly one wins; the database proves it."""

import datetime
import os
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from tests import factories as f
from tests.wishes.factories import WishFactory
from wishes import services
from wishes.models import Claim, Wish, WishTransition
from wishes.services import WishError

CLAIMANTS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_exactly_one_wins(branch, community, resident):
    if connection.vendor == "sqlite":
        if os.environ.get("CI") == "true":
            pytest.fail("Under CI the claim race must run on PostgreSQL (DATABASE_URL is SQLite).")
        pytest.skip(
            "The in-memory SQLite test database cannot be written from several threads; "
            "on SQLite the partial unique constraint is proven by "
            "test_a_claim_that_slipped_past_the_state_check_is_refused_by_the_database."
        )
    members = []
    for i in range(CLAIMANTS):
        m = f.MemberFactory(user__username=f"racer{i}", branch=branch)
        f.ConfirmedRegistrationFactory(member=m, community=community)
        members.append(m)
    wish = WishFactory(resident=resident)
    promised = timezone.localdate() + datetime.timedelta(days=3)
    barrier = threading.Barrier(CLAIMANTS)
    outcomes = []
    lock = threading.Lock()

    def claim(member):
        try:
            barrier.wait(timeout=10)
            services.wish_claim(
                wish=Wish.objects.get(pk=wish.pk), by=member.user, promised_date=promised
            )
            result = "won"
        except WishError as error:
            result = error.code
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["already_claimed"] * (CLAIMANTS - 1) + ["won"]
    wish.refresh_from_db()
    assert wish.state == Wish.State.CLAIMED
    assert Claim.objects.filter(wish=wish).count() == 1
    assert (
        WishTransition.objects.filter(
            wish=wish, from_state=Wish.State.PUBLISHED, to_state=Wish.State.CLAIMED
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_a_claim_that_slipped_past_the_state_check_is_refused_by_the_database(
    member, neighbour, wish
):
    """Even if the conditional UPDATE were beaten (a stale state), the partial unique
    constraint refuses the second open claim and everything is rolled back."""
    promised = timezone.localdate() + datetime.timedelta(days=3)
    services.wish_claim(wish=wish, by=member.user, promised_date=promised)
    Wish.objects.filter(pk=wish.pk).update(state=Wish.State.PUBLISHED)  # simulate the race
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wish, by=neighbour.user, promised_date=promised)
    assert error.value.code == "already_claimed"
    wish.refresh_from_db()
    assert wish.state == Wish.State.PUBLISHED  # the second claim's UPDATE was rolled back
    assert Claim.objects.filter(wish=wish).count() == 1
    assert WishTransition.objects.filter(wish=wish, to_state=Wish.State.CLAIMED).count() == 1
