"""The paper sign-in sheet: a PDF to print (masked names, blank columns and lines) for a venue
without network, and the page where a host enters it afterwards through the one scan path."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from checkins.models import Attendance, Scan, Session
from tests import factories as f
from tests.checkins.factories import SignupFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
STARTS = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
LATER = datetime.datetime(2026, 11, 2, 15, 0, tzinfo=TZ)


@pytest.fixture
def morning(session):
    """The session ran from 09:00 to 12:00 on 2 November; it is 15:00 now."""
    Session.objects.filter(pk=session.pk).update(
        starts_at=STARTS, ends_at=STARTS + datetime.timedelta(hours=3)
    )
    with time_machine.travel(LATER, tick=False):
        yield Session.objects.get(pk=session.pk)


@pytest.fixture
def signed_up(member, venue):
    SignupFactory(venue=venue, member=member)
    return member


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages)


def test_host_downloads_the_sheet_as_a_pdf_with_masked_names(login, host, signed_up, venue):
    response = login(host).get(reverse("checkins:sheet_pdf", args=[venue.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    assert "和平广场主会场" in text
    assert "张*" in text
    assert "张伟" not in text


def test_a_member_gets_no_sheet(login, member_user, signed_up, venue):
    assert login(member_user).get(reverse("checkins:sheet_pdf", args=[venue.pk])).status_code == 404


def test_without_the_pdf_renderer_the_host_is_told_and_sent_to_the_printable_page(
    login, host, venue, monkeypatch
):
    from checkins import views
    from core.pdf import PdfUnavailable

    def broken(html):
        raise PdfUnavailable("WeasyPrint cannot be imported.")

    monkeypatch.setattr(views, "html_to_pdf", broken)
    with translation.override("en"):
        response = login(host).get(
            reverse("checkins:sheet_pdf", args=[venue.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.redirect_chain[-1][0] == reverse("checkins:sheet", args=[venue.pk])
    assert "print this page" in response.content.decode()


def _enter(client, venue, session, member, check_in, check_out, **extra):
    return client.post(
        reverse("checkins:sheet_enter", args=[venue.pk]),
        {
            "session": session.pk,
            f"in_{member.pk}": check_in,
            f"out_{member.pk}": check_out,
            **extra,
        },
    )


def test_host_enters_the_sheet_and_hours_follow_the_credit_rule(
    login, host, signed_up, venue, morning
):
    client = login(host)
    assert "张伟" in client.get(reverse("checkins:sheet_enter", args=[venue.pk])).content.decode()
    assert _enter(client, venue, morning, signed_up, "09:05", "11:35").status_code == 302
    attendance = Attendance.objects.get(member=signed_up)
    assert attendance.state == Attendance.State.OUT
    assert attendance.credited_hours == Decimal("2.5")  # 150 minutes, down to half an hour
    assert set(Scan.objects.values_list("method", flat=True)) == {Scan.Method.SHEET}
    assert attendance.first_in_at == STARTS + datetime.timedelta(minutes=5)


def test_entering_the_same_sheet_twice_changes_nothing(login, host, signed_up, venue, morning):
    client = login(host)
    _enter(client, venue, morning, signed_up, "09:05", "11:35")
    _enter(client, venue, morning, signed_up, "09:05", "11:35")
    assert Scan.objects.count() == 2
    assert Attendance.objects.get(member=signed_up).segments.count() == 1


def test_a_bad_time_is_refused_and_what_was_typed_is_kept(login, host, signed_up, venue, morning):
    response = _enter(login(host), venue, morning, signed_up, "9:6x", "11:35")
    assert response.status_code == 200
    html = response.content.decode()
    assert list(response.context["form"].errors) == [f"in_{signed_up.pk}"]
    assert 'value="9:6x"' in html and 'value="11:35"' in html
    assert not Scan.objects.exists()


def test_a_check_out_before_the_check_in_is_refused(login, host, signed_up, venue, morning):
    response = _enter(login(host), venue, morning, signed_up, "11:00", "10:00")
    assert list(response.context["form"].errors) == [f"out_{signed_up.pk}"]
    assert not Scan.objects.exists()


def test_a_walk_in_found_by_phone_digits_is_entered(login, host, venue, community, morning):
    walker = f.MemberFactory(user__username="walker", real_name="王强", phone="13900004321")
    f.ConfirmedRegistrationFactory(member=walker, community=community)
    client = login(host)
    page = client.get(reverse("checkins:sheet_enter", args=[venue.pk]), {"q": "4321"})
    assert "王强" in page.content.decode()
    _enter(client, venue, morning, walker, "09:30", "11:30", q="4321")
    attendance = Attendance.objects.get(member=walker)
    assert attendance.walk_in and attendance.credited_hours == Decimal("2.0")


def test_a_member_may_not_enter_a_sheet(login, member_user, venue):
    response = login(member_user).get(reverse("checkins:sheet_enter", args=[venue.pk]))
    assert response.status_code == 404
