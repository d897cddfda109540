"""Every service of the members app: the only code that changes registrations and profiles."""

import pytest
from django.db import IntegrityError, transaction

from members import services
from members.models import CommunityRegistration, Member, Partnership
from tests import factories as f

State = CommunityRegistration.State


def test_registration_request_creates_a_pending_registration(applicant, community):
    r = services.registration_request(member=applicant, community=community, note="住在3栋")
    assert (r.state, r.community, r.note) == (State.PENDING, community, "住在3栋")


def test_registration_request_needs_a_member_profile(community):
    with pytest.raises(services.MembersError) as exc:
        services.registration_request(member=None, community=community)
    assert exc.value.code == "no_member_profile"


def test_registration_request_refuses_an_inactive_community(applicant):
    closed = f.CommunityFactory(is_active=False)
    with pytest.raises(services.MembersError) as exc:
        services.registration_request(member=applicant, community=closed)
    assert exc.value.code == "community_inactive"


def test_a_member_has_at_most_one_pending_request(applicant, community, other_community):
    services.registration_request(member=applicant, community=community)
    with pytest.raises(services.MembersError) as exc:
        services.registration_request(member=applicant, community=other_community)
    assert exc.value.code == "already_pending"


def test_registering_again_where_already_registered_is_refused(member, community):
    with pytest.raises(services.MembersError) as exc:
        services.registration_request(member=member, community=community)
    assert exc.value.code == "already_registered_here"


def test_the_database_allows_one_pending_registration_per_member(applicant, community):
    f.RegistrationFactory(member=applicant, community=community)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommunityRegistration.objects.create(member=applicant, community=f.CommunityFactory())


def test_the_database_allows_one_confirmed_registration_per_member(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ConfirmedRegistrationFactory(member=member, community=f.CommunityFactory())


def test_confirm_makes_the_registration_confirmed(pending, staff):
    r = services.registration_confirm(registration=pending, by=staff)
    assert (r.state, r.decided_by) == (State.CONFIRMED, staff)
    assert r.decided_at is not None


def test_confirm_notifies_the_member_by_email(
    pending, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration=pending, by=staff)
    assert pending.member.user.notifications.count() == 1
    assert len(mailoutbox) == 1
    assert pending.community.name in mailoutbox[0].subject


def test_moving_community_ends_the_old_registration_and_keeps_history(
    member, community, other_community, other_staff
):
    move = services.registration_request(member=member, community=other_community)
    services.registration_confirm(registration=move, by=other_staff)
    states = dict(member.registrations.values_list("community_id", "state"))
    assert states == {community.pk: State.ENDED, other_community.pk: State.CONFIRMED}
    old = member.registrations.get(community=community)
    assert old.ended_at is not None


def test_confirm_twice_is_refused(pending, staff):
    services.registration_confirm(registration=pending, by=staff)
    with pytest.raises(services.MembersError) as exc:
        services.registration_confirm(registration=pending, by=staff)
    assert exc.value.code == "not_pending"


def test_decline_records_the_reason(pending, staff):
    r = services.registration_decline(registration=pending, by=staff, reason="不在本社区居住")
    assert (r.state, r.decline_reason, r.decided_by) == (State.DECLINED, "不在本社区居住", staff)


def test_decline_after_confirm_is_refused(pending, staff):
    services.registration_confirm(registration=pending, by=staff)
    with pytest.raises(services.MembersError) as exc:
        services.registration_decline(registration=pending, by=staff, reason="x")
    assert exc.value.code == "not_pending"


def test_a_declined_member_may_ask_again(pending, staff):
    services.registration_decline(registration=pending, by=staff, reason="资料不全")
    again = services.registration_request(member=pending.member, community=pending.community)
    assert again.state == State.PENDING


def test_withdraw_a_pending_request(pending):
    r = services.registration_withdraw(registration=pending, by=pending.member.user)
    assert r.state == State.WITHDRAWN


def test_withdraw_a_decided_request_is_refused(pending, staff):
    services.registration_confirm(registration=pending, by=staff)
    with pytest.raises(services.MembersError) as exc:
        services.registration_withdraw(registration=pending, by=pending.member.user)
    assert exc.value.code == "not_pending"


def test_registration_end(member):
    r = member.active_registration()
    services.registration_end(registration=r)
    r.refresh_from_db()
    assert r.state == State.ENDED and r.ended_at is not None


def test_profile_save_creates_a_member_with_categories(outsider, branch, community):
    cats = [f.ServiceCategoryFactory(name="法律咨询"), f.ServiceCategoryFactory(name="助老助残")]
    m = services.member_profile_save(
        user=outsider,
        real_name=" 欧阳娜娜 ",
        phone="13900001111",
        branch=branch,
        residence_community=community,
        skills="法律",
        service_categories=cats,
    )
    assert (m.real_name, m.branch, m.residence_community) == ("欧阳娜娜", branch, community)
    assert set(m.service_categories.all()) == set(cats)


def test_profile_save_updates_the_existing_member(member, branch):
    services.member_profile_save(
        user=member.user, real_name="张伟", phone="13800000000", branch=branch
    )
    assert Member.objects.filter(user=member.user).count() == 1
    member.refresh_from_db()
    assert member.phone == "13800000000"


def test_profile_save_refuses_a_non_branch(outsider, party_committee):
    with pytest.raises(services.MembersError) as exc:
        services.member_profile_save(
            user=outsider, real_name="王", phone="13900001111", branch=party_committee
        )
    assert exc.value.code == "not_a_branch"


def test_partnership_create(party_committee, community):
    p = f.PartnershipFactory.build(organization=party_committee, community=community)
    created = services.partnership_create(
        organization=party_committee,
        community=community,
        signed_on=p.signed_on,
        term_start=p.term_start,
        term_end=p.term_end,
        commitments="共建",
    )
    assert Partnership.objects.filter(pk=created.pk).exists()


def test_partnership_term_must_end_after_start(party_committee, community):
    p = f.PartnershipFactory.build()
    with pytest.raises(services.MembersError) as exc:
        services.partnership_create(
            organization=party_committee,
            community=community,
            signed_on=p.signed_on,
            term_start=p.term_end,
            term_end=p.term_start,
        )
    assert exc.value.code == "term_order"


def test_partnership_duplicate_term_is_refused(partnership):
    with pytest.raises(services.MembersError) as exc:
        services.partnership_create(
            organization=partnership.organization,
            community=partnership.community,
            signed_on=partnership.signed_on,
            term_start=partnership.term_start,
            term_end=partnership.term_end,
        )
    assert exc.value.code == "partnership_exists"


def test_every_error_code_has_a_message():
    for code in services.MembersError.messages:
        assert services.MembersError(code).message
