"""The member's home (what they did this half-year, what they are doing, what they must do) and
the staff home's "waiting for you" summary."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Notification
from reports.models import ReportState
from tests import factories as f
from tests.reports.factories import EvaluationFactory, MemberReportFactory, registered_since
from tests.wishes.factories import ClaimFactory, ResidentFactory, WishFactory
from wishes.models import Claim, Wish

NOW = datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC)  # 2026H2; 2026H1 has ended


@pytest.fixture(autouse=True)
def _in_november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


def _dashboard(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return response, response.content.decode()


# ---------------------------------------------------------------------------------------------
# The member's home
# ---------------------------------------------------------------------------------------------
def test_member_home_shows_this_half_years_hours_and_points(login, member, community):
    f.ServiceRecordFactory(
        member=member,
        community=community,
        served_on=datetime.date(2026, 10, 3),
        hours=Decimal("3.5"),
        points=4,
    )
    f.ServiceRecordFactory(
        member=member,
        community=community,
        served_on=datetime.date(2026, 3, 3),
        hours=Decimal("9"),
        points=9,
    )
    response, content = _dashboard(login(member.user))
    home = response.context["home"]
    assert (home.hours, home.points) == (Decimal("3.5"), 4)  # the earlier half-year is not counted
    assert 'data-testid="home-hours">3.5<' in content
    assert 'data-testid="home-points">4<' in content
    assert "2026年下半年我的服务" in content
    assert reverse("records:my_service") in content


def test_member_home_shows_the_rank_in_the_community(login, member, community):
    f.ServiceRecordFactory(member=member, community=community, points=5)
    ahead = f.ConfirmedRegistrationFactory(community=community).member
    f.ServiceRecordFactory(member=ahead, community=community, points=50)
    f.ConfirmedRegistrationFactory(community=community)
    response, content = _dashboard(login(member.user))
    ranks = response.context["home"].ranks
    assert (ranks.community_rank, ranks.community_size) == (2, 3)
    assert 'data-testid="home-rank">2<small class="fs-6 text-muted">/3</small>' in content
    assert "社区排名（按累计积分）" in content  # by all points, as on "My service"


def test_member_home_lists_open_claims_with_due_date_and_next_action(login, member):
    active = ClaimFactory(member=member, promised_date=datetime.date(2026, 11, 30))
    fulfilled = ClaimFactory(member=member, state=Claim.State.FULFILLED)
    done = ClaimFactory(member=member, state=Claim.State.COMPLETED)
    _, content = _dashboard(login(member.user))
    assert active.wish.title in content and "2026-11-30" in content
    assert reverse("wishes:fulfil", args=[active.pk]) in content
    assert "办好了？拍照上报" in content
    assert fulfilled.wish.title in content and "已上报，等待社区确认。" in content
    assert done.wish.title not in content
    assert reverse("wishes:my_claims") in content


def test_member_home_marks_an_overdue_claim(login, member):
    ClaimFactory(member=member, promised_date=datetime.date(2026, 11, 20))
    _, content = _dashboard(login(member.user))
    assert 'class="text-danger">2026-11-20</strong>' in content and "已逾期" in content


def test_member_home_shows_at_most_five_claims_and_links_to_all(login, member):
    for _ in range(7):
        ClaimFactory(member=member)
    response, content = _dashboard(login(member.user))
    assert len(response.context["home"].open_claims) == 5
    assert "查看我的全部认领" in content


def test_member_home_draft_report_asks_to_write_and_submit(login, member):
    report = MemberReportFactory(member=member, due_on=datetime.date(2026, 7, 15))
    _, content = _dashboard(login(member.user))
    assert "2026年上半年" in content
    assert "填写并提交报告" in content and report.get_absolute_url() in content
    assert "已逾期" in content  # due in July, still a draft in November
    assert reverse("reports:my_reports") in content


def test_member_home_returned_report_shows_the_comment(login, member):
    report = MemberReportFactory(
        member=member, state=ReportState.RETURNED, review_comment="请补充服务的具体内容"
    )
    _, content = _dashboard(login(member.user))
    assert "修改并重新提交" in content and "请补充服务的具体内容" in content
    assert report.get_absolute_url() in content


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (ReportState.SUBMITTED, "已提交，等待您的党支部（"),
        (ReportState.APPROVED, "已审核通过，可以打印。"),
    ],
)
def test_member_home_report_waiting_or_done(login, member, state, words):
    MemberReportFactory(member=member, state=state)
    _, content = _dashboard(login(member.user))
    assert words in content and "填写并提交报告" not in content


def test_member_home_shows_the_latest_report(login, member):
    MemberReportFactory(member=member, year=2025, half=2, state=ReportState.APPROVED)
    latest = MemberReportFactory(member=member, year=2026, half=1)
    response, _ = _dashboard(login(member.user))
    assert response.context["home"].report == latest


def test_member_home_counts_unread_notifications(login, member):
    for i in range(3):
        Notification.objects.create(user=member.user, key=f"k{i}", subject="s", body="b")
    Notification.objects.create(user=member.user, key="read", subject="s", body="b", read_at=NOW)
    _, content = _dashboard(login(member.user))
    assert "未读通知 3 条" in content
    assert reverse("notifications:list") in content


def test_new_member_sees_empty_states(login, branch):
    newcomer = f.MemberFactory(branch=branch)
    response, content = _dashboard(login(newcomer.user))
    home = response.context["home"]
    assert (home.hours, home.points, home.open_claims, home.report) == (0, 0, [], None)
    assert 'data-testid="home-rank">–<' in content and "尚未报到社区" in content
    assert "您目前没有正在办的心愿。" in content
    assert f"{reverse('wishes:wall')}?state=published" in content
    assert "暂无报告。" in content and "2027-01-15" in content  # 2026H2 is due 15 days after
    assert "没有未读通知" in content


def test_member_home_keeps_registration_and_profile_below(login, member):
    _, content = _dashboard(login(member.user))
    assert content.index('data-testid="home-notifications"') < content.index(
        'data-testid="current-registration"'
    )
    assert member.phone in content


# ---------------------------------------------------------------------------------------------
# The staff home: what waits for them
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def waiting_here(community, branch):
    """At `community`: 2 pending registrations, 3 submitted wishes, 1 fulfilled wish, an
    overdue claim; 3 members registered during 2026H1, one of them rated."""
    for _ in range(2):
        f.RegistrationFactory(community=community)
    resident = ResidentFactory(community=community)
    for _ in range(3):
        WishFactory(resident=resident, state=Wish.State.SUBMITTED, published_at=None)
    ClaimFactory(
        wish__resident=resident, wish__state=Wish.State.FULFILLED, state=Claim.State.FULFILLED
    )
    ClaimFactory(wish__resident=resident, promised_date=datetime.date(2026, 11, 1))
    rated = f.MemberFactory(branch=branch)
    for m in (rated, f.MemberFactory(branch=branch), f.MemberFactory(branch=branch)):
        registered_since(m, community, datetime.date(2026, 2, 1))
    EvaluationFactory(member=rated, community=community, year=2026, half=1)


@pytest.fixture
def waiting_elsewhere(other_community, other_branch):
    """The same kinds of items at another community: never counted."""
    f.RegistrationFactory(community=other_community)
    resident = ResidentFactory(community=other_community)
    WishFactory(resident=resident, state=Wish.State.SUBMITTED, published_at=None)
    WishFactory(resident=resident, state=Wish.State.FULFILLED)
    ClaimFactory(wish__resident=resident, promised_date=datetime.date(2026, 11, 1))
    registered_since(
        f.MemberFactory(branch=other_branch), other_community, datetime.date(2026, 2, 1)
    )


def test_staff_home_counts_what_waits_in_their_community(
    login, staff, waiting_here, waiting_elsewhere
):
    response = login(staff).get(reverse("portal:staff_home"))
    waiting = response.context["waiting"]
    assert waiting.pending_registrations == 2
    assert waiting.submitted_wishes == 3
    assert waiting.fulfilled_wishes == 1
    assert waiting.overdue_claims == 1
    assert waiting.evaluation_period.code == "2026H1"
    assert waiting.not_evaluated == 2
    content = response.content.decode()
    assert "待您处理" in content and "2026年上半年尚未评价的党员" in content


def test_staff_home_links_each_count_to_its_page(login, staff, waiting_here):
    content = login(staff).get(reverse("portal:staff_home")).content.decode()
    assert reverse("wishes:review_queue") in content
    assert f"{reverse('wishes:staff_list')}?state=fulfilled" in content
    assert f"{reverse('wishes:staff_list')}?state=claimed" in content
    assert f"{reverse('reports:evaluations')}?period=2026H1" in content
    assert 'href="#pending"' in content


def test_other_staff_sees_only_their_own_community(
    login, other_staff, waiting_here, waiting_elsewhere
):
    waiting = login(other_staff).get(reverse("portal:staff_home")).context["waiting"]
    assert (
        waiting.pending_registrations,
        waiting.submitted_wishes,
        waiting.fulfilled_wishes,
        waiting.overdue_claims,
        waiting.not_evaluated,
    ) == (1, 1, 1, 1, 1)


def test_staff_home_with_nothing_waiting(login, staff):
    response = login(staff).get(reverse("portal:staff_home"))
    assert response.context["waiting"].total == 0
    assert "暂时没有待办事项。" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Who may open which home
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "status", "target"),
    [
        ("member", 200, None),
        ("staff", 302, "portal:staff_home"),  # staff without a member profile
        ("outsider", 302, "members:profile_edit"),
        ("anonymous", 302, "account_login"),
    ],
)
def test_dashboard_permissions(client, login, as_user, role, status, target):
    user = as_user(role)
    c = client if role == "anonymous" else login(user)
    response = c.get(reverse("portal:dashboard"))
    assert response.status_code == status
    if target:
        assert response["Location"].startswith(reverse(target))


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 200), ("member", 403), ("outsider", 403), ("org_admin", 403), ("anonymous", 302)],
)
def test_staff_home_permissions(client, login, as_user, role, status):
    user = as_user(role)
    c = client if role == "anonymous" else login(user)
    assert c.get(reverse("portal:staff_home")).status_code == status


def test_a_new_member_home_leads_with_registering_filled_in(login, branch, community):
    """Issue 9: 报到 was the sixth card and empty; until confirmed it comes first, filled in
    with the community of residence."""
    newbie = f.MemberFactory(branch=branch, residence_community=community)
    response = login(newbie.user).get(reverse("portal:dashboard"))
    html = response.content.decode()
    assert html.index('data-testid="home-register-first"') < html.index(
        'data-testid="home-service"'
    )
    assert response.context["form"]["community"].value() == community.pk
    assert "本半年服务小时" in html  # every figure says its period
