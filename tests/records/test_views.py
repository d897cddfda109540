"""The ledger's pages: a member's service and points, staff's entry of service."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.pagecache import user_pages_changed
from members.models import Member
from records.models import ServiceRecord
from reports.models import OrganizationReport
from tests import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


def _records(member, community, n):
    for i in range(n):
        f.ServiceRecordFactory(
            member=member, community=community, served_on=D(2025, 1, 1) + datetime.timedelta(i * 7)
        )


def _entry(member, **extra):
    return {
        "member": member.pk,
        "served_on": timezone.localdate().isoformat(),
        "hours": "2.5",
        "kind": "other",
        "title": "义诊服务",
        "note": "在社区广场",
        "token": "abc123",
        **extra,
    }


# The member's service page --------------------------------------------------------------------
def test_service_page_groups_records_by_half_year_and_ranks_the_member(
    login, member_user, member, community, branch
):
    f.ServiceRecordFactory(member=member, community=community, served_on=D(2026, 3, 1), points=5)
    f.ServiceRecordFactory(member=member, community=community, served_on=D(2025, 9, 1), points=5)
    rival = f.MemberFactory(branch=branch)
    f.ConfirmedRegistrationFactory(member=rival, community=community)
    f.ServiceRecordFactory(member=rival, community=community, points=30)
    response = login(member_user).get(reverse("records:my_service"))
    halves = response.context["halves"]
    assert [h.period.code for h in halves] == ["2026H1", "2025H2"]
    ranks = response.context["ranks"]
    assert (ranks.community_rank, ranks.community_size) == (2, 2)
    assert (ranks.branch_rank, ranks.branch_size) == (2, 2)
    assert response.context["total_points"] == 10


@pytest.mark.parametrize("n", [2, 40])
def test_service_page_costs_a_fixed_number_of_queries(
    login, member_user, member, community, n, django_assert_num_queries
):
    _records(member, community, n)
    client = login(member_user)
    client.get(reverse("records:my_service"))  # the role facts and the ranks are cached then
    user_pages_changed(member_user.pk)  # the page made again, not served from the cache
    # a page of records, the star level (the user and the totals per half-year cached)
    with django_assert_num_queries(2):
        assert client.get(reverse("records:my_service")).status_code == 200


def test_a_new_or_corrected_record_is_counted_at_once(login, member_user, member, community):
    from records import services

    _records(member, community, 2)
    client = login(member_user)
    before = client.get(reverse("records:my_service")).context["total_hours"]
    record = services.service_record_enter(
        by=f.CommunityStaffFactory(community=community).user,
        community=community,
        member=member,
        served_on=timezone.localdate(),
        hours="3",
        kind="other",
        title="入户走访",
        note="",
        token="t1",
    )
    assert client.get(reverse("records:my_service")).context["total_hours"] == before + 3
    services.service_record_correct(record=record, hours="1", reason="录入有误")
    assert client.get(reverse("records:my_service")).context["total_hours"] == before + 1


def test_service_page_shows_a_page_of_records_under_their_half_years_totals(
    login, member_user, member, community
):
    _records(member, community, 40)  # weekly from 2025-01-01: 26 in 2025H1, 14 in 2025H2
    client = login(member_user)
    first = client.get(reverse("records:my_service"))
    assert len(first.context["page"].object_list) == 30
    assert first.context["page"].paginator.num_pages == 2
    h2, h1 = first.context["sections"]
    assert (h2.period.code, h2.count, len(h2.records)) == ("2025H2", 14, 14)
    assert (h1.period.code, h1.count, len(h1.records)) == ("2025H1", 26, 16)
    assert first.context["total_points"] == sum(r.points for r in ServiceRecord.objects.all())
    second = client.get(reverse("records:my_service") + "?page=2")
    assert [(h.period.code, len(h.records)) for h in second.context["sections"]] == [("2025H1", 10)]


def test_staff_record_service_for_a_registered_member_once(login, staff, member):
    client = login(staff)
    for _ in range(2):  # a resubmitted form counts once
        client.post(reverse("records:staff_records"), _entry(member))
    record = ServiceRecord.objects.get()
    assert (record.hours, record.source, record.created_by) == (2.5, "staff", staff)
    assert record.note == "在社区广场"


def test_staff_cannot_record_for_a_member_of_another_community(login, staff, other_member):
    response = login(staff).post(reverse("records:staff_records"), _entry(other_member))
    assert response.status_code == 200
    assert response.context["form"].errors["member"]
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("hours", "30"), ("hours", "abc"), ("served_on", "2999-01-01")]
)
def test_bad_input_keeps_the_form_and_never_fails(login, staff, member, field, value):
    response = login(staff).post(reverse("records:staff_records"), _entry(member, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "义诊服务" in response.content.decode()


@pytest.mark.parametrize("served_on", ["0001-01-01", "2025-12-31"])
@time_machine.travel(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC))
def test_service_before_the_last_half_year_is_refused_and_the_form_kept(
    login, staff, member, served_on
):
    response = login(staff).post(
        reverse("records:staff_records"), _entry(member, served_on=served_on)
    )
    assert response.status_code == 200
    assert "义诊服务" in response.content.decode()
    assert not ServiceRecord.objects.exists()


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC))
def test_service_in_the_last_half_year_can_be_recorded(login, staff, member):
    login(staff).post(reverse("records:staff_records"), _entry(member, served_on="2026-01-01"))
    assert ServiceRecord.objects.get().served_on == datetime.date(2026, 1, 1)


@pytest.mark.parametrize("n", [1, 25])
def test_staff_records_page_costs_a_fixed_number_of_queries(
    login, staff, member, community, n, django_assert_num_queries
):
    _records(member, community, n)
    for _ in range(n):  # members to choose from: none of them is listed on the page
        f.ConfirmedRegistrationFactory(community=community)
    client = login(staff)
    client.get(reverse("records:staff_records"))  # the role facts are cached then
    user_pages_changed(staff.pk)  # the page made again, not served from the cache
    # recent records (the user and the staff's community cached with the role facts)
    with django_assert_num_queries(1):
        response = client.get(reverse("records:staff_records"))
    content = response.content.decode()
    assert 'name="member_name"' in content and 'select name="member"' not in content


def _registered(community, name, phone):
    other = f.MemberFactory(real_name=name, phone=phone)
    f.ConfirmedRegistrationFactory(member=other, community=community)
    return other


@pytest.mark.parametrize("typed", ["王建国", "王建国 · 4321", "4321"])
def test_staff_record_service_for_a_member_typed_by_name_or_phone_digits(
    login, staff, community, member, typed
):
    wang = _registered(community, "王建国", "13900004321")
    _registered(community, "王建军", "13900008765")
    entry = _entry(member, member_name=typed)
    del entry["member"]
    login(staff).post(reverse("records:staff_records"), entry)
    assert ServiceRecord.objects.get().member == wang


def test_a_name_several_members_share_is_refused_with_them_suggested(
    login, staff, community, member
):
    _registered(community, "王建国", "13900004321")
    _registered(community, "王建军", "13900008765")
    entry = _entry(member, member_name="王建")
    del entry["member"]
    response = login(staff).post(reverse("records:staff_records"), entry)
    assert response.context["form"].errors["member_name"]
    assert response.context["member_options"] == ["王建军 · 8765", "王建国 · 4321"]
    assert '<option value="王建国 · 4321">' in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_a_member_of_another_community_cannot_be_typed_either(login, staff, member, other_member):
    entry = _entry(member, member_name=other_member.real_name)
    del entry["member"]
    response = login(staff).post(reverse("records:staff_records"), entry)
    assert response.context["form"].errors["member_name"]
    assert not ServiceRecord.objects.exists()


def test_the_member_search_suggests_a_few_members_of_the_community_only(
    login, staff, community, other_member
):
    for i in range(25):
        _registered(community, f"李{i:02d}", f"139000{i:05d}")
    client = login(staff)
    options = client.get(reverse("records:staff_record_members"), {"member_name": "李"})
    assert options.content.decode().count("<option") == 20
    by_digits = client.get(reverse("records:staff_record_members"), {"member_name": "00007"})
    assert by_digits.content.decode().strip() == '<option value="李07 · 0007"></option>'
    theirs = client.get(
        reverse("records:staff_record_members"), {"member_name": other_member.real_name}
    )
    assert "<option" not in theirs.content.decode()


def test_only_the_staff_get_member_suggestions(login, member_user):
    response = login(member_user).get(reverse("records:staff_record_members"), {"q": "李"})
    assert response.status_code == 403


def test_two_members_of_one_name_and_digits_are_told_apart_by_their_number(
    login, staff, community, member
):
    first = _registered(community, "张伟", "13900001111")
    second = _registered(community, "张伟", "13800001111")
    client = login(staff)
    options = client.get(reverse("records:staff_record_members"), {"member_name": "张伟"})
    assert f'value="张伟 · 1111 · #{second.pk}"' in options.content.decode()
    entry = _entry(member, member_name=f"张伟 · 1111 · #{second.pk}")
    del entry["member"]
    client.post(reverse("records:staff_records"), entry)
    assert ServiceRecord.objects.get().member == second != first


def test_service_record_labels_are_not_taken_from_another_apps_catalogue():
    """allauth translates "Note" as 注意 and members "title" as 职务: ours carry a context."""
    from django.utils import translation

    from records.forms import ServiceRecordEntryForm

    with translation.override("zh-hans"):
        form = ServiceRecordEntryForm(members=Member.objects.none())
        assert str(form.fields["note"].label) == "备注"
        assert str(ServiceRecord._meta.get_field("title").verbose_name) == "服务内容"
        members_total = OrganizationReport._meta.get_field("members_total")
        assert str(members_total.verbose_name) == "党员人数"


def test_old_admin_links_of_the_ledger_lead_to_its_new_place(login, staff):
    response = login(staff).get("/admin/reports/servicerecord/?kind__exact=wish")
    assert response.status_code == 302
    assert response.url == "/admin/records/servicerecord/?kind__exact=wish"


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC))
def test_the_date_picker_offers_the_days_service_may_be_recorded_for(login, staff, member):
    content = login(staff).get(reverse("records:staff_records")).content.decode()
    assert 'type="date" name="served_on" value="2026-11-22" max="2026-11-22" min="2026-01-01"' in (
        content
    )
