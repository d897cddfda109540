"""The ledger's pages: a member's service and points, staff's entry of service."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

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
    # session, user, roles (4, a first request: then cached), notifications badge, records,
    # registration, 2 ranks, star level
    with django_assert_num_queries(11):
        assert client.get(reverse("records:my_service")).status_code == 200


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
    client = login(staff)
    # user, roles (3), badge, community, member choices, recent records (the session is in the
    # cache)
    with django_assert_num_queries(8):
        assert client.get(reverse("records:staff_records")).status_code == 200


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
