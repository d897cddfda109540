"""`make bench` (projects): the projects list and the joint meeting's agenda at a city's size
(30,000 projects, 100,000 needs, 590 communities), and claiming speed.

Seeds the data set into the configured database once (bulk_create; a later run reuses it), then
prints from one run:
- the median server time of the staff's projects list and of the meeting page with its agenda
  (30 requests each through the Django test client, after warm-up), each as a ratio to a
  baseline view that does one indexed query of a page and renders it bare;
- claims per second with 20 concurrent claimants on distinct projects (undone afterwards).
"""

from __future__ import annotations

import datetime
import threading
import time

from django.http import HttpResponse
from django.urls import include, path

from bench.wishes import _ensure_database, _median_ms

PROJECTS = 30_000
NEEDS = 100_000
RESOURCES = 10_000
COMMUNITIES = 590
PAGE = 20
REQUESTS = 30
THREADS = 20
CLAIMS_PER_THREAD = 10
TAG = "项目基准"


def baseline(request):
    """One indexed query of one page of a community's projects, rendered bare."""
    from projects.models import Project

    community_id = int(request.GET["community"])
    rows = Project.objects.filter(community_id=community_id).order_by("-created_at", "-pk")
    titles = [p.title for p in rows.only("pk", "title", "created_at")[:PAGE]]
    return HttpResponse("\n".join(titles), content_type="text/plain")


urlpatterns = [path("bench/baseline/", baseline), path("", include("config.urls"))]


def _seed():
    from django.db import transaction
    from django.utils import timezone

    from members.models import (
        Community,
        CommunityRegistration,
        CommunityStaff,
        District,
        Member,
        Organization,
        Partnership,
        ServiceCategory,
        Subdistrict,
        User,
    )
    from projects.models import JointMeeting, Need, Project, Resource

    district, _ = District.objects.get_or_create(name=f"{TAG}市")
    subs = list(Subdistrict.objects.filter(district=district).order_by("pk"))
    if len(subs) < 10:
        subs += Subdistrict.objects.bulk_create(
            Subdistrict(district=district, name=f"{TAG}{i}街道") for i in range(len(subs), 10)
        )
    communities = list(Community.objects.filter(subdistrict__district=district).order_by("pk"))
    staff_user = User.objects.filter(username="bench_projects_staff").first()
    have = Project.objects.filter(community__subdistrict__district=district).count()
    if have >= PROJECTS and staff_user:
        home = communities[0]
        members = list(Member.objects.filter(user__username__startswith="bench_projects_m"))
        meeting = JointMeeting.objects.filter(community=home).first()
        return home, staff_user, members, meeting
    started = time.monotonic()
    today = timezone.localdate()
    with transaction.atomic():
        if len(communities) < COMMUNITIES:
            Community.objects.bulk_create(
                Community(subdistrict=subs[i % len(subs)], name=f"{TAG}{i}社区")
                for i in range(len(communities), COMMUNITIES)
            )
            communities = list(
                Community.objects.filter(subdistrict__district=district).order_by("pk")
            )
        home = communities[0]
        categories = list(ServiceCategory.objects.all()[:8]) or [
            ServiceCategory.objects.create(name=f"{TAG}类别{i}") for i in range(8)
        ]
        staff_user, _ = User.objects.get_or_create(username="bench_projects_staff")
        CommunityStaff.objects.get_or_create(user=staff_user, defaults={"community": home})
        committee, _ = Organization.objects.get_or_create(
            name=f"{TAG}工委", kind=Organization.Kind.COMMITTEE
        )
        party, _ = Organization.objects.get_or_create(
            name=f"{TAG}机关党委", kind=Organization.Kind.PARTY_COMMITTEE, parent=committee
        )
        Partnership.objects.get_or_create(
            organization=party,
            community=home,
            term_start=today - datetime.timedelta(days=100),
            defaults={"signed_on": today, "term_end": today + datetime.timedelta(days=700)},
        )
        members = []
        for i in range(THREADS):
            user, _ = User.objects.get_or_create(username=f"bench_projects_m{i}")
            member, _ = Member.objects.get_or_create(
                user=user,
                defaults={"real_name": f"党员{i}", "phone": "13800000000", "branch": party},
            )
            CommunityRegistration.objects.get_or_create(
                member=member, community=home, state=CommunityRegistration.State.CONFIRMED
            )
            members.append(member)
        now = timezone.now()
        Need.objects.bulk_create(
            (
                Need(
                    community=communities[n % COMMUNITIES],
                    category=categories[n % len(categories)],
                    title=f"需求{n}：老旧小区绿化",
                    state=["listed", "listed", "matched", "closed", "submitted"][n % 5],
                    created_at=now - datetime.timedelta(minutes=n),
                )
                for n in range(NEEDS)
            ),
            batch_size=5000,
        )
        Resource.objects.bulk_create(
            (
                Resource(
                    claimant_kind="organization",
                    organization=party,
                    community=communities[n % COMMUNITIES],
                    category=categories[n % len(categories)],
                    title=f"资源{n}：苗木",
                    kind="goods",
                    quantity=415,
                    unit="plants",
                    available_from=today - datetime.timedelta(days=30),
                    state="confirmed",
                )
                for n in range(RESOURCES)
            ),
            batch_size=5000,
        )
        states = ["approved"] * 4 + ["claimed", "in_progress", "in_progress", "completed"]
        states += ["evaluated", "draft"]
        Project.objects.bulk_create(
            (
                Project(
                    community=communities[n % COMMUNITIES],
                    category=categories[n % len(categories)],
                    title=f"项目{n}：绿化老旧小区",
                    planned_start=today - datetime.timedelta(days=10),
                    planned_end=today + datetime.timedelta(days=50),
                    state=states[n % len(states)],
                    created_at=now - datetime.timedelta(minutes=n),
                )
                for n in range(PROJECTS)
            ),
            batch_size=5000,
        )
        meeting = JointMeeting.objects.create(
            community=home, subdistrict=home.subdistrict, title="联席会议", held_on=today
        )
    print(f"seeded the projects data set in {time.monotonic() - started:.1f} s")
    return home, staff_user, members, meeting


def _analyze() -> None:
    from django.db import connection

    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for table in ("projects_project", "projects_need", "projects_resource"):
            cursor.execute(f"{command} {table}")


def _claims_per_second(home, members) -> tuple[float, int, int]:
    from django.db import connections

    from projects import services
    from projects.models import Project, ProjectClaim, ProjectTransition

    pks = list(
        Project.objects.filter(community=home, state="approved", is_collective=False)
        .order_by("pk")
        .values_list("pk", flat=True)[: THREADS * CLAIMS_PER_THREAD]
    )
    barrier = threading.Barrier(THREADS + 1)
    won, errors = [], []

    def work(i):
        barrier.wait()
        for pk in pks[i::THREADS]:
            try:
                services.project_claim(
                    project=Project(pk=pk, community_id=home.pk, is_collective=False),
                    by=members[i].user,
                )
                won.append(pk)
            except Exception as error:  # noqa: BLE001 - counted and printed
                errors.append(repr(error))
        connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ProjectTransition.objects.filter(project_id__in=won).delete()
    ProjectClaim.objects.filter(project_id__in=won).delete()
    Project.objects.filter(pk__in=won).update(state="approved")
    return len(won) / elapsed, len(won), len(errors)


def main() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    _ensure_database()
    home, staff_user, members, meeting = _seed()
    _analyze()
    print(
        f"projects bench on {connection.vendor}: {PROJECTS:,} projects, {NEEDS:,} needs, "
        f"{RESOURCES:,} resources, {COMMUNITIES} communities"
    )
    pages = [{"page": str(1 + i % 5)} for i in range(REQUESTS)]
    with override_settings(
        ROOT_URLCONF="bench.projects", DEBUG=False, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False
    ):
        staff = Client()
        staff.force_login(staff_user, backend="django.contrib.auth.backends.ModelBackend")
        base = _median_ms(
            staff, "/bench/baseline/", [{**p, "community": str(home.pk)} for p in pages]
        )
        project_list = _median_ms(staff, "/projects/staff/", pages)
        agenda = _median_ms(staff, f"/projects/meetings/{meeting.pk}/", [{}] * REQUESTS)
    rate, won, errors = _claims_per_second(home, members)
    print(f"baseline (one indexed query, {PAGE} rows, bare, logged in): median {base:.1f} ms")
    print(
        f"projects list: median {project_list:.1f} ms, ratio to baseline {project_list / base:.1f}"
    )
    print(f"meeting agenda: median {agenda:.1f} ms, ratio to baseline {agenda / base:.1f}")
    print(
        f"claims: {rate:.0f} per second with {THREADS} concurrent claimants "
        f"({won} claims on distinct projects, {errors} errors)"
    )
