"""Activities ended but not finalized: their organizers and hosts are reminded 3 working days
before the deadline (10 working days after the activity ended) and on the day, each once; the
deadline shows on the organizer's and the host's pages."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from checkins.jobs import JOBS, finalize_reminder_step
from checkins.models import Activity
from checkins.selectors import finalize_deadline
from notifications.models import Notification
from tests.checkins.factories import ActivityFactory, SessionFactory, VenueFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
# The activity ran on Monday 2 November 2026; the 10th working day after is Monday the 16th.
ENDED = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=TZ)
DEADLINE = datetime.date(2026, 11, 16)


@pytest.fixture
def ended(community, host):
    activity = ActivityFactory(
        organizer_community=community, title="十一月奉献日", state=Activity.State.ENDED
    )
    SessionFactory(activity=activity, starts_at=ENDED - datetime.timedelta(hours=3), ends_at=ENDED)
    VenueFactory(activity=activity, hosts=[host])
    return activity


def _remind(day: datetime.date) -> int:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 30), TZ), tick=False):
        return JOBS["remind_to_finalize"](today=day)


def test_the_deadline_is_ten_working_days_after_the_activity(ended):
    assert finalize_deadline(ended) == DEADLINE


def test_an_activitys_own_finalize_by_is_its_deadline(ended):
    ended.finalize_by = datetime.date(2026, 11, 10)
    assert finalize_deadline(ended) == datetime.date(2026, 11, 10)


def test_reminder_steps_count_working_days():
    assert finalize_reminder_step(deadline=DEADLINE, today=datetime.date(2026, 11, 10)) is None
    # Thursday 12th, Friday 13th and Monday 16th are left: three working days.
    assert finalize_reminder_step(deadline=DEADLINE, today=datetime.date(2026, 11, 11)) == "before"
    assert finalize_reminder_step(deadline=DEADLINE, today=DEADLINE) == "due"


def test_organizers_and_hosts_are_reminded_before_and_on_the_day_once_each(
    ended, staff, host, member_user
):
    assert _remind(datetime.date(2026, 11, 10)) == 0
    assert _remind(datetime.date(2026, 11, 11)) == 2
    assert _remind(datetime.date(2026, 11, 11)) == 0  # a retried run
    assert _remind(datetime.date(2026, 11, 12)) == 0  # the same occasion
    assert _remind(DEADLINE) == 2
    assert _remind(DEADLINE) == 0
    users = set(Notification.objects.values_list("user__username", flat=True))
    assert users == {staff.username, host.username}
    assert not Notification.objects.filter(user=member_user).exists()
    assert Notification.objects.filter(key=f"activity:{ended.pk}:finalize:due").count() == 2
    before = Notification.objects.filter(key=f"activity:{ended.pk}:finalize:before").first()
    due = Notification.objects.filter(key=f"activity:{ended.pk}:finalize:due").first()
    assert "十一月奉献日" in before.subject and "2026-11-16" in before.subject
    assert "十一月奉献日" in due.subject and "2026-11-16" not in due.subject


def test_a_finalized_activity_is_not_reminded(ended, staff):
    Activity.objects.filter(pk=ended.pk).update(state=Activity.State.FINALIZED)
    assert _remind(DEADLINE) == 0


def test_the_organizer_sees_the_deadline_and_a_member_does_not(login, ended, staff, member_user):
    url = reverse("checkins:manage", args=[ended.pk])
    with time_machine.travel(datetime.datetime(2026, 11, 5, 10, 0, tzinfo=TZ), tick=False):
        assert "2026-11-16" in login(staff).get(url).content.decode()
        assert login(member_user).get(url).status_code == 404


def test_the_host_sees_the_deadline_on_their_venues(login, ended, host):
    with time_machine.travel(datetime.datetime(2026, 11, 5, 10, 0, tzinfo=TZ), tick=False):
        assert "2026-11-16" in login(host).get(reverse("checkins:host_home")).content.decode()
