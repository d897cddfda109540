"""An order past its deadline climbs the ladder, each level recorded and notified once, however
often the sweep runs, and also when two runs overlap."""

import datetime
import os
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from notifications.models import Notification
from orders import deadlines, services
from orders.jobs import JOBS
from orders.models import OrderEscalation, ServiceOrder

LEVEL = datetime.timedelta(days=3)  # well past one more level of 8 working hours


def _late(order, by):
    """Move the deadline to accept `by` into the past."""
    ServiceOrder.objects.filter(pk=order.pk).update(
        accept_due_at=order.created_at - by, complete_due_at=order.created_at + LEVEL * 10
    )


@pytest.mark.django_db
def test_an_order_on_time_is_not_escalated(order):
    assert services.orders_escalate(now=order.created_at) == 0


@pytest.mark.django_db
def test_a_late_order_reaches_level_one_and_the_dispatchers_are_told(order, staff):
    now = deadlines.work_calendar().add_working_hours(order.accept_due_at, 1)
    assert services.orders_escalate(now=now) == 1
    order.refresh_from_db()
    assert order.escalation_level == 1
    assert list(order.escalations.values_list("level", "deadline")) == [(1, "accept")]
    assert Notification.objects.filter(user=staff, key=f"order:{order.pk}:escalated:1").exists()


@pytest.mark.django_db
def test_the_ladder_climbs_to_the_committee_and_stops(order, staff, committee_admin):
    _late(order, datetime.timedelta(days=30))
    services.orders_escalate()
    order.refresh_from_db()
    assert order.escalation_level == 4
    assert sorted(order.escalations.values_list("level", flat=True)) == [1, 2, 3, 4]
    assert Notification.objects.filter(user=committee_admin, key__contains=":escalated:").exists()


@pytest.mark.django_db
def test_running_the_job_again_notifies_nobody_twice(order, staff):
    _late(order, datetime.timedelta(days=30))
    JOBS["escalate_overdue_orders"](today=datetime.date.today())  # noqa: DTZ011
    before = Notification.objects.count()
    assert services.orders_escalate() == 0
    assert Notification.objects.count() == before
    assert OrderEscalation.objects.filter(order=order).count() == 4


@pytest.mark.django_db
def test_a_run_that_read_the_order_before_another_climbed_does_nothing(order, staff):
    """Two overlapping runs: both read the order at level 0; the second's rows collide with the
    first's on the unique (order, level), so it records and notifies nothing."""
    _late(order, datetime.timedelta(hours=1))
    stale = ServiceOrder.objects.select_related("community__subdistrict").get(pk=order.pk)
    services.orders_escalate()
    later = timezone.now()
    made = services._escalate_batch([stale], levels={order.pk: (1, "accept")}, now=later)
    assert made == 0
    assert OrderEscalation.objects.filter(order=order).count() == 1
    assert Notification.objects.filter(key__contains=":escalated:").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_level_twice(order):
    OrderEscalation.objects.create(order=order, level=1, deadline="accept")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderEscalation.objects.create(order=order, level=1, deadline="accept")


@pytest.mark.django_db
def test_the_sweep_reads_in_batches(item, staff):
    orders = [
        services.order_submit(item=item, name="李秀英", phone="13900001111") for _ in range(5)
    ]
    for order in orders:
        _late(order, datetime.timedelta(hours=1))
    assert services.orders_escalate(batch_size=2) == 5


@pytest.mark.django_db
def test_an_open_order_late_to_complete_climbs_too(taken):
    ServiceOrder.objects.filter(pk=taken.pk).update(
        complete_due_at=taken.created_at - datetime.timedelta(hours=1)
    )
    services.orders_escalate()
    assert OrderEscalation.objects.get(order=taken, level=1).deadline == "complete"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_notify_each_level_once(item, staff, committee_admin):
    if connection.vendor == "sqlite":
        if os.environ.get("CI") == "true":
            pytest.fail("Under CI this race must run on PostgreSQL.")
        pytest.skip("SQLite's in-memory test database cannot be shared by threads.")
    orders = [
        services.order_submit(item=item, name="李秀英", phone="13900001111") for _ in range(10)
    ]
    for order in orders:
        _late(order, datetime.timedelta(days=30))
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            services.orders_escalate(batch_size=3)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert OrderEscalation.objects.count() == 40
    keys = list(Notification.objects.filter(key__contains=":escalated:").values_list("user", "key"))
    assert len(keys) == len(set(keys))
    assert (
        Notification.objects.filter(user=committee_admin, key__contains=":escalated:4").count()
        == 10
    )
