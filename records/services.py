"""Every service record is written here: by the producers (a completed wish, later a check-in,
a project, an order) through `service_record_create`, and by staff through
`service_record_enter`. Points follow the rule in force when the record is made."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.periods import Period
from members.access import can
from members.models import Community, CommunityRegistration, Member

from . import selectors
from .models import NOT_VOLUNTEER_SERVICE_KINDS, PointRule, ServiceRecord
from .stars import stars_award


class RecordsError(DomainError):
    messages = {
        "not_permitted": _("You may not do this."),
        "not_registered": _("This member is not registered with your community."),
        "future_date": _("The date of service cannot be in the future."),
        "too_old": _(
            "The date of service is too long ago: only service in this half-year or the last "
            "one can be recorded."
        ),
        "bad_hours": _("Hours must be more than 0 and at most 24."),
        "already_recorded": _("This service has already been recorded."),
        "period_closed": _(
            "The member's half-year report for this date is approved: the record can no longer "
            "be corrected."
        ),
        "reason_required": _("Please give a reason."),
    }


# ---------------------------------------------------------------------------------------------
# Closed periods: a layer above (reports) says when a member's half-year is closed (its report
# approved), so that producers below it can refuse a correction without importing it.
# ---------------------------------------------------------------------------------------------
_period_locks: list[Callable[[Member, datetime.date], bool]] = []


def period_lock_register(check: Callable[[Member, datetime.date], bool]) -> None:
    """Register `check(member, day) -> bool`: True when the member's records of `day` are
    closed to corrections."""
    if check not in _period_locks:
        _period_locks.append(check)


def period_locked(*, member: Member, on: datetime.date) -> bool:
    return any(check(member, on) for check in _period_locks)


# ---------------------------------------------------------------------------------------------
# Points and service records
# ---------------------------------------------------------------------------------------------
def point_rule_in_force(*, kind: str, on: datetime.date) -> PointRule | None:
    """The rule for `kind` in force on a date: the kind's own newest rule, else the default."""
    rules = PointRule.objects.filter(Q(kind=kind) | Q(kind=""), effective_from__lte=on).order_by(
        "-effective_from", "-pk"
    )
    own = next((r for r in rules[:20] if r.kind == kind), None)
    if own is not None:
        return own
    return rules.filter(kind="").first()


def points_for(*, kind: str, hours: Decimal, on: datetime.date) -> int:
    """Points earned for service of `kind` and `hours` under the rules in force on `on`.

    Without any rule, one point per hour (rounded down).
    """
    found = point_rule_in_force(kind=kind, on=on)
    if found is None:
        return int(Decimal(hours))
    return found.points(hours)


def service_record_create(
    *,
    member: Member,
    community: Community,
    served_on: datetime.date,
    hours: Decimal,
    kind: ServiceRecord.Kind,
    source: ServiceRecord.Source,
    source_key: str,
    title: str,
    note: str = "",
    created_by=None,
    organization=None,
) -> ServiceRecord | None:
    """Record service once per (member, source_key); returns None if it was already recorded.

    Producers pass the enums (`kind=ServiceRecord.Kind.ACTIVITY`,
    `source=ServiceRecord.Source.CHECKIN`) and a key naming what they record
    (`f"checkin:{attendance.pk}"`), so that re-running the producer never counts service twice.

    Points follow the rule in force on the day the record is created and are stored with it,
    so that a later change of the rules never rewrites history.

    `organization`: the organization that organized the service and so records it (谁组织谁
    记录), e.g. its own activity; it then certifies it, not the community.
    """
    hours = Decimal(hours)
    # A value that is not one of the enums' is a programming error: fail before writing.
    kind, source = ServiceRecord.Kind(kind), ServiceRecord.Source(source)
    try:
        with transaction.atomic():
            record = ServiceRecord.objects.create(
                member=member,
                community=community,
                organization=organization,
                served_on=served_on,
                hours=hours,
                points=points_for(kind=kind, hours=hours, on=timezone.localdate()),
                kind=kind,
                source=source,
                source_key=source_key,
                title=title[:200],
                note=note,
                created_by=created_by,
            )
    except IntegrityError:
        return None
    if record.kind not in NOT_VOLUNTEER_SERVICE_KINDS:
        stars_award(member=member)
    return record


def service_record_correct(*, record: ServiceRecord, hours, reason: str, by=None) -> ServiceRecord:
    """Correct the hours of a producer's record (with a reason kept in its note); refused once
    the member's half-year report of its date is approved."""
    reason = (reason or "").strip()
    if not reason:
        raise RecordsError("reason_required")
    hours = Decimal(hours)
    if not (Decimal(0) <= hours <= Decimal(24)):
        raise RecordsError("bad_hours")
    if period_locked(member=record.member, on=record.served_on):
        raise RecordsError("period_closed")
    points = points_for(kind=record.kind, hours=hours, on=record.created_at.date())
    note = f"{record.note}\n{record.hours}→{hours}: {reason}".strip()[:2000]
    ServiceRecord.objects.filter(pk=record.pk).update(hours=hours, points=points, note=note)
    selectors.member_records_changed(record.member_id)
    record.hours, record.points, record.note = hours, points, note
    return record


def earliest_service_date() -> datetime.date:
    """Staff may record service back to the start of the last half-year, whose reports are being
    written; older periods are closed."""
    return Period.current().previous().start


def service_record_enter(
    *,
    by,
    community: Community,
    member: Member,
    served_on: datetime.date,
    hours,
    kind: str,
    title: str,
    note: str = "",
    token: str,
) -> ServiceRecord:
    """Staff record service that happened outside the system (`token` makes a resubmitted form
    count once)."""
    if not can(by, "records.servicerecord.enter", community):
        raise RecordsError("not_permitted")
    try:
        hours = Decimal(hours)
    except (InvalidOperation, TypeError):
        raise RecordsError("bad_hours") from None
    if not (Decimal(0) < hours <= Decimal(24)):
        raise RecordsError("bad_hours")
    if served_on > timezone.localdate():
        raise RecordsError("future_date")
    if served_on < earliest_service_date():
        raise RecordsError("too_old")
    registered = CommunityRegistration.objects.filter(
        member=member, community=community, state=CommunityRegistration.State.CONFIRMED
    ).exists()
    if not registered:
        raise RecordsError("not_registered")
    record = service_record_create(
        member=member,
        community=community,
        served_on=served_on,
        hours=hours,
        kind=kind,
        source=ServiceRecord.Source.STAFF,
        source_key=f"manual:{token}"[:60],
        title=title,
        note=note,
        created_by=by,
    )
    if record is None:
        raise RecordsError("already_recorded")
    return record
