"""Against PostgreSQL: of 20 simultaneous claims of one project exactly one wins; simultaneous
commitments of one resource never exceed its quantity. (On SQLite, the same guards are proven
one step at a time in test_services: the partial unique constraint and the conditional UPDATE.)"""

import os
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from projects import services
from projects.models import Project, ProjectClaim, ProjectTransition, Resource
from projects.services import ProjectError
from tests import factories as f
from tests.projects.factories import ProjectFactory, ResourceFactory

RACERS = 20


def _need_postgres():
    if connection.vendor == "sqlite":
        if os.environ.get("CI") == "true":
            pytest.fail("Under CI the races must run on PostgreSQL (DATABASE_URL is SQLite).")
        pytest.skip("The in-memory SQLite test database cannot be written from several threads.")


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes, lock = [], threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=20)
            call()
            result = "won"
        except ProjectError as error:
            result = error.code
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_claims_leave_exactly_one(branch, community, greenery):
    _need_postgres()
    members = []
    for i in range(RACERS):
        m = f.MemberFactory(user__username=f"racer{i}", branch=branch)
        f.ConfirmedRegistrationFactory(member=m, community=community)
        members.append(m)
    project = ProjectFactory(community=community, category=greenery)

    def claim(member):
        return lambda: services.project_claim(
            project=Project.objects.get(pk=project.pk), by=member.user
        )

    outcomes = _race([claim(m) for m in members])
    assert sorted(outcomes) == ["already_claimed"] * (RACERS - 1) + ["won"]
    assert ProjectClaim.objects.filter(project=project).count() == 1
    assert Project.objects.get(pk=project.pk).state == Project.State.CLAIMED
    assert ProjectTransition.objects.filter(project=project, to_state="claimed").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_commitments_never_exceed_the_resource(community, greenery, staff):
    _need_postgres()
    resource = ResourceFactory(community=community, category=greenery, quantity=415)
    projects = [ProjectFactory(community=community, category=greenery) for _ in range(RACERS)]

    def commit(project):
        # 20 × 30 = 600 asked of 415: 13 fit, the others find too little left.
        return lambda: services.resource_commit(
            resource=Resource.objects.get(pk=resource.pk), project=project, quantity=30, by=staff
        )

    outcomes = _race([commit(p) for p in projects])
    resource.refresh_from_db()
    assert outcomes.count("won") == 13
    assert set(outcomes) == {"won", "not_enough_left"}
    assert resource.committed == Decimal(390) <= resource.quantity
    assert sum(c.quantity for c in resource.commitments.all()) == resource.committed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_commitments_that_together_exceed_leave_one_refused(community, greenery, staff):
    _need_postgres()
    resource = ResourceFactory(community=community, category=greenery, quantity=415)
    a, b = (ProjectFactory(community=community, category=greenery) for _ in range(2))
    outcomes = _race(
        [
            lambda p=p: services.resource_commit(
                resource=resource, project=p, quantity=300, by=staff
            )
            for p in (a, b)
        ]
    )
    assert sorted(outcomes) == ["not_enough_left", "won"]
    assert Resource.objects.get(pk=resource.pk).committed == 300
