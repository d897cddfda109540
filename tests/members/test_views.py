"""Every page of the members app: a role that may, a role that may not, another community's
object is a 404, bad input never loses what was typed."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from members.models import CommunityRegistration, Member
from tests import factories as f
from tests.factories import once

State = CommunityRegistration.State


@pytest.fixture
def client_as(client, as_user):
    """`client_as(role)`: the test client logged in as a cast role (or anonymous)."""

    def _client(role):
        user = as_user(role)
        if user.is_authenticated:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _client


def _url(request, name, obj=None):
    if obj is None:
        return reverse(name)
    return reverse(name, args=[request.getfixturevalue(obj).pk])


LOGIN = "login"
GET_TABLE = [
    # (url name, object, role, expected status or "login")
    ("portal:home", None, "anonymous", 200),
    ("portal:home", None, "member", 200),
    ("members:community_list", None, "anonymous", 200),
    ("members:community_detail", "community", "anonymous", 200),
    ("members:community_detail", "community", "other_staff", 200),
    ("members:community_detail", "inactive_community", "anonymous", 404),
    ("portal:dashboard", None, "anonymous", LOGIN),
    ("portal:dashboard", None, "member", 200),
    ("members:profile_edit", None, "anonymous", LOGIN),
    ("members:profile_edit", None, "member", 200),
    ("members:profile_edit", None, "outsider", 200),
    ("portal:staff_home", None, "anonymous", LOGIN),
    ("portal:staff_home", None, "staff", 200),
    ("portal:staff_home", None, "member", 403),
    ("portal:staff_home", None, "org_admin", 403),
    ("portal:staff_home", None, "outsider", 403),
    ("members:staff_members", None, "staff", 200),
    ("members:staff_members", None, "member", 403),
    ("members:staff_members", None, "committee_admin", 403),
    ("members:partnership_list", None, "staff", 200),
    ("members:partnership_list", None, "org_admin", 200),
    ("members:partnership_list", None, "member", 403),
    ("members:partnership_list", None, "anonymous", LOGIN),
    ("members:partnership_detail", "partnership", "staff", 200),
    ("members:partnership_detail", "partnership", "org_admin", 200),
    ("members:partnership_detail", "partnership", "committee_admin", 200),
    ("members:partnership_detail", "partnership", "other_staff", 404),
    ("members:partnership_detail", "partnership", "other_org_admin", 404),
    ("members:partnership_detail", "partnership", "member", 404),
]


@pytest.fixture
def inactive_community(db):
    return f.CommunityFactory(is_active=False)


@pytest.mark.parametrize(
    ("name", "obj", "role", "expected"),
    [pytest.param(*row, id="-".join(str(x) for x in row)) for row in GET_TABLE],
)
def test_page_access(request, client_as, name, obj, role, expected):
    url = _url(request, name, obj)
    response = client_as(role).get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


# ------------------------------------------------------------------------------------------
# Public pages
# ------------------------------------------------------------------------------------------
def test_home_shows_live_figures(client, member, other_member, pending, partnership):
    f.PartnershipFactory(
        organization=partnership.organization,
        community=f.CommunityFactory(),
        term_start=partnership.term_start.replace(year=partnership.term_start.year - 5),
        term_end=partnership.term_start.replace(year=partnership.term_start.year - 3),
    )
    response = client.get(reverse("portal:home"))
    figures = response.context["figures"]
    # Two confirmed members (a pending one does not count); one organization with a current
    # partnership (its past one does not add a second).
    assert figures["members"] == 2
    assert figures["organizations"] == 1
    assert figures["communities"] >= 2


def test_home_lists_communities_with_their_paired_organizations(client, partnership):
    content = client.get(reverse("portal:home")).content.decode()
    assert partnership.community.name in content
    assert partnership.organization.name in content


def test_community_list_search(client, community, other_community):
    response = client.get(reverse("members:community_list"), {"q": "和平"})
    names = [c.name for c in response.context["page"]]
    assert names == ["和平社区"]


def test_community_detail_hides_members_from_the_public(client, member, community):
    content = client.get(community.get_absolute_url()).content.decode()
    assert "张伟" not in content


def test_community_detail_shows_members_to_its_staff(login, staff, member, community):
    content = login(staff).get(community.get_absolute_url()).content.decode()
    assert "张伟" in content and "13812345678" in content


def test_community_detail_hides_members_from_other_staff(login, other_staff, member, community):
    content = login(other_staff).get(community.get_absolute_url()).content.decode()
    assert "张伟" not in content


# ------------------------------------------------------------------------------------------
# A member's pages
# ------------------------------------------------------------------------------------------
def test_dashboard_shows_the_current_registration(login, member_user, community):
    response = login(member_user).get(reverse("portal:dashboard"))
    assert response.context["current"].community == community
    assert "13812345678" in response.content.decode()  # the member sees their phone in full


def test_dashboard_sends_a_user_without_profile_to_the_profile_form(login, outsider):
    response = login(outsider).get(reverse("portal:dashboard"))
    assert response.url == reverse("members:profile_edit")


def test_dashboard_sends_staff_to_the_staff_page(login, staff):
    assert login(staff).get(reverse("portal:dashboard")).url == reverse("portal:staff_home")


def test_dashboard_sends_organization_admins_to_their_work_page(login, org_admin):
    response = login(org_admin).get(reverse("portal:dashboard"))
    assert response.url == reverse("portal:org_home")


def test_profile_form_creates_the_member(login, outsider, branch, community):
    cat = f.ServiceCategoryFactory(name="医疗健康")
    response = login(outsider).post(
        reverse("members:profile_edit"),
        {
            "real_name": "欧阳娜娜",
            "phone": "13900001111",
            "branch": branch.pk,
            "residence_community": community.pk,
            "skills": "急救",
            "service_categories": [cat.pk],
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(user=outsider)
    assert (member.real_name, member.branch, list(member.service_categories.all())) == (
        "欧阳娜娜",
        branch,
        [cat],
    )


def test_profile_form_keeps_input_on_error(login, outsider, branch):
    response = login(outsider).post(
        reverse("members:profile_edit"),
        {"real_name": "欧阳娜娜", "phone": "电话", "branch": branch.pk},
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert 'value="欧阳娜娜"' in response.content.decode()


def test_profile_form_offers_only_branches(login, outsider, branch, party_committee):
    form = login(outsider).get(reverse("members:profile_edit")).context["form"]
    assert list(form.fields["branch"].queryset) == [branch]


def test_register_to_a_community(login, applicant, community):
    login(applicant.user).post(
        reverse("portal:registration_create"), {**once(), "community": community.pk, "note": "3栋"}
    )
    r = applicant.registrations.get()
    assert (r.community, r.state, r.note) == (community, State.PENDING, "3栋")


def test_register_twice_shows_a_message(login, applicant, community, other_community):
    client = login(applicant.user)
    client.post(reverse("portal:registration_create"), {**once(), "community": community.pk})
    response = client.post(
        reverse("portal:registration_create"),
        {**once(), "community": other_community.pk},
        follow=True,
    )
    from members.services import MembersError

    shown = [str(m) for m in response.context["messages"]]
    assert str(MembersError("already_pending").message) in shown
    assert applicant.registrations.count() == 1


def test_register_without_profile_goes_to_the_profile_form(login, outsider, community):
    response = login(outsider).post(
        reverse("portal:registration_create"), {**once(), "community": community.pk}
    )
    assert response.url == reverse("members:profile_edit")


def test_register_with_a_bad_community_keeps_the_note_and_says_what_is_wrong(login, applicant):
    response = login(applicant.user).post(
        reverse("portal:registration_create"),
        {**once(), "community": "nonsense", "note": "住在3栋"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert 'value="住在3栋"' in response.content.decode()
    assert not applicant.registrations.exists()


def test_withdraw_own_pending(login, pending):
    login(pending.member.user).post(reverse("members:registration_withdraw", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.state == State.WITHDRAWN


def test_withdraw_someone_elses_is_404(login, member_user, other_pending):
    response = login(member_user).post(
        reverse("members:registration_withdraw", args=[other_pending.pk])
    )
    assert response.status_code == 404
    other_pending.refresh_from_db()
    assert other_pending.state == State.PENDING


def test_withdraw_needs_post(login, pending):
    response = login(pending.member.user).get(
        reverse("members:registration_withdraw", args=[pending.pk])
    )
    assert response.status_code == 405


# ------------------------------------------------------------------------------------------
# Staff pages
# ------------------------------------------------------------------------------------------
def test_staff_home_lists_pending_registrations_of_their_community(
    login, staff, pending, other_pending
):
    response = login(staff).get(reverse("portal:staff_home"))
    assert [r.pk for r in response.context["pending"]] == [pending.pk]


def test_staff_confirm(login, staff, pending):
    response = login(staff).post(reverse("members:registration_confirm", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == State.CONFIRMED


def test_staff_confirm_with_htmx_returns_the_row(login, staff, pending):
    response = login(staff).post(
        reverse("members:registration_confirm", args=[pending.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="registration-{pending.pk}"' in response.content.decode()


def test_staff_decline_with_reason(login, staff, pending):
    login(staff).post(
        reverse("members:registration_decline", args=[pending.pk]), {"reason": "不在本社区"}
    )
    pending.refresh_from_db()
    assert (pending.state, pending.decline_reason) == (State.DECLINED, "不在本社区")


def test_staff_decline_without_reason_keeps_it_pending(login, staff, pending):
    response = login(staff).post(
        reverse("members:registration_decline", args=[pending.pk]),
        {"reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == State.PENDING


@pytest.mark.parametrize("view", ["members:registration_confirm", "members:registration_decline"])
@pytest.mark.parametrize(
    "role", ["other_staff", "member", "org_admin", "committee_admin", "outsider"]
)
def test_deciding_another_communitys_registration_is_404(client_as, pending, view, role):
    response = client_as(role).post(reverse(view, args=[pending.pk]), {"reason": "x"})
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.state == State.PENDING


def test_deciding_twice_shows_a_message(login, staff, pending):
    client = login(staff)
    client.post(reverse("members:registration_confirm", args=[pending.pk]))
    response = client.post(
        reverse("members:registration_decline", args=[pending.pk]), {"reason": "x"}, follow=True
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.state == State.CONFIRMED


def test_staff_members_shows_phone_in_full_to_their_staff(login, staff, member):
    content = login(staff).get(reverse("members:staff_members")).content.decode()
    assert "13812345678" in content


def test_staff_members_masks_phone_without_permission(login, staff, member, monkeypatch):
    from members import views

    monkeypatch.setattr(
        views, "can", lambda user, action, obj=None: action != "members.member.view_phone"
    )
    content = login(staff).get(reverse("members:staff_members")).content.decode()
    assert "13812345678" not in content
    assert "138****5678" in content


def test_staff_members_lists_only_confirmed_members_of_their_community(
    login, staff, member, other_member, pending
):
    page = login(staff).get(reverse("members:staff_members")).context["page"]
    assert [m.pk for m in page] == [member.pk]


def test_staff_home_shows_partnerships(login, staff, partnership, other_partnership):
    response = login(staff).get(reverse("portal:staff_home"))
    assert response.context["partnerships"] == [partnership]


def test_partnership_list_is_scoped(login, org_admin, partnership, other_partnership):
    page = login(org_admin).get(reverse("members:partnership_list")).context["page"]
    assert list(page) == [partnership]


@pytest.fixture
def partnership_with_agreement(partnership):
    from django.core.files.base import ContentFile

    partnership.agreement_file.save("协议.pdf", ContentFile(b"%PDF-1.4 agreement"))
    return partnership


@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff", 200), ("org_admin", 200), ("other_staff", 404), ("member", 404)],
)
def test_agreement_download(client_as, partnership_with_agreement, role, expected):
    url = reverse("members:partnership_agreement", args=[partnership_with_agreement.pk])
    response = client_as(role).get(url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_agreement_download_without_a_file_is_404(login, staff, partnership):
    url = reverse("members:partnership_agreement", args=[partnership.pk])
    assert login(staff).get(url).status_code == 404


def test_full_phones_shown_to_staff_are_logged(login, staff, member, caplog):
    with caplog.at_level("INFO", logger="personal_data"):
        login(staff).get(reverse("members:staff_members"))
    assert f"viewed member phones ids=[{member.pk}]" in caplog.text


def test_staff_are_notified_of_a_new_request(
    login, applicant, community, staff, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        login(applicant.user).post(
            reverse("portal:registration_create"), {**once(), "community": community.pk}
        )
    assert staff.notifications.count() == 1
    assert mailoutbox[0].to == [staff.email]


def test_a_partnership_stops_counting_when_its_term_ends(client, partnership):
    import datetime

    import time_machine

    day_after = datetime.datetime.combine(
        partnership.term_end + datetime.timedelta(days=1), datetime.time(12)
    ).replace(tzinfo=datetime.UTC)
    assert client.get(reverse("portal:home")).context["figures"]["organizations"] == 1
    with time_machine.travel(day_after, tick=False):
        cache.clear()  # the home's figures are kept five minutes (the page says as of when)
        assert client.get(reverse("portal:home")).context["figures"]["organizations"] == 0


def test_a_search_without_results_offers_every_community(client, community):
    response = client.get(reverse("members:community_list"), {"q": "不存在的社区"})
    assert "查看全部社区" in response.content.decode()


def test_a_registration_sent_twice_is_one_request_and_says_so(login, applicant, community):
    """Issue 9: a double click or a resend of the registration form makes one request, and the
    second sending is told it was already sent instead of an error."""
    client = login(applicant.user)
    data = {**once(), "community": community.pk, "note": "3栋"}
    client.post(reverse("portal:registration_create"), data)
    response = client.post(reverse("portal:registration_create"), data, follow=True)
    assert applicant.registrations.count() == 1
    shown = [str(m) for m in response.context["messages"]]
    assert any("已经提交过" in m and community.name in m for m in shown)
