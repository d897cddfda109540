import datetime
from decimal import Decimal

import pytest
from django.core import mail

from notifications.models import Notification
from reports.models import MemberReport, ReportState
from reports.services import (
    ReportsError,
    evaluation_set,
    member_report_approve,
    member_report_return,
    member_report_submit,
    member_report_update,
    member_reports_prepare,
)
from tests import factories as f
from tests.reports.conftest import H1
from tests.reports.factories import registered_since

pytestmark = pytest.mark.django_db


def _write(report, user, did="入户走访三次"):
    return member_report_update(report=report, by=user, did=did, learned="学到", plans="计划")


def test_draft_is_prepared_from_the_records_of_the_period(prepared, community):
    assert prepared.state == ReportState.DRAFT
    assert prepared.hours == Decimal("5.5")
    assert prepared.points == 5
    assert prepared.records_count == 2
    assert prepared.wishes_fulfilled == 1
    assert prepared.communities_served == community.name
    assert prepared.due_on == H1.due


def test_preparing_again_creates_nothing_and_notifies_nobody_twice(prepared, member_user):
    assert member_reports_prepare(period=H1) == []
    assert MemberReport.objects.count() == 1
    assert Notification.objects.filter(user=member_user, key__endswith=":prepared").count() == 1


def test_member_without_a_registration_in_the_period_gets_no_draft(branch, community):
    late = f.MemberFactory(branch=branch)
    registered_since(late, community, datetime.date(2026, 8, 1))
    gone = f.MemberFactory(branch=branch)
    registered_since(gone, community, datetime.date(2024, 1, 1), ended=datetime.date(2025, 12, 1))
    member_reports_prepare(period=H1)
    assert not MemberReport.objects.filter(member__in=[late, gone]).exists()


def test_a_member_who_moved_during_the_period_lists_both_communities(
    branch, community, other_community
):
    mover = f.MemberFactory(branch=branch)
    registered_since(mover, community, datetime.date(2025, 1, 1), ended=datetime.date(2026, 3, 1))
    registered_since(mover, other_community, datetime.date(2026, 3, 1))
    member_reports_prepare(period=H1)
    report = mover.reports.get()
    assert set(report.communities_served.split("、")) == {community.name, other_community.name}


def test_member_submits_and_the_step_is_recorded(prepared, member_user):
    _write(prepared, member_user)
    report = member_report_submit(report=prepared, by=member_user)
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at is not None
    assert list(report.transitions.values_list("from_state", "to_state")) == [
        ("", "draft"),
        ("draft", "submitted"),
    ]


def test_submitting_needs_the_members_account(prepared, member_user):
    with pytest.raises(ReportsError) as e:
        member_report_submit(report=prepared, by=member_user)
    assert e.value.code == "account_required"


def test_submitting_refreshes_the_figures(prepared, member_user, community):
    f.ServiceRecordFactory(
        member=prepared.member,
        community=community,
        served_on=datetime.date(2026, 6, 30),
        hours="1.0",
    )
    _write(prepared, member_user)
    report = member_report_submit(report=prepared, by=member_user)
    assert report.hours == Decimal("6.5")


def test_submitted_report_cannot_be_edited(prepared, member_user):
    _write(prepared, member_user)
    member_report_submit(report=prepared, by=member_user)
    with pytest.raises(ReportsError) as e:
        _write(prepared, member_user, did="改")
    assert e.value.code == "not_editable"


def test_another_member_cannot_edit_the_report(prepared, other_member):
    with pytest.raises(ReportsError):
        _write(prepared, other_member.user)


def test_org_admin_approves_a_submitted_report_and_the_member_is_told(
    prepared, member_user, org_admin, django_capture_on_commit_callbacks
):
    _write(prepared, member_user)
    member_report_submit(report=prepared, by=member_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = member_report_approve(report=prepared, by=org_admin, comment="很好")
    assert report.state == ReportState.APPROVED
    assert report.reviewed_by == org_admin
    assert report.transitions.last().to_state == ReportState.APPROVED
    assert Notification.objects.filter(user=member_user, key__contains=":approved:").exists()
    assert [m.to for m in mail.outbox] == [[member_user.email]]


def test_reviewers_are_notified_when_a_report_is_submitted(
    prepared, member_user, org_admin, django_capture_on_commit_callbacks
):
    _write(prepared, member_user)
    with django_capture_on_commit_callbacks(execute=True):
        member_report_submit(report=prepared, by=member_user)
    assert Notification.objects.filter(user=org_admin, key__contains=":submitted:").exists()


def test_a_draft_cannot_be_approved(prepared, org_admin):
    with pytest.raises(ReportsError) as e:
        member_report_approve(report=prepared, by=org_admin)
    assert e.value.code == "not_submitted"


def test_returning_needs_a_comment(prepared, member_user, org_admin):
    _write(prepared, member_user)
    member_report_submit(report=prepared, by=member_user)
    with pytest.raises(ReportsError) as e:
        member_report_return(report=prepared, by=org_admin, comment="  ")
    assert e.value.code == "comment_required"


def test_a_returned_report_is_edited_and_submitted_again(
    prepared, member_user, org_admin, django_capture_on_commit_callbacks
):
    _write(prepared, member_user)
    member_report_submit(report=prepared, by=member_user)
    with django_capture_on_commit_callbacks(execute=True):
        member_report_return(report=prepared, by=org_admin, comment="请补充学习体会")
    prepared.refresh_from_db()
    assert prepared.state == ReportState.RETURNED
    assert prepared.review_comment == "请补充学习体会"
    _write(prepared, member_user, did="补充后的内容")
    report = member_report_submit(report=prepared, by=member_user)
    assert report.state == ReportState.SUBMITTED
    assert [t.to_state for t in report.transitions.all()] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
    ]
    assert Notification.objects.filter(user=member_user, key__contains=":returned:").count() == 1


def test_the_admin_of_another_branch_cannot_review(prepared, member_user, other_org_admin):
    _write(prepared, member_user)
    member_report_submit(report=prepared, by=member_user)
    with pytest.raises(ReportsError) as e:
        member_report_approve(report=prepared, by=other_org_admin)
    assert e.value.code == "not_permitted"


def test_an_admin_cannot_review_their_own_report(prepared, member_user, party_committee):
    f.OrganizationAdminFactory(user=member_user, organization=party_committee)
    _write(prepared, member_user)
    member_report_submit(report=prepared, by=member_user)
    with pytest.raises(ReportsError) as e:
        member_report_approve(report=prepared, by=member_user)
    assert e.value.code == "own_report"


def test_approving_twice_fails_the_second_time(prepared, member_user, org_admin, committee_admin):
    _write(prepared, member_user)
    member_report_submit(report=prepared, by=member_user)
    member_report_approve(report=prepared, by=org_admin)
    with pytest.raises(ReportsError):
        member_report_approve(report=prepared, by=committee_admin)
    assert prepared.transitions.filter(to_state="approved").count() == 1


def test_the_evaluation_appears_in_the_prepared_report(prepared, staff, community):
    evaluation_set(
        by=staff, community=community, member=prepared.member, period=H1, rating="excellent"
    )
    prepared.refresh_from_db()
    assert prepared.evaluation == f"{community.name}: 优秀"


def test_staff_cannot_rate_a_member_not_registered_with_them(long_registered, other_staff):
    from members.models import Community

    with pytest.raises(ReportsError) as e:
        evaluation_set(
            by=other_staff,
            community=Community.objects.get(staff__user=other_staff),
            member=long_registered,
            period=H1,
            rating="qualified",
        )
    assert e.value.code == "not_registered"


def test_rating_again_updates_the_one_evaluation(long_registered, staff, community):
    from reports.models import Evaluation

    for rating in ("qualified", "excellent"):
        evaluation_set(
            by=staff, community=community, member=long_registered, period=H1, rating=rating
        )
    assert list(Evaluation.objects.values_list("rating", flat=True)) == ["excellent"]


def test_a_draft_prepared_by_the_job_shows_on_my_reports_at_once(login, long_registered):
    """The job makes drafts by bulk_create (no signal); the member's kept page follows."""
    import re

    from django.urls import reverse

    client = login(long_registered.user)
    before = client.get(reverse("reports:my_reports")).content.decode()
    assert not re.search(r'href="/reports/my/\d+/"', before)
    member_reports_prepare(period=H1, notify=False)
    report = MemberReport.objects.get(member=long_registered)
    after = client.get(reverse("reports:my_reports")).content.decode()
    assert f'href="{report.get_absolute_url()}"' in after
