"""The Django admin: every model is there, rows are scoped by role, actions call the services."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.access import ScopedModelAdmin
from members.models import CommunityRegistration, Member
from tests import factories as f

State = CommunityRegistration.State


@pytest.mark.parametrize(
    "model",
    [m for a in ("members", "notifications") for m in apps.get_app_config(a).get_models()],
    ids=lambda m: m.__name__,
)
def test_every_model_has_a_scoped_admin(model):
    model_admin = admin.site._registry.get(model)
    assert isinstance(model_admin, ScopedModelAdmin)
    assert model_admin.search_fields
    if model.__name__ not in ("District", "ServiceCategory"):
        assert model_admin.list_filter


def _changelist(client, model):
    opts = model._meta
    return client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def test_org_admin_sees_only_members_of_their_subtree(login, org_admin, member, other_member):
    response = _changelist(login(org_admin), Member)
    assert list(response.context["cl"].result_list) == [member]


def test_committee_admin_sees_every_member_under_the_committee(
    login, committee_admin, member, other_member
):
    response = _changelist(login(committee_admin), Member)
    assert set(response.context["cl"].result_list) == {member, other_member}


def test_staff_see_only_their_communitys_registrations(login, staff, pending, other_pending):
    response = _changelist(login(staff), CommunityRegistration)
    rows = set(response.context["cl"].result_list)
    assert pending in rows and other_pending not in rows


def test_admin_shows_phone_masked_without_permission(login, org_admin, other_member, member):
    # The org admin administers `member` (full phone) but not others (masked).
    content = _changelist(login(org_admin), Member).content.decode()
    assert "13812345678" in content


def test_another_subtrees_member_is_not_found_in_admin(login, org_admin, other_member):
    url = reverse("admin:members_member_change", args=[other_member.pk])
    response = login(org_admin).get(url)
    # The admin treats an object outside the user's scope as missing: back to the index.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_member_cannot_use_the_admin(login, member_user):
    response = login(member_user).get(reverse("admin:index"))
    assert response.status_code == 302


def test_admin_confirm_action_calls_the_service(
    login, staff, pending, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff).post(
            reverse("admin:members_communityregistration_changelist"),
            {"action": "confirm_selected", "_selected_action": [pending.pk]},
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by) == (State.CONFIRMED, staff)
    assert pending.member.user.notifications.exists()  # the service notified the member


def test_admin_decline_action_asks_for_a_reason(login, staff, pending):
    client = login(staff)
    url = reverse("admin:members_communityregistration_changelist")
    response = client.post(url, {"action": "decline_selected", "_selected_action": [pending.pk]})
    assert response.status_code == 200  # the reason form
    pending.refresh_from_db()
    assert pending.state == State.PENDING
    client.post(
        url,
        {
            "action": "decline_selected",
            "_selected_action": [pending.pk],
            "apply": "1",
            "reason": "不在本社区居住",
        },
    )
    pending.refresh_from_db()
    assert (pending.state, pending.decline_reason) == (State.DECLINED, "不在本社区居住")


def test_admin_actions_skip_other_communities(login, staff, other_pending):
    # Even a forged id of another community's registration is left alone.
    login(staff).post(
        reverse("admin:members_communityregistration_changelist"),
        {"action": "confirm_selected", "_selected_action": [other_pending.pk]},
    )
    other_pending.refresh_from_db()
    assert other_pending.state == State.PENDING


def _partnership_post(org, community, upload):
    return {
        "organization": org.pk,
        "community": community.pk,
        "signed_on": "2025-01-01",
        "term_start": "2025-01-02",
        "term_end": "2027-01-01",
        "commitments": "共建",
        "agreement_file": upload,
    }


def test_org_admin_adds_a_partnership_with_an_agreement(
    login, org_admin, party_committee, community
):
    upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = login(org_admin).post(
        reverse("admin:members_partnership_add"),
        _partnership_post(party_committee, community, upload),
    )
    assert response.status_code == 302
    assert party_committee.partnerships.get().agreement_file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "content"),
    [("协议.exe", b"MZ..."), ("协议.pdf", b"MZ not a pdf")],
    ids=["wrong-type", "content-mismatch"],
)
def test_agreement_upload_is_validated(login, org_admin, party_committee, community, name, content):
    upload = SimpleUploadedFile(name, content)
    response = login(org_admin).post(
        reverse("admin:members_partnership_add"),
        _partnership_post(party_committee, community, upload),
    )
    assert response.status_code == 200
    assert "agreement_file" in response.context["adminform"].form.errors
    assert not party_committee.partnerships.exists()


def test_agreement_upload_size_is_limited(monkeypatch, party_committee, community):
    from members import forms

    monkeypatch.setattr(forms, "AGREEMENT_MAX_BYTES", 10)
    form = forms.PartnershipForm(
        data={k: v for k, v in _partnership_post(party_committee, community, None).items() if v},
        files={"agreement_file": SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 20)},
    )
    assert not form.is_valid()
    assert form.errors["agreement_file"]


def test_org_admin_cannot_pick_another_subtree_for_a_partnership(
    login, org_admin, other_party_committee, community
):
    upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 test")
    response = login(org_admin).post(
        reverse("admin:members_partnership_add"),
        _partnership_post(other_party_committee, community, upload),
    )
    assert response.status_code == 200
    assert not other_party_committee.partnerships.exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:members_member_changelist",
        "admin:members_communityregistration_changelist",
        "admin:members_partnership_changelist",
        "admin:members_community_changelist",
        "admin:members_organization_changelist",
        "admin:members_serviceteam_changelist",
        "admin:members_communitystaff_changelist",
        "admin:members_organizationadmin_changelist",
        "admin:members_user_changelist",
        "admin:notifications_notification_changelist",
    ],
)
def test_admin_lists_open_for_the_committee_admin(login, committee_admin, member, url_name):
    assert login(committee_admin).get(reverse(url_name)).status_code == 200


def test_admin_speaks_chinese(login, superuser):
    content = login(superuser).get(reverse("admin:index")).content.decode()
    assert "社区" in content


def test_staff_see_only_their_community_in_admin(login, staff, community, other_community):
    from members.models import Community

    response = _changelist(login(staff), Community)
    assert list(response.context["cl"].result_list) == [community]


def test_org_admin_sees_the_communities_they_are_paired_with(
    login, org_admin, partnership, other_partnership
):
    from members.models import Community

    response = _changelist(login(org_admin), Community)
    assert list(response.context["cl"].result_list) == [partnership.community]


def test_staff_see_only_their_communitys_teams(login, staff, member, other_member, community):
    from members.models import ServiceTeam

    cat = f.ServiceCategoryFactory(name="治安巡逻")
    ours = ServiceTeam.objects.create(
        name="甲队", category=cat, community=community, captain=member
    )
    ServiceTeam.objects.create(
        name="乙队",
        category=cat,
        community=other_member.registrations.get().community,
        captain=other_member,
    )
    response = _changelist(login(staff), ServiceTeam)
    assert list(response.context["cl"].result_list) == [ours]


# Choices on admin add pages: a role adds records only where it may work -----------------------
def test_staff_cannot_add_a_grid_to_another_community(login, staff, other_community):
    from members.models import Grid

    response = login(staff).post(
        reverse("admin:members_grid_add"), {"community": other_community.pk, "name": "一网格"}
    )
    assert response.status_code == 200
    assert not Grid.objects.exists()


def test_staff_add_a_grid_to_their_community(login, staff, community):
    response = login(staff).post(
        reverse("admin:members_grid_add"), {"community": community.pk, "name": "一网格"}
    )
    assert response.status_code == 302
    assert community.grids.get().name == "一网格"


def _team_post(community, captain, category):
    return {
        "name": "巡逻队",
        "category": category.pk,
        "community": community.pk if community else "",
        "captain": captain.pk,
        "description": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize("where", ["other", "none"])
def test_staff_cannot_create_a_team_outside_their_community(
    login, staff, member, other_community, where
):
    from members.models import ServiceTeam

    category = f.ServiceCategoryFactory()
    response = login(staff).post(
        reverse("admin:members_serviceteam_add"),
        _team_post(other_community if where == "other" else None, member, category),
    )
    assert response.status_code == 200
    assert not ServiceTeam.objects.exists()


def test_staff_cannot_add_a_member_to_another_communitys_team(
    login, staff, member, other_member, other_community
):
    from members.models import ServiceTeam, TeamMembership

    team = ServiceTeam.objects.create(
        name="乙队",
        category=f.ServiceCategoryFactory(),
        community=other_community,
        captain=other_member,
    )
    response = login(staff).post(
        reverse("admin:members_teammembership_add"),
        {"team": team.pk, "member": member.pk, "joined_at_0": "2026-01-01", "joined_at_1": "08:00"},
    )
    assert response.status_code == 200
    assert not TeamMembership.objects.exists()


def test_staff_record_a_partnership_of_their_community(login, staff, party_committee, community):
    response = login(staff).post(
        reverse("admin:members_partnership_add"),
        _partnership_post(party_committee, community, ""),
    )
    assert response.status_code == 302
    assert party_committee.partnerships.get().community == community


def test_staff_cannot_record_a_partnership_of_another_community(
    login, staff, party_committee, other_community
):
    response = login(staff).post(
        reverse("admin:members_partnership_add"),
        _partnership_post(party_committee, other_community, ""),
    )
    assert response.status_code == 200
    assert not party_committee.partnerships.exists()


def test_district_committee_admin_cannot_appoint_staff_outside_their_district(
    login, community, other_community, outsider
):
    from members.models import CommunityStaff

    committee = f.CommitteeFactory(district=community.subdistrict.district)
    admin_user = f.OrganizationAdminFactory(organization=committee).user
    # The committee's own account is the one user it can certainly pick.
    response = login(admin_user).post(
        reverse("admin:members_communitystaff_add"),
        {"user": admin_user.pk, "community": other_community.pk, "title": "主任"},
    )
    assert response.status_code == 200
    assert not CommunityStaff.objects.exists()


def test_admin_names_each_model_not_a_count_of_it(login, superuser):
    from members.models import Member, Subdistrict

    content = login(superuser).get(reverse("admin:index")).content.decode()
    assert str(Member._meta.verbose_name_plural) == "党员"
    assert str(Subdistrict._meta.verbose_name_plural) == "街道"
    assert "队员数" not in content and "街道数" not in content


# Organizations: admins edit their tree, not its place ------------------------------------------
def _organization_post(org, **changes):
    data = {
        "name": org.name,
        "kind": org.kind,
        "parent": org.parent_id or "",
        "district": org.district_id or "",
        "work_unit": org.work_unit,
    }
    return {**data, **changes}


def test_org_admin_cannot_turn_their_organization_into_a_working_committee(
    login, org_admin, party_committee
):
    from members.access import get_roles

    login(org_admin).post(
        reverse("admin:members_organization_change", args=[party_committee.pk]),
        _organization_post(party_committee, kind="committee", parent=""),
    )
    party_committee.refresh_from_db()
    assert party_committee.kind == "party_committee" and party_committee.parent_id
    assert not get_roles(org_admin).is_committee_admin


def test_org_admin_renames_their_own_organization(login, org_admin, party_committee):
    response = login(org_admin).post(
        reverse("admin:members_organization_change", args=[party_committee.pk]),
        _organization_post(party_committee, name="区教育局党委", work_unit="区教育局"),
    )
    assert response.status_code == 302
    party_committee.refresh_from_db()
    assert (party_committee.name, party_committee.work_unit) == ("区教育局党委", "区教育局")


def test_district_committee_admin_cannot_widen_their_district(login, community):
    district = community.subdistrict.district
    committee = f.CommitteeFactory(district=district)
    admin_user = f.OrganizationAdminFactory(organization=committee).user
    login(admin_user).post(
        reverse("admin:members_organization_change", args=[committee.pk]),
        _organization_post(committee, district=""),
    )
    committee.refresh_from_db()
    assert committee.district == district


def test_org_admin_adds_a_branch_but_not_a_committee(login, org_admin, party_committee):
    from members.models import Organization

    client = login(org_admin)
    url = reverse("admin:members_organization_add")
    base = {"name": "新党支部", "parent": party_committee.pk, "district": "", "work_unit": ""}
    client.post(url, {**base, "kind": "committee", "parent": ""})
    assert not Organization.objects.filter(name="新党支部").exists()
    assert client.post(url, {**base, "kind": "branch"}).status_code == 302
    assert Organization.objects.get(name="新党支部").parent == party_committee


def test_org_admin_cannot_move_a_member_profile_to_another_account(login, org_admin, member):
    # Their own account is one they can pick: the member's profile would become theirs.
    login(org_admin).post(
        reverse("admin:members_member_change", args=[member.pk]),
        {
            "user": org_admin.pk,
            "real_name": member.real_name,
            "phone": member.phone,
            "branch": member.branch_id,
            "residence_community": "",
            "skills": "",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
        },
    )
    member.refresh_from_db()
    assert member.user != org_admin


def test_staff_update_their_community_but_not_where_it_lies(login, staff, community):
    other_subdistrict = f.SubdistrictFactory()
    response = login(staff).post(
        reverse("admin:members_community_change", args=[community.pk]),
        {
            "subdistrict": other_subdistrict.pk,
            "name": community.name,
            "address": "解放大道2号",
            "phone": "",
            "description": "",
            "is_active": "",
            "grids-TOTAL_FORMS": "0",
            "grids-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.address == "解放大道2号"
    assert community.subdistrict != other_subdistrict and community.is_active


@pytest.mark.parametrize(
    "user_fixture", ["superuser", "committee_admin", "org_admin", "staff"], ids=str
)
def test_every_admin_page_of_the_foundation_opens_for_every_role(
    request, login, user_fixture, member, pending, partnership
):
    """Lists, add pages and change pages: allowed (200), refused (403) or absent (404/302),
    never a server error."""
    client = login(request.getfixturevalue(user_fixture))
    for model in admin.site._registry:
        if model._meta.app_label not in ("members", "notifications"):
            continue
        opts = model._meta
        urls = [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
        for url in urls:
            assert client.get(url).status_code in (200, 302, 403, 404), url


def test_admin_phone_column_answers_for_its_own_request(rf, org_admin, other_org_admin, member):
    from members.models import Member

    model_admin = admin.site._registry[Member]
    mine, theirs = rf.get("/"), rf.get("/")
    mine.user, theirs.user = org_admin, other_org_admin
    columns = model_admin.get_list_display(mine)
    model_admin.get_list_display(theirs)  # another request, maybe another thread, meanwhile
    phone = columns[1]  # after the name
    shown = getattr(model_admin, phone)(member) if isinstance(phone, str) else phone(member)
    assert shown == "13812345678"


def test_staff_see_only_their_communitys_registrations_of_a_member(
    login, staff, member, other_community
):
    from members.models import CommunityRegistration

    CommunityRegistration.objects.create(
        member=member, community=other_community, state=State.DECLINED, decline_reason="不在本社区"
    )
    response = login(staff).get(reverse("admin:members_member_change", args=[member.pk]))
    inline = next(
        f
        for f in response.context["inline_admin_formsets"]
        if f.opts.model is CommunityRegistration
    )
    assert other_community not in {r.community for r in inline.formset.queryset}
    assert other_community.name not in response.content.decode()


def test_committee_admin_appoints_a_newly_signed_up_worker_as_staff(
    login, committee_admin, community
):
    from members.models import CommunityStaff

    newcomer = f.UserFactory(username="xinlai")
    client = login(committee_admin)
    found = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "members",
            "model_name": "communitystaff",
            "field_name": "user",
            "term": "xin",
        },
    ).json()["results"]
    assert [r["id"] for r in found] == [str(newcomer.pk)]
    response = client.post(
        reverse("admin:members_communitystaff_add"),
        {"user": newcomer.pk, "community": community.pk, "title": "网格员"},
    )
    assert response.status_code == 302
    assert CommunityStaff.objects.get(user=newcomer).community == community


def test_an_organization_admin_does_not_see_accounts_outside_their_members(login, org_admin):
    from members.models import User

    f.UserFactory(username="xinlai")
    response = _changelist(login(org_admin), User)
    assert [u.username for u in response.context["cl"].result_list] == [org_admin.username]


def test_staff_see_the_organizations_paired_with_their_community(
    login, staff, partnership, other_partnership
):
    from members.models import Organization

    response = _changelist(login(staff), Organization)
    assert list(response.context["cl"].result_list) == [partnership.organization]
