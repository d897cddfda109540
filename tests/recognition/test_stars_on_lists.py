"""The platform's star level on the branch's lists (the admin's member list and its export), on
the community's list of registered members and on the member's profile, at one query per page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from records.models import MemberStar
from tests import factories as f

pytestmark = pytest.mark.django_db


def _award(member, level=2, label="二星"):
    return MemberStar.objects.create(
        member=member, level=level, label=label, min_hours=300, hours_at_award=320
    )


def test_the_branchs_member_list_shows_each_members_star_level(login, org_admin, member):
    _award(member, 1, "一星")
    _award(member, 2, "二星")
    html = login(org_admin).get(reverse("admin:members_member_changelist")).content.decode()
    assert "★ 二星" in html and "★ 一星" not in html


def test_another_branchs_admin_does_not_see_the_member_or_their_star(
    login, other_org_admin, member
):
    _award(member)
    html = login(other_org_admin).get(reverse("admin:members_member_changelist")).content.decode()
    assert "张伟" not in html and "★ 二星" not in html


def test_the_star_column_is_headed_in_the_users_language(login, org_admin, member):
    client = login(org_admin)
    with translation.override("zh-hans"):
        html = client.get(
            reverse("admin:members_member_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "平台星级" in html


def test_the_branchs_member_export_has_the_star_level(login, org_admin, member, other_member):
    _award(member)
    _award(other_member, 1, "一星")
    response = login(org_admin).get(
        reverse("admin:members_member_export"), HTTP_ACCEPT_LANGUAGE="en"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    star = rows[0].index("The platform's star level")
    assert [(r[0], r[star]) for r in rows[1:]] == [("张伟", "二星")]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_member_list_costs_the_same_queries_whatever_the_stars(login, org_admin, branch):
    client = login(org_admin)
    url = reverse("admin:members_member_changelist")
    for i in range(2):
        _award(f.MemberFactory(branch=branch, real_name=f"成员{i}"))
    client.get(url)  # the role facts cached
    few = _queries(client, url)
    for i in range(2, 14):
        _award(f.MemberFactory(branch=branch, real_name=f"成员{i}"))
    client.get(url)  # new members change the role facts: read again, then cached
    assert _queries(client, url) == few


def test_community_staff_see_the_star_level_of_their_registered_members(login, staff, member):
    _award(member)
    html = login(staff).get(reverse("members:staff_members")).content.decode()
    assert "二星" in html


def test_another_communitys_staff_do_not_see_the_member(login, other_staff, member):
    _award(member)
    html = login(other_staff).get(reverse("members:staff_members")).content.decode()
    assert "张伟" not in html and "二星" not in html


def test_the_member_sees_their_star_level_on_their_profile(login, member_user, member):
    _award(member)
    client = login(member_user)
    with translation.override("zh-hans"):
        html = client.get(reverse("members:profile_edit")).content.decode()
    assert "二星" in html and "平台星级" in html


def test_a_member_without_a_star_sees_none_yet_on_their_profile(login, member_user):
    client = login(member_user)
    html = client.get(reverse("members:profile_edit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The platform's star level:" in html and "none yet" in html
