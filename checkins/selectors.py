"""Reads of the check-in app: each list costs a fixed number of queries whatever its length."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from core.workdays import WorkCalendar
from members.access import get_for_user_or_404, scope, work_scope
from members.models import CommunityRegistration, Member, TeamMembership, mask_phone

from .models import (
    Activity,
    Attendance,
    AttendanceSegment,
    MemberCode,
    Scan,
    Signup,
    Venue,
)

A = Attendance.State
CAME = (A.IN, A.OUT, A.REVIEW, A.FINALIZED)
DASHBOARD_CACHE_SECONDS = 5
# Service records within 10 working days of the activity (民政部令第67号, 第十一条).
FINALIZE_WORKDAYS = 10


def finalize_deadline(
    activity: Activity, *, last_end: datetime.datetime | None = None
) -> datetime.date | None:
    """The day an activity is to be finalized by: its own `finalize_by`, else the 10th working
    day after its last session ended (weekdays; `last_end` when the caller has it annotated)."""
    if activity.finalize_by:
        return activity.finalize_by
    if last_end is None:
        last_end = activity.sessions.aggregate(end=Max("ends_at"))["end"]
    if last_end is None:
        return None
    return timezone.localtime(WorkCalendar().add_workdays(last_end, FINALIZE_WORKDAYS)).date()


def mask_name(name: str) -> str:
    """张*华: the first and last characters (张* for two)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# ---------------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------------
def activities_near(*, user, member: Member | None):
    """Published activities still to come (or running), those with a venue in the member's
    community first; venues prefetched."""
    now = timezone.now()
    qs = (
        scope(user, Activity.objects.filter(state=Activity.State.PUBLISHED))
        .filter(sessions__ends_at__gte=now)
        .distinct()
        .select_related("organizer_community", "organizer_organization")
        .prefetch_related(
            Prefetch("venues", queryset=Venue.objects.select_related("community")),
            "sessions",
        )
    )
    if member is not None:
        mine = CommunityRegistration.objects.filter(
            member=member, state=CommunityRegistration.State.CONFIRMED
        ).values("community_id")
        qs = qs.annotate(
            near=Exists(Venue.objects.filter(activity=OuterRef("pk"), community_id__in=mine))
        ).order_by("-near", "-created_at")
    return qs


def activity_for_page(*, user, pk: int) -> Activity:
    return get_for_user_or_404(
        user,
        Activity.objects.select_related("organizer_community", "organizer_organization"),
        pk=pk,
    )


def my_signups(*, member: Member):
    return (
        Signup.objects.filter(member=member)
        .select_related("activity", "venue", "venue__community")
        .order_by("-created_at", "-pk")
    )


def my_attendances(*, member: Member):
    return (
        Attendance.objects.filter(member=member)
        .exclude(state=A.ANNULLED)
        .select_related("activity", "session")
        .prefetch_related(
            Prefetch(
                "segments",
                queryset=AttendanceSegment.objects.filter(annulled_at__isnull=True).select_related(
                    "venue"
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )


def my_active_signup(*, member: Member, activity: Activity) -> Signup | None:
    return (
        Signup.objects.filter(member=member, activity=activity, state__in=Signup.ACTIVE_STATES)
        .select_related("venue")
        .first()
    )


@dataclass
class HomeCard:
    next_signups: list = field(default_factory=list)
    recent: list = field(default_factory=list)


def member_home_card(*, member: Member) -> HomeCard:
    """The member home's card: the next sign-ups and the last attendances (two queries)."""
    now = timezone.now()
    upcoming = list(
        Signup.objects.filter(
            member=member,
            state__in=Signup.ACTIVE_STATES,
            activity__sessions__ends_at__gte=now,
        )
        .distinct()
        .select_related("activity", "venue")
        .order_by("created_at")[:3]
    )
    recent = list(
        Attendance.objects.filter(member=member, state__in=[A.OUT, A.FINALIZED])
        .select_related("activity")
        .order_by("-created_at")[:3]
    )
    return HomeCard(next_signups=upcoming, recent=recent)


# ---------------------------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------------------------
def hosted_venues(*, user) -> list[Venue]:
    """Venues the user hosts or organizes, of activities not yet finalized; an ended one's
    `finalize_by` set (one query)."""
    venues = list(
        work_scope(user, Venue.objects.all())
        .filter(activity__state__in=[Activity.State.PUBLISHED, Activity.State.ENDED])
        .select_related("activity", "community")
        .annotate(last_end=Max("activity__sessions__ends_at"))
        .order_by("activity__pk", "-is_main", "name")
    )
    for v in venues:
        v.finalize_by = (
            finalize_deadline(v.activity, last_end=v.last_end)
            if v.activity.state == Activity.State.ENDED
            else None
        )
    return venues


def recent_scans(*, venue: Venue, limit: int = 10):
    return (
        Scan.objects.filter(venue=venue)
        .select_related("member", "segment", "attendance")
        .order_by("-received_at", "-pk")[:limit]
    )


def venue_roster(*, venue: Venue, query: str = ""):
    """The venue's registered members with their attendance state (one query)."""
    attendance = Attendance.objects.filter(activity_id=venue.activity_id, member=OuterRef("member"))
    qs = (
        Signup.objects.filter(venue=venue, state=Signup.State.REGISTERED)
        .select_related("member", "member__branch")
        .annotate(
            attendance_state=Subquery(attendance.values("state")[:1]),
            attendance_pk=Subquery(attendance.values("pk")[:1]),
            first_in_at=Subquery(attendance.values("first_in_at")[:1]),
        )
        .order_by("member__real_name", "pk")
    )
    return _member_filter(qs, query, prefix="member__")


def team_members_at(*, venue: Venue, team_ids) -> QuerySet[Member]:
    """The members of the captain's teams (`team_ids`, the captain too) who signed up for the
    venue or are inside it now: those the captain may check in and out there."""
    team_ids = list(team_ids or ())
    if not team_ids:
        return Member.objects.none()
    in_team = Q(pk__in=TeamMembership.objects.filter(team_id__in=team_ids).values("member_id")) | Q(
        captained_teams__pk__in=team_ids
    )
    at_venue = Q(
        pk__in=Signup.objects.filter(venue=venue, state=Signup.State.REGISTERED).values("member_id")
    ) | Q(
        pk__in=AttendanceSegment.objects.filter(
            venue=venue, out_at__isnull=True, annulled_at__isnull=True
        ).values("attendance__member_id")
    )
    return Member.objects.filter(in_team).filter(at_venue).distinct()


def team_roster(*, venue: Venue, team_ids):
    """The captain's page: their team's members at the venue with their attendance (one query)."""
    attendance = Attendance.objects.filter(activity_id=venue.activity_id, member=OuterRef("pk"))
    return (
        team_members_at(venue=venue, team_ids=team_ids)
        .select_related("branch")
        .annotate(
            attendance_state=Subquery(attendance.values("state")[:1]),
            first_in_at=Subquery(attendance.values("first_in_at")[:1]),
            last_out_at=Subquery(attendance.values("last_out_at")[:1]),
        )
        .order_by("real_name", "pk")
    )


def team_venue_ids(*, activity: Activity, team_ids) -> set[int]:
    """The venues of the activity where the captain's teams have someone signed up (the
    activity page's "check in my team" links; one query)."""
    team_ids = list(team_ids or ())
    if not team_ids:
        return set()
    members = Member.objects.filter(
        Q(pk__in=TeamMembership.objects.filter(team_id__in=team_ids).values("member_id"))
        | Q(captained_teams__pk__in=team_ids)
    ).values("pk")
    return set(
        Signup.objects.filter(
            activity=activity, state=Signup.State.REGISTERED, member_id__in=members
        ).values_list("venue_id", flat=True)
    )


def _member_filter(qs, query: str, *, prefix: str):
    query = (query or "").strip()[:40]
    if not query:
        return qs
    if query.isdigit() and len(query) == 4:
        return qs.filter(**{f"{prefix}phone__endswith": query})
    return qs.filter(**{f"{prefix}real_name__icontains": query})


def _hand_checked(venue: Venue):
    """The members a host may check in by hand at the venue: signed up for the activity, or
    registered with the venue's community (walk-ins)."""
    return Member.objects.filter(
        Q(
            pk__in=Signup.objects.filter(
                activity_id=venue.activity_id, state__in=Signup.ACTIVE_STATES
            ).values("member_id")
        )
        | Q(
            pk__in=CommunityRegistration.objects.filter(
                community_id=venue.community_id, state=CommunityRegistration.State.CONFIRMED
            ).values("member_id")
        )
    )


def sheet_members(*, venue: Venue, walk_in_ids=(), query: str = "") -> list[Member]:
    """The lines of a sign-in sheet to type in: the members signed up at the venue (in the
    printed order), then walk-ins, those posted before (`walk_in_ids`, checked again) and
    those a search by name or phone's last 4 digits finds (a fixed number of queries)."""
    roster = [s.member for s in venue_roster(venue=venue)]
    seen = {m.pk for m in roster}
    ids = [int(i) for i in walk_in_ids if str(i).isdigit() and len(str(i)) < 10][:100]
    walk_ins = list(_hand_checked(venue).filter(pk__in=ids).select_related("branch"))
    walk_ins += member_search(venue=venue, query=query)
    for m in walk_ins:
        if m.pk not in seen:
            seen.add(m.pk)
            m.walk_in_line = True
            m.masked = mask_phone(m.phone)
            roster.append(m)
    return roster


def member_search(*, venue: Venue, query: str, limit: int = 20) -> list[Member]:
    """Members found by name or the last 4 digits of their phone: those signed up for the
    activity, and those registered with the venue's community (walk-ins)."""
    query = (query or "").strip()[:40]
    if not query:
        return []
    candidates = _hand_checked(venue).select_related("branch")
    members = list(_member_filter(candidates, query, prefix="").order_by("real_name")[:limit])
    for m in members:
        m.masked = mask_phone(m.phone)
    return members


def member_search_allowed(*, venue: Venue, member: Member) -> bool:
    """The members a host may check in by hand: those `member_search` finds."""
    return (
        Signup.objects.filter(
            activity_id=venue.activity_id, member=member, state__in=Signup.ACTIVE_STATES
        ).exists()
        or CommunityRegistration.objects.filter(
            community_id=venue.community_id,
            member=member,
            state=CommunityRegistration.State.CONFIRMED,
        ).exists()
    )


def activity_attendances(*, activity: Activity):
    return (
        Attendance.objects.filter(activity=activity)
        .exclude(state=A.ANNULLED)
        .select_related("member", "home_organization", "session")
        .order_by("member__real_name", "pk")
    )


def review_queue(*, activity: Activity, venue: Venue | None = None):
    qs = (
        Attendance.objects.filter(activity=activity, state=A.REVIEW)
        .select_related("member", "session")
        .prefetch_related(
            Prefetch("segments", queryset=AttendanceSegment.objects.select_related("venue"))
        )
        .order_by("member__real_name", "pk")
    )
    if venue is not None:
        qs = qs.filter(
            Q(segments__venue=venue)
            | Q(member__activity_signups__venue=venue, member__activity_signups__activity=activity)
        ).distinct()
    return qs


def offline_roster(*, venue: Venue) -> list[dict]:
    """What the offline scanner keeps: for every member signed up for the activity, the first
    16 hex digits of their code's hash, a masked name and their unit's short name. No phones."""
    rows = (
        MemberCode.objects.filter(
            revoked_at__isnull=True,
            member__activity_signups__activity_id=venue.activity_id,
            member__activity_signups__state=Signup.State.REGISTERED,
        )
        .values_list("secret_hash", "member__real_name", "member__branch__name")
        .distinct()
    )
    return [{"h": h[:16], "n": mask_name(name), "u": (unit or "")[:8]} for h, name, unit in rows]


# ---------------------------------------------------------------------------------------------
# Organizers and the committee
# ---------------------------------------------------------------------------------------------
def activities_to_finalize():
    """Ended activities not yet finalized, each with `last_end` (the reminders' job)."""
    return (
        Activity.objects.filter(state=Activity.State.ENDED)
        .select_related("organizer_community", "organizer_organization")
        .annotate(last_end=Max("sessions__ends_at"))
        .order_by("pk")
    )


def managed_activities(*, user):
    return (
        work_scope(user, Activity.objects.all())
        .select_related("organizer_community", "organizer_organization", "campaign")
        .annotate(venue_count=Count("venues", distinct=True))
        .order_by("-created_at", "-pk")
    )


def activity_venues(*, activity: Activity):
    return (
        Venue.objects.filter(Q(activity=activity) | Q(activity__campaign=activity))
        .select_related("community")
        .prefetch_related("hosts")
        .order_by("-is_main", "name", "pk")
    )


@dataclass
class VenueFigures:
    venue: Venue
    signed_up: int = 0
    waitlisted: int = 0
    inside: int = 0
    checked_in: int = 0
    checked_out: int = 0
    walk_ins: int = 0
    review: int = 0
    no_shows: int = 0


@dataclass
class Dashboard:
    venues: list
    totals: VenueFigures
    units: list  # (unit name, signed up, came)
    at: datetime.datetime
    figures: list = field(default_factory=list)  # (key, label, value) from DASHBOARD_FIGURES


# Figures of other apps on a campaign's dashboard (such as the wishes fulfilled today in its
# communities). The check-in app reads no sibling app: the portal, which reads them all,
# registers each figure here when it starts (`portal.apps`). A figure is
# `fn(*, community_ids, day) -> int`, one query.
DASHBOARD_FIGURES: dict[str, tuple] = {}


def dashboard_figure(key: str, label):
    """Register a figure for the dashboard under `key`, shown with `label`."""

    def register(fn):
        DASHBOARD_FIGURES[key] = (label, fn)
        return fn

    return register


def dashboard(*, activity: Activity) -> Dashboard:
    """The live picture, one grouped query per figure family (five queries, cached for a few
    seconds so that many screens polling cost the database one reading)."""
    key = f"checkins:dashboard:{activity.pk}"
    found = cache.get(key)
    if found is not None:
        return found
    result = _dashboard(activity)
    cache.set(key, result, DASHBOARD_CACHE_SECONDS)
    return result


def _dashboard(activity: Activity) -> Dashboard:
    ids = [activity.pk, *Activity.objects.filter(campaign=activity).values_list("pk", flat=True)]
    venues = list(
        Venue.objects.filter(activity_id__in=ids)
        .select_related("community")
        .order_by("-is_main", "name", "pk")
    )
    figures = {v.pk: VenueFigures(venue=v) for v in venues}
    for row in (
        Signup.objects.filter(activity_id__in=ids)
        .values("venue_id")
        .annotate(
            signed_up=Count("pk", filter=Q(state=Signup.State.REGISTERED)),
            waitlisted=Count("pk", filter=Q(state=Signup.State.WAITLISTED)),
        )
    ):
        f = figures.get(row["venue_id"])
        if f:
            f.signed_up, f.waitlisted = row["signed_up"], row["waitlisted"]
    for row in (
        AttendanceSegment.objects.filter(attendance__activity_id__in=ids, annulled_at__isnull=True)
        .values("venue_id")
        .annotate(
            inside=Count("pk", filter=Q(out_at__isnull=True)),
            checked_in=Count("attendance", distinct=True),
            checked_out=Count(
                "attendance",
                distinct=True,
                filter=Q(attendance__state__in=[A.OUT, A.FINALIZED]),
            ),
            walk_ins=Count("attendance", distinct=True, filter=Q(attendance__walk_in=True)),
            review=Count("attendance", distinct=True, filter=Q(attendance__state=A.REVIEW)),
        )
    ):
        f = figures.get(row["venue_id"])
        if f:
            for name in ("inside", "checked_in", "checked_out", "walk_ins", "review"):
                setattr(f, name, row[name])
    for row in (
        Signup.objects.filter(
            activity_id__in=ids,
            state=Signup.State.REGISTERED,
            member__attendances__activity_id__in=ids,
            member__attendances__state=A.NO_SHOW,
        )
        .values("venue_id")
        .annotate(n=Count("pk", distinct=True))
    ):
        f = figures.get(row["venue_id"])
        if f:
            f.no_shows = row["n"]
    totals = VenueFigures(venue=None)
    for f in figures.values():
        for name in (
            "signed_up",
            "waitlisted",
            "inside",
            "checked_in",
            "checked_out",
            "walk_ins",
            "review",
            "no_shows",
        ):
            setattr(totals, name, getattr(totals, name) + getattr(f, name))
    signed = {
        row["member__branch__name"]: row["n"]
        for row in Signup.objects.filter(activity_id__in=ids, state=Signup.State.REGISTERED)
        .values("member__branch__name")
        .annotate(n=Count("pk"))
    }
    came = {
        row["home_organization__name"]: row["n"]
        for row in Attendance.objects.filter(activity_id__in=ids, state__in=CAME)
        .values("home_organization__name")
        .annotate(n=Count("pk"))
    }
    units = sorted(
        ((name or "—", signed.get(name, 0), came.get(name, 0)) for name in set(signed) | set(came)),
        key=lambda u: (-u[1], u[0]),
    )
    community_ids = sorted({v.community_id for v in venues})
    today = timezone.localdate()
    extra = [
        (key, label, fn(community_ids=community_ids, day=today))
        for key, (label, fn) in DASHBOARD_FIGURES.items()
    ]
    return Dashboard(
        venues=list(figures.values()),
        totals=totals,
        units=units,
        at=timezone.now(),
        figures=extra,
    )


def attendance_export_rows(*, activity: Activity):
    """Rows of the Excel export (one query, streamed)."""
    ids = [activity.pk, *Activity.objects.filter(campaign=activity).values_list("pk", flat=True)]
    qs = (
        Attendance.objects.filter(activity_id__in=ids)
        .exclude(state=A.ANNULLED)
        .select_related("member", "home_organization", "session", "activity")
        .prefetch_related(
            Prefetch(
                "segments",
                queryset=AttendanceSegment.objects.filter(annulled_at__isnull=True).select_related(
                    "venue"
                ),
            )
        )
        .order_by("member__real_name", "pk")
    )
    for a in qs.iterator(chunk_size=1000):
        segments = list(a.segments.all())
        yield [
            a.member.real_name,
            a.home_organization.name if a.home_organization else "",
            " / ".join(s.venue.name for s in segments),
            a.first_in_at,
            a.last_out_at,
            a.get_state_display(),
            a.credited_hours,
            a.walk_in,
        ]


def committee_activities(*, user):
    """Activities the committee admin oversees (or the user manages)."""
    return managed_activities(user=user).filter(campaign__isnull=True)
