"""Twenty members grab one order at the same moment: exactly one takes it (PostgreSQL)."""

import os
import threading

import pytest
from django.db import connection, connections

from orders import services
from orders.models import Dispatch, ServiceOrder
from orders.services import OrderError
from tests import factories as f

GRABBERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_members_grab_one_order_and_one_takes_it(branch, community, accepted, staff):
    if connection.vendor == "sqlite":
        if os.environ.get("CI") == "true":
            pytest.fail("Under CI the grab race must run on PostgreSQL (DATABASE_URL is SQLite).")
        pytest.skip(
            "SQLite's in-memory test database cannot be written from several threads; on "
            "SQLite test_open_to_grab_and_the_first_grab_wins shows the second grab refused."
        )
    members = []
    for i in range(GRABBERS):
        m = f.MemberFactory(user__username=f"grabber{i}", branch=branch)
        f.ConfirmedRegistrationFactory(member=m, community=community)
        members.append(m)
    services.order_open_to_grab(order=accepted, by=staff)
    barrier = threading.Barrier(GRABBERS)
    outcomes, lock = [], threading.Lock()

    def grab(member):
        try:
            barrier.wait(timeout=20)
            services.order_grab(order=ServiceOrder.objects.get(pk=accepted.pk), by=member.user)
            result = "won"
        except OrderError as error:
            result = error.code
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=grab, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["not_grabbable"] * (GRABBERS - 1) + ["won"]
    order = ServiceOrder.objects.get(pk=accepted.pk)
    assert order.is_taken
    assert Dispatch.objects.filter(order=order, state=Dispatch.State.ACCEPTED).count() == 1
    assert order.transitions.filter(to_state=ServiceOrder.State.TAKEN).count() == 1
