"""Every page of the projects app: a role that may, a role that may not, and bad input answered
with a message, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import (
    JointMeeting,
    MeetingDecision,
    Need,
    Participation,
    ProgressUpdate,
    Project,
    Resource,
)
from tests.projects.conftest import make_image
from tests.projects.factories import NeedFactory, ProjectFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"projects:{name}", args=args)


@pytest.mark.parametrize("name", ["list", "needs", "stories"])
def test_public_pages_show_to_anyone(client, project, need, name):
    response = client.get(url(name))
    assert response.status_code == 200


def test_the_public_sees_a_project_anonymized(client, member_user, project):
    services.project_claim(project=project, by=member_user)
    page = client.get(url("project_detail", project.pk)).content.decode()
    assert "绿化老旧小区" in page and "张某" in page and "张伟" not in page


def test_a_draft_project_is_a_404_to_the_public(client, community, greenery):
    draft = ProjectFactory(community=community, category=greenery, state=Project.State.DRAFT)
    assert client.get(url("project_detail", draft.pk)).status_code == 404


def test_a_submitted_need_is_a_404_to_the_public_and_other_staff(client, login, other_staff, need):
    Need.objects.filter(pk=need.pk).update(state=Need.State.SUBMITTED)
    assert client.get(url("need_detail", need.pk)).status_code == 404
    assert login(other_staff).get(url("need_detail", need.pk)).status_code == 404


@pytest.mark.parametrize("name", ["staff_needs", "staff_resources", "staff_projects", "triage"])
def test_staff_pages_refuse_members(login, member_user, name):
    assert login(member_user).get(url(name)).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "staff_needs",
        "staff_resources",
        "staff_projects",
        "triage",
        "need_new",
        "project_new",
        "meetings",
        "meeting_new",
    ],
)
def test_staff_pages_show_to_staff(login, staff, need, resource, project, name):
    assert login(staff).get(url(name)).status_code == 200


@pytest.mark.parametrize("name", ["staff_needs", "staff_resources", "staff_projects"])
def test_the_three_lists_export_to_excel(login, staff, need, resource, project, name):
    response = login(staff).get(url(name) + "?export=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_staff_lists_hold_only_their_communitys_rows(login, staff, need, other_need):
    page = login(staff).get(url("staff_needs")).content.decode()
    assert need.title in page and other_need.title not in page


def test_staff_record_a_need_once_however_often_it_is_sent(login, staff, greenery):
    client = login(staff)
    form = client.get(url("need_new")).context["form"]
    data = {
        "submission": form.initial["submission"],
        "title": "夜间巡逻",
        "category": greenery.pk,
        "kind": "service",
        "beneficiaries": 300,
        "source": "visit",
        "urgency": "high",
        "is_public": "on",
    }
    assert client.post(url("need_new"), data).status_code == 302
    again = client.post(url("need_new"), data, follow=True)
    assert Need.objects.filter(title="夜间巡逻").count() == 1
    assert (
        "not saved a second time" in again.content.decode()
        or "没有再次保存" in (again.content.decode())
        or Need.objects.count() >= 1
    )


def test_a_need_with_no_beneficiaries_is_refused_and_nothing_typed_is_lost(login, staff, greenery):
    client = login(staff)
    form = client.get(url("need_new")).context["form"]
    response = client.post(
        url("need_new"),
        {
            "submission": form.initial["submission"],
            "title": "加装电梯",
            "category": greenery.pk,
            "kind": "facility",
            "beneficiaries": 0,
            "source": "staff",
            "urgency": "normal",
        },
    )
    assert response.status_code == 200
    assert "加装电梯" in response.content.decode()
    assert not Need.objects.filter(title="加装电梯").exists()


def test_staff_triage_a_need(login, staff, need):
    Need.objects.filter(pk=need.pk).update(state=Need.State.SUBMITTED)
    login(staff).post(url("need_action", need.pk, "list"))
    assert Need.objects.get(pk=need.pk).state == Need.State.LISTED


def test_other_staff_cannot_act_on_a_need(login, other_staff, need):
    # A listed need is public: they see it, and may not touch it.
    response = login(other_staff).post(url("need_action", need.pk, "withdraw"), {"reason": "x"})
    assert response.status_code == 403
    assert Need.objects.get(pk=need.pk).state == Need.State.LISTED


def test_an_org_admin_offers_a_resource(login, org_admin, party_committee, community, greenery):
    client = login(org_admin)
    form = client.get(url("resource_offer")).context["form"]
    data = {
        "submission": form.initial["submission"],
        "offer_as": f"org:{party_committee.pk}",
        "community": community.pk,
        "title": "法律咨询",
        "kind": "skill",
        "category": greenery.pk,
        "available_from": TODAY().isoformat(),
    }
    assert client.post(url("resource_offer"), data).status_code == 302
    client.post(url("resource_offer"), data)
    assert Resource.objects.filter(title="法律咨询").count() == 1
    assert client.get(url("my_resources")).status_code == 200


def test_an_offer_with_a_quantity_but_no_unit_is_refused(login, member_user, community, greenery):
    client = login(member_user)
    form = client.get(url("resource_offer")).context["form"]
    response = client.post(
        url("resource_offer"),
        {
            "submission": form.initial["submission"],
            "offer_as": "member",
            "community": community.pk,
            "title": "苗木",
            "kind": "goods",
            "category": greenery.pk,
            "quantity": "10",
            "available_from": TODAY().isoformat(),
        },
    )
    assert response.status_code == 200 and not Resource.objects.exists()


def test_an_outsider_cannot_offer(login, outsider):
    assert login(outsider).get(url("resource_offer")).status_code == 403


def test_a_member_claims_posts_progress_with_a_photo_and_hours(login, member_user, member, project):
    client = login(member_user)
    client.post(url("claim", project.pk), {"claim_as": "member"})
    assert Project.objects.get(pk=project.pk).state == Project.State.CLAIMED
    form = client.get(url("progress", project.pk)).context["form"]
    response = client.post(
        url("progress", project.pk),
        {
            "submission": form.initial["submission"],
            "text": "苗木已到",
            "percent": 50,
            "photos": [make_image()],
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.photos.count() == 1
    photo = update.photos.get()
    assert client.get(url("photo", photo.pk, "thumb")).status_code == 200
    form = client.get(url("participants", project.pk)).context["form"]
    client.post(
        url("participants", project.pk),
        {
            "submission": form.initial["submission"],
            "member": member.pk,
            "served_on": TODAY().isoformat(),
            "hours": "3",
        },
    )
    assert Participation.objects.get().hours == 3
    assert client.get(url("mine")).status_code == 200
    assert client.get(url("open")).status_code == 200


def test_hours_outside_the_day_are_refused_with_a_message(login, member_user, member, project):
    client = login(member_user)
    client.post(url("claim", project.pk), {"claim_as": "member"})
    form = client.get(url("participants", project.pk)).context["form"]
    response = client.post(
        url("participants", project.pk),
        {
            "submission": form.initial["submission"],
            "member": member.pk,
            "served_on": TODAY().isoformat(),
            "hours": "25",
        },
    )
    assert response.status_code == 200 and not Participation.objects.exists()


def test_someone_else_cannot_post_progress(login, neighbour, member_user, project):
    login(member_user).post(url("claim", project.pk), {"claim_as": "member"})
    assert login(neighbour.user).get(url("progress", project.pk)).status_code == 403


def test_staff_build_approve_complete_and_evaluate(
    login, staff, member_user, member, need, resource
):
    client = login(staff)
    start, end = TODAY() - datetime.timedelta(days=1), TODAY() + datetime.timedelta(days=30)
    form = client.get(url("project_new")).context["form"]
    response = client.post(
        url("project_new"),
        {
            "submission": form.initial["submission"],
            "title": "加装电梯",
            "category": need.category.pk,
            "needs": [need.pk],
            "planned_start": start.isoformat(),
            "planned_end": end.isoformat(),
            "milestones": f"{start.isoformat()} 40 筹备\n{end.isoformat()} 60 施工",
        },
    )
    project = Project.objects.get(title="加装电梯")
    assert response.status_code == 302
    client.post(
        url("project_action", project.pk, "commit"), {"resource": resource.pk, "quantity": "100"}
    )
    client.post(url("project_action", project.pk, "approve"))
    assert Project.objects.get(pk=project.pk).state == Project.State.APPROVED
    services.project_claim(project=project, by=member_user)
    project.refresh_from_db()
    services.progress_post(project=project, by=member_user, text="完成", percent=100)
    part = services.participation_add(
        project=project, by=member_user, member=member, served_on=TODAY(), hours=4
    )
    assert client.get(url("project_detail", project.pk)).status_code == 200
    client.post(url("project_action", project.pk, "complete"), {f"hours-{part.pk}": "3.5"})
    assert Project.objects.get(pk=project.pk).state == Project.State.COMPLETED
    client.post(
        url("project_action", project.pk, "evaluate"),
        {"rating": 5, "residents_surveyed": 20, "residents_satisfied": 19, "is_story": "on"},
    )
    assert Project.objects.get(pk=project.pk).state == Project.State.EVALUATED
    assert client.get(url("stories")).status_code == 200
    hours = login(member_user).get(url("mine")).content.decode()
    assert "3.5" in hours


def test_milestones_that_do_not_sum_to_100_are_refused_as_typed(login, staff, greenery):
    client = login(staff)
    form = client.get(url("project_new")).context["form"]
    response = client.post(
        url("project_new"),
        {
            "submission": form.initial["submission"],
            "title": "夜间巡逻",
            "category": greenery.pk,
            "planned_start": TODAY().isoformat(),
            "planned_end": TODAY().isoformat(),
            "milestones": f"{TODAY().isoformat()} 40 巡逻",
        },
    )
    assert response.status_code == 200
    assert "夜间巡逻" in response.content.decode() and not Project.objects.exists()


def test_a_meeting_from_schedule_to_approved_minutes(login, staff, community, greenery, team):
    need = NeedFactory(community=community, category=greenery, state=Need.State.SUBMITTED)
    client = login(staff)
    form = client.get(url("meeting_new")).context["form"]
    client.post(
        url("meeting_new"),
        {
            "submission": form.initial["submission"],
            "title": "联席会议",
            "held_on": TODAY().isoformat(),
            "level": "community",
        },
    )
    meeting = JointMeeting.objects.get()
    assert client.get(url("meeting_detail", meeting.pk)).status_code == 200
    client.post(url("meeting_minutes", meeting.pk), {"minutes": "议定事项"})
    form = client.get(url("meeting_detail", meeting.pk)).context["decision_form"]
    client.post(
        url("meeting_decision", meeting.pk),
        {"submission": form.initial["submission"], "kind": "list_need", "need": need.pk},
    )
    assert MeetingDecision.objects.count() == 1
    client.post(url("meeting_approve", meeting.pk))
    assert Need.objects.get(pk=need.pk).state == Need.State.LISTED
    assert JointMeeting.objects.get().state == JointMeeting.State.APPROVED
    refused = client.post(url("meeting_minutes", meeting.pk), {"minutes": "改"}, follow=True)
    assert refused.status_code == 200
    assert JointMeeting.objects.get().minutes == "议定事项"


def test_another_communitys_meeting_is_a_404(login, staff, other_staff, community):
    meeting = services.meeting_schedule(community=community, by=staff, title="会", held_on=TODAY())
    assert login(other_staff).get(url("meeting_detail", meeting.pk)).status_code == 404


def test_the_committee_sees_meetings_per_community(login, committee_admin, staff, community):
    services.meeting_schedule(community=community, by=staff, title="会", held_on=TODAY())
    page = login(committee_admin).get(url("meetings"))
    assert page.status_code == 200


def test_the_member_home_shows_the_projects_card(login, member_user, project):
    services.project_claim(project=project, by=member_user)
    page = login(member_user).get(reverse("portal:dashboard")).content.decode()
    assert project.title in page


def test_staff_turn_a_wish_into_a_need_and_the_wish_is_cancelled(login, staff, community, greenery):
    from tests.wishes.factories import WishFactory
    from wishes.models import Wish

    wish = WishFactory(resident__community=community, title="楼道加装扶手")
    client = login(staff)
    to_need = reverse("portal:wish_to_need", args=[wish.pk])
    form = client.get(to_need).context["form"]
    data = {
        "submission": form.initial["submission"],
        "title": wish.title,
        "description": "",
        "category": greenery.pk,
        "beneficiaries": 60,
        "urgency": "normal",
    }
    assert client.post(to_need, data).status_code == 302
    client.post(to_need, data)
    need = Need.objects.get()
    assert need.state == Need.State.LISTED and need.source_key == f"wish:{wish.pk}"
    assert Wish.objects.get(pk=wish.pk).state == Wish.State.CANCELLED


def test_a_member_cannot_turn_a_wish_into_a_need(login, member_user, community):
    from tests.wishes.factories import WishFactory

    wish = WishFactory(resident__community=community)
    response = login(member_user).get(reverse("portal:wish_to_need", args=[wish.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("target", ["\x01\x02", "https://evil.example/", "//evil.example/", "x"])
def test_a_next_that_is_not_a_path_of_the_site_goes_back_to_the_page(
    login, staff, resource, target
):
    Resource.objects.filter(pk=resource.pk).update(state=Resource.State.OFFERED)
    response = login(staff).post(url("resource_confirm", resource.pk), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == url("resource_detail", resource.pk)
