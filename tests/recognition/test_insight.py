"""Dashboards: a fixed number of grouped queries whatever the number of communities; each chart's
table holds the chart's own numbers; who may open which; a one-page PDF summary."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from tests import factories as f

pytestmark = pytest.mark.django_db


def _world(n, committee, branch, district):
    for i in range(n):
        c = f.CommunityFactory(name=f"社区{i}", subdistrict__district=district)
        m = f.MemberFactory(branch=branch)
        f.ConfirmedRegistrationFactory(member=m, community=c)
        f.ServiceRecordFactory(member=m, community=c, hours=Decimal(i % 4 + 1))


@pytest.fixture
def district(committee):
    d = f.DistrictFactory(name="和平区")
    committee.district = d
    committee.save()
    return d


@pytest.mark.parametrize("n", [1, 50])
def test_a_fixed_number_of_queries(
    login, committee_admin, committee, branch, district, n, django_assert_max_num_queries
):
    _world(n, committee, branch, district)
    client = login(committee_admin)
    cache.clear()
    with django_assert_max_num_queries(20):
        response = client.get(reverse("portal:insight"))
    assert response.status_code == 200
    assert response.context["data"]["figures"]["communities_served"] == n


def _charts_and_tables(html):
    charts = {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(
            r'<script id="data-([\w_]+)" type="application/json">(.*?)</script>', html, re.S
        )
    }
    tables = {}
    for m in re.finditer(
        r'<table class="table table-sm" data-table="([\w_]+)">(.*?)</table>', html, re.S
    ):
        body = m.group(2).split("<tbody>")[1]
        rows = []
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            if "<th" not in tr:
                continue
            category = re.search(r"<th scope=\"row\">(.*?)</th>", tr).group(1)
            values = [float(v) for v in re.findall(r'<td class="text-end">(.*?)</td>', tr)]
            rows.append((category, values))
        tables[m.group(1)] = rows
    return charts, tables


def test_each_charts_table_is_the_charts_data(login, committee_admin, committee, branch, district):
    _world(3, committee, branch, district)
    html = login(committee_admin).get(reverse("portal:insight"), {"period": "all"}).content.decode()
    charts, tables = _charts_and_tables(html)
    assert set(charts) == set(tables) and len(charts) == 6
    for chart_id, chart in charts.items():
        expected = [
            (category, [float(s["data"][i]) for s in chart["series"]])
            for i, category in enumerate(chart["categories"])
        ]
        assert tables[chart_id] == expected, chart_id
    assert charts["hours_by_community"]["categories"]  # not empty


def test_the_page_loads_its_charts_from_files_only(login, staff, member):
    html = login(staff).get(reverse("portal:insight")).content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "js/charts.js" in html
    # The only inline scripts are JSON data (json_script), which the CSP does not run.
    for tag in re.findall(r"<script(?![^>]*src=)[^>]*>", html):
        assert 'type="application/json"' in tag


def test_a_member_may_not_open_a_dashboard(login, member_user):
    assert login(member_user).get(reverse("portal:insight")).status_code == 403


def test_staff_see_their_own_community_only(login, staff, other_community, community):
    client = login(staff)
    response = client.get(reverse("portal:insight"), {"unit": f"community:{other_community.pk}"})
    assert response.context["data"]["title"] == community.name


def test_an_org_admin_sees_their_organization(login, org_admin, party_committee, member, community):
    f.ServiceRecordFactory(member=member, community=community, hours=Decimal(3))
    response = login(org_admin).get(reverse("portal:insight"))
    assert response.context["data"]["title"] == party_committee.name
    assert response.context["data"]["figures"]["hours"] == Decimal(3)


def test_the_committee_opens_each_community(login, committee_admin, district, committee, branch):
    _world(2, committee, branch, district)
    from members.models import Community

    c = Community.objects.get(name="社区1")
    response = login(committee_admin).get(reverse("portal:insight"), {"unit": f"community:{c.pk}"})
    assert response.context["data"]["title"] == "社区1"


def test_the_one_page_summary(login, committee_admin, committee, branch, district):
    _world(3, committee, branch, district)
    response = login(committee_admin).get(reverse("portal:insight_pdf"), {"period": "year"})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert committee.name in reader.pages[0].extract_text()
