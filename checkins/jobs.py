"""The periodic jobs of the check-in app (`core.jobs`): each calls a sweep in services that
claims every row with a conditional UPDATE, so a retry or an overlapping run does nothing
twice."""

import datetime

from django.urls import reverse
from django.utils import timezone

from core.workdays import WorkCalendar
from members.models import CommunityStaff, OrganizationAdmin
from notifications.services import notify, occasion

from . import selectors, services
from .models import Venue

# The organizers and hosts are reminded this many working days before the deadline, and on it.
FINALIZE_REMINDER_WORKDAYS = 3


def check_out_everyone_left(*, today: datetime.date) -> int:
    """Everyone still inside past a venue's check-out time is checked out, with suggested
    hours for a host to confirm; activities whose sessions are over are ended."""
    now = timezone.now()
    if today != timezone.localdate():
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59)))
    return services.attendances_auto_exit(now=now)


def finalize_reminder_step(
    *, deadline: datetime.date, today: datetime.date, calendar: WorkCalendar | None = None
) -> str | None:
    """Which reminder an ended activity not yet finalized is due for today: "before" from 3
    working days before its deadline, "due" on the day (or, if the job missed it, after).
    Each step is sent once (its occasion key); a missed day is caught up the next."""
    if today >= deadline:
        return "due"
    calendar = calendar or WorkCalendar()
    left = calendar.workdays_between(today + datetime.timedelta(days=1), deadline)
    return "before" if left <= FINALIZE_REMINDER_WORKDAYS else None


def _organizers_and_hosts(activities) -> dict[int, dict]:
    """{activity pk: {user pk: user}}: the staff of the organizing community, the admins of
    the organizing organization, the venues' named hosts (three queries)."""
    found: dict[int, dict] = {a.pk: {} for a in activities}
    by_community, by_org = {}, {}
    for a in activities:
        if a.organizer_community_id:
            by_community.setdefault(a.organizer_community_id, []).append(a.pk)
        if a.organizer_organization_id:
            by_org.setdefault(a.organizer_organization_id, []).append(a.pk)
    for staff in CommunityStaff.objects.filter(community_id__in=by_community).select_related(
        "user"
    ):
        for pk in by_community[staff.community_id]:
            found[pk][staff.user_id] = staff.user
    for admin in OrganizationAdmin.objects.filter(organization_id__in=by_org).select_related(
        "user"
    ):
        for pk in by_org[admin.organization_id]:
            found[pk][admin.user_id] = admin.user
    hosts = Venue.hosts.through.objects.filter(venue__activity_id__in=found).select_related(
        "user", "venue"
    )
    for row in hosts:
        found[row.venue.activity_id][row.user_id] = row.user
    return found


def remind_to_finalize(*, today: datetime.date) -> int:
    """Remind the organizers and hosts of every ended activity not yet finalized as its
    deadline (10 working days after it ended) comes near, and on the day; returns the number
    of reminders sent (none twice: one occasion per activity, step and user)."""
    calendar = WorkCalendar()
    due = []
    for activity in selectors.activities_to_finalize():
        deadline = selectors.finalize_deadline(activity, last_end=activity.last_end)
        if deadline is None:
            continue
        step = finalize_reminder_step(deadline=deadline, today=today, calendar=calendar)
        if step:
            due.append((activity, deadline, step))
    if not due:
        return 0
    people = _organizers_and_hosts([a for a, _, _ in due])
    sent = 0
    for activity, deadline, step in due:
        url = reverse("checkins:manage", args=[activity.pk])
        for user in people[activity.pk].values():
            sent += (
                notify(
                    user=user,
                    key=occasion("activity", activity.pk, "finalize", step),
                    template="checkins/email/finalize_reminder",
                    context={
                        "activity": activity,
                        "deadline": deadline,
                        "due_today": step == "due",
                    },
                    url=url,
                )
                is not None
            )
    return sent


JOBS = {
    "check_out_everyone_left": check_out_everyone_left,
    "remind_to_finalize": remind_to_finalize,
}
