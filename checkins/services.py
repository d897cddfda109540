"""Every change in the check-in app goes through a function here: views, the admin, the jobs,
the offline sync and the tests call them.

- Sign-ups hold capacity exactly: a conditional UPDATE of the venue's `taken` in the same
  transaction as the insert (of many requests for the last seat, one gets it; the rest wait),
  and a cancelled seat goes to the first on the waiting list.
- Every check-in and check-out, whatever the path (the member's code scanned or typed, the
  venue's rotating code, a search, the roster, an offline queue), goes through `_redeem`:
  idempotent by (origin, nonce), one attendance per member and session (a unique constraint),
  at most one open segment per attendance (a partial unique constraint), and no counter
  updated on the way.
- A scan is never deleted: an undo annuls it and what it did.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.pagecache import user_pages_changed
from core.transitions import state_move
from members.access import can, get_roles
from members.models import Member
from notifications.services import notify, occasion
from records.models import ServiceRecord
from records.services import (
    RecordsError,
    period_locked,
    service_record_correct,
    service_record_create,
)

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
    code_hash,
)
from .selectors import team_members_at

A = Attendance.State
# A wrong scan is undone without a reason by the device that made it within this time.
UNDO_WINDOW = datetime.timedelta(minutes=2)
# A device stays bound to its venue this long.
DEVICE_LIFETIME = datetime.timedelta(hours=18)


class CheckinError(DomainError):
    messages = {
        "not_permitted": _("You may not do this."),
        "signup_closed": _("Sign-up for this activity is not open."),
        "wrong_venue": _("This venue belongs to another activity."),
        "already_signed_up": _("You have already signed up for this activity."),
        "not_in_audience": _("This activity is for the members of its organizing unit."),
        "no_member_profile": _("Only members can sign up."),
        "not_active": _("This sign-up is no longer active."),
        "not_published": _("Only a draft can be published."),
        "no_sessions": _("Add at least one session and one venue before publishing."),
        "cannot_undo": _("This scan can no longer be undone."),
        "reason_required": _("Please give a reason."),
        "review_pending": _(
            "%(n)s attendances are waiting for review: confirm or correct them before finalizing."
        ),
        "not_ended": _("Only an activity that has ended can be finalized."),
        "finalized": _("This attendance is already finalized."),
        "bad_hours": _("Hours must be between 0 and 24."),
        "period_closed": _(
            "The member's half-year report is approved: this attendance can no longer be corrected."
        ),
        "bad_venue_code": _(
            "This code is not the venue's current code. Check the digits on the screen."
        ),
        "bad_device": _(
            "This scanning device is not bound to this venue any more. Reload the page."
        ),
        "not_reviewable": _("This attendance is not waiting for review."),
        "not_in_team": _("This member is not in your team, or has not signed up for this venue."),
    }


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------
def _activity_move(activity: Activity, *, from_states, to: str, by, error: str, **fields):
    current = state_move(activity, from_states=from_states, to=to, **fields)
    if current is None:
        raise CheckinError(error)
    ActivityTransition.objects.create(activity=activity, from_state=current, to_state=to, by=by)


def activity_create(
    *,
    by,
    title: str,
    kind: str,
    organizer_community=None,
    organizer_organization=None,
    submission=None,
    **fields,
) -> Activity:
    if not can(
        by,
        "checkins.activity.create",
        organizer_community or organizer_organization,
    ):
        raise CheckinError("not_permitted")
    activity = Activity.objects.create(
        title=title,
        kind=kind,
        organizer_community=organizer_community,
        organizer_organization=organizer_organization,
        created_by=by,
        submission=submission,
        **fields,
    )
    ActivityTransition.objects.create(activity=activity, to_state=activity.state, by=by)
    return activity


def activity_publish(*, activity: Activity, by) -> Activity:
    if by is not None and not can(by, "checkins.activity.manage", activity):
        raise CheckinError("not_permitted")
    if not (activity.sessions.exists() and activity.venues.exists()):
        raise CheckinError("no_sessions")
    _activity_move(
        activity,
        from_states=[Activity.State.DRAFT],
        to=Activity.State.PUBLISHED,
        by=by,
        error="not_published",
    )
    return activity


# ---------------------------------------------------------------------------------------------
# Sign-ups
# ---------------------------------------------------------------------------------------------
def _take_seat(venue_id: int) -> bool:
    """One seat, if one is left: the conditional UPDATE decides among simultaneous requests."""
    return bool(
        Venue.objects.filter(pk=venue_id)
        .filter(Q(capacity__isnull=True) | Q(taken__lt=F("capacity")))
        .update(taken=F("taken") + 1)
    )


def _give_back_seat(venue_id: int) -> None:
    Venue.objects.filter(pk=venue_id, taken__gt=0).update(taken=F("taken") - 1)


def _in_audience(activity: Activity, member: Member) -> bool:
    if activity.audience == Activity.Audience.EVERYONE:
        return True
    org = activity.organizer_organization
    branch = member.branch
    return org is not None and branch is not None and branch.path.startswith(org.path)


def signup_create(
    *,
    activity: Activity,
    venue: Venue,
    member: Member,
    by=None,
    walk_in: bool = False,
    submission=None,
) -> Signup:
    """Sign `member` up at `venue`: a seat if one is left, else the waiting list."""
    if venue.activity_id != activity.pk:
        raise CheckinError("wrong_venue")
    if not walk_in and not activity.signup_open():
        raise CheckinError("signup_closed")
    if not _in_audience(activity, member):
        raise CheckinError("not_in_audience")
    if Signup.objects.filter(
        activity=activity, member=member, state__in=Signup.ACTIVE_STATES
    ).exists():
        raise CheckinError("already_signed_up")
    with transaction.atomic():
        state = Signup.State.REGISTERED if _take_seat(venue.pk) else Signup.State.WAITLISTED
        try:
            with transaction.atomic():
                return Signup.objects.create(
                    activity=activity,
                    venue=venue,
                    member=member,
                    state=state,
                    walk_in=walk_in,
                    submission=submission,
                )
        except IntegrityError:
            if submission and Signup.objects.filter(submission=submission).exists():
                raise  # the same form twice: core.once finds the first
            raise CheckinError("already_signed_up") from None


def signup_cancel(*, signup: Signup, by) -> Signup:
    """Cancel; a registered seat goes to the first on the venue's waiting list."""
    roles = get_roles(by)
    if not (
        roles.is_member_id(signup.member_id) or can(by, "checkins.activity.manage", signup.activity)
    ):
        raise CheckinError("not_permitted")
    with transaction.atomic():
        before = state_move(
            signup,
            from_states=Signup.ACTIVE_STATES,
            to=Signup.State.CANCELLED,
            cancelled_at=timezone.now(),
        )
        if before is None:
            raise CheckinError("not_active")
        if before == Signup.State.REGISTERED:
            _give_back_seat(signup.venue_id)
            waitlist_promote(venue_id=signup.venue_id)
    return signup


def waitlist_promote(*, venue_id: int) -> Signup | None:
    """Give a free seat to the first on the waiting list, if any (in order of sign-up)."""
    for candidate in (
        Signup.objects.filter(venue_id=venue_id, state=Signup.State.WAITLISTED)
        .select_related("member__user", "activity", "venue")
        .order_by("created_at", "pk")[:10]
    ):
        with transaction.atomic():
            if not _take_seat(venue_id):
                return None
            moved = state_move(
                candidate,
                from_states=[Signup.State.WAITLISTED],
                to=Signup.State.REGISTERED,
                promoted_at=timezone.now(),
            )
            if moved is not None:
                notify(
                    user=candidate.member.user,
                    key=occasion("signup", candidate.pk, "promoted"),
                    template="checkins/email/promoted",
                    context={"activity": candidate.activity, "venue": candidate.venue},
                    url=reverse("checkins:mine"),
                )
                return candidate
            _give_back_seat(venue_id)
    return None


# ---------------------------------------------------------------------------------------------
# Members' codes and devices
# ---------------------------------------------------------------------------------------------
def _code_issue(member: Member) -> MemberCode:
    salt = secrets.token_hex(16)
    return MemberCode.objects.create(
        member=member, salt=salt, secret_hash=code_hash(MemberCode.secret_for(salt))
    )


def member_code_current(*, member: Member) -> MemberCode:
    """The member's current code, issued on first use (two simultaneous first uses: the
    partial unique constraint keeps one)."""
    code = MemberCode.objects.filter(member=member, revoked_at__isnull=True).first()
    if code is not None:
        return code
    try:
        with transaction.atomic():
            return _code_issue(member)
    except IntegrityError:
        return MemberCode.objects.get(member=member, revoked_at__isnull=True)


def member_code_renew(*, member: Member) -> MemberCode:
    """A new code; the old one is revoked (its screenshots say 此码已作废)."""
    with transaction.atomic():
        MemberCode.objects.filter(member=member, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        return _code_issue(member)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_open(*, venue: Venue, by, name: str = "") -> tuple[Device, str]:
    """Bind the host's device to the venue for a day: (device, its token for the page)."""
    if not can(by, "checkins.venue.host", venue):
        raise CheckinError("not_permitted")
    token = secrets.token_urlsafe(24)
    device = Device.objects.create(
        venue=venue,
        user=by,
        name=name[:60],
        token_hash=_token_hash(token),
        expires_at=timezone.now() + DEVICE_LIFETIME,
    )
    return device, token


def device_for_token(*, token: str, venue: Venue, by) -> Device:
    device = Device.objects.filter(
        token_hash=_token_hash(token or ""), venue=venue, user=by, expires_at__gt=timezone.now()
    ).first()
    if device is None:
        raise CheckinError("bad_device")
    return device


# ---------------------------------------------------------------------------------------------
# Scans: the one path of every check-in and check-out
# ---------------------------------------------------------------------------------------------
@dataclass
class ScanOutcome:
    scan: Scan
    repeated: bool = False  # the same nonce came again: the earlier result

    @property
    def result(self) -> str:
        return self.scan.result

    @property
    def ok(self) -> bool:
        return self.scan.result == Scan.Result.OK

    @property
    def member_name(self) -> str:
        # Nothing about anyone for a code that was not recognized.
        if self.scan.member_id is None or self.scan.result in (
            Scan.Result.UNKNOWN,
            Scan.Result.REVOKED,
        ):
            return ""
        return self.scan.member.real_name

    @property
    def message(self) -> str:
        return scan_message(self.scan)

    def as_json(self) -> dict:
        return {
            "id": self.scan.pk,
            "result": self.scan.result,
            "ok": self.ok,
            "kind": self.scan.kind,
            "message": self.message,
            "name": self.member_name,
            "time": _local(self.scan.happened_at),
            "repeated": self.repeated,
        }


def scan_message(scan: Scan) -> str:
    """What the host reads, in plain words."""
    R = Scan.Result
    segment = scan.segment
    if scan.annulled_at:
        return gettext("Undone")
    if scan.result == R.OK and scan.kind == Scan.Kind.ENTRY:
        return gettext("Checked in %(time)s") % {"time": _local(scan.happened_at)}
    if scan.result == R.OK:
        hours = scan.attendance.credited_hours if scan.attendance else None
        text = gettext("Checked out %(time)s") % {"time": _local(scan.happened_at)}
        if hours is not None:
            text += " · " + gettext("%(hours)s h") % {"hours": hours}
        return text
    if scan.result == R.ALREADY and scan.kind == Scan.Kind.ENTRY and segment is not None:
        return gettext("Already checked in %(time)s") % {"time": _local(segment.in_at)}
    if scan.result == R.ALREADY and segment is not None and segment.out_at:
        return gettext("Already checked out %(time)s") % {"time": _local(segment.out_at)}
    return {
        R.ALREADY: gettext("Already done"),
        R.UNKNOWN: gettext("Not recognized"),
        R.REVOKED: gettext("This code has been revoked"),
        R.WRONG_VENUE: gettext("Not on the list · to check"),
        R.CLOSED: gettext("Check-in is closed"),
        R.CONFLICT: gettext("Sent to review"),
    }.get(scan.result, scan.get_result_display())


def secret_from_text(text: str) -> str:
    """The code in what a scanner typed or a person entered: the URL of the QR
    (…/checkins/c/<code>/) or the code itself, in any case, with stray spaces."""
    text = (text or "").strip()
    if "/" in text:
        parts = [p for p in text.split("?")[0].split("/") if p]
        text = parts[-1] if parts else ""
    return "".join(text.split()).upper()[:64]


def session_at(activity: Activity, at: datetime.datetime) -> Session | None:
    """The session whose check-in window (with the activity's grace) holds `at`."""
    before = datetime.timedelta(minutes=activity.grace_before)
    after = datetime.timedelta(minutes=activity.grace_after)
    return (
        Session.objects.filter(
            activity=activity, starts_at__lte=at + before, ends_at__gte=at - after
        )
        .order_by("starts_at")
        .first()
    )


def hours_for(attendance: Attendance, session: Session, activity: Activity, *, until=None):
    """The hours an attendance earns under the activity's credit rule and rounding."""
    if not activity.earns_hours:
        return Decimal(0)
    minutes = sum(s.minutes(until) for s in attendance.segments.all())
    if minutes < activity.min_minutes:
        return Decimal(0)
    if activity.credit_rule == Activity.Credit.SCHEDULED:
        minutes = session.minutes
    elif activity.credit_rule == Activity.Credit.CAPPED:
        minutes = min(minutes, session.minutes)
    return activity.round_hours(minutes)


def _check_origin(*, venue: Venue, by, device: Device | None) -> str:
    if device is not None:
        if device.venue_id != venue.pk:
            raise CheckinError("bad_device")
        return f"device:{device.pk}"
    if by is None:
        raise CheckinError("not_permitted")
    return f"user:{by.pk}"


def scan_redeem(
    *,
    code: str,
    kind: str,
    venue: Venue,
    nonce: str,
    by,
    device: Device | None = None,
    client_time: datetime.datetime | None = None,
    offline: bool = False,
) -> ScanOutcome:
    """A host scanned (or typed) a member's code at `venue`."""
    if not can(by, "checkins.venue.host", venue):
        raise CheckinError("not_permitted")
    secret = secret_from_text(code)
    member_code = (
        MemberCode.objects.filter(secret_hash=code_hash(secret)).select_related("member").first()
        if secret
        else None
    )
    if member_code is None:
        failed = Scan.Result.UNKNOWN
    elif member_code.revoked_at is not None:
        failed = Scan.Result.REVOKED
    else:
        failed = None
    return _redeem(
        member=member_code.member if failed is None else None,
        failed=failed,
        kind=kind,
        venue=venue,
        nonce=nonce,
        by=by,
        device=device,
        method=Scan.Method.MEMBER_CODE,
        client_time=client_time,
        offline=offline,
    )


def member_check(
    *,
    member: Member,
    kind: str,
    venue: Venue,
    nonce: str,
    by,
    method: str,
    device: Device | None = None,
) -> ScanOutcome:
    """A host checks a member in or out found by name or phone, or from the roster."""
    if not can(by, "checkins.venue.host", venue):
        raise CheckinError("not_permitted")
    return _redeem(
        member=member, kind=kind, venue=venue, nonce=nonce, by=by, device=device, method=method
    )


def team_check(*, member: Member, kind: str, venue: Venue, nonce: str, by) -> ScanOutcome:
    """A service team's captain checks in or out a member of their team who signed up for the
    venue (or is inside it): the hosts' path, by the captain's hand (队长负责制)."""
    if not can(by, "checkins.venue.captain", venue):
        raise CheckinError("not_permitted")
    team_ids = get_roles(by).captain_team_ids
    if not team_members_at(venue=venue, team_ids=team_ids).filter(pk=member.pk).exists():
        raise CheckinError("not_in_team")
    return _redeem(
        member=member, kind=kind, venue=venue, nonce=nonce, by=by, method=Scan.Method.TEAM
    )


@dataclass
class SheetRow:
    """One line of a paper sign-in sheet as the host typed it."""

    member: Member
    in_at: datetime.datetime | None = None
    out_at: datetime.datetime | None = None


def sheet_enter(*, venue: Venue, session: Session, rows: list[SheetRow], by) -> list[ScanOutcome]:
    """A host enters a paper sign-in sheet afterwards: each line's check-in and check-out go
    through the one scan path as having happened at the times written (method sheet), so
    hours follow the credit rule. Idempotent: a line's nonce is derived from the venue, the
    session, the member, the kind and the time, so the same sheet entered twice (by any host)
    changes nothing."""
    if not can(by, "checkins.venue.host", venue):
        raise CheckinError("not_permitted")
    if session.activity_id != venue.activity_id:
        raise CheckinError("wrong_venue")
    outcomes = []
    for row in rows:
        for kind, at in ((Scan.Kind.ENTRY, row.in_at), (Scan.Kind.EXIT, row.out_at)):
            if at is None:
                continue
            stamp = timezone.localtime(at).strftime("%Y%m%d%H%M")
            outcomes.append(
                _redeem(
                    member=row.member,
                    kind=kind,
                    venue=venue,
                    nonce=f"{session.pk}:{row.member.pk}:{kind}:{stamp}",
                    by=by,
                    method=Scan.Method.SHEET,
                    happened_at=at,
                    origin=f"sheet:venue:{venue.pk}",
                )
            )
    return outcomes


def venue_code_redeem(*, user, venue: Venue, digits: str, kind: str, nonce: str) -> ScanOutcome:
    """The member scanned or typed the venue's rotating code and confirms on their phone."""
    member = get_roles(user).member
    if member is None:
        raise CheckinError("no_member_profile")
    if not venue.rotating_code_valid(digits):
        raise CheckinError("bad_venue_code")
    return _redeem(
        member=member, kind=kind, venue=venue, nonce=nonce, by=user, method=Scan.Method.VENUE_CODE
    )


def _redeem(
    *,
    member: Member | None,
    kind: str,
    venue: Venue,
    nonce: str,
    by,
    method: str,
    device: Device | None = None,
    failed: str | None = None,
    client_time: datetime.datetime | None = None,
    offline: bool = False,
    happened_at: datetime.datetime | None = None,
    origin: str | None = None,
) -> ScanOutcome:
    kind = Scan.Kind(kind)
    origin = origin or _check_origin(venue=venue, by=by, device=device)
    nonce = (nonce or "").strip()[:64] or secrets.token_hex(16)
    now = timezone.now()
    # An offline scan happened when the device says (not in the future, not days before).
    at = now
    if offline and client_time is not None:
        at = min(max(client_time, now - datetime.timedelta(days=2)), now)
    if happened_at is not None:  # a paper sheet: the time written on it, never in the future
        at = min(happened_at, now)
    earlier = Scan.objects.filter(origin=origin, nonce=nonce).first()
    if earlier is not None:
        return ScanOutcome(earlier, repeated=True)
    with transaction.atomic():
        try:
            with transaction.atomic():
                scan = Scan.objects.create(
                    origin=origin,
                    nonce=nonce,
                    device=device,
                    by=by if by is not None and by.is_authenticated else None,
                    venue=venue,
                    member=member,
                    kind=kind,
                    method=method,
                    result=failed or Scan.Result.OK,
                    client_time=client_time,
                    happened_at=at,
                    received_at=now,
                    offline=offline,
                )
        except IntegrityError:
            # The same nonce at the same moment from a retry: the first one's result.
            return ScanOutcome(Scan.objects.get(origin=origin, nonce=nonce), repeated=True)
        if failed is None:
            _apply(scan, member=member, venue=venue, at=at, offline=offline)
            scan.save(update_fields=["result", "attendance", "segment"])
            # The member's home lists their attendances (its cached part is made again).
            user_pages_changed(member.user_id)
    return ScanOutcome(scan)


def _attendance_locked(session: Session, member: Member, *, walk_in: bool) -> Attendance:
    """The member's attendance of the session, made if needed, and locked for the rest of the
    transaction (PostgreSQL; SQLite serializes writers): the scans of one member queue here,
    the scans of different members never meet."""
    found = Attendance.objects.select_for_update().filter(session=session, member=member).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                session=session,
                activity_id=session.activity_id,
                member=member,
                home_organization_id=member.branch_id,
                state=A.OUT,
                walk_in=walk_in,
            )
    except IntegrityError:
        return Attendance.objects.select_for_update().get(session=session, member=member)


def _apply(scan: Scan, *, member: Member, venue: Venue, at, offline: bool) -> None:
    """What the scan does to the member's attendance; sets `scan.result`."""
    R = Scan.Result
    activity = venue.activity
    session = session_at(activity, at)
    if session is None or activity.state not in (Activity.State.PUBLISHED, Activity.State.ENDED):
        scan.result = R.CLOSED
        return
    signed_up = Signup.objects.filter(
        activity=activity, member=member, state=Signup.State.REGISTERED
    ).exists()
    if not signed_up and not venue.allow_walk_in:
        scan.result = R.WRONG_VENUE
        return
    attendance = _attendance_locked(session, member, walk_in=not signed_up)
    scan.attendance = attendance
    if attendance.state == A.FINALIZED:
        scan.result = R.CONFLICT if offline else R.CLOSED
        return
    live = AttendanceSegment.objects.filter(attendance=attendance, annulled_at__isnull=True)
    open_segment = live.filter(out_at__isnull=True).select_related("venue").first()
    if scan.kind == Scan.Kind.ENTRY:
        if open_segment is not None and open_segment.venue_id == venue.pk:
            scan.result, scan.segment = R.ALREADY, open_segment
            return
        if open_segment is not None:
            # A move to another venue of the same session: the first segment ends here.
            AttendanceSegment.objects.filter(pk=open_segment.pk, out_at__isnull=True).update(
                out_at=max(at, open_segment.in_at)
            )
        else:
            last = live.order_by("-out_at").first()
            if last is not None and not venue.allow_reentry:
                scan.result, scan.segment = R.ALREADY, last
                return
        try:
            with transaction.atomic():
                segment = AttendanceSegment.objects.create(
                    attendance=attendance, venue=venue, in_at=at
                )
        except IntegrityError:
            scan.result = R.ALREADY
            scan.segment = live.filter(out_at__isnull=True).first()
            return
        scan.segment = segment
        Attendance.objects.filter(pk=attendance.pk).update(
            state=A.IN,
            first_in_at=attendance.first_in_at or at,
        )
        attendance.state = A.IN
        return
    # Exit
    if open_segment is None:
        last = live.order_by("-out_at").first()
        if last is not None:
            scan.result, scan.segment = R.ALREADY, last
            return
        # Out without in: the review queue decides.
        Attendance.objects.filter(pk=attendance.pk).update(
            state=A.REVIEW, review=Attendance.Review.EXIT_WITHOUT_ENTRY, last_out_at=at
        )
        scan.result = R.CONFLICT
        return
    if at < open_segment.in_at:
        Attendance.objects.filter(pk=attendance.pk).update(
            state=A.REVIEW, review=Attendance.Review.OFFLINE_CONFLICT
        )
        scan.result = R.CONFLICT
        return
    AttendanceSegment.objects.filter(pk=open_segment.pk, out_at__isnull=True).update(out_at=at)
    scan.segment = open_segment
    hours = hours_for(attendance, session, activity)
    Attendance.objects.filter(pk=attendance.pk).update(
        state=A.OUT, review="", last_out_at=at, credited_hours=hours, suggested_hours=hours
    )
    attendance.credited_hours = hours


def scan_undo(*, scan: Scan, by, device: Device | None = None, reason: str = "") -> Scan:
    """Annul a wrong scan and what it did: within two minutes by the device that made it,
    later by a host of the venue with a reason. Nothing is deleted."""
    reason = (reason or "").strip()
    same_device = device is not None and scan.device_id == device.pk
    recent = timezone.now() - scan.received_at <= UNDO_WINDOW
    if not (same_device and recent):
        if not can(by, "checkins.venue.host", scan.venue):
            raise CheckinError("not_permitted")
        if not reason:
            raise CheckinError("reason_required")
    with transaction.atomic():
        annulled = Scan.objects.filter(
            pk=scan.pk, annulled_at__isnull=True, result=Scan.Result.OK
        ).update(annulled_at=timezone.now(), annulled_by=by, annul_reason=reason[:200])
        if not annulled:
            raise CheckinError("cannot_undo")
        attendance = Attendance.objects.select_for_update().get(pk=scan.attendance_id)
        if attendance.state == A.FINALIZED:
            raise CheckinError("finalized")
        segment = scan.segment
        if scan.kind == Scan.Kind.ENTRY:
            AttendanceSegment.objects.filter(pk=segment.pk).update(annulled_at=timezone.now())
        else:
            try:
                with transaction.atomic():
                    AttendanceSegment.objects.filter(pk=segment.pk).update(out_at=None)
            except IntegrityError:
                raise CheckinError("cannot_undo") from None
        _attendance_settle(attendance)
        scan.refresh_from_db()
    user_pages_changed(scan.member.user_id)
    return scan


def _attendance_settle(attendance: Attendance) -> None:
    """The attendance's state and hours after its segments changed."""
    live = list(attendance.segments.filter(annulled_at__isnull=True))
    if any(s.out_at is None for s in live):
        state = A.IN
    elif live:
        state = A.OUT
    else:
        state = A.ANNULLED
    hours = hours_for(attendance, attendance.session, attendance.activity) if live else None
    Attendance.objects.filter(pk=attendance.pk).update(
        state=state, credited_hours=hours if state == A.OUT else None
    )
    attendance.state = state


# ---------------------------------------------------------------------------------------------
# Review, no-shows, automatic check-out, finalizing, corrections
# ---------------------------------------------------------------------------------------------
def _attendance_move(attendance, *, from_states, to, by, note="", error="not_reviewable", **fields):
    hours_before = attendance.credited_hours
    current = state_move(attendance, from_states=from_states, to=to, **fields)
    if current is None:
        raise CheckinError(error)
    AttendanceTransition.objects.create(
        attendance=attendance,
        from_state=current,
        to_state=to,
        by=by,
        note=note,
        hours_before=hours_before,
        hours_after=attendance.credited_hours,
    )


def attendance_confirm(*, attendance: Attendance, by, hours=None, note: str = "") -> Attendance:
    """A host confirms an attendance from the review queue (the suggested hours, or others)."""
    if not can(by, "checkins.activity.manage", attendance.activity) and not can(
        by, "checkins.attendance.review", attendance
    ):
        raise CheckinError("not_permitted")
    hours = attendance.suggested_hours if hours in (None, "") else Decimal(hours)
    hours = Decimal(hours or 0)
    if not (Decimal(0) <= hours <= Decimal(24)):
        raise CheckinError("bad_hours")
    _attendance_move(
        attendance,
        from_states=[A.REVIEW],
        to=A.OUT,
        by=by,
        note=note,
        credited_hours=hours,
        review="",
    )
    return attendance


def attendances_no_show(*, activity: Activity, venue: Venue, member_ids, by) -> int:
    """Mark registered members who never came as no-shows (a row each, so the roster and the
    dashboard count them)."""
    if not can(by, "checkins.venue.host", venue):
        raise CheckinError("not_permitted")
    session = activity.sessions.order_by("starts_at").first()
    if session is None:
        return 0
    done = 0
    for member in Member.objects.filter(
        pk__in=Signup.objects.filter(
            venue=venue, state=Signup.State.REGISTERED, member_id__in=list(member_ids)
        ).values("member_id")
    ):
        try:
            with transaction.atomic():
                Attendance.objects.create(
                    session=session,
                    activity=activity,
                    member=member,
                    home_organization_id=member.branch_id,
                    state=A.NO_SHOW,
                )
                done += 1
        except IntegrityError:
            continue
    return done


def attendances_auto_exit(*, now: datetime.datetime | None = None) -> int:
    """Check out everyone still inside a venue whose automatic check-out time has passed (or
    whose session ended past its grace), with suggested hours a host confirms. Each segment
    is closed by a conditional UPDATE, so an overlapping run closes nothing twice."""
    now = now or timezone.now()
    closed = 0
    open_segments = (
        AttendanceSegment.objects.filter(out_at__isnull=True, annulled_at__isnull=True)
        .select_related("venue", "attendance__session", "attendance__activity")
        .order_by("pk")
    )
    for segment in open_segments.iterator(chunk_size=500):
        session = segment.attendance.session
        activity = segment.attendance.activity
        # Closed at the venue's time, or else at the session's end once its grace is over.
        end = session.ends_at
        due = session.ends_at + datetime.timedelta(minutes=activity.grace_after)
        if segment.venue.auto_exit_at is not None:
            local_day = timezone.localtime(session.starts_at).date()
            end = due = timezone.make_aware(
                datetime.datetime.combine(local_day, segment.venue.auto_exit_at)
            )
        if now < due:
            continue
        out_at = max(min(end, now), segment.in_at)
        with transaction.atomic():
            if not AttendanceSegment.objects.filter(pk=segment.pk, out_at__isnull=True).update(
                out_at=out_at, auto_closed=True
            ):
                continue
            attendance = segment.attendance
            suggested = hours_for(attendance, session, activity)
            Attendance.objects.filter(pk=attendance.pk, state=A.IN).update(
                state=A.REVIEW,
                review=Attendance.Review.AUTO_EXIT,
                last_out_at=out_at,
                suggested_hours=suggested,
            )
            closed += 1
    # Activities whose every session is over are ended.
    for activity in (
        Activity.objects.filter(state=Activity.State.PUBLISHED)
        .exclude(sessions__ends_at__gt=now - datetime.timedelta(minutes=1))
        .filter(sessions__isnull=False)
        .distinct()
    ):
        with contextlib.suppress(CheckinError):
            _activity_move(
                activity,
                from_states=[Activity.State.PUBLISHED],
                to=Activity.State.ENDED,
                by=None,
                error="not_published",
            )
    return closed


def activity_end(*, activity: Activity, by) -> Activity:
    if by is not None and not can(by, "checkins.activity.manage", activity):
        raise CheckinError("not_permitted")
    _activity_move(
        activity,
        from_states=[Activity.State.PUBLISHED],
        to=Activity.State.ENDED,
        by=by,
        error="not_ended",
    )
    return activity


def activity_finalize(*, activity: Activity, by) -> int:
    """Hosts finalize: each checked-out attendance becomes one service record (kind activity,
    source check-in, key `checkin:<pk>`), exactly once however often this runs. Returns how
    many records were made."""
    if by is not None and not can(by, "checkins.activity.manage", activity):
        raise CheckinError("not_permitted")
    if activity.state not in (Activity.State.ENDED, Activity.State.FINALIZED):
        raise CheckinError("not_ended")
    # Still inside, or waiting for a host: decided first.
    pending = activity.attendances.filter(state__in=[A.IN, A.REVIEW]).count()
    if pending:
        raise CheckinError("review_pending", n=pending)
    made = 0
    attendances = (
        activity.attendances.filter(state=A.OUT)
        .select_related("member", "session")
        .prefetch_related("segments__venue")
    )
    for attendance in attendances:
        made += _attendance_finalize(attendance, activity=activity, by=by)
    if activity.state == Activity.State.ENDED:
        _activity_move(
            activity,
            from_states=[Activity.State.ENDED],
            to=Activity.State.FINALIZED,
            by=by,
            error="not_ended",
            finalized_at=timezone.now(),
        )
    return made


def _attendance_finalize(attendance: Attendance, *, activity: Activity, by) -> int:
    with transaction.atomic():
        record = None
        hours = attendance.credited_hours or Decimal(0)
        segments = [s for s in attendance.segments.all() if s.annulled_at is None]
        if activity.earns_hours and hours > 0 and segments:
            # The record is kept by the community of the venue where the member spent most time.
            venue = max(segments, key=lambda s: s.minutes()).venue
            record = service_record_create(
                member=attendance.member,
                community=venue.community,
                served_on=timezone.localtime(attendance.session.starts_at).date(),
                hours=hours,
                kind=ServiceRecord.Kind.ACTIVITY,
                source=ServiceRecord.Source.CHECKIN,
                source_key=f"checkin:{attendance.pk}",
                title=activity.title,
                created_by=by,
                # An organization's own activity is recorded (and certified) by it.
                organization=activity.organizer_organization,
            )
            if record is None:  # recorded by an earlier run
                record = ServiceRecord.objects.filter(
                    member=attendance.member, source_key=f"checkin:{attendance.pk}"
                ).first()
        try:
            _attendance_move(
                attendance,
                from_states=[A.OUT],
                to=A.FINALIZED,
                by=by,
                error="finalized",
                service_record=record,
                finalized_at=timezone.now(),
            )
        except CheckinError:
            return 0
    return 1 if record is not None else 0


def attendance_correct(*, attendance: Attendance, by, hours, reason: str) -> Attendance:
    """A later correction of the hours, with a reason; refused once the member's half-year
    report is approved (the record then moves with it)."""
    if not can(by, "checkins.activity.manage", attendance.activity):
        raise CheckinError("not_permitted")
    reason = (reason or "").strip()
    if not reason:
        raise CheckinError("reason_required")
    try:
        hours = Decimal(str(hours))
    except ArithmeticError:
        raise CheckinError("bad_hours") from None
    if not (Decimal(0) <= hours <= Decimal(24)):
        raise CheckinError("bad_hours")
    with transaction.atomic():
        before = attendance.credited_hours
        served_on = timezone.localtime(attendance.session.starts_at).date()
        if period_locked(member=attendance.member, on=served_on):
            raise CheckinError("period_closed")
        if attendance.service_record_id:
            try:
                service_record_correct(
                    record=attendance.service_record, hours=hours, reason=reason, by=by
                )
            except RecordsError as error:
                if error.code == "period_closed":
                    raise CheckinError("period_closed") from None
                raise CheckinError("bad_hours") from None
        Attendance.objects.filter(pk=attendance.pk).update(credited_hours=hours)
        attendance.credited_hours = hours
        AttendanceTransition.objects.create(
            attendance=attendance,
            from_state=attendance.state,
            to_state=attendance.state,
            by=by,
            note=reason[:500],
            hours_before=before,
            hours_after=hours,
        )
    return attendance
