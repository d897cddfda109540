"""Each state change of an order, by the one service that makes it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import ServiceTeam
from notifications.models import Notification
from orders import services
from orders.models import Dispatch, OrderTransition, ServiceOrder
from orders.services import OrderError
from records.models import ServiceRecord
from tests import factories as f

S = ServiceOrder.State
pytestmark = pytest.mark.django_db


def _team(community, captain):
    return ServiceTeam.objects.create(
        name="理发队", community=community, captain=captain, category=f.ServiceCategoryFactory()
    )


def test_a_resident_order_gets_a_code_deadlines_and_waits_for_acceptance(staff, order):
    assert order.state == S.SUBMITTED
    assert len(order.code) == 8
    assert order.accept_due_at > order.created_at
    assert order.complete_due_at > order.accept_due_at
    assert order.requester.phone == "13900001111"
    assert OrderTransition.objects.filter(order=order, to_state=S.SUBMITTED).exists()
    assert Notification.objects.filter(user=staff, key=f"order:{order.pk}:submitted").exists()


def test_the_same_resident_ordering_again_is_one_requester(order, item):
    again = services.order_submit(item=item, name="李秀英", phone="13900001111")
    assert again.requester_id == order.requester_id
    assert again.code != order.code


def test_staff_enter_a_phone_order_for_their_community_only(item, staff, other_staff):
    order = services.order_submit(
        item=item, name="赵大爷", phone="13600003333", channel="phone", by=staff
    )
    assert order.channel == "phone" and order.created_by == staff
    with pytest.raises(OrderError) as error:
        services.order_submit(item=item, name="赵大爷", phone="13600003333", by=other_staff)
    assert error.value.code == "not_permitted"


def test_an_item_no_longer_offered_cannot_be_ordered(item):
    item.is_active = False
    item.save()
    with pytest.raises(OrderError) as error:
        services.order_submit(item=item, name="李秀英", phone="13900001111")
    assert error.value.code == "inactive_item"


def test_staff_accept(order, staff):
    services.order_accept(order=order, by=staff)
    assert order.state == S.ACCEPTED and order.accepted_at is not None


def test_accepting_twice_is_refused(accepted, staff):
    with pytest.raises(OrderError) as error:
        services.order_accept(order=accepted, by=staff)
    assert error.value.code == "not_submitted"


def test_reject_needs_a_reason_the_resident_reads(order, staff):
    with pytest.raises(OrderError) as error:
        services.order_reject(order=order, by=staff, reason=" ")
    assert error.value.code == "reason_required"
    services.order_reject(order=order, by=staff, reason="不在服务范围")
    assert order.state == S.REJECTED and order.reason == "不在服务范围"


def test_other_staff_may_not_accept(order, other_staff):
    with pytest.raises(OrderError):
        services.order_accept(order=order, by=other_staff)


def test_dispatch_offers_to_a_member_with_an_answer_deadline(offered, member):
    assert offered.order.state == S.DISPATCHED
    assert offered.state == Dispatch.State.OFFERED and offered.member == member
    assert offered.respond_by > timezone.now()
    assert Notification.objects.filter(user=member.user, key__startswith="order:").exists()


def test_dispatch_to_a_member_of_another_community_is_refused(accepted, staff, other_member):
    with pytest.raises(OrderError) as error:
        services.order_dispatch(order=accepted, by=staff, member=other_member)
    assert error.value.code == "not_registered_here"


def test_redispatch_withdraws_the_offer_and_offers_anew(offered, staff, neighbour):
    again = services.order_dispatch(order=offered.order, by=staff, member=neighbour)
    offered.refresh_from_db()
    assert offered.state == Dispatch.State.WITHDRAWN
    assert again.state == Dispatch.State.OFFERED and again.order.state == S.DISPATCHED


def test_dispatch_to_a_team_is_answered_by_its_captain(accepted, staff, member, community):
    team = _team(community, member)
    dispatch = services.order_dispatch(order=accepted, by=staff, team=team)
    assert dispatch.claimant_kind == "team" and dispatch.member == member
    services.dispatch_accept(dispatch=dispatch, by=member.user)
    assert dispatch.order.state == S.TAKEN


def test_dispatch_to_a_paired_organization_and_its_admin_passes_it_on(
    accepted, staff, party_committee, community, org_admin, member
):
    f.PartnershipFactory(organization=party_committee, community=community)
    dispatch = services.order_dispatch(order=accepted, by=staff, organization=party_committee)
    assert dispatch.claimant_kind == "organization"
    passed = services.order_dispatch(order=dispatch.order, by=org_admin, member=member)
    assert passed.member == member and passed.claimant_kind == "member"
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.WITHDRAWN


def test_an_unpaired_organization_cannot_be_given_the_order(accepted, staff, party_committee):
    with pytest.raises(OrderError) as error:
        services.order_dispatch(order=accepted, by=staff, organization=party_committee)
    assert error.value.code == "not_paired_here"


def test_the_member_accepts_the_offer(taken):
    assert taken.state == S.TAKEN and taken.taken_at is not None


def test_a_decline_needs_a_reason_and_returns_the_order_to_the_dispatcher(
    offered, member_user, staff
):
    with pytest.raises(OrderError):
        services.dispatch_decline(dispatch=offered, by=member_user, reason="")
    services.dispatch_decline(dispatch=offered, by=member_user, reason="这周出差")
    order = ServiceOrder.objects.get(pk=offered.order_id)
    assert order.state == S.ACCEPTED
    assert Notification.objects.filter(user=staff, key__contains=":declined:").exists()


def test_a_member_who_declined_is_not_offered_again_within_24_hours_unless_insisted(
    offered, member_user, staff, member
):
    services.dispatch_decline(dispatch=offered, by=member_user, reason="这周出差")
    order = ServiceOrder.objects.get(pk=offered.order_id)
    with pytest.raises(OrderError) as error:
        services.order_dispatch(order=order, by=staff, member=member)
    assert error.value.code == "declined_recently"
    services.order_dispatch(order=order, by=staff, member=member, insist=True)


def test_an_offer_not_answered_in_time_returns_to_the_dispatcher(offered):
    later = offered.respond_by + datetime.timedelta(minutes=1)
    assert services.offers_expire(now=later) == 1
    offered.refresh_from_db()
    assert offered.state == Dispatch.State.EXPIRED
    assert ServiceOrder.objects.get(pk=offered.order_id).state == S.ACCEPTED
    assert services.offers_expire(now=later) == 0


def test_someone_else_may_not_answer_the_offer(offered, outsider):
    with pytest.raises(OrderError):
        services.dispatch_accept(dispatch=offered, by=outsider)


def test_a_member_holds_at_most_the_limit_of_open_orders(settings, item, staff, member):
    settings.ORDERS_MAX_OPEN_PER_MEMBER = 1
    for _ in range(2):
        order = services.order_submit(item=item, name="李秀英", phone="13900001111")
        services.order_accept(order=order, by=staff)
        dispatch = services.order_dispatch(order=order, by=staff, member=member)
    first = Dispatch.objects.filter(member=member).order_by("pk").first()
    services.dispatch_accept(dispatch=first, by=member.user)
    with pytest.raises(OrderError) as error:
        services.dispatch_accept(dispatch=dispatch, by=member.user)
    assert error.value.code == "too_many_open"


def test_open_to_grab_and_the_first_grab_wins(accepted, staff, member_user, neighbour):
    services.order_open_to_grab(order=accepted, by=staff)
    assert accepted.state == S.GRABBABLE
    won = services.order_grab(order=ServiceOrder.objects.get(pk=accepted.pk), by=member_user)
    assert won.grabbed and won.state == Dispatch.State.ACCEPTED
    with pytest.raises(OrderError) as error:
        services.order_grab(order=ServiceOrder.objects.get(pk=accepted.pk), by=neighbour.user)
    assert error.value.code == "not_grabbable"


def test_a_grab_held_for_a_team_is_for_its_members(accepted, staff, member, neighbour, community):
    team = _team(community, member)
    services.order_open_to_grab(order=accepted, by=staff, team=team)
    with pytest.raises(OrderError) as error:
        services.order_grab(order=accepted, by=neighbour.user)
    assert error.value.code == "not_in_team"
    services.order_grab(order=accepted, by=member.user)


def test_a_member_of_another_community_cannot_grab(accepted, staff, other_member):
    services.order_open_to_grab(order=accepted, by=staff)
    with pytest.raises(OrderError) as error:
        services.order_grab(order=accepted, by=other_member.user)
    assert error.value.code == "not_registered_here"


def test_start_and_complete_with_note_and_hours(taken, member_user, member, staff):
    services.order_start(order=taken, by=member_user)
    assert taken.state == S.IN_SERVICE
    with pytest.raises(OrderError) as error:
        services.order_complete(order=taken, by=member_user, note="", hours={member: 2})
    assert error.value.code == "note_required"
    services.order_complete(order=taken, by=member_user, note="理好了", hours={member: "1.5"})
    assert taken.state == S.DONE
    assert taken.participations.get().hours == Decimal("1.5")
    assert Notification.objects.filter(user=staff, key=f"order:{taken.pk}:done").exists()


def test_only_creditable_members_get_hours(taken, member_user, neighbour):
    with pytest.raises(OrderError) as error:
        services.order_complete(order=taken, by=member_user, note="好", hours={neighbour: 2})
    assert error.value.code == "bad_participant"


def test_staff_confirm_hours_into_service_records_once(done, staff, member):
    records = services.order_confirm_hours(order=done, by=staff, hours={member.pk: 3})
    assert done.state == S.CLOSED
    record = ServiceRecord.objects.get(member=member)
    assert records == [record]
    assert record.kind == ServiceRecord.Kind.ORDER and record.source == ServiceRecord.Source.ORDER
    assert record.hours == 3 and record.source_key == f"order:{done.pk}"
    with pytest.raises(OrderError):
        services.order_confirm_hours(order=done, by=staff)
    assert ServiceRecord.objects.count() == 1


def test_cancel_with_a_reason_withdraws_the_offer(offered, staff):
    services.order_cancel(order=offered.order, by=staff, reason="居民已自行解决")
    offered.refresh_from_db()
    assert offered.order.state == S.CANCELLED and offered.state == Dispatch.State.WITHDRAWN


def test_a_done_order_cannot_be_cancelled(done, staff):
    with pytest.raises(OrderError) as error:
        services.order_cancel(order=done, by=staff, reason="x")
    assert error.value.code == "cannot_cancel"


def test_the_resident_rates_once_from_1_to_5(done):
    with pytest.raises(OrderError) as error:
        services.order_rate(order=done, rating=6)
    assert error.value.code == "bad_rating"
    services.order_rate(order=done, rating=5, comment="很满意")
    assert done.rating == 5 and not done.rated_by_staff
    with pytest.raises(OrderError) as error:
        services.order_rate(order=done, rating=1)
    assert error.value.code == "already_rated"


def test_staff_record_a_rating_from_a_call(done, staff):
    services.order_rate(order=done, rating=4, comment="电话回访", by=staff)
    assert done.rated_by_staff


def test_an_unfinished_order_cannot_be_rated(taken):
    with pytest.raises(OrderError) as error:
        services.order_rate(order=taken, rating=5)
    assert error.value.code == "not_rateable"


def test_on_hold_pauses_the_deadlines_and_resume_moves_them_on(taken, staff):
    before = ServiceOrder.objects.get(pk=taken.pk).complete_due_at
    services.order_hold(order=taken, by=staff, reason="居民外出一周")
    assert taken.state == S.ON_HOLD and taken.held_from == S.TAKEN
    # Held: the sweep does not see it, however late.
    assert services.orders_escalate(now=before + datetime.timedelta(days=30)) == 0
    ServiceOrder.objects.filter(pk=taken.pk).update(
        held_at=taken.held_at - datetime.timedelta(days=2)
    )
    services.order_resume(order=taken, by=staff)
    taken.refresh_from_db()
    assert taken.state == S.TAKEN and taken.held_at is None
    assert abs(taken.complete_due_at - before - datetime.timedelta(days=2)) < datetime.timedelta(
        minutes=1
    )


def test_an_order_with_an_offer_out_cannot_be_put_on_hold(offered, staff):
    with pytest.raises(OrderError) as error:
        services.order_hold(order=offered.order, by=staff, reason="x")
    assert error.value.code == "cannot_hold"


def test_only_staff_put_an_order_on_hold(taken, member_user):
    with pytest.raises(OrderError):
        services.order_hold(order=taken, by=member_user, reason="x")
