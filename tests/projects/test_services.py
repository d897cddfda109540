"""Each transition of needs, resources, projects and meetings, and each rule the services hold."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.images import image_process
from members.claimants import ClaimantKind
from projects import services
from projects.models import (
    JointMeeting,
    MeetingDecision,
    Need,
    NeedTransition,
    Participation,
    Project,
    ProjectClaim,
    ProjectTransition,
    Resource,
)
from projects.services import MilestonePlan, ProjectError
from records.models import ServiceRecord
from tests import factories as f
from tests.projects.conftest import make_image
from tests.projects.factories import NeedFactory, ProjectFactory, ResourceFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _code(call, **kwargs):
    with pytest.raises(ProjectError) as error:
        call(**kwargs)
    return error.value.code


def _plan(start, end):
    return [MilestonePlan("准备", start, 30), MilestonePlan("实施", end, 70)]


# ---------------------------------------------------------------------------------------------
# Needs
# ---------------------------------------------------------------------------------------------
def test_a_need_waits_for_triage_then_is_listed(staff, community, greenery):
    need = services.need_submit(
        community=community, by=staff, title="加装电梯", category=greenery, beneficiaries=40
    )
    assert need.state == Need.State.SUBMITTED
    services.need_list(need=need, by=staff)
    need.refresh_from_db()
    assert need.state == Need.State.LISTED and need.listed_at
    steps = list(NeedTransition.objects.filter(need=need).values_list("from_state", "to_state"))
    assert steps == [("", "submitted"), ("submitted", "listed")]


def test_staff_of_another_community_cannot_record_a_need(other_staff, community, greenery):
    assert (
        _code(
            services.need_submit, community=community, by=other_staff, title="x", category=greenery
        )
        == "not_permitted"
    )


def test_a_need_rejected_needs_a_reason(staff, community, greenery):
    need = NeedFactory(community=community, category=greenery, state=Need.State.SUBMITTED)
    assert _code(services.need_reject, need=need, by=staff, reason=" ") == "reason_required"
    services.need_reject(need=need, by=staff, reason="不属于社区事务")
    assert Need.objects.get(pk=need.pk).state == Need.State.REJECTED


def test_a_duplicate_is_merged_and_its_beneficiaries_join(staff, need, community, greenery):
    dup = NeedFactory(community=community, category=greenery, beneficiaries=5)
    services.need_merge(need=dup, into=need, by=staff)
    dup.refresh_from_db()
    need.refresh_from_db()
    assert dup.state == Need.State.MERGED and dup.merged_into == need
    assert need.beneficiaries == 125
    assert _code(services.need_merge, need=need, into=need, by=staff) == "merge_into_itself"


def test_a_need_merges_only_within_its_community(staff, need, other_need):
    assert _code(services.need_merge, need=need, into=other_need, by=staff) == "merge_elsewhere"


def test_a_wish_becomes_a_listed_need_once(staff, community, greenery):
    need = services.need_from_wish(
        community=community,
        by=staff,
        wish_pk=7,
        title="加装电梯",
        description="三楼老人",
        category=greenery,
    )
    assert need.state == Need.State.LISTED and need.source == Need.Source.WISH
    again = {
        "community": community,
        "by": staff,
        "wish_pk": 7,
        "title": "加装电梯",
        "description": "",
        "category": greenery,
    }
    assert _code(services.need_from_wish, **again) == "already_escalated"


def test_withdrawing_a_matched_need_is_refused(staff, need):
    Need.objects.filter(pk=need.pk).update(state=Need.State.MATCHED)
    need.refresh_from_db()
    assert _code(services.need_withdraw, need=need, by=staff, reason="x") == "need_not_open"


# ---------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------
def test_an_organization_offers_and_staff_confirm(
    org_admin, staff, party_committee, community, greenery
):
    resource = services.resource_offer(
        by=org_admin,
        community=community,
        title="苗木",
        kind=Resource.Kind.GOODS,
        category=greenery,
        available_from=TODAY(),
        quantity=415,
        unit=Resource.Unit.PLANTS,
        organization=party_committee,
    )
    assert resource.state == Resource.State.OFFERED
    assert resource.claimant_kind == ClaimantKind.ORGANIZATION
    services.resource_confirm(resource=resource, by=staff)
    assert Resource.objects.get(pk=resource.pk).state == Resource.State.CONFIRMED


def test_an_admin_of_another_unit_cannot_offer_for_it(
    other_org_admin, party_committee, community, greenery
):
    code = _code(
        services.resource_offer,
        by=other_org_admin,
        community=community,
        title="x",
        kind=Resource.Kind.GOODS,
        category=greenery,
        available_from=TODAY(),
        quantity=1,
        unit="pieces",
        organization=party_committee,
    )
    assert code == "not_org_admin"


@pytest.mark.parametrize(
    ("quantity", "unit", "until_days", "code"),
    [
        (0, "plants", 5, "bad_quantity"),
        (-3, "plants", 5, "bad_quantity"),
        (10, "", 5, "quantity_needs_unit"),
        (None, "plants", 5, "quantity_needs_unit"),
        (10, "plants", -5, "window_reversed"),
    ],
)
def test_bad_offers_are_refused(member_user, community, greenery, quantity, unit, until_days, code):
    refused = _code(
        services.resource_offer,
        by=member_user,
        community=community,
        title="x",
        kind=Resource.Kind.GOODS,
        category=greenery,
        available_from=TODAY(),
        available_until=TODAY() + datetime.timedelta(days=until_days),
        quantity=quantity,
        unit=unit,
    )
    assert refused == code


def test_a_commitment_never_exceeds_what_is_left(staff, resource, project):
    services.resource_commit(resource=resource, project=project, quantity=400, by=staff)
    resource.refresh_from_db()
    assert resource.committed == 400
    with pytest.raises(ProjectError) as error:
        services.resource_commit(resource=resource, project=project, quantity=16, by=staff)
    assert error.value.code == "not_enough_left"
    assert "15" in error.value.message
    services.resource_commit(resource=resource, project=project, quantity=15, by=staff)
    resource.refresh_from_db()
    assert resource.committed == 415 and resource.state == Resource.State.EXHAUSTED
    assert project.commitments.get().quantity == 415


def test_a_commitment_outside_the_resources_window_or_community_is_refused(
    staff, resource, project, other_project, community, greenery
):
    Resource.objects.filter(pk=resource.pk).update(
        available_from=project.planned_end + datetime.timedelta(days=1),
        available_until=project.planned_end + datetime.timedelta(days=9),
    )
    resource.refresh_from_db()
    assert (
        _code(services.resource_commit, resource=resource, project=project, quantity=1, by=staff)
        == "outside_window"
    )
    elsewhere = ResourceFactory(community=other_project.community, category=greenery)
    assert (
        _code(services.resource_commit, resource=elsewhere, project=project, quantity=1, by=staff)
        == "resource_elsewhere"
    )


def test_deliveries_never_exceed_the_commitment(staff, org_admin, resource, project):
    commitment = services.resource_commit(
        resource=resource, project=project, quantity=100, by=staff
    )
    services.delivery_record(commitment=commitment, quantity=60, by=org_admin)
    assert (
        _code(services.delivery_record, commitment=commitment, quantity=41, by=org_admin)
        == "bad_delivery"
    )
    services.delivery_record(commitment=commitment, quantity=40, by=org_admin)
    commitment.refresh_from_db()
    assert commitment.delivered == 100


# ---------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------
def test_staff_build_and_approve_a_project_and_its_needs_are_matched(
    staff, need, community, greenery
):
    start, end = TODAY(), TODAY() + datetime.timedelta(days=30)
    project = services.project_create(
        community=community,
        by=staff,
        title="绿化",
        category=greenery,
        planned_start=start,
        planned_end=end,
        milestones=_plan(start, end),
        needs=[need],
    )
    assert project.state == Project.State.DRAFT
    services.project_approve(project=project, by=staff)
    assert Project.objects.get(pk=project.pk).state == Project.State.APPROVED
    assert Need.objects.get(pk=need.pk).state == Need.State.MATCHED


@pytest.mark.parametrize(
    ("weights", "code"), [((30, 60), "bad_weights"), ((50, 60), "bad_weights")]
)
def test_milestone_weights_must_sum_to_100(staff, community, greenery, weights, code):
    start, end = TODAY(), TODAY() + datetime.timedelta(days=30)
    plan = [MilestonePlan("a", start, weights[0]), MilestonePlan("b", end, weights[1])]
    assert (
        _code(
            services.project_create,
            community=community,
            by=staff,
            title="x",
            category=greenery,
            planned_start=start,
            planned_end=end,
            milestones=plan,
        )
        == code
    )


def test_milestones_fall_within_the_projects_dates(staff, community, greenery):
    start, end = TODAY(), TODAY() + datetime.timedelta(days=30)
    plan = [MilestonePlan("a", end + datetime.timedelta(days=1), 100)]
    assert (
        _code(
            services.project_create,
            community=community,
            by=staff,
            title="x",
            category=greenery,
            planned_start=start,
            planned_end=end,
            milestones=plan,
        )
        == "milestone_outside"
    )


def test_a_member_registered_here_claims_and_a_second_claim_is_refused(
    member_user, neighbour, project
):
    claim = services.project_claim(project=project, by=member_user)
    assert claim.claimant_kind == ClaimantKind.MEMBER
    assert Project.objects.get(pk=project.pk).state == Project.State.CLAIMED
    project.refresh_from_db()
    assert _code(services.project_claim, project=project, by=neighbour.user) == "already_claimed"


def test_a_claim_that_slipped_past_the_state_check_is_refused_by_the_database(
    member_user, neighbour, project
):
    services.project_claim(project=project, by=member_user)
    Project.objects.filter(pk=project.pk).update(state=Project.State.APPROVED)
    assert _code(services.project_claim, project=project, by=neighbour.user) == "already_claimed"
    assert ProjectClaim.objects.filter(project=project).count() == 1


def test_a_member_of_another_community_cannot_claim(other_member, project):
    assert (
        _code(services.project_claim, project=project, by=other_member.user)
        == "not_registered_here"
    )


def test_only_the_captain_claims_for_a_team(team, neighbour, member_user, project):
    assert (
        _code(services.project_claim, project=project, by=neighbour.user, team=team)
        == "not_captain"
    )
    claim = services.project_claim(project=project, by=member_user, team=team)
    assert claim.claimant_kind == ClaimantKind.TEAM and claim.member == team.captain


def test_a_collective_project_is_claimed_by_a_team_or_a_unit(member_user, project):
    Project.objects.filter(pk=project.pk).update(is_collective=True)
    project.refresh_from_db()
    assert _code(services.project_claim, project=project, by=member_user) == "collective_only"


def test_an_organization_claims_only_where_it_is_paired(org_admin, party_committee, project):
    assert (
        _code(services.project_claim, project=project, by=org_admin, organization=party_committee)
        == "not_paired_here"
    )
    f.PartnershipFactory(organization=party_committee, community=project.community)
    claim = services.project_claim(project=project, by=org_admin, organization=party_committee)
    assert claim.claimant_kind == ClaimantKind.ORGANIZATION


def _run_to_in_progress(project, user, **kwargs):
    services.project_claim(project=project, by=user, **kwargs)
    project.refresh_from_db()
    return services.progress_post(project=project, by=user, text="开工", percent=20)


def test_the_first_progress_starts_the_project_and_photos_are_stored(member_user, project):
    services.project_claim(project=project, by=member_user)
    project.refresh_from_db()
    milestone = project.milestones.first()
    update = services.progress_post(
        project=project,
        by=member_user,
        text="苗木已采购",
        percent=40,
        photos=[image_process(make_image())],
        milestones_done=[milestone],
    )
    project.refresh_from_db()
    assert project.state == Project.State.IN_PROGRESS and project.percent == 40
    assert update.photos.count() == 1
    milestone.refresh_from_db()
    assert milestone.done_at is not None


def test_progress_only_rises_unless_a_reason_is_given(member_user, project):
    _run_to_in_progress(project, member_user)
    project.refresh_from_db()
    assert (
        _code(services.progress_post, project=project, by=member_user, text="x", percent=10)
        == "percent_down"
    )
    services.progress_post(
        project=project, by=member_user, text="x", percent=10, reason="部分苗木枯死，重新种植"
    )
    assert Project.objects.get(pk=project.pk).percent == 10


def test_someone_not_acting_for_the_claim_cannot_post_progress(member_user, neighbour, project):
    _run_to_in_progress(project, member_user)
    project.refresh_from_db()
    assert (
        _code(services.progress_post, project=project, by=neighbour.user, text="x", percent=50)
        == "not_claimant"
    )


@pytest.mark.parametrize("hours", ["0.4", "24.5", "-1", "abc", "NaN"])
def test_hours_outside_half_an_hour_to_a_day_are_refused(
    member_user, member, project, hours, yesterday
):
    _run_to_in_progress(project, member_user)
    project.refresh_from_db()
    assert (
        _code(
            services.participation_add,
            project=project,
            by=member_user,
            member=member,
            served_on=yesterday,
            hours=hours,
        )
        == "bad_hours"
    )


def test_only_the_claimants_people_take_part(
    member_user, neighbour, member, team, project, yesterday
):
    _run_to_in_progress(project, member_user)  # claimed by the member alone
    project.refresh_from_db()
    assert (
        _code(
            services.participation_add,
            project=project,
            by=member_user,
            member=neighbour,
            served_on=yesterday,
            hours=2,
        )
        == "bad_participant"
    )


def test_completion_confirms_hours_into_service_records_once(
    staff, member_user, member, neighbour, team, project, yesterday
):
    _run_to_in_progress(project, member_user, team=team)
    project.refresh_from_db()
    project.needs.update(state=Need.State.MATCHED)
    a = services.participation_add(
        project=project, by=member_user, member=member, served_on=yesterday, hours=3
    )
    b = services.participation_add(
        project=project, by=member_user, member=neighbour, served_on=yesterday, hours=2
    )
    assert (
        _code(
            services.participation_add,
            project=project,
            by=member_user,
            member=neighbour,
            served_on=yesterday,
            hours=2,
        )
        == "already_participated"
    )
    services.project_complete(project=project, by=staff, hours={b.pk: Decimal("2.5")})
    project.refresh_from_db()
    assert project.state == Project.State.COMPLETED
    records = ServiceRecord.objects.filter(kind=ServiceRecord.Kind.PROJECT).order_by("hours")
    assert [(r.member, r.hours, r.source_key) for r in records] == [
        (neighbour, Decimal("2.5"), f"project:{b.pk}"),
        (member, Decimal("3.0"), f"project:{a.pk}"),
    ]
    assert all(p.is_confirmed for p in Participation.objects.all())
    assert Need.objects.get(pk=project.needs.get().pk).state == Need.State.CLOSED
    assert _code(services.project_complete, project=project, by=staff) == "no_participants"


def test_completion_without_participants_is_refused(staff, member_user, project):
    _run_to_in_progress(project, member_user)
    project.refresh_from_db()
    assert _code(services.project_complete, project=project, by=staff) == "no_participants"


def test_evaluation_records_the_residents_satisfaction(staff, project):
    Project.objects.filter(pk=project.pk).update(state=Project.State.COMPLETED)
    project.refresh_from_db()
    assert _code(services.project_evaluate, project=project, by=staff, rating=6) == "bad_rating"
    assert (
        _code(
            services.project_evaluate,
            project=project,
            by=staff,
            rating=5,
            residents_surveyed=10,
            residents_satisfied=11,
        )
        == "bad_survey"
    )
    evaluation = services.project_evaluate(
        project=project, by=staff, rating=5, residents_surveyed=40, residents_satisfied=38
    )
    assert evaluation.satisfaction_rate == 95
    assert Project.objects.get(pk=project.pk).state == Project.State.EVALUATED


def test_suspended_resumes_where_it_was_and_cancel_releases_resources(
    staff, member_user, resource, project
):
    services.resource_commit(resource=resource, project=project, quantity=415, by=staff)
    services.project_claim(project=project, by=member_user)
    project.refresh_from_db()
    services.project_suspend(project=project, by=staff, reason="雨季")
    services.project_resume(project=project, by=staff)
    assert Project.objects.get(pk=project.pk).state == Project.State.CLAIMED
    services.project_cancel(project=project, by=staff, reason="改造计划取消")
    resource.refresh_from_db()
    assert resource.committed == 0 and resource.state == Resource.State.CONFIRMED
    assert ProjectClaim.objects.get().state == ProjectClaim.State.CANCELLED
    assert Need.objects.get(pk=project.needs.get().pk).state == Need.State.LISTED


def test_overdue_projects_are_reminded_once_then_escalated(member_user, project):
    services.project_claim(project=project, by=member_user)
    Project.objects.filter(pk=project.pk).update(planned_end=TODAY() - datetime.timedelta(days=1))
    assert services.overdue_projects_remind(today=TODAY()) == 1
    assert services.overdue_projects_remind(today=TODAY()) == 0
    later = TODAY() + datetime.timedelta(days=services.OVERDUE_ESCALATION_DAYS + 1)
    assert services.overdue_projects_remind(today=later) == 1
    assert Project.objects.get(pk=project.pk).overdue_escalated_at is not None


# ---------------------------------------------------------------------------------------------
# Joint meetings
# ---------------------------------------------------------------------------------------------
def test_approving_the_minutes_runs_the_decisions(
    staff, community, greenery, resource, team, member
):
    need = NeedFactory(community=community, category=greenery, state=Need.State.SUBMITTED)
    offer = ResourceFactory(community=community, category=greenery, state="offered")
    draft = ProjectFactory(community=community, category=greenery, state=Project.State.DRAFT)
    meeting = services.meeting_schedule(
        community=community, by=staff, title="第三季度联席会议", held_on=TODAY()
    )
    services.minutes_record(meeting=meeting, by=staff, minutes="会议决定……")
    K = MeetingDecision.Kind
    services.decision_add(meeting=meeting, by=staff, kind=K.LIST_NEED, need=need)
    services.decision_add(meeting=meeting, by=staff, kind=K.CONFIRM_RESOURCE, resource=offer)
    services.decision_add(meeting=meeting, by=staff, kind=K.APPROVE_PROJECT, project=draft)
    services.decision_add(
        meeting=meeting,
        by=staff,
        kind=K.COMMIT_RESOURCE,
        project=draft,
        resource=resource,
        quantity=415,
    )
    services.decision_add(
        meeting=meeting, by=staff, kind=K.ASSIGN_CLAIMANT, project=draft, team=team
    )
    # Nothing has happened yet.
    assert Need.objects.get(pk=need.pk).state == Need.State.SUBMITTED
    services.minutes_approve(meeting=meeting, by=staff)
    assert Need.objects.get(pk=need.pk).state == Need.State.LISTED
    assert Resource.objects.get(pk=offer.pk).state == Resource.State.CONFIRMED
    draft.refresh_from_db()
    assert draft.state == Project.State.CLAIMED and draft.meeting == meeting
    assert draft.claims.get().team == team
    assert Resource.objects.get(pk=resource.pk).committed == 415
    assert JointMeeting.objects.get(pk=meeting.pk).state == JointMeeting.State.APPROVED
    assert not MeetingDecision.objects.filter(executed_at__isnull=True).exists()
    # Approved minutes cannot be edited, nor decisions added.
    meeting.refresh_from_db()
    assert (
        _code(services.minutes_record, meeting=meeting, by=staff, minutes="改")
        == "minutes_approved"
    )
    assert (
        _code(services.decision_add, meeting=meeting, by=staff, kind=K.LIST_NEED, need=need)
        == "minutes_approved"
    )


def test_one_refused_decision_refuses_the_approval_and_changes_nothing(
    staff, community, greenery, resource
):
    need = NeedFactory(community=community, category=greenery, state=Need.State.SUBMITTED)
    draft = ProjectFactory(community=community, category=greenery, state=Project.State.DRAFT)
    meeting = services.meeting_schedule(community=community, by=staff, title="会", held_on=TODAY())
    services.minutes_record(meeting=meeting, by=staff, minutes="纪要")
    K = MeetingDecision.Kind
    services.decision_add(meeting=meeting, by=staff, kind=K.LIST_NEED, need=need)
    services.decision_add(
        meeting=meeting,
        by=staff,
        kind=K.COMMIT_RESOURCE,
        project=draft,
        resource=resource,
        quantity=416,
    )
    with pytest.raises(ProjectError) as error:
        services.minutes_approve(meeting=meeting, by=staff)
    assert error.value.code == "decision_failed"
    assert Need.objects.get(pk=need.pk).state == Need.State.SUBMITTED
    assert JointMeeting.objects.get(pk=meeting.pk).state == JointMeeting.State.HELD


def test_minutes_of_a_meeting_not_held_cannot_be_approved(staff, community):
    meeting = services.meeting_schedule(community=community, by=staff, title="会", held_on=TODAY())
    assert _code(services.minutes_approve, meeting=meeting, by=staff) == "not_held"


def test_every_project_step_is_recorded(staff, member_user, project):
    services.project_claim(project=project, by=member_user)
    project.refresh_from_db()
    services.progress_post(project=project, by=member_user, text="x", percent=5)
    steps = list(
        ProjectTransition.objects.filter(project=project).values_list("from_state", "to_state")
    )
    assert steps == [("approved", "claimed"), ("claimed", "in_progress")]
