"""Every transition of a wish, through the services, and every illegal one refused."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.images import image_process
from records.models import ServiceRecord
from tests.wishes.conftest import make_image
from tests.wishes.factories import (
    ClaimFactory,
    ServiceTeamFactory,
    TeamMembershipFactory,
    WishFactory,
)
from wishes import services
from wishes.models import Claim, ProofPhoto, Wish, WishTransition
from wishes.services import WishError

pytestmark = pytest.mark.django_db

S = Wish.State


def soon(days=5):
    return timezone.localdate() + datetime.timedelta(days=days)


def last_transition(wish):
    return WishTransition.objects.filter(wish=wish).order_by("-at", "-pk").first()


def fulfilled(wish, member):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_fulfil(claim=claim, by=member.user, note="送到家里了")
    wish.refresh_from_db()
    return claim


def test_staff_post_publishes_and_records_the_first_transition(staff, community, resident):
    wish = services.wish_post(community=community, resident=resident, by=staff, title="一袋大米")
    assert wish.state == S.PUBLISHED
    t = last_transition(wish)
    assert (t.from_state, t.to_state, t.by) == ("", S.PUBLISHED, staff)


def test_post_refuses_a_resident_of_another_community(staff, other_community, resident):
    with pytest.raises(WishError) as error:
        services.wish_post(community=other_community, resident=resident, by=staff, title="x")
    assert error.value.code == "wrong_community"


def test_public_submission_waits_for_review(community):
    wish = services.wish_submit_public(
        community=community, name="赵大妈", phone="13700001111", address="1号楼", title="理发"
    )
    assert wish.state == S.SUBMITTED
    assert wish.source == Wish.Source.PUBLIC
    assert wish.resident.community == community
    assert last_transition(wish).by is None


def test_staff_publish_a_submitted_wish(staff, wish):
    Wish.objects.filter(pk=wish.pk).update(state=S.SUBMITTED)
    wish.refresh_from_db()
    services.wish_publish(wish=wish, by=staff)
    wish.refresh_from_db()
    assert wish.state == S.PUBLISHED and wish.published_at
    assert last_transition(wish).to_state == S.PUBLISHED


def test_reject_needs_a_reason_and_records_it(staff, wish):
    Wish.objects.filter(pk=wish.pk).update(state=S.SUBMITTED)
    with pytest.raises(WishError) as error:
        services.wish_reject(wish=wish, by=staff, reason=" ")
    assert error.value.code == "reason_required"
    services.wish_reject(wish=wish, by=staff, reason="不属于本社区")
    t = last_transition(wish)
    assert (t.from_state, t.to_state, t.reason) == (S.SUBMITTED, S.REJECTED, "不属于本社区")


def test_publishing_a_published_wish_is_refused(staff, wish):
    with pytest.raises(WishError) as error:
        services.wish_publish(wish=wish, by=staff)
    assert error.value.code == "not_submitted"


def test_member_claims_a_published_wish(member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    wish.refresh_from_db()
    assert wish.state == S.CLAIMED
    assert claim.member == member and claim.state == Claim.State.ACTIVE
    t = last_transition(wish)
    assert (t.from_state, t.to_state, t.by, t.claim) == (S.PUBLISHED, S.CLAIMED, member.user, claim)


def test_second_claim_is_told_someone_was_first(member, neighbour, wish):
    services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wish, by=neighbour.user, promised_date=soon())
    assert error.value.code == "already_claimed"
    assert str(error.value.message) == "其他人抢先了一步：这个心愿刚刚被认领。"
    assert Claim.objects.filter(wish=wish).count() == 1


def test_the_database_refuses_a_second_open_claim(member, other_member, wish):
    from django.db import IntegrityError, transaction

    ClaimFactory(wish=wish, member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(wish=wish, member=other_member)


def test_member_of_another_community_cannot_claim(other_member, wish):
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wish, by=other_member.user, promised_date=soon())
    assert error.value.code == "not_registered_here"
    wish.refresh_from_db()
    assert wish.state == S.PUBLISHED and not wish.claims.exists()


def test_team_of_another_community_cannot_claim(member, other_community, wish):
    team = ServiceTeamFactory(captain=member, community=other_community)
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wish, by=member.user, promised_date=soon(), team=team)
    assert error.value.code == "team_elsewhere"


def test_claim_on_a_wish_not_published_is_refused(member, wish):
    Wish.objects.filter(pk=wish.pk).update(state=S.CANCELLED)
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    assert error.value.code == "not_published"


def test_claim_with_a_past_promised_date_is_refused(member, wish):
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wish, by=member.user, promised_date=soon(-1))
    assert error.value.code == "promised_in_past"


def test_claim_promised_after_the_deadline_is_refused(member, wish):
    with pytest.raises(WishError) as error:
        services.wish_claim(
            wish=wish, by=member.user, promised_date=wish.deadline + datetime.timedelta(days=1)
        )
    assert error.value.code == "promised_after_deadline"


def test_a_user_without_member_profile_cannot_claim_for_themselves(outsider, wish):
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wish, by=outsider, promised_date=soon())
    assert error.value.code == "no_member_profile"


def test_member_holds_at_most_the_configured_open_claims(settings, member, resident):
    settings.WISH_MAX_OPEN_CLAIMS = {**settings.WISH_MAX_OPEN_CLAIMS, "member": 2}
    wishes = [WishFactory(resident=resident) for _ in range(3)]
    services.wish_claim(wish=wishes[0], by=member.user, promised_date=soon())
    services.wish_claim(wish=wishes[1], by=member.user, promised_date=soon())
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wishes[2], by=member.user, promised_date=soon())
    assert error.value.code == "too_many_claims"
    assert "2" in str(error.value.message)
    wishes[2].refresh_from_db()
    assert wishes[2].state == S.PUBLISHED


def test_captain_claims_for_the_team(member, wish):
    team = ServiceTeamFactory(captain=member)
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon(), team=team)
    assert claim.claimant_kind == Claim.ClaimantKind.TEAM and claim.team == team


def test_a_team_member_who_is_not_captain_cannot_claim_for_the_team(member, other_member, wish):
    team = ServiceTeamFactory(captain=other_member)
    TeamMembershipFactory(team=team, member=member)
    with pytest.raises(WishError) as error:
        services.wish_claim(wish=wish, by=member.user, promised_date=soon(), team=team)
    assert error.value.code == "not_captain"


def test_org_admin_claims_for_their_organization(org_admin, party_committee, wish, paired):
    claim = services.wish_claim(
        wish=wish, by=org_admin, promised_date=soon(), organization=party_committee
    )
    assert claim.claimant_kind == Claim.ClaimantKind.ORGANIZATION
    assert claim.organization == party_committee


def test_org_admin_cannot_claim_for_another_organization(org_admin, other_party_committee, wish):
    with pytest.raises(WishError) as error:
        services.wish_claim(
            wish=wish, by=org_admin, promised_date=soon(), organization=other_party_committee
        )
    assert error.value.code == "not_org_admin"


def test_claimant_releases_and_the_wish_is_open_again(member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_release(claim=claim, by=member.user, reason="临时出差")
    wish.refresh_from_db()
    claim.refresh_from_db()
    assert wish.state == S.PUBLISHED and claim.state == Claim.State.RELEASED
    t = last_transition(wish)
    assert (t.from_state, t.to_state, t.reason) == (S.CLAIMED, S.PUBLISHED, "临时出差")


def test_releasing_twice_is_refused(member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_release(claim=claim, by=member.user)
    with pytest.raises(WishError) as error:
        services.claim_release(claim=claim, by=member.user)
    assert error.value.code == "not_claimed"


def test_claimant_fulfils_with_note_and_photos(member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    photo = image_process(make_image())
    services.claim_fulfil(claim=claim, by=member.user, note="已送达", photos=[photo])
    wish.refresh_from_db()
    claim.refresh_from_db()
    assert wish.state == S.FULFILLED
    assert claim.state == Claim.State.FULFILLED and claim.fulfilment_note == "已送达"
    assert ProofPhoto.objects.filter(claim=claim, is_approved=False).count() == 1


def test_fulfil_needs_a_note(member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    with pytest.raises(WishError) as error:
        services.claim_fulfil(claim=claim, by=member.user, note="")
    assert error.value.code == "note_required"


def test_fulfilling_notifies_the_community_staff(
    member, staff, wish, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        fulfilled(wish, member)
    assert Notification.objects.filter(user=staff, key__endswith=":fulfilled").exists()


def test_staff_send_back_returns_it_to_the_claimant(member, staff, wish):
    claim = fulfilled(wish, member)
    services.wish_send_back(wish=wish, by=staff, reason="照片看不清")
    wish.refresh_from_db()
    claim.refresh_from_db()
    assert wish.state == S.CLAIMED
    assert claim.state == Claim.State.ACTIVE and claim.sent_back_reason == "照片看不清"
    assert last_transition(wish).reason == "照片看不清"


def test_send_back_needs_a_reason(member, staff, wish):
    fulfilled(wish, member)
    with pytest.raises(WishError) as error:
        services.wish_send_back(wish=wish, by=staff, reason="")
    assert error.value.code == "reason_required"


def test_confirm_completes_and_records_service_for_the_member(member, staff, wish):
    claim = fulfilled(wish, member)
    services.wish_confirm(wish=wish, by=staff, hours=Decimal("3"))
    wish.refresh_from_db()
    claim.refresh_from_db()
    assert wish.state == S.COMPLETED and wish.completed_at and wish.service_hours == 3
    assert claim.state == Claim.State.COMPLETED
    record = ServiceRecord.objects.get(member=member)
    assert (record.source_key, record.kind, record.source, record.hours) == (
        f"wish:{wish.pk}",
        "wish",
        "wish",
        Decimal("3.0"),
    )
    assert record.community == wish.community


def test_confirm_records_service_for_every_ticked_team_member(member, staff, wish):
    team = ServiceTeamFactory(captain=member)
    helper = TeamMembershipFactory(team=team).member
    bystander = TeamMembershipFactory(team=team).member
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon(), team=team)
    services.claim_fulfil(claim=claim, by=member.user, note="队员一起送去")
    services.wish_confirm(wish=wish, by=staff, participants=[member, helper])
    assert set(ServiceRecord.objects.values_list("member", flat=True)) == {member.pk, helper.pk}
    assert not ServiceRecord.objects.filter(member=bystander).exists()


def test_confirm_refuses_a_participant_outside_the_team(member, other_member, staff, wish):
    team = ServiceTeamFactory(captain=member)
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon(), team=team)
    services.claim_fulfil(claim=claim, by=member.user, note="好了")
    with pytest.raises(WishError) as error:
        services.wish_confirm(wish=wish, by=staff, participants=[other_member])
    assert error.value.code == "bad_participant"
    wish.refresh_from_db()
    assert wish.state == S.FULFILLED


def test_confirm_of_an_organization_claim_needs_participants(
    org_admin, party_committee, staff, wish, paired
):
    claim = services.wish_claim(
        wish=wish, by=org_admin, promised_date=soon(), organization=party_committee
    )
    services.claim_fulfil(claim=claim, by=org_admin, note="单位志愿者送达")
    with pytest.raises(WishError) as error:
        services.wish_confirm(wish=wish, by=staff, participants=[])
    assert error.value.code == "no_participants"


def test_confirm_records_service_for_organization_members(
    member, org_admin, party_committee, staff, wish, paired
):
    claim = services.wish_claim(
        wish=wish, by=org_admin, promised_date=soon(), organization=party_committee
    )
    services.claim_fulfil(claim=claim, by=org_admin, note="单位志愿者送达")
    services.wish_confirm(wish=wish, by=staff, participants=[member])
    assert ServiceRecord.objects.get().member == member


def test_confirm_rejects_bad_hours(member, staff, wish):
    fulfilled(wish, member)
    with pytest.raises(WishError) as error:
        services.wish_confirm(wish=wish, by=staff, hours=Decimal("30"))
    assert error.value.code == "bad_hours"


def test_confirming_twice_is_refused_and_counts_service_once(member, staff, wish):
    fulfilled(wish, member)
    services.wish_confirm(wish=wish, by=staff)
    with pytest.raises(WishError) as error:
        services.wish_confirm(wish=wish, by=staff)
    assert error.value.code == "not_fulfilled"
    assert ServiceRecord.objects.count() == 1


def test_confirm_approves_the_ticked_photos(member, staff, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    photos = [image_process(make_image()), image_process(make_image(color=(0, 0, 200)))]
    services.claim_fulfil(claim=claim, by=member.user, note="好了", photos=photos)
    first, second = ProofPhoto.objects.order_by("pk")
    services.wish_confirm(wish=wish, by=staff, approved_photo_ids=[first.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_approved and not second.is_approved


def test_satisfaction_is_recorded_on_a_completed_wish(member, staff, wish):
    fulfilled(wish, member)
    services.wish_confirm(wish=wish, by=staff)
    services.wish_record_satisfaction(wish=wish, by=staff, score=5, comment="非常感谢")
    wish.refresh_from_db()
    assert (wish.satisfaction, wish.satisfaction_comment) == (5, "非常感谢")


@pytest.mark.parametrize("score", [0, 6, "5"])
def test_satisfaction_out_of_range_is_refused(member, staff, wish, score):
    fulfilled(wish, member)
    services.wish_confirm(wish=wish, by=staff)
    with pytest.raises(WishError) as error:
        services.wish_record_satisfaction(wish=wish, by=staff, score=score)
    assert error.value.code == "bad_score"


def test_satisfaction_before_completion_is_refused(staff, wish):
    with pytest.raises(WishError) as error:
        services.wish_record_satisfaction(wish=wish, by=staff, score=4)
    assert error.value.code == "not_completed"


def test_cancel_a_claimed_wish_ends_the_claim(member, staff, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.wish_cancel(wish=wish, by=staff, reason="居民已搬走")
    wish.refresh_from_db()
    claim.refresh_from_db()
    assert wish.state == S.CANCELLED and claim.state == Claim.State.CANCELLED
    assert last_transition(wish).reason == "居民已搬走"


def test_cancel_a_completed_wish_is_refused(member, staff, wish):
    fulfilled(wish, member)
    services.wish_confirm(wish=wish, by=staff)
    with pytest.raises(WishError) as error:
        services.wish_cancel(wish=wish, by=staff, reason="误操作")
    assert error.value.code == "cannot_cancel"


def test_cancel_needs_a_reason(staff, wish):
    with pytest.raises(WishError) as error:
        services.wish_cancel(wish=wish, by=staff, reason="")
    assert error.value.code == "reason_required"


def test_an_unclaimed_wish_past_its_deadline_expires(wish):
    Wish.objects.filter(pk=wish.pk).update(deadline=soon(-1))
    assert services.wish_expire(wish=wish)
    wish.refresh_from_db()
    assert wish.state == S.EXPIRED
    assert last_transition(wish).to_state == S.EXPIRED


def test_a_wish_before_its_deadline_does_not_expire(wish):
    assert not services.wish_expire(wish=wish)


def test_contact_access_is_logged(staff, wish):
    log = services.contact_access_record(user=staff, wish=wish)
    assert (log.user, log.resident, log.wish, log.community) == (
        staff,
        wish.resident,
        wish,
        wish.community,
    )


def test_resident_is_reused_across_wishes(staff, community, resident):
    a = services.wish_post(community=community, resident=resident, by=staff, title="米")
    b = services.wish_post(community=community, resident=resident, by=staff, title="油")
    assert a.resident_id == b.resident_id == resident.pk
    assert resident.wishes.count() == 2


def test_error_messages_are_translated_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert WishError("already_claimed").message == (
            "Someone else was first: this wish has just been claimed."
        )


def test_hardship_categories_are_seeded():
    from wishes.models import HardshipCategory

    names = set(HardshipCategory.objects.values_list("name", flat=True))
    assert {"一老一少一特", "低保", "残疾", "留守儿童", "空巢老人", "困难党员"} <= names


def test_resident_is_anonymized_as_surname_and_mou(resident):
    assert resident.anonymized_name == "李某"


def test_editing_a_wish_someone_just_claimed_keeps_the_claim(staff, member, wish):
    stale = Wish.objects.get(pk=wish.pk)
    services.wish_claim(wish=wish, by=member.user, promised_date=wish.deadline)
    with pytest.raises(WishError) as error:
        services.wish_update(wish=stale, by=staff, title="新标题")
    assert error.value.code == "not_editable"
    wish.refresh_from_db()
    assert wish.state == Wish.State.CLAIMED and wish.title != "新标题"


def test_editing_a_wish_writes_only_the_edited_fields(staff, wish):
    stale = Wish.objects.get(pk=wish.pk)
    Wish.objects.filter(pk=wish.pk).update(description="别处改的")
    services.wish_update(wish=stale, by=staff, title="新标题")
    wish.refresh_from_db()
    assert (wish.title, wish.description) == ("新标题", "别处改的")
