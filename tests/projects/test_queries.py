"""Every list page, and the joint meeting's agenda, costs a fixed number of queries, with 5 rows
or 200 (the agenda at most 10, however many suggestions)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import selectors, services
from projects.models import Need, Project, ProjectClaim, Resource
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def seed(community, greenery, organization, member, n):
    Need.objects.bulk_create(
        Need(community=community, category=greenery, title=f"需求{i}", state=Need.State.LISTED)
        for i in range(n)
    )
    Resource.objects.bulk_create(
        Resource(
            claimant_kind="organization",
            organization=organization,
            community=community,
            category=greenery,
            title=f"资源{i}",
            kind="goods",
            quantity=100,
            unit="plants",
            available_from=TODAY() - datetime.timedelta(days=1),
            state=Resource.State.CONFIRMED,
        )
        for i in range(n)
    )
    projects = Project.objects.bulk_create(
        Project(
            community=community,
            category=greenery,
            title=f"项目{i}",
            planned_start=TODAY(),
            planned_end=TODAY() + datetime.timedelta(days=9),
            state=Project.State.CLAIMED if i % 2 else Project.State.APPROVED,
        )
        for i in range(n)
    )
    ProjectClaim.objects.bulk_create(
        ProjectClaim(project=p, member=member, claimed_by=member.user)
        for i, p in enumerate(projects)
        if i % 2
    )


PAGES = [
    ("projects:list", "anonymous", 4),
    ("projects:needs", "anonymous", 4),
    ("projects:stories", "anonymous", 4),
    ("projects:staff_needs", "staff", 12),
    ("projects:staff_resources", "staff", 12),
    ("projects:staff_projects", "staff", 12),
    ("projects:triage", "staff", 14),
    ("projects:mine", "member", 12),
    ("projects:open", "member", 10),
    ("projects:my_resources", "org_admin", 10),
    ("projects:meetings", "staff", 10),
]


@pytest.mark.parametrize(("name", "role", "most"), PAGES, ids=[p[0] for p in PAGES])
def test_list_pages_cost_a_fixed_number_of_queries(
    client,
    login,
    community,
    greenery,
    party_committee,
    member,
    staff,
    org_admin,
    name,
    role,
    most,
):
    if role != "anonymous":
        user = {"staff": staff, "member": member.user, "org_admin": org_admin}[role]
        client = login(user)
    counts = []
    for n in (5, 200):
        seed(community, greenery, party_committee, member, n)
        client.get(reverse(name))  # sessions, caches: warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= most, counts


def test_the_agenda_costs_at_most_10_queries_however_many_suggestions(
    community, greenery, party_committee, member, staff
):
    f.PartnershipFactory(organization=party_committee, community=community)
    counts = []
    for n in (5, 200):
        seed(community, greenery, party_committee, member, n)
        meeting = services.meeting_schedule(
            community=community, by=staff, title="联席会议", held_on=TODAY()
        )
        with CaptureQueriesContext(connection) as queries:
            agenda = selectors.agenda_for(meeting=meeting)
            assert agenda.suggestions
            [(s.need.title, s.resource.organization.name, s.partner) for s in agenda.suggestions]
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10
    # The most urgent needs, each with its suggestions; the rest are counted.
    assert len(agenda.needs) == selectors.AGENDA_NEEDS and agenda.more_needs > 0
    assert len(agenda.suggestions) == selectors.AGENDA_NEEDS * selectors.SUGGESTIONS_PER_NEED


def test_the_meeting_page_costs_a_fixed_number_of_queries(
    login, community, greenery, party_committee, member, staff
):
    meeting = services.meeting_schedule(
        community=community, by=staff, title="联席会议", held_on=TODAY()
    )
    client = login(staff)
    client.get(reverse("projects:meeting_detail", args=[meeting.pk]))  # the role facts, cached
    counts = []
    for n in (5, 100):
        seed(community, greenery, party_committee, member, n)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("projects:meeting_detail", args=[meeting.pk]))
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 24, counts
