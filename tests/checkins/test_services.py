"""The check-in services as specifications: sign-ups and the waiting list, one scan service for
every path, undo, automatic check-out, finalizing into records exactly once, corrections."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from checkins import services
from checkins.models import Activity, Attendance, AttendanceSegment, Scan, Signup
from checkins.services import CheckinError
from records.models import ServiceRecord
from tests import factories as f
from tests.checkins.factories import SignupFactory, VenueFactory

pytestmark = pytest.mark.django_db


def _scan(venue, member_or_code, kind="entry", *, by, nonce=None, **kw):
    code = member_or_code
    if not isinstance(code, str):
        code = services.member_code_current(member=code).secret
    return services.scan_redeem(
        code=code,
        kind=kind,
        venue=venue,
        nonce=nonce or f"n-{timezone.now().timestamp()}",
        by=by,
        **kw,
    )


# Sign-ups -----------------------------------------------------------------------------------
def test_signup_takes_a_seat_and_the_last_seat_goes_to_one(activity, venue, member, other_member):
    venue.capacity = 1
    venue.save()
    first = services.signup_create(activity=activity, venue=venue, member=member)
    second = services.signup_create(activity=activity, venue=venue, member=other_member)
    assert first.state == Signup.State.REGISTERED
    assert second.state == Signup.State.WAITLISTED
    venue.refresh_from_db()
    assert venue.taken == 1


def test_a_member_signs_up_once_per_activity(activity, venue, other_venue, member):
    services.signup_create(activity=activity, venue=venue, member=member)
    with pytest.raises(CheckinError) as error:
        services.signup_create(activity=activity, venue=other_venue, member=member)
    assert error.value.code == "already_signed_up"


def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list(
    activity, venue, member, other_member, branch
):
    venue.capacity = 1
    venue.save()
    mine = services.signup_create(activity=activity, venue=venue, member=member)
    waiting = services.signup_create(activity=activity, venue=venue, member=other_member)
    third = services.signup_create(
        activity=activity, venue=venue, member=f.MemberFactory(branch=branch)
    )
    services.signup_cancel(signup=mine, by=member.user)
    waiting.refresh_from_db()
    third.refresh_from_db()
    assert waiting.state == Signup.State.REGISTERED
    assert third.state == Signup.State.WAITLISTED
    venue.refresh_from_db()
    assert venue.taken == 1


def test_signup_closed_outside_the_window(activity, venue, member):
    activity.signup_closes_at = timezone.now() - datetime.timedelta(hours=1)
    activity.save()
    with pytest.raises(CheckinError) as error:
        services.signup_create(activity=activity, venue=venue, member=member)
    assert error.value.code == "signup_closed"


# Scans --------------------------------------------------------------------------------------
def test_scan_checks_in_then_already_inside_says_when(venue, member, host):
    first = _scan(venue, member, by=host, nonce="a")
    again = _scan(venue, member, by=host, nonce="b")
    assert first.result == Scan.Result.OK
    assert again.result == Scan.Result.ALREADY
    assert again.message.startswith("Already checked in ")
    assert Attendance.objects.count() == 1
    assert AttendanceSegment.objects.count() == 1
    assert Scan.objects.count() == 2


def test_the_same_nonce_twice_is_one_check_in(venue, member, host):
    first = _scan(venue, member, by=host, nonce="same")
    second = _scan(venue, member, by=host, nonce="same")
    assert second.repeated and second.scan.pk == first.scan.pk
    assert Scan.objects.count() == 1


def test_unknown_code_says_nothing_about_anyone(venue, host, member):
    outcome = _scan(venue, "NOTACODE2345", by=host)
    assert outcome.result == Scan.Result.UNKNOWN
    assert outcome.member_name == ""
    assert outcome.message == "Not recognized"
    assert Scan.objects.get().result == Scan.Result.UNKNOWN


def test_a_renewed_code_voids_the_old_one(venue, host, member):
    old = services.member_code_current(member=member).secret
    services.member_code_renew(member=member)
    outcome = _scan(venue, old, by=host)
    assert outcome.result == Scan.Result.REVOKED
    assert outcome.member_name == ""


def test_the_url_of_the_qr_is_read_as_the_code(venue, host, member):
    secret = services.member_code_current(member=member).secret
    outcome = _scan(venue, f"http://example.org/checkins/c/{secret.lower()}/", by=host)
    assert outcome.result == Scan.Result.OK


def test_check_out_credits_hours_by_the_activity_rule(venue, member, host, session):
    _scan(venue, member, by=host, nonce="in")
    segment = AttendanceSegment.objects.get()
    AttendanceSegment.objects.filter(pk=segment.pk).update(
        in_at=timezone.now() - datetime.timedelta(minutes=100)
    )
    out = _scan(venue, member, "exit", by=host, nonce="out")
    attendance = Attendance.objects.get()
    assert out.result == Scan.Result.OK
    assert attendance.state == Attendance.State.OUT
    assert attendance.credited_hours == Decimal("1.5")  # 100 minutes, down to the half hour


def test_moving_to_another_venue_is_a_new_segment_of_one_attendance(
    venue, other_venue, member, host, superuser
):
    _scan(venue, member, by=host, nonce="1")
    moved = _scan(other_venue, member, by=superuser, nonce="2")
    assert moved.result == Scan.Result.OK
    attendance = Attendance.objects.get()
    segments = list(attendance.segments.order_by("pk"))
    assert [s.venue for s in segments] == [venue, other_venue]
    assert segments[0].out_at is not None and segments[1].out_at is None


def test_exit_without_entry_goes_to_review(venue, member, host):
    outcome = _scan(venue, member, "exit", by=host)
    assert outcome.result == Scan.Result.CONFLICT
    assert Attendance.objects.get().state == Attendance.State.REVIEW


def test_a_host_of_another_venue_may_not_scan_here(other_venue, member, host):
    with pytest.raises(CheckinError):
        _scan(other_venue, member, by=host)


def test_undo_within_two_minutes_by_the_same_device(venue, member, host):
    device, _token = services.device_open(venue=venue, by=host)
    outcome = _scan(venue, member, by=host, device=device)
    services.scan_undo(scan=outcome.scan, by=host, device=device)
    attendance = Attendance.objects.get()
    assert attendance.state == Attendance.State.ANNULLED
    assert Scan.objects.get().annulled_at is not None
    assert AttendanceSegment.objects.get().annulled_at is not None  # nothing deleted


def test_later_undo_needs_a_host_and_a_reason(venue, member, host):
    device, _token = services.device_open(venue=venue, by=host)
    outcome = _scan(venue, member, by=host, device=device)
    Scan.objects.filter(pk=outcome.scan.pk).update(
        received_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    outcome.scan.refresh_from_db()
    with pytest.raises(CheckinError) as error:
        services.scan_undo(scan=outcome.scan, by=host, device=device)
    assert error.value.code == "reason_required"
    services.scan_undo(scan=outcome.scan, by=host, reason="扫错了人")


def test_auto_exit_suggests_hours_for_review(venue, member, host, session):
    _scan(venue, member, by=host)
    AttendanceSegment.objects.update(in_at=session.starts_at)
    services.attendances_auto_exit(now=session.ends_at + datetime.timedelta(hours=3))
    attendance = Attendance.objects.get()
    assert attendance.state == Attendance.State.REVIEW
    assert attendance.suggested_hours == Decimal("3.0")
    services.attendance_confirm(attendance=attendance, by=host)
    attendance.refresh_from_db()
    assert attendance.state == Attendance.State.OUT
    assert attendance.credited_hours == Decimal("3.0")


def _attended(venue, member, host, minutes=120):
    _scan(venue, member, by=host, nonce=f"in{member.pk}")
    AttendanceSegment.objects.filter(attendance__member=member).update(
        in_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    _scan(venue, member, "exit", by=host, nonce=f"out{member.pk}")


def test_finalize_makes_one_service_record_exactly_once(activity, venue, member, host, staff):
    _attended(venue, member, host)
    services.activity_end(activity=activity, by=staff)
    assert services.activity_finalize(activity=activity, by=staff) == 1
    assert services.activity_finalize(activity=activity, by=staff) == 0
    record = ServiceRecord.objects.get()
    attendance = Attendance.objects.get()
    assert record.source_key == f"checkin:{attendance.pk}"
    assert record.kind == ServiceRecord.Kind.ACTIVITY
    assert record.hours == Decimal("2.0")
    assert attendance.state == Attendance.State.FINALIZED
    activity.refresh_from_db()
    assert activity.state == Activity.State.FINALIZED


def test_finalize_waits_for_the_review_queue(activity, venue, member, host, staff):
    _scan(venue, member, "exit", by=host)
    services.activity_end(activity=activity, by=staff)
    with pytest.raises(CheckinError) as error:
        services.activity_finalize(activity=activity, by=staff)
    assert error.value.code == "review_pending"


def test_meetings_earn_no_hours(activity, venue, member, host, staff):
    activity.kind = Activity.Kind.MEETING
    activity.save()
    _attended(venue, member, host)
    services.activity_end(activity=activity, by=staff)
    assert services.activity_finalize(activity=activity, by=staff) == 0
    assert not ServiceRecord.objects.exists()


def test_correction_needs_a_reason_and_moves_the_record(activity, venue, member, host, staff):
    _attended(venue, member, host)
    services.activity_end(activity=activity, by=staff)
    services.activity_finalize(activity=activity, by=staff)
    attendance = Attendance.objects.get()
    with pytest.raises(CheckinError):
        services.attendance_correct(attendance=attendance, by=staff, hours="2.5", reason=" ")
    services.attendance_correct(attendance=attendance, by=staff, hours="2.5", reason="签退晚录")
    assert ServiceRecord.objects.get().hours == Decimal("2.5")


def test_correction_refused_once_the_half_year_report_is_approved(
    activity, venue, member, host, staff
):
    from core.periods import Period
    from tests.reports.factories import MemberReportFactory

    _attended(venue, member, host)
    services.activity_end(activity=activity, by=staff)
    services.activity_finalize(activity=activity, by=staff)
    period = Period.containing(timezone.localdate())
    MemberReportFactory(member=member, year=period.year, half=period.half, state="approved")
    with pytest.raises(CheckinError) as error:
        services.attendance_correct(
            attendance=Attendance.objects.get(), by=staff, hours="1", reason="改"
        )
    assert error.value.code == "period_closed"


def test_walk_ins_are_refused_where_the_venue_does_not_take_them(venue, member, host):
    venue.allow_walk_in = False
    venue.save()
    assert _scan(venue, member, by=host).result == Scan.Result.WRONG_VENUE
    SignupFactory(venue=venue, member=member)
    assert _scan(venue, member, by=host).result == Scan.Result.OK


def test_venue_code_checks_the_member_in_on_their_phone(venue, member_user):
    digits = venue.rotating_code()
    outcome = services.venue_code_redeem(
        user=member_user, venue=venue, digits=digits, kind="entry", nonce="x"
    )
    assert outcome.result == Scan.Result.OK
    with pytest.raises(CheckinError) as error:
        services.venue_code_redeem(
            user=member_user,
            venue=venue,
            digits="000000" if digits != "000000" else "111111",
            kind="entry",
            nonce="y",
        )
    assert error.value.code == "bad_venue_code"


def test_a_closed_session_refuses_check_in(activity, member, host, session):
    session.starts_at = timezone.now() + datetime.timedelta(days=2)
    session.ends_at = session.starts_at + datetime.timedelta(hours=2)
    session.save()
    venue = VenueFactory(activity=activity, hosts=[host])
    assert _scan(venue, member, by=host).result == Scan.Result.CLOSED
