import io

import pytest

from checkins import demo
from checkins.models import Activity, Attendance, Signup
from members import demo as members_demo
from records.models import ServiceRecord


@pytest.mark.django_db
def test_demo_has_a_finalized_past_day_and_an_upcoming_one_with_signups(settings):
    settings.DEMO_ACCOUNTS = True
    members_demo.seed(size="small", stdout=io.StringIO())
    assert demo.seed(size="small", stdout=io.StringIO())
    past = Activity.objects.get(title=demo.MARKER)
    assert past.state == Activity.State.FINALIZED
    assert ServiceRecord.objects.filter(source_key__startswith="checkin:").count() == (
        past.attendances.filter(state=Attendance.State.FINALIZED).count()
    )
    upcoming = Activity.objects.get(title__startswith=f"{demo.MARKER}·")
    assert upcoming.signups.filter(state=Signup.State.REGISTERED).exists()
    assert upcoming.signups.filter(state=Signup.State.WAITLISTED).exists()
    assert not demo.seed(size="small", stdout=io.StringIO())
