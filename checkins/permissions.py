"""Rules and scopers of the check-in app.

- Organizers: the staff of the organizing community, or the admins of the organizing
  organization (its subtree's admins too). They manage the activity, its venues and hosts, the
  dashboard, exports and finalizing.
- Hosts: the users named on a venue (and the staff of the venue's community). They scan, search,
  work the roster, undo and review **at their venue only**.
- Committee admins see the activities of the communities and units they oversee.
- Members see published activities, and their own sign-ups, code and attendances.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from members.access import Roles, admin_verbs, nobody, rule, scoper, work_scoper

from .models import (
    Activity,
    ActivityTransition,
    Attendance,
    AttendanceSegment,
    AttendanceTransition,
    Device,
    MemberCode,
    Scan,
    Session,
    Signup,
    Venue,
)


# ---------------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------------
def organizes(roles: Roles, activity: Activity | None) -> bool:
    if activity is None:
        return roles.is_staff or roles.is_org_admin
    if activity.organizer_community_id and roles.staffs(activity.organizer_community_id):
        return True
    return roles.administers(activity.organizer_organization)


def oversees(roles: Roles, activity: Activity) -> bool:
    if not roles.is_committee_admin:
        return False
    if activity.organizer_community_id:
        return roles.oversees_community(activity.organizer_community)
    return roles.administers(activity.organizer_organization)


def hosts(roles: Roles, venue: Venue | None) -> bool:
    """The venue's named hosts and its community's staff (and the activity's organizers)."""
    if not roles.is_authenticated:
        return False
    if venue is None:
        return roles.is_staff or roles.is_org_admin or bool(roles.user_id)
    if roles.staffs(venue.community_id):
        return True
    host_ids = getattr(venue, "_host_ids", None)
    if host_ids is None:
        host_ids = venue._host_ids = set(venue.hosts.values_list("pk", flat=True))
    return roles.user_id in host_ids or organizes(roles, venue.activity)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------
@rule("checkins.activity.create")
def _create(roles: Roles, organizer) -> bool:
    """Staff for their community; organization admins for an organization they administer."""
    if organizer is None:
        return roles.is_staff or roles.is_org_admin
    if hasattr(organizer, "path"):
        return roles.administers(organizer)
    return roles.staffs(organizer.pk)


rule("checkins.activity.manage")(organizes)


@rule("checkins.activity.dashboard")
def _dashboard(roles: Roles, activity: Activity | None) -> bool:
    if activity is None:
        return roles.is_staff or roles.is_org_admin
    return organizes(roles, activity) or oversees(roles, activity)


@rule("checkins.activity.signup")
def _signup(roles: Roles, activity: Activity | None) -> bool:
    return roles.is_member and (activity is None or activity.signup_open())


rule("checkins.venue.host")(hosts)


@rule("checkins.venue.captain")
def _captain(roles: Roles, venue: Venue | None) -> bool:
    """A service team's captain checks in and out their team's members at a venue of an
    activity under way (which members: `selectors.team_members_at`)."""
    if not roles.captain_team_ids:
        return False
    if venue is None:
        return True
    return venue.activity.state in (Activity.State.PUBLISHED, Activity.State.ENDED)


@rule("checkins.attendance.review")
def _review(roles: Roles, attendance: Attendance) -> bool:
    """Hosts of a venue where the attendance has a segment (or a sign-up)."""
    venues = {s.venue for s in attendance.segments.all()}
    venues |= {
        s.venue
        for s in Signup.objects.filter(
            activity_id=attendance.activity_id, member_id=attendance.member_id
        ).select_related("venue")
    }
    return any(hosts(roles, v) for v in venues)


def _view_activity(roles: Roles, activity: Activity | None) -> bool:
    if activity is None:
        return roles.is_staff or roles.is_org_admin
    return organizes(roles, activity) or oversees(roles, activity)


admin_verbs("checkins.activity", view=_view_activity, change=organizes, add=_create)
admin_verbs(
    "checkins.session",
    view=lambda r, o: _view_activity(r, o and o.activity),
    change=lambda r, o: organizes(r, o and o.activity),
)
admin_verbs(
    "checkins.venue",
    view=lambda r, o: _view_activity(r, o and o.activity) or (o is not None and hosts(r, o)),
    change=lambda r, o: organizes(r, o and o.activity),
)
admin_verbs(
    "checkins.signup",
    view=lambda r, o: _view_activity(r, o and o.activity) or (o is not None and hosts(r, o.venue)),
    change=nobody,
    add=nobody,
)
admin_verbs(
    "checkins.attendance",
    view=lambda r, o: _view_activity(r, o and o.activity),
    change=nobody,
    add=nobody,
)
admin_verbs(
    "checkins.attendancesegment",
    view=lambda r, o: _view_activity(r, o and o.attendance.activity),
    change=nobody,
    add=nobody,
)
admin_verbs(
    "checkins.scan",
    view=lambda r, o: (
        _view_activity(r, o and o.venue.activity) or (o is not None and hosts(r, o.venue))
    ),
    change=nobody,
    add=nobody,
)
admin_verbs(
    "checkins.device",
    view=lambda r, o: _view_activity(r, o and o.venue.activity),
    change=nobody,
    add=nobody,
)
# A member's code is a secret of the member's: only the platform sees the rows (hashes).
admin_verbs("checkins.membercode", view=nobody, change=nobody, add=nobody)
admin_verbs(
    "checkins.activitytransition",
    view=lambda r, o: _view_activity(r, o and o.activity),
    change=nobody,
    add=nobody,
)
admin_verbs(
    "checkins.attendancetransition",
    view=lambda r, o: _view_activity(r, o and o.attendance.activity),
    change=nobody,
    add=nobody,
)


# ---------------------------------------------------------------------------------------------
# Scopers
# ---------------------------------------------------------------------------------------------
def managed_q(roles: Roles, prefix: str = "") -> Q:
    """Activities the user organizes or oversees."""
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(**{f"{prefix}organizer_community_id": roles.staff_community_id})
    if roles.is_org_admin:
        q |= roles.org_q(f"{prefix}organizer_organization__")
    if roles.is_committee_admin:
        q |= roles.overseen_community_q(f"{prefix}organizer_community__")
    return q


def _q(prefix: str, roles: Roles) -> Q:
    """`managed_q` for a related activity at `prefix` ("activity__")."""
    if not prefix:
        return managed_q(roles)
    ids = Activity.objects.filter(managed_q(roles)).values("pk")
    return Q(**{f"{prefix}id__in": ids})


def hosted_venue_ids(roles: Roles):
    return Venue.objects.filter(
        Q(hosts__pk=roles.user_id) | Q(community_id=roles.staff_community_id or -1)
    ).values("pk")


@scoper(Activity)
def _scope_activities(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(state__in=[Activity.State.PUBLISHED, Activity.State.ENDED, Activity.State.FINALIZED])
    if roles.is_authenticated:
        q |= managed_q(roles) | Q(
            pk__in=Venue.objects.filter(pk__in=hosted_venue_ids(roles)).values("activity_id")
        )
    return qs.filter(q)


@work_scoper(Activity)
def _work_activities(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(managed_q(roles))


@scoper(Session)
def _scope_sessions(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(activity__in=_scope_activities(roles, Activity.objects.all()))


@work_scoper(Session)
def _work_sessions(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_q("activity__", roles))


@scoper(Venue)
def _scope_venues(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(activity__in=_scope_activities(roles, Activity.objects.all()))


@work_scoper(Venue)
def _work_venues(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    return qs.filter(_q("activity__", roles) | Q(pk__in=hosted_venue_ids(roles)))


def _own_or_worked(roles: Roles, qs: QuerySet, *, activity: str, venue: str | None) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    q = _q(activity, roles)
    if roles.member is not None and "member" in {f.name for f in qs.model._meta.fields}:
        q |= Q(member_id=roles.member.pk)
    if venue is not None:
        q |= Q(**{f"{venue}__in": hosted_venue_ids(roles)})
    return qs.filter(q)


@scoper(Signup)
def _scope_signups(roles: Roles, qs: QuerySet) -> QuerySet:
    return _own_or_worked(roles, qs, activity="activity__", venue="venue_id")


@work_scoper(Signup)
def _work_signups(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    return qs.filter(_q("activity__", roles) | Q(venue_id__in=hosted_venue_ids(roles)))


@scoper(Attendance)
def _scope_attendances(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    q = _q("activity__", roles) | Q(
        pk__in=AttendanceSegment.objects.filter(venue_id__in=hosted_venue_ids(roles)).values(
            "attendance_id"
        )
    )
    if roles.member is not None:
        q |= Q(member_id=roles.member.pk)
    return qs.filter(q)


@work_scoper(Attendance)
def _work_attendances(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    return qs.filter(_q("activity__", roles))


@scoper(AttendanceSegment)
def _scope_segments(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(attendance__in=_scope_attendances(roles, Attendance.objects.all()))


@work_scoper(AttendanceSegment)
def _work_segments(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_q("attendance__activity__", roles))


@scoper(Scan)
def _scope_scans(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    return qs.filter(_q("venue__activity__", roles) | Q(venue_id__in=hosted_venue_ids(roles)))


@work_scoper(Scan)
def _work_scans(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    return qs.filter(_q("venue__activity__", roles))


@scoper(Device)
def _scope_devices(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    return qs.filter(_q("venue__activity__", roles) | Q(user_id=roles.user_id))


@work_scoper(Device)
def _work_devices(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    return qs.filter(_q("venue__activity__", roles))


@scoper(MemberCode)
def _scope_codes(roles: Roles, qs: QuerySet) -> QuerySet:
    if roles.member is None:
        return qs.none()
    return qs.filter(member_id=roles.member.pk)


@work_scoper(MemberCode)
def _work_codes(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.none()


@scoper(ActivityTransition)
def _scope_activity_transitions(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_q("activity__", roles))


@scoper(AttendanceTransition)
def _scope_attendance_transitions(roles: Roles, qs: QuerySet) -> QuerySet:
    if not roles.is_authenticated:
        return qs.none()
    q = _q("attendance__activity__", roles)
    if roles.member is not None:
        q |= Q(attendance__member_id=roles.member.pk)
    return qs.filter(q)


@work_scoper(AttendanceTransition)
def _work_attendance_transitions(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_q("attendance__activity__", roles))
