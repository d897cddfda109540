"""Residents' data and claims: who may claim, who sees what, and every showing logged."""

import pytest
from django.urls import reverse

from members.claimants import ClaimantKind
from tests import factories as f
from tests.wishes.factories import ResidentFactory, ServiceTeamFactory, WishFactory
from tests.wishes.test_services import soon
from wishes import services
from wishes.models import Claim, ContactAccessLog, Resident


# Who may claim -----------------------------------------------------------------------------
def test_an_organization_claims_only_where_it_is_paired(org_admin, party_committee, wish):
    with pytest.raises(services.WishError) as refused:
        services.wish_claim(
            wish=wish, by=org_admin, promised_date=soon(), organization=party_committee
        )
    assert refused.value.code == "not_paired_here"
    assert not Claim.objects.exists()


def test_a_branch_claims_where_its_party_committee_is_paired(paired, branch, wish):
    secretary = f.OrganizationAdminFactory(organization=branch).user
    claim = services.wish_claim(wish=wish, by=secretary, promised_date=soon(), organization=branch)
    assert claim.claimant_kind == ClaimantKind.ORGANIZATION


def test_an_admin_of_the_committee_above_cannot_claim_for_the_organization_below(
    paired, committee_admin, party_committee, wish
):
    with pytest.raises(services.WishError) as refused:
        services.wish_claim(
            wish=wish, by=committee_admin, promised_date=soon(), organization=party_committee
        )
    assert refused.value.code == "not_org_admin"


def test_an_organization_holds_at_most_its_limit_of_open_claims(
    settings, paired, org_admin, party_committee, resident
):
    settings.WISH_MAX_OPEN_CLAIMS = {**settings.WISH_MAX_OPEN_CLAIMS, "organization": 2}
    wishes = [WishFactory(resident=resident) for _ in range(3)]
    for wish in wishes[:2]:
        services.wish_claim(
            wish=wish, by=org_admin, promised_date=soon(), organization=party_committee
        )
    with pytest.raises(services.WishError) as refused:
        services.wish_claim(
            wish=wishes[2], by=org_admin, promised_date=soon(), organization=party_committee
        )
    assert (refused.value.code, refused.value.params) == ("too_many_claims", {"limit": 2})


def test_a_team_holds_at_most_its_limit_of_open_claims(settings, member, community, resident):
    settings.WISH_MAX_OPEN_CLAIMS = {**settings.WISH_MAX_OPEN_CLAIMS, "team": 1}
    team = ServiceTeamFactory(captain=member, community=community)
    first, second = WishFactory(resident=resident), WishFactory(resident=resident)
    services.wish_claim(wish=first, by=member.user, promised_date=soon(), team=team)
    with pytest.raises(services.WishError) as refused:
        services.wish_claim(wish=second, by=member.user, promised_date=soon(), team=team)
    assert refused.value.code == "too_many_claims"


# What the public sees of a claim -------------------------------------------------------------
def test_the_public_sees_a_members_claim_by_the_masked_name_and_nothing_more(client, member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_fulfil(claim=claim, by=member.user, note="送到了3号楼张大爷家")
    html = client.get(wish.get_absolute_url()).content.decode()
    assert "张某" in html
    assert "张伟" not in html and "送到了3号楼" not in html and "承诺" not in html


def test_the_note_is_public_only_once_staff_approved_it(client, staff, member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_fulfil(claim=claim, by=member.user, note="和邻居一起修好了")
    services.wish_confirm(wish=wish, by=staff)
    assert "和邻居一起修好了" not in client.get(reverse("wishes:stories")).content.decode()
    assert "和邻居一起修好了" not in client.get(wish.get_absolute_url()).content.decode()
    other = WishFactory(resident=wish.resident)
    claim = services.wish_claim(wish=other, by=member.user, promised_date=soon())
    services.claim_fulfil(claim=claim, by=member.user, note="已经送到")
    services.wish_confirm(wish=other, by=staff, publish_note=True)
    assert "已经送到" in client.get(reverse("wishes:stories")).content.decode()
    assert "已经送到" in client.get(other.get_absolute_url()).content.decode()


def test_a_former_claimant_does_not_learn_who_claimed_after_them(login, member, neighbour, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_release(claim=claim, by=member.user)
    services.wish_claim(wish=wish, by=neighbour.user, promised_date=soon())
    html = login(member.user).get(wish.get_absolute_url()).content.decode()
    assert "历史记录" in html
    assert "王强" not in html and "wangqiang" not in html


# Residents in the admin ----------------------------------------------------------------------
def test_a_committee_admin_sees_the_wishes_in_admin_without_residents_names(
    login, committee_admin, wish
):
    client = login(committee_admin)
    listed = client.get(reverse("admin:wishes_wish_changelist")).content.decode()
    searched = client.get(
        reverse("admin:wishes_wish_changelist"), {"q": wish.resident.name}
    ).context["cl"]
    page = client.get(reverse("admin:wishes_wish_change", args=[wish.pk])).content.decode()
    assert wish.title in listed and wish.resident.name not in listed
    assert searched.result_count == 0
    assert wish.resident.name not in page


def test_the_wish_admin_never_names_a_resident_of_another_community(
    login, staff, wish, other_community
):
    stranger = ResidentFactory(community=other_community, name="赵秘密")
    url = reverse("admin:wishes_wish_change", args=[wish.pk])
    response = login(staff).post(
        url,
        {"title": wish.title, "category": wish.category, "resident": stranger.pk},
    )
    assert "赵秘密" not in response.content.decode()
    wish.refresh_from_db()
    assert wish.resident_id != stranger.pk


def test_a_contact_shown_again_on_a_refused_admin_save_is_logged_with_its_address(
    login, staff, resident
):
    url = reverse("admin:wishes_resident_change", args=[resident.pk])
    response = login(staff).post(url, {"name": ""}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200  # the form again, with the phone and address
    log = ContactAccessLog.objects.get()
    assert (log.resident, log.client_ip, log.purpose) == (resident, "203.0.113.9", "admin")


def test_the_contact_log_outlives_the_resident(login, staff, resident):
    login(staff).get(reverse("admin:wishes_resident_change", args=[resident.pk]))
    number = resident.pk
    Resident.objects.filter(pk=number).delete()
    log = ContactAccessLog.objects.get()
    assert (log.resident, log.resident_number) == (None, number)


def test_residents_are_found_by_the_last_4_digits_of_the_phone_not_the_whole_number(
    login, staff, resident
):
    client = login(staff)
    url = reverse("admin:wishes_resident_changelist")
    by_suffix = client.get(url, {"q": resident.phone[-4:]}).context["cl"].result_count
    by_number = client.get(url, {"q": resident.phone}).context["cl"].result_count
    assert (by_suffix, by_number) == (1, 0)


# Caching of pages with personal data ------------------------------------------------------------
def test_signed_in_pages_are_never_stored_by_a_cache(login, staff, wish):
    response = login(staff).get(wish.get_absolute_url())
    assert response["Cache-Control"] == "private, no-store"


def test_public_pages_leave_the_caching_to_the_site(client, wish):
    assert "no-store" not in client.get(wish.get_absolute_url()).get("Cache-Control", "")
