"""Every admin page of every app opens for every role without a server error."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from records.models import ServiceRecord
from tests import factories as f
from tests.reports.factories import (
    EvaluationFactory,
    MemberReportFactory,
    OrganizationReportFactory,
    PointRuleFactory,
)
from tests.wishes.factories import ClaimFactory, ResidentFactory
from wishes.models import ContactAccessLog, ProofPhoto


@pytest.fixture
def one_of_everything(member, community, branch, staff):
    claim = ClaimFactory(member=member, wish__resident=ResidentFactory(community=community))
    ProofPhoto.objects.create(claim=claim, image="wishes/p.jpg", thumbnail="wishes/p_t.jpg")
    ContactAccessLog.objects.create(
        user=staff, resident=claim.wish.resident, wish=claim.wish, community=community
    )
    f.ServiceRecordFactory(member=member, community=community)
    MemberReportFactory(member=member)
    EvaluationFactory(member=member, community=community)
    OrganizationReportFactory(organization=branch)
    PointRuleFactory()
    return claim


@pytest.mark.parametrize(
    "user_fixture",
    ["superuser", "committee_admin", "org_admin", "staff", "member_user"],
    ids=str,
)
def test_every_admin_page_of_wishes_and_reports_opens_for_every_role(
    request, login, user_fixture, one_of_everything
):
    """Lists, add pages and change pages: allowed (200), refused (403) or absent (404/302)."""
    client = login(request.getfixturevalue(user_fixture))
    assert ServiceRecord.objects.exists()
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in ("wishes", "reports"):
            continue
        urls = [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
        for url in urls:
            assert client.get(url).status_code in (200, 302, 403, 404), url


def _changelist_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more_of_everything(community, branch, n):
    """n more rows of each kind the admin lists, spread over the cast's community and branch."""
    for _ in range(n):
        member = f.MemberFactory(branch=branch)
        f.ConfirmedRegistrationFactory(member=member, community=community)
        f.PartnershipFactory(
            community=community, organization=f.BranchFactory(parent=branch.parent)
        )
        f.ServiceRecordFactory(member=member, community=community)
        claim = ClaimFactory(member=member, wish__resident=ResidentFactory(community=community))
        ProofPhoto.objects.create(claim=claim, image="wishes/p.jpg", thumbnail="wishes/p_t.jpg")


@pytest.mark.parametrize(
    "user_fixture", ["superuser", "committee_admin", "org_admin", "staff"], ids=str
)
def test_admin_lists_cost_the_same_queries_for_few_and_many_rows(
    request, login, user_fixture, one_of_everything, community, branch
):
    user = request.getfixturevalue(user_fixture)
    client = login(user)
    as_user = RequestFactory().get("/")
    as_user.user = user
    urls = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("members", "wishes", "reports", "notifications")
        and model_admin.has_view_permission(as_user)
    ]
    client.get(urls[0])  # the first request reads the role facts; later ones find them cached
    few = {url: _changelist_queries(client, url) for url in urls}
    _more_of_everything(community, branch, 15)
    client.get(urls[0])  # new members change the role facts: read again, then cached
    many = {url: _changelist_queries(client, url) for url in urls}
    assert urls
    assert many == few


@pytest.mark.parametrize(
    "query",
    [
        "signed_on__year=2026&signed_on__month=1&signed_on__day=99999999999999999999",
        "signed_on__year=9999&signed_on__month=12",
    ],
)
def test_a_date_no_calendar_holds_gives_the_list_again_not_a_500(login, committee_admin, query):
    response = login(committee_admin).get(f"/admin/members/partnership/?{query}")
    assert response.status_code == 302 and "e=1" in response.url


def test_not_even_a_superuser_gets_an_add_page_for_what_only_the_services_make(login, superuser):
    client = login(superuser)
    for name in ("wishes_proofphoto", "reports_memberreport", "members_communityregistration"):
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name
