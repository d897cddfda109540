"""Every page of the check-in app, for a role that may and one that may not."""

import json

import pytest
from django.urls import reverse

from checkins import services
from checkins.models import Attendance, Scan, Signup
from tests.checkins.factories import SignupFactory

pytestmark = pytest.mark.django_db


def test_member_sees_activities_signs_up_and_opens_their_code(login, member_user, activity, venue):
    client = login(member_user)
    assert "党员义务奉献日" in client.get(reverse("checkins:activities")).content.decode()
    page = client.get(reverse("checkins:activity", args=[activity.pk]))
    form = page.context["form"]
    token = form.initial["submission"]
    data = {"venue": venue.pk, "submission": token}
    response = client.post(reverse("checkins:signup", args=[activity.pk]), data)
    assert response.status_code == 302
    # The same form sent twice: one sign-up, and the second is told.
    client.post(reverse("checkins:signup", args=[activity.pk]), data)
    assert Signup.objects.filter(member=member_user.member).count() == 1
    code = client.get(reverse("checkins:my_code"))
    assert code.status_code == 200
    assert b"<svg" in code.content
    secret = services.member_code_current(member=member_user.member).secret
    assert secret in code.content.decode()


def test_a_renewed_code_shows_its_new_qr(login, member_user):
    """The QR drawn once per address (checkins.views._qr_svg) is never the old code's."""
    client = login(member_user)
    first = client.get(reverse("checkins:my_code")).context["qr"]
    assert client.get(reverse("checkins:my_code")).context["qr"] == first
    client.post(reverse("checkins:my_code_renew"))
    assert client.get(reverse("checkins:my_code")).context["qr"] != first


def test_code_landing_tells_a_stranger_nothing(client, member, activity, venue):
    secret = services.member_code_current(member=member).secret
    html = client.get(reverse("checkins:code_landing", args=[secret])).content.decode()
    assert "张伟" not in html


def test_host_scans_through_the_json_api(login, host, member, venue):
    client = login(host)
    page = client.get(reverse("checkins:scanner", args=[venue.pk]))
    assert page.status_code == 200
    token = page.context["token"]
    secret = services.member_code_current(member=member).secret
    body = {"code": secret, "kind": "entry", "nonce": "n1", "token": token}
    answer = client.post(
        reverse("checkins:scan", args=[venue.pk]), json.dumps(body), content_type="application/json"
    ).json()
    assert answer["ok"] and answer["name"] == "张伟"
    again = client.post(
        reverse("checkins:scan", args=[venue.pk]), json.dumps(body), content_type="application/json"
    ).json()
    assert again["repeated"]
    assert Scan.objects.count() == 1
    recent = client.get(reverse("checkins:recent", args=[venue.pk]), {"token": token})
    assert "张伟" in recent.content.decode()


def test_offline_sync_records_each_scan_once(login, host, member, venue):
    client = login(host)
    token = client.get(reverse("checkins:scanner", args=[venue.pk])).context["token"]
    secret = services.member_code_current(member=member).secret
    scans = [{"nonce": "o1", "code": secret, "kind": "entry", "time": 1}]
    for _ in range(2):
        answer = client.post(
            reverse("checkins:sync", args=[venue.pk]),
            json.dumps({"token": token, "scans": scans}),
            content_type="application/json",
        ).json()
        assert [r["nonce"] for r in answer["results"]] == ["o1"]
    assert Scan.objects.count() == 1
    assert Scan.objects.get().offline


def test_roster_is_masked_for_offline(login, host, member, venue):
    SignupFactory(venue=venue, member=member)
    services.member_code_current(member=member)
    client = login(host)
    data = client.get(reverse("checkins:roster_json", args=[venue.pk])).json()
    assert data["members"] == [{"h": data["members"][0]["h"], "n": "张*", "u": "教育局第一党支部"}]
    assert "138" not in json.dumps(data["members"])  # (the server time may hold 138)


@pytest.mark.parametrize(
    "name",
    ["scanner", "roster", "search", "venue_display", "sheet", "roster_json", "recent"],
)
def test_host_pages_are_a_404_for_a_host_of_another_venue(login, other_venue, host, name):
    assert login(host).get(reverse(f"checkins:{name}", args=[other_venue.pk])).status_code == 404


@pytest.mark.parametrize(
    "name", ["scanner", "roster", "search", "venue_display", "sheet", "roster_json", "recent"]
)
def test_host_pages_open_for_the_host(login, venue, host, member, name):
    SignupFactory(venue=venue, member=member)
    response = login(host).get(reverse(f"checkins:{name}", args=[venue.pk]), {"q": "张"})
    assert response.status_code == 200


def test_roster_bulk_checks_in_and_out(login, host, member, venue):
    SignupFactory(venue=venue, member=member)
    client = login(host)
    url = reverse("checkins:roster_bulk", args=[venue.pk])
    client.post(url, {"action": "entry", "members": [member.pk]})
    assert Attendance.objects.get().state == Attendance.State.IN
    # The page sends its default action first and the pressed button's last: the button counts.
    client.post(url, {"action": ["entry", "exit"], "members": [member.pk]})
    assert Attendance.objects.get().state == Attendance.State.OUT


def test_search_by_last_four_phone_digits(login, host, member, venue):
    SignupFactory(venue=venue, member=member)
    html = login(host).get(reverse("checkins:search", args=[venue.pk]), {"q": "5678"})
    assert "张伟" in html.content.decode()
    assert "13812345678" not in html.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 200), ("other_staff", 404), ("member_user", 404), ("committee_admin", 200)],
)
def test_dashboard_by_role(request, login, activity, venue, role, status):
    user = request.getfixturevalue(role)
    client = login(user)
    assert client.get(reverse("checkins:dashboard", args=[activity.pk])).status_code == status
    assert client.get(reverse("checkins:dashboard_live", args=[activity.pk])).status_code == status
    assert client.get(reverse("checkins:export", args=[activity.pk])).status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("staff", 200), ("other_staff", 404), ("member_user", 404)]
)
def test_manage_pages_by_role(request, login, activity, venue, role, status):
    client = login(request.getfixturevalue(role))
    for name in ("manage", "review", "attendances"):
        assert client.get(reverse(f"checkins:{name}", args=[activity.pk])).status_code == status


def test_organizer_creates_an_activity_once(login, staff):
    client = login(staff)
    page = client.get(reverse("checkins:activity_new"))
    token = page.context["form"].initial["submission"]
    data = {
        "submission": token,
        "title": "敲门行动",
        "kind": "service",
        "starts_at": "2030-05-01T08:00",
        "ends_at": "2030-05-01T11:00",
        "credit_rule": "actual",
        "venue_name": "社区广场",
    }
    first = client.post(reverse("checkins:activity_new"), data)
    second = client.post(reverse("checkins:activity_new"), data)
    assert first.status_code == second.status_code == 302
    from checkins.models import Activity

    assert Activity.objects.filter(title="敲门行动").count() == 1


def test_bad_input_on_the_scan_api_is_an_answer_not_a_500(login, host, venue):
    client = login(host)
    url = reverse("checkins:scan", args=[venue.pk])
    answer = client.post(url, b"\xff\xfe not json", content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["ok"] is False
    sync = client.post(
        reverse("checkins:sync", args=[venue.pk]), b"[1,2]", content_type="application/json"
    )
    assert sync.status_code == 403


def test_member_home_shows_the_checkins_card(login, member_user, activity, venue):
    SignupFactory(venue=venue, member=member_user.member)
    html = login(member_user).get(reverse("portal:dashboard")).content.decode()
    assert "党员义务奉献日" in html


def test_a_venue_given_to_a_host_is_on_their_home_at_once(login, host, venue, other_venue):
    """The host's home is kept for a minute; naming a host (a many-to-many link, no save)
    starts it afresh."""
    client = login(host)
    assert "光明分会场" not in client.get(reverse("checkins:host_home")).content.decode()
    other_venue.hosts.add(host)
    assert "光明分会场" in client.get(reverse("checkins:host_home")).content.decode()


def test_a_venue_with_no_scan_says_so_outside_the_numbered_list(login, host, venue):
    response = login(host).get(
        reverse("checkins:scanner", args=[venue.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert '<p class="text-muted">No scan yet.</p>' in html
    assert "list-group-numbered" not in html  # no "1." before the message
