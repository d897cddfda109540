"""Speed at a city's scale (issue 10): the public pages cached for anonymous visitors and
refreshed by every change, the per-request costs of a logged-in page paid from the cache, and
(on PostgreSQL) every list's query read through an index. Times are benchmarked (make bench),
not asserted here."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.pagecache import user_pages_changed
from core.periods import Period
from members.models import CommunityRegistration, CommunityStaff, Member, User
from notifications.models import Notification
from notifications.services import notifications_mark_read, notifications_unread_count
from records.models import ServiceRecord
from tests import factories as f
from tests.wishes.factories import ClaimFactory, ResidentFactory, WishFactory
from wishes import services as wish_services
from wishes.models import Wish

pytestmark = pytest.mark.django_db

CACHE = "X-Public-Page-Cache"

# The index Django makes for CommunityRegistration.community (its name begins so).
REGISTRATION_FK_INDEX = "members_communityregistration_community_id"


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def resident(community):
    return ResidentFactory(community=community, name="李秀英")


# ---------------------------------------------------------------------------------------------
# The public pages' cache
# ---------------------------------------------------------------------------------------------
PUBLIC = ["portal:home", "wishes:wall", "wishes:stories", "members:community_list"]


@pytest.mark.parametrize("name", PUBLIC)
def test_an_anonymous_visitor_gets_the_public_page_from_the_cache(client, page_cache, name):
    first = client.get(reverse(name))
    second = Client().get(reverse(name))
    assert first[CACHE] == "miss" and second[CACHE] == "hit"
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]


def test_a_wish_and_a_community_are_cached_too(client, page_cache, resident, community):
    wish = WishFactory(resident=resident)
    for url in (wish.get_absolute_url(), community.get_absolute_url()):
        client.get(url)
        assert Client().get(url)[CACHE] == "hit"


def test_a_new_wish_is_on_the_cached_wall_at_once(client, page_cache, resident):
    WishFactory(resident=resident, title="一台电风扇")
    client.get(reverse("wishes:wall"))
    WishFactory(resident=resident, title="一副老花镜")
    response = Client().get(reverse("wishes:wall"))
    assert response[CACHE] == "miss"
    assert "一副老花镜" in response.content.decode()


def test_a_state_move_refreshes_the_cached_pages(client, page_cache, resident, staff):
    wish = WishFactory(resident=resident, title="一台电风扇")
    assert "一台电风扇" in client.get(reverse("wishes:wall")).content.decode()
    wish_services.wish_cancel(wish=wish, by=staff, reason="居民已不需要")
    response = Client().get(reverse("wishes:wall"))
    assert response[CACHE] == "miss"
    assert "一台电风扇" not in response.content.decode()
    detail = Client().get(wish.get_absolute_url())
    assert detail.status_code == 404  # a cancelled wish is not public: no cached copy is served


def test_an_update_without_signals_in_a_service_refreshes_them_too(
    client, page_cache, resident, member
):
    """wish_claim moves the wish with a conditional UPDATE (no post_save) and records a claim."""
    wish = WishFactory(resident=resident)
    client.get(wish.get_absolute_url())
    wish_services.wish_claim(
        wish=wish, by=member.user, promised_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    assert Client().get(wish.get_absolute_url())[CACHE] == "miss"


def test_the_cache_keeps_a_page_per_language(client, page_cache):
    chinese = client.get(reverse("wishes:wall"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = Client().get(reverse("wishes:wall"), HTTP_ACCEPT_LANGUAGE="en")
    assert english[CACHE] == "miss"
    assert "Wish wall" in english.content.decode()
    assert "心愿墙" in chinese.content.decode()
    again = Client().get(reverse("wishes:wall"), HTTP_ACCEPT_LANGUAGE="en")
    assert again[CACHE] == "hit" and "Wish wall" in again.content.decode()
    assert "Accept-Language" in again["Vary"]


def test_each_query_string_is_a_page_of_its_own(client, page_cache, resident):
    for i in range(25):
        WishFactory(resident=resident, title=f"心愿{i:02d}")
    client.get(reverse("wishes:wall"))
    second = Client().get(reverse("wishes:wall"), {"page": 2})
    assert second[CACHE] == "miss"
    assert second.context["page"].number == 2


@pytest.mark.parametrize("role", ["member_user", "staff", "superuser"])
def test_a_logged_in_user_never_gets_the_cached_page(client, login, page_cache, request, role):
    Client().get(reverse("wishes:wall"))  # cached for anonymous visitors
    user = request.getfixturevalue(role)
    response = login(user).get(reverse("wishes:wall"))
    assert CACHE not in response
    assert "Log out" in response.content.decode() or "退出" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, page_cache):
    Client().get(reverse("wishes:wall"))
    client.cookies["messages"] = "anything"
    assert CACHE not in client.get(reverse("wishes:wall"))


def test_the_cached_page_carries_the_visitors_own_csrf_token(page_cache):
    Client().get(reverse("wishes:wall"))  # cached with somebody else's token
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(reverse("wishes:wall"))
    assert response[CACHE] == "hit"
    tokens = set(
        re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    )
    assert len(tokens) == 1
    assert "csrftoken" in response.cookies  # the visitor had none: it is set with the page
    switched = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert switched.status_code == 302  # not the CSRF failure page


def test_every_csrf_token_of_a_cached_page_is_the_visitors_own(page_cache):
    """Each {% csrf_token %} and htmx's header is masked afresh: none is left stale."""
    Client().get(reverse("wishes:wall"))
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(reverse("wishes:wall")).content.decode()
    header = re.search(r'"X-CSRFToken": "([A-Za-z0-9]+)"', html).group(1)
    switched = visitor.post(
        reverse("set_language"), {"language": "en", "next": "/"}, HTTP_X_CSRFTOKEN=header
    )
    assert switched.status_code == 302  # not the CSRF failure page


def test_the_public_wish_form_is_cached_with_a_token_of_its_own_each_time(page_cache):
    token = re.compile(r'name="submission" value="([0-9a-f-]{36})"')
    first = Client().get(reverse("wishes:submit"))
    second = Client().get(reverse("wishes:submit"))
    assert second[CACHE] == "hit"
    assert token.findall(first.content.decode()) != token.findall(second.content.decode())
    assert len(token.findall(second.content.decode())) == 1


def test_the_cache_is_off_unless_configured(client):
    client.get(reverse("wishes:wall"))
    assert CACHE not in Client().get(reverse("wishes:wall"))


def test_the_home_figures_say_how_old_they_are(client, member):
    response = client.get(reverse("portal:home"))
    assert response.context["figures"]["members"] == 1
    assert response.context["figures"]["as_of"] is not None
    assert 'data-testid="figures-as-of"' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# A logged-in page's own costs, from the cache with invalidation
# ---------------------------------------------------------------------------------------------
def test_roles_come_from_the_cache_and_follow_a_new_role(login, member_user, community):
    client = login(member_user)
    assert client.get(reverse("portal:staff_home")).status_code == 403
    f.CommunityStaffFactory(user=member_user, community=community)
    assert client.get(reverse("portal:staff_home")).status_code == 200


def test_roles_follow_a_removed_role(login, staff):
    client = login(staff)
    assert client.get(reverse("portal:staff_home")).status_code == 200
    CommunityStaff.objects.filter(user=staff).delete()
    assert client.get(reverse("portal:staff_home")).status_code == 403


def test_the_staffs_community_comes_with_the_roles_and_follows_a_rename(
    login, staff, community, django_assert_num_queries
):
    client = login(staff)
    client.get(reverse("portal:staff_home"))
    with django_assert_num_queries(0):  # the user, the roles and the community: all cached
        assert client.get(reverse("portal:staff_home")).status_code == 200
    community.name = "幸福里社区"
    community.save()
    assert "幸福里社区" in client.get(reverse("portal:staff_home")).content.decode()


def test_the_badge_is_counted_once_and_follows_new_and_read_notifications(
    login, member_user, django_assert_num_queries
):
    client = login(member_user)
    assert client.get(reverse("portal:dashboard")).context["unread_notification_count"] == 0
    Notification.objects.create(user=member_user, key="k1", subject="s", body="b")
    response = client.get(reverse("portal:dashboard"))
    assert response.context["unread_notification_count"] == 1
    with django_assert_num_queries(0):
        assert notifications_unread_count(user=member_user) == 1  # counted once, then cached
    notifications_mark_read(user=member_user)
    assert client.get(reverse("portal:dashboard")).context["unread_notification_count"] == 0


def test_a_second_request_costs_no_user_role_or_badge_query(
    login, member, member_user, django_assert_num_queries
):
    ClaimFactory(member=member)
    client = login(member_user)
    client.get(reverse("wishes:my_claims"))
    user_pages_changed(member_user.pk)  # the page made again, not served from the cache
    # the count of claims, the page of claims
    with django_assert_num_queries(2):
        client.get(reverse("wishes:my_claims"))


# ---------------------------------------------------------------------------------------------
# The member's and the staff's homes show a page, not everything
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [3, 30])
def test_the_staff_home_lists_a_page_of_registrations_and_counts_them_all(
    login, staff, community, n, django_assert_max_num_queries
):
    for _ in range(n):
        f.RegistrationFactory(community=community)
    client = login(staff)
    client.get(reverse("portal:staff_home"))
    user_pages_changed(staff.pk)  # the page made again, not served from the cache
    with django_assert_max_num_queries(10):
        response = client.get(reverse("portal:staff_home"))
    assert len(response.context["pending"]) == min(n, 20)
    assert response.context["waiting"].pending_registrations == n


@pytest.mark.parametrize("n", [3, 40])
def test_the_member_home_sums_its_records_in_the_database(
    login, member, community, n, django_assert_max_num_queries
):
    for _ in range(n):
        f.ServiceRecordFactory(
            member=member, community=community, served_on=timezone.localdate(), points=2
        )
        ClaimFactory(member=member)
    client = login(member.user)
    client.get(reverse("portal:dashboard"))
    user_pages_changed(member.user.pk)  # the home's own part made again, not read from the cache
    # the user, the member, their categories and registrations (4), the star level, a page of
    # claims, the latest report (3; the totals per half-year and the ranks cached), and the
    # cards of projects (2; their figures cached), orders (2; the count cached) and check-in
    # (2): the same at 3 and at 40
    with django_assert_max_num_queries(13):
        home = client.get(reverse("portal:dashboard")).context["home"]
    assert home.points == 2 * n
    assert len(home.open_claims) == min(n, 5)
    assert home.more_claims == (n > 5)


# ---------------------------------------------------------------------------------------------
# PostgreSQL: each list's query is read through an index
# ---------------------------------------------------------------------------------------------
def _plan(queryset, *, no_sort: bool = False) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of test rows are read fastest without an index: forbid the table scan (and,
        # for the ordered lists, the sort), so the plan shows whether an index can serve the
        # query (and its order) at all; where none can, the planner still has to scan (or sort).
        cursor.execute("SET enable_seqscan = off")
        if no_sort:
            cursor.execute("SET enable_sort = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")


def _lists(user, staff_user, community):
    """Each list's query and the index that must serve it (a count as COUNT(*) reads it: the
    indexed columns only)."""
    from members import selectors as members_selectors
    from records import selectors as records_selectors
    from reports import selectors as reports_selectors
    from reports.services import registrations_overlapping
    from wishes import selectors as wishes_selectors

    member = Member.objects.get(user=user)
    period = Period.current()
    return {
        "my service: a page of records": (
            records_selectors.member_records(member=member)[:30],
            "record_by_member_date",
        ),
        "my service: totals per half-year": (
            ServiceRecord.objects.filter(member=member).order_by().values("served_on"),
            "record_by_member_date",
        ),
        "staff records: the latest": (
            records_selectors.community_recent_records(community=community),
            "record_by_community_new",
        ),
        "staff members": (
            members_selectors.registered_members(community_id=community.pk)[:30],
            "member_by_name",
        ),
        "evaluations: a page of members": (
            reports_selectors.community_evaluation_members(community=community, period=period)[:20],
            # (by name, or the few registered found first and sorted, on either index that
            # leads with the community: ours or the foreign key's own; the planner picks)
            ("member_by_name", "registration_by_community", REGISTRATION_FK_INDEX),
        ),
        "evaluations: those registered": (
            registrations_overlapping(period).filter(community=community).values("member_id"),
            ("registration_by_community", REGISTRATION_FK_INDEX),
        ),
        "staff home: waiting wishes": (
            Wish.objects.filter(
                community=community, state__in=[Wish.State.SUBMITTED, Wish.State.FULFILLED]
            )
            .order_by()
            .values("state"),
            # (an index-only scan at a city's size, as EXPLAIN shows on the bench's data)
            ("wish_by_community", "wishes_wish_community_id"),
        ),
        "wall": (wishes_selectors.wall_wishes()[:20], "wish_wall"),
        "wall by community": (
            wishes_selectors.wall_wishes().filter(community=community)[:20],
            # (the community's own, or the wall's where the community holds most wishes)
            ("wish_staff_list", "wishes_wish_community_id", "wish_wall"),
        ),
        "stories": (wishes_selectors.story_wishes()[:12], "wish_stories"),
        "stories count": (
            Wish.objects.filter(state=Wish.State.COMPLETED).order_by().values("state"),
            "wish_stories",
        ),
        "staff list": (wishes_selectors.staff_wishes(user=staff_user)[:20], "wish_staff_list"),
        "staff home: submitted": (
            Wish.objects.filter(community=community, state=Wish.State.SUBMITTED)
            .order_by()
            .values("state"),
            "wish_by_community",
        ),
        "member home: claims": (
            wishes_selectors.my_claims(user=user).filter(state__in=["active", "fulfilled"])[:6],
            ("claim_by_member", "wishes_claim_member_id"),
        ),
        "staff home: registrations waiting": (
            members_selectors.pending_registrations(community_id=community.pk)[:21],
            ("registration_by_community", "registration_one_pending_per_member"),
        ),
        "community: members": (
            CommunityRegistration.objects.filter(
                community=community, state=CommunityRegistration.State.CONFIRMED
            )
            .order_by()
            .values("state"),
            "registration_by_community",
        ),
        "notifications": (
            Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:20],
            "notification_list",
        ),
        "badge": (
            Notification.objects.filter(user=user, read_at__isnull=True).order_by().values("pk"),
            "notification_unread",
        ),
    }


def _postgresql(member, resident):
    """Some thousands of rows of others (so that the planner's statistics look like a city's,
    not like an empty test database), and a wish and a claim of the cast's."""
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN's index scans are asserted on PostgreSQL (DATABASE_URL).")
    from wishes.models import Claim

    WishFactory(resident=resident)
    ClaimFactory(member=member, wish__resident=resident)
    # A fifth of them in the staff's community, the rest in another one.
    ours, theirs = resident, ResidentFactory(community=f.CommunityFactory())
    claimant = f.MemberFactory()
    now = timezone.now()
    states = [Wish.State.PUBLISHED, Wish.State.CLAIMED, Wish.State.COMPLETED, Wish.State.SUBMITTED]
    wishes = Wish.objects.bulk_create(
        Wish(
            community_id=(ours if i % 5 == 0 else theirs).community_id,
            resident=ours if i % 5 == 0 else theirs,
            title=f"心愿{i}",
            state=states[i % 4],
            created_at=now - datetime.timedelta(minutes=i),
            completed_at=now - datetime.timedelta(minutes=i) if i % 4 == 2 else None,
        )
        for i in range(4000)
    )
    Claim.objects.bulk_create(
        Claim(
            wish=w,
            member=claimant,
            claimed_by=claimant.user,
            promised_date=timezone.localdate(),
            state="active" if w.state == Wish.State.CLAIMED else "completed",
        )
        for w in wishes
        if w.state in (Wish.State.CLAIMED, Wish.State.COMPLETED)
    )
    Notification.objects.bulk_create(
        Notification(
            user=member.user,
            key=f"k{i}",
            subject="s",
            body="b",
            read_at=None if i % 10 == 0 else now,
        )
        for i in range(2000)
    )
    users = User.objects.bulk_create(User(username=f"peer{i}", password="!") for i in range(1500))
    peers = Member.objects.bulk_create(
        Member(user=u, real_name=f"邻居{i}", phone="13700000000", branch=claimant.branch)
        for i, u in enumerate(users)
    )
    CommunityRegistration.objects.bulk_create(
        CommunityRegistration(
            member=m,
            community_id=(ours if i % 5 == 0 else theirs).community_id,
            state=CommunityRegistration.State.CONFIRMED
            if i % 3
            else CommunityRegistration.State.PENDING,
        )
        for i, m in enumerate(peers)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@pytest.mark.postgres
def test_every_list_query_is_read_through_its_index(member, staff, community, resident):
    _postgresql(member, resident)
    for name, (queryset, index) in _lists(member.user, staff, community).items():
        plan = _plan(queryset)
        assert "Seq Scan" not in plan, f"{name}:\n{plan}"
        names = index if isinstance(index, tuple) else (index,)
        assert any(f" {i}" in plan for i in names), f"{name}, {index}:\n{plan}"


@pytest.mark.postgres
def test_the_ordered_lists_are_read_in_index_order(member, staff, community, resident):
    """No sort: the wall, the stories and the staff list read one page and stop."""
    _postgresql(member, resident)
    lists = _lists(member.user, staff, community)
    for name in (
        "wall",
        "stories",
        "staff list",
        "notifications",
        "my service: a page of records",
        "staff records: the latest",
        "staff members",
        "evaluations: a page of members",
    ):
        queryset, index = lists[name]
        index = index[0] if isinstance(index, tuple) else index
        plan = _plan(queryset, no_sort=True)
        assert "Sort" not in plan, f"{name}:\n{plan}"
        assert f" {index}" in plan, f"{name}:\n{plan}"


# ---------------------------------------------------------------------------------------------
# The homes' cached figures follow what changes them
# ---------------------------------------------------------------------------------------------
def test_the_staff_homes_members_not_rated_follow_a_rating(login, staff, community, branch):
    from core.periods import last_ended
    from reports import services as reports_services
    from tests.reports.factories import registered_since

    period = last_ended(timezone.localdate())
    rated = f.MemberFactory(branch=branch)
    registered_since(rated, community, period.start)
    client = login(staff)
    before = client.get(reverse("portal:staff_home")).context["waiting"].not_evaluated
    reports_services.evaluation_set(
        by=staff, community=community, member=rated, period=period, rating="qualified"
    )
    after = client.get(reverse("portal:staff_home")).context["waiting"].not_evaluated
    assert after == before - 1


def test_the_member_homes_choice_of_communities_follows_a_new_community(login, member):
    client = login(member.user)
    client.get(reverse("portal:dashboard"))
    f.CommunityFactory(name="新建的社区")
    assert "新建的社区" in client.get(reverse("portal:dashboard")).content.decode()


def test_the_staff_homes_overdue_claims_follow_a_claim_and_the_day(community):
    from wishes.selectors import wishes_waiting_for_staff

    resident = ResidentFactory(community=community)
    today = timezone.localdate()
    assert wishes_waiting_for_staff(community=community)["overdue"] == 0
    ClaimFactory(wish__resident=resident, promised_date=today - datetime.timedelta(days=1))
    assert wishes_waiting_for_staff(community=community)["overdue"] == 1  # a claim: at once
    ClaimFactory(wish__resident=resident, promised_date=today)
    assert wishes_waiting_for_staff(community=community)["overdue"] == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert wishes_waiting_for_staff(community=community)["overdue"] == 2  # the next day
