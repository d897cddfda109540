"""The new apps' admin lists and the staff's site lists export to Excel within the user's scope:
another community's rows are absent, a text that looks like a formula stays text, and someone
outside the list cannot export it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import ServiceTeam
from records.models import MemberStar
from tests import factories as f
from tests.checkins.factories import ActivityFactory
from tests.orders.factories import OrderFactory
from tests.projects.factories import NeedFactory, ProjectFactory, ResourceFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","点我")'


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True)), sheet


def _cells(rows):
    return {value for row in rows[1:] for value in row}


ADMIN_EXPORTS = {
    "projects_need": lambda c, title: NeedFactory(community=c, title=title),
    "projects_resource": lambda c, title: ResourceFactory(community=c, title=title),
    "projects_project": lambda c, title: ProjectFactory(community=c, title=title),
    "orders_serviceorder": lambda c, title: OrderFactory(item__category__community=c, title=title),
    "checkins_activity": lambda c, title: ActivityFactory(organizer_community=c, title=title),
    "members_serviceteam": lambda c, title: ServiceTeam.objects.create(
        community=c, name=title, captain=f.MemberFactory(), category=f.ServiceCategoryFactory()
    ),
}


@pytest.mark.parametrize("name", ADMIN_EXPORTS)
def test_an_admin_export_holds_only_the_staffs_community_and_keeps_text(
    login, staff, community, other_community, name
):
    make = ADMIN_EXPORTS[name]
    make(community, FORMULA)
    make(other_community, "别的社区的")
    rows, sheet = _rows(login(staff).get(reverse(f"admin:{name}_export")))
    cells = _cells(rows)
    assert FORMULA in cells and "别的社区的" not in cells
    formula_cell = next(c for row in sheet.iter_rows(min_row=2) for c in row if c.value == FORMULA)
    assert formula_cell.data_type == "s"


@pytest.mark.parametrize("name", ADMIN_EXPORTS)
def test_a_member_cannot_use_an_admin_export(login, member_user, name):
    response = login(member_user).get(reverse(f"admin:{name}_export"))
    assert response.status_code in (302, 403)


# The staff's site lists ---------------------------------------------------------------------
def test_staff_export_their_communitys_service_records(
    login, staff, member, other_member, community, other_community
):
    f.ServiceRecordFactory(member=member, community=community, title=FORMULA)
    f.ServiceRecordFactory(member=other_member, community=other_community, title="别的社区")
    html = login(staff).get(reverse("records:staff_records")).content.decode()
    assert reverse("records:staff_records_export") in html
    rows, sheet = _rows(login(staff).get(reverse("records:staff_records_export")))
    assert [r[3] for r in rows[1:]] == [FORMULA]
    assert sheet["D2"].data_type == "s"
    assert sheet["A2"].is_date  # the date of service is a date


def test_a_member_cannot_export_the_service_records(login, member_user):
    assert login(member_user).get(reverse("records:staff_records_export")).status_code == 403


def test_staff_export_their_registered_members_with_masked_phones(
    login, staff, member, other_member
):
    member.skills = FORMULA
    member.save()
    MemberStar.objects.create(
        member=member, level=1, label="一星", min_hours=100, hours_at_award=120
    )
    rows, _sheet = _rows(login(staff).get(reverse("members:staff_members_export")))
    assert [r[0] for r in rows[1:]] == ["张伟"]
    assert rows[1][2] == member.masked_phone and "13812345678" not in _cells(rows)
    assert rows[1][4] == "一星"


def test_the_members_export_follows_the_search(login, staff, member, community):
    other = f.MemberFactory(real_name=FORMULA)
    f.ConfirmedRegistrationFactory(member=other, community=community)
    client = login(staff)
    rows, sheet = _rows(client.get(reverse("members:staff_members_export"), {"q": "HYPERLINK"}))
    assert [r[0] for r in rows[1:]] == [FORMULA]
    assert sheet["A2"].data_type == "s"


def test_another_communitys_staff_do_not_export_the_members(login, other_staff, member):
    rows, _sheet = _rows(login(other_staff).get(reverse("members:staff_members_export")))
    assert "张伟" not in _cells(rows)


def test_a_member_cannot_export_the_registered_members(login, member_user):
    assert login(member_user).get(reverse("members:staff_members_export")).status_code == 403


def test_staff_export_their_communitys_orders(login, staff, community, other_community):
    OrderFactory(item__category__community=community, title=FORMULA)
    OrderFactory(item__category__community=other_community, title="别的社区的单")
    client = login(staff)
    assert reverse("orders:staff_export") in client.get(reverse("orders:intake")).content.decode()
    rows, sheet = _rows(client.get(reverse("orders:staff_export")))
    assert [r[1] for r in rows[1:]] == [FORMULA]
    assert sheet["B2"].data_type == "s"
    assert "李秀英" not in _cells(rows) and "13900001111" not in _cells(rows)


def test_a_member_cannot_export_the_orders(login, member_user):
    assert login(member_user).get(reverse("orders:staff_export")).status_code == 403
