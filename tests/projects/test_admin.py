"""Every admin page of the projects app opens for every role without a server error, shows
each role only its communities' rows, and a list costs the same queries for few and many."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Need

pytestmark = pytest.mark.django_db

ROLES = ["superuser", "committee_admin", "org_admin", "staff", "other_staff", "member_user"]


@pytest.fixture
def one_of_everything(staff, member_user, member, team, project, resource, need):
    services.resource_commit(resource=resource, project=project, quantity=10, by=staff)
    services.project_claim(project=project, by=member_user, team=team)
    project.refresh_from_db()
    services.progress_post(project=project, by=member_user, text="开工", percent=10)
    services.participation_add(
        project=project, by=member_user, member=member, served_on=timezone.localdate(), hours=2
    )
    meeting = services.meeting_schedule(
        community=project.community, by=staff, title="会", held_on=timezone.localdate()
    )
    services.minutes_record(meeting=meeting, by=staff, minutes="纪要")
    services.decision_add(meeting=meeting, by=staff, kind="approve_project", project=project)
    return project


def _project_admins():
    return [m for m in admin.site._registry if m._meta.app_label == "projects"]


@pytest.mark.parametrize("user_fixture", ROLES, ids=str)
def test_every_admin_page_opens_for_every_role(request, login, user_fixture, one_of_everything):
    client = login(request.getfixturevalue(user_fixture))
    assert len(_project_admins()) == 16
    for model in _project_admins():
        opts = model._meta
        urls = [
            reverse(f"admin:projects_{opts.model_name}_changelist"),
            reverse(f"admin:projects_{opts.model_name}_add"),
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:projects_{opts.model_name}_change", args=[first.pk]))
        for url in urls:
            assert client.get(url).status_code in (200, 302, 403, 404), url


def test_other_staff_see_none_of_the_communitys_rows_in_admin(login, other_staff, need):
    page = login(other_staff).get(reverse("admin:projects_need_changelist"))
    assert page.status_code == 200
    assert need.title not in page.content.decode()
    change = reverse("admin:projects_need_change", args=[need.pk])
    assert login(other_staff).get(change).status_code in (302, 404)


def test_staff_see_their_needs_in_admin(login, staff, need):
    assert (
        need.title in login(staff).get(reverse("admin:projects_need_changelist")).content.decode()
    )


def test_admin_lists_cost_the_same_queries_for_few_and_many(
    login, staff, one_of_everything, community, greenery
):
    client = login(staff)
    urls = [reverse(f"admin:projects_{m._meta.model_name}_changelist") for m in _project_admins()]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            result.append(len(ctx.captured_queries))
        return result

    client.get(urls[0])  # the first request reads the role facts; later ones find them cached
    few = counts()
    for i in range(15):
        Need.objects.create(
            community=community,
            category=greenery,
            title=f"需求{i}",
            wanted_by=timezone.localdate() + datetime.timedelta(days=i),
        )
    client.get(urls[0])
    assert counts() == few
