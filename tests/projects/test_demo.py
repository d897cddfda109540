import io

import pytest

from members import demo as members_demo
from projects import demo
from projects.models import JointMeeting, Need, Project, ProjectTransition, Resource
from records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def test_demo_projects_cover_every_state_and_a_second_run_changes_nothing():
    members_demo.seed(size="small", stdout=io.StringIO())
    assert demo.seed(size="small", stdout=io.StringIO())
    counts = (Project.objects.count(), Need.objects.count(), ProjectTransition.objects.count())
    assert set(Project.objects.values_list("state", flat=True)) == set(Project.State.values)
    assert {"listed", "matched", "closed", "rejected", "merged", "withdrawn"} <= set(
        Need.objects.values_list("state", flat=True)
    )
    assert Resource.objects.filter(state="confirmed").exists()
    assert JointMeeting.objects.filter(state="approved").exists()
    assert ServiceRecord.objects.filter(kind=ServiceRecord.Kind.PROJECT).exists()
    titles = set(Need.objects.values_list("title", flat=True))
    assert {"绿化老旧小区", "加装电梯", "夜间巡逻", "法律咨询"} <= titles
    assert not demo.seed(size="small", stdout=io.StringIO())
    assert (
        Project.objects.count(),
        Need.objects.count(),
        ProjectTransition.objects.count(),
    ) == counts
