"""Every change to a wish goes through a function here.

Views, the admin, the Celery tasks and the tests call them. Each runs in a transaction, moves
the wish with a conditional UPDATE from the states it may leave (so two simultaneous actions
cannot both succeed), records the transition, and raises `WishError` with a machine-readable
code that a view turns into a translated message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import personal_data_viewed
from core.errors import DomainError
from core.images import ProcessedImage
from core.pagecache import public_pages_changed
from core.tracking import new_tracking_code
from core.transitions import state_move
from members import claimants
from members.access import can, get_roles
from members.models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    Member,
    Organization,
    ServiceTeam,
)
from notifications.services import notify, occasion
from records.models import ServiceRecord
from records.services import service_record_create

from .models import Claim, ContactAccessLog, ProofPhoto, Resident, Wish, WishTransition
from .selectors import wishes_waiting_for_staff

S = Wish.State

# A claimant promises to fulfil a wish within this many days (and by its deadline, if any).
MAX_PROMISE_DAYS = 180


class WishError(DomainError):
    messages = {
        "already_claimed": _("Someone else was first: this wish has just been claimed."),
        "not_published": _("This wish is not open to claims."),
        "too_many_claims": _(
            "You already hold %(limit)s open claims. Fulfil or release one before claiming more."
        ),
        "no_member_profile": _("Only members can claim a wish in their own name."),
        "not_captain": _("Only the team's captain can claim for the team."),
        "not_org_admin": _("You do not administer this organization."),
        "promised_in_past": _("The promised date cannot be in the past."),
        "promised_after_deadline": _("The promised date is after the wish's deadline."),
        "promised_too_far": _("Promise a date within %(days)s days."),
        "not_claimed": _("This claim is no longer active."),
        "not_fulfilled": _("This wish is not waiting for confirmation."),
        "not_submitted": _("This wish is not waiting for review."),
        "not_completed": _("Satisfaction can be recorded only for a completed wish."),
        "cannot_cancel": _("This wish can no longer be cancelled."),
        "not_editable": _("This wish can no longer be edited."),
        "reason_required": _("Please give a reason."),
        "note_required": _("Please describe how the wish was fulfilled."),
        "no_participants": _("Tick at least one member who took part."),
        "bad_participant": _("Only members of the claiming team or organization can be ticked."),
        "bad_hours": _("Service hours must be between 0.5 and 24."),
        "bad_score": _("Satisfaction is a score from 1 to 5."),
        "not_permitted": _("You may not do this."),
        "wrong_community": _("The resident belongs to another community."),
        "not_registered_here": _(
            "You can claim wishes only in the community you are registered with."
        ),
        "team_elsewhere": _("This team serves another community."),
        "not_paired_here": _(
            "Your organization can claim wishes only in the communities it is paired with."
        ),
    }


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _move(
    wish: Wish,
    *,
    from_states: Iterable[str],
    to: str,
    by,
    error: str,
    reason: str = "",
    claim: Claim | None = None,
    **fields,
) -> WishTransition:
    """Move the wish (see `core.transitions.state_move`) and record the step; raise `error` if
    the wish was not in one of `from_states` (somebody else moved it first)."""
    current = state_move(wish, from_states=from_states, to=to, **fields)
    if current is None:
        raise WishError(error)
    return WishTransition.objects.create(
        wish=wish, claim=claim, from_state=current, to_state=to, by=by, reason=reason[:300]
    )


def _lock(wish: Wish) -> None:
    """Lock the wish's row before reading its claim, so the claim read is the one the move
    that follows ends (PostgreSQL; SQLite serializes write transactions anyway)."""
    Wish.objects.select_for_update().filter(pk=wish.pk).values_list("pk", flat=True).first()


def member_serves(member: Member, community_id: int) -> bool:
    """A member claims in the community they are registered (confirmed) with."""
    return CommunityRegistration.objects.filter(
        member=member, community_id=community_id, state=CommunityRegistration.State.CONFIRMED
    ).exists()


def _notify(user, *, key: str, template: str, context: dict, url: str):
    """Notify once for `key`; the new notification, or None if it was already sent."""
    return notify(user=user, key=key, template=template, context=context, url=url)


def _notify_claimant(claim: Claim, **notification) -> None:
    """Tell whoever claimed: the member (or the team's captain), else the organization admin
    who claimed."""
    _notify(claim.member.user if claim.member_id else claim.claimed_by, **notification)


def _staff_users(community_id: int):
    return [
        s.user
        for s in CommunityStaff.objects.filter(community_id=community_id).select_related("user")
    ]


# ---------------------------------------------------------------------------------------------
# Residents and posting
# ---------------------------------------------------------------------------------------------
def resident_create(
    *,
    community: Community,
    name: str,
    phone: str = "",
    address: str = "",
    hardship_categories=(),
    note: str = "",
    by=None,
) -> Resident:
    resident = Resident.objects.create(
        community=community, name=name, phone=phone, address=address, note=note, created_by=by
    )
    if hardship_categories:
        resident.hardship_categories.set(hardship_categories)
    return resident


def _apply_photo(wish: Wish, photo: ProcessedImage | None) -> None:
    if photo is not None:
        wish.photo.save(photo.display.name, photo.display, save=False)
        wish.photo_thumb.save(photo.thumbnail.name, photo.thumbnail, save=False)


@transaction.atomic
def wish_post(
    *,
    community: Community,
    resident: Resident,
    by,
    title: str,
    description: str = "",
    category: str = Wish.Category.DAILY,
    estimated_value: Decimal | None = None,
    deadline: datetime.date | None = None,
    photo: ProcessedImage | None = None,
    photo_is_public: bool = False,
    submission=None,
) -> Wish:
    """Staff post a wish on a resident's behalf; it is published at once. `submission` is the
    token of the form that posted it (core.once.create_once finds the wish a resend made)."""
    if resident.community_id != community.pk:
        raise WishError("wrong_community")
    now = timezone.now()
    wish = Wish(
        community=community,
        resident=resident,
        title=title,
        description=description,
        category=category,
        estimated_value=estimated_value,
        deadline=deadline,
        photo_is_public=photo_is_public,
        state=S.PUBLISHED,
        source=Wish.Source.STAFF,
        created_by=by,
        created_at=now,
        published_at=now,
        submission=submission,
    )
    _apply_photo(wish, photo)
    wish.save()
    WishTransition.objects.create(wish=wish, from_state="", to_state=S.PUBLISHED, by=by, at=now)
    return wish


@transaction.atomic
def wish_submit_public(
    *,
    community: Community,
    name: str,
    phone: str,
    address: str,
    title: str,
    description: str = "",
    category: str = Wish.Category.DAILY,
    photo: ProcessedImage | None = None,
    submission=None,
) -> Wish:
    """群众点单: a resident without an account submits a wish; it waits for staff review. The
    wish gets a tracking code the resident follows it with (wish_track)."""
    resident = Resident.objects.create(community=community, name=name, phone=phone, address=address)
    wish = Wish(
        community=community,
        resident=resident,
        title=title,
        description=description,
        category=category,
        state=S.SUBMITTED,
        source=Wish.Source.PUBLIC,
        submission=submission,
        tracking_code=new_tracking_code(),
    )
    _apply_photo(wish, photo)
    wish.save()
    WishTransition.objects.create(wish=wish, from_state="", to_state=S.SUBMITTED)
    return wish


@transaction.atomic
def wish_update(*, wish: Wish, by, photo: ProcessedImage | None = None, **fields) -> Wish:
    """Staff edit a wish's details (while under review or open), on the site or in the admin.

    Only the edited columns are written, after locking the row and reading its state afresh: a
    member who claimed the wish while the staff were typing keeps the claim (a save of the whole
    row would have put the wish back to published under an active claim). The edit is recorded
    in the wish's history as a step that leaves the state as it was, naming what changed."""
    state = (
        Wish.objects.select_for_update().filter(pk=wish.pk).values_list("state", flat=True).first()
    )
    if state not in Wish.EDITABLE_STATES:
        raise WishError("not_editable")
    resident = fields.get("resident")
    if resident is not None and resident.community_id != wish.community_id:
        raise WishError("wrong_community")
    for name, value in fields.items():
        setattr(wish, name, value)
    _apply_photo(wish, photo)
    wish.state = state
    changed = [*fields, *(["photo", "photo_thumb"] if photo is not None else [])]
    wish.save(update_fields=changed)
    if changed:
        edited = ", ".join(str(Wish._meta.get_field(name).verbose_name) for name in changed)
        WishTransition.objects.create(
            wish=wish, from_state=state, to_state=state, by=by, reason=edited[:300]
        )
    return wish


@transaction.atomic
def wish_publish(*, wish: Wish, by) -> Wish:
    _move(
        wish,
        from_states=[S.SUBMITTED],
        to=S.PUBLISHED,
        by=by,
        error="not_submitted",
        published_at=timezone.now(),
    )
    return wish


@transaction.atomic
def wish_reject(*, wish: Wish, by, reason: str) -> Wish:
    if not reason.strip():
        raise WishError("reason_required")
    _move(
        wish, from_states=[S.SUBMITTED], to=S.REJECTED, by=by, error="not_submitted", reason=reason
    )
    return wish


@transaction.atomic
def wish_cancel(*, wish: Wish, by, reason: str) -> Wish:
    """Staff cancel a wish that is not yet fulfilled; an open claim ends with it."""
    if not reason.strip():
        raise WishError("reason_required")
    _lock(wish)
    claim = Claim.objects.filter(wish=wish, state=Claim.State.ACTIVE).first()
    _move(
        wish,
        from_states=Wish.CANCELLABLE_STATES,
        to=S.CANCELLED,
        by=by,
        error="cannot_cancel",
        reason=reason,
        claim=claim,
    )
    if claim is not None:
        Claim.objects.filter(pk=claim.pk, state=Claim.State.ACTIVE).update(
            state=Claim.State.CANCELLED, ended_at=timezone.now()
        )
        _notify_claimant(
            claim,
            key=occasion("wish", wish.pk, "claim", claim.pk, "cancelled"),
            template="wishes/email/wish_cancelled",
            context={"wish": wish, "reason": reason},
            url=reverse("wishes:my_claims"),
        )
    return wish


@transaction.atomic
def wish_expire(*, wish: Wish, today: datetime.date | None = None) -> bool:
    """An unclaimed wish past its deadline expires. False if it no longer qualifies."""
    today = today or timezone.localdate()
    updated = Wish.objects.filter(
        pk=wish.pk, state=S.PUBLISHED, deadline__isnull=False, deadline__lt=today
    ).update(state=S.EXPIRED)
    if not updated:
        return False
    WishTransition.objects.create(
        wish=wish, from_state=S.PUBLISHED, to_state=S.EXPIRED, reason=str(_("Deadline passed"))
    )
    wish.state = S.EXPIRED
    return True


# ---------------------------------------------------------------------------------------------
# Claiming
# ---------------------------------------------------------------------------------------------
def _hold_open_claim_limit(*, kind, member, team, organization) -> None:
    """Each claimant holds at most its limit of open claims (settings.WISH_MAX_OPEN_CLAIMS per
    kind). The claimant's row is locked first, so that the limit holds under concurrency."""
    owner, field = {
        Claim.ClaimantKind.MEMBER: (member, "member"),
        Claim.ClaimantKind.TEAM: (team, "team"),
        Claim.ClaimantKind.ORGANIZATION: (organization, "organization"),
    }[kind]
    type(owner).objects.select_for_update().filter(pk=owner.pk).first()
    limit = settings.WISH_MAX_OPEN_CLAIMS[kind]
    held = Claim.objects.filter(
        **{field: owner}, claimant_kind=kind, state__in=Claim.OPEN_STATES
    ).count()
    if held >= limit:
        raise WishError("too_many_claims", limit=limit)


def wish_claim(
    *,
    wish: Wish,
    by,
    promised_date: datetime.date,
    team: ServiceTeam | None = None,
    organization: Organization | None = None,
) -> Claim:
    """认领: claim a published wish as a member (default), for a team (its captain) or for an
    organization (its admin).

    Race-free on every backend: the wish moves published -> claimed with a conditional UPDATE,
    and the database's partial unique constraint allows one open claim per wish. Of many
    simultaneous claims exactly one wins; the others raise `already_claimed` and change nothing.
    """
    today = timezone.localdate()
    if promised_date < today:
        raise WishError("promised_in_past")
    if wish.deadline and promised_date > wish.deadline:
        raise WishError("promised_after_deadline")
    if promised_date > today + datetime.timedelta(days=MAX_PROMISE_DAYS):
        # A promise years ahead would hold the wish forever: it would never become overdue.
        raise WishError("promised_too_far", days=MAX_PROMISE_DAYS)
    roles = get_roles(by)
    if organization is not None:
        kind = Claim.ClaimantKind.ORGANIZATION
        if not can(by, "wishes.claim.claim_for_organization", organization):
            raise WishError("not_org_admin")
        if not claimants.organization_serves(organization, wish.community_id):
            raise WishError("not_paired_here")
        member = roles.member
    elif team is not None:
        kind = Claim.ClaimantKind.TEAM
        if not can(by, "members.team.act_for", team):
            raise WishError("not_captain")
        if team.community_id is not None and team.community_id != wish.community_id:
            raise WishError("team_elsewhere")
        member = team.captain
    else:
        kind = Claim.ClaimantKind.MEMBER
        member = roles.member
        if member is None:
            raise WishError("no_member_profile")
        if not member_serves(member, wish.community_id):
            raise WishError("not_registered_here")
    try:
        with transaction.atomic():
            _hold_open_claim_limit(kind=kind, member=member, team=team, organization=organization)
            updated = Wish.objects.filter(pk=wish.pk, state=S.PUBLISHED).update(state=S.CLAIMED)
            if not updated:
                state = Wish.objects.filter(pk=wish.pk).values_list("state", flat=True).first()
                if state in (S.CLAIMED, S.FULFILLED):
                    raise WishError("already_claimed")
                raise WishError("not_published")
            claim = Claim.objects.create(
                wish=wish,
                claimant_kind=kind,
                member=member,
                team=team,
                organization=organization,
                claimed_by=by,
                promised_date=promised_date,
            )
            WishTransition.objects.create(
                wish=wish, claim=claim, from_state=S.PUBLISHED, to_state=S.CLAIMED, by=by
            )
    except IntegrityError:
        # The database refused a second open claim: someone else was first.
        raise WishError("already_claimed") from None
    wish.state = S.CLAIMED
    return claim


@transaction.atomic
def claim_release(*, claim: Claim, by, reason: str = "", automatic: bool = False) -> Claim:
    """The claimant gives the wish up (or an overdue claim is released): it is open again."""
    now = timezone.now()
    updated = Claim.objects.filter(pk=claim.pk, state=Claim.State.ACTIVE).update(
        state=Claim.State.RELEASED, ended_at=now
    )
    if not updated:
        raise WishError("not_claimed")
    wish = claim.wish
    _move(
        wish,
        from_states=[S.CLAIMED],
        to=S.PUBLISHED,
        by=by,
        error="not_claimed",
        reason=reason or (str(_("Overdue: released automatically")) if automatic else ""),
        claim=claim,
    )
    claim.state = Claim.State.RELEASED
    claim.ended_at = now
    if automatic:
        _notify_claimant(
            claim,
            key=occasion("claim", claim.pk, "released"),
            template="wishes/email/claim_released",
            context={"claim": claim, "wish": wish},
            url=wish.get_absolute_url(),
        )
    return claim


@transaction.atomic
def claim_fulfil(*, claim: Claim, by, note: str, photos: Iterable[ProcessedImage] = ()) -> Claim:
    """The claimant reports the wish fulfilled, with a note and proof photos."""
    if not note.strip():
        raise WishError("note_required")
    now = timezone.now()
    updated = Claim.objects.filter(pk=claim.pk, state=Claim.State.ACTIVE).update(
        state=Claim.State.FULFILLED, fulfilled_at=now, fulfilment_note=note
    )
    if not updated:
        raise WishError("not_claimed")
    wish = claim.wish
    _move(wish, from_states=[S.CLAIMED], to=S.FULFILLED, by=by, error="not_claimed", claim=claim)
    for photo in photos:
        proof = ProofPhoto(claim=claim)
        proof.image.save(photo.display.name, photo.display, save=False)
        proof.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        proof.save()
    claim.state = Claim.State.FULFILLED
    claim.fulfilled_at = now
    claim.fulfilment_note = note
    community_id = wish.community_id
    for user in _staff_users(community_id):
        _notify(
            user,
            key=occasion("wish", wish.pk, "claim", claim.pk, "fulfilled"),
            template="wishes/email/wish_fulfilled",
            context={"wish": wish, "claim": claim},
            url=reverse("wishes:confirm", args=[wish.pk]),
        )
    return claim


@transaction.atomic
def wish_send_back(*, wish: Wish, by, reason: str) -> Wish:
    """Staff are not satisfied with the fulfilment: back to the claimant, with a reason."""
    if not reason.strip():
        raise WishError("reason_required")
    _lock(wish)
    claim = Claim.objects.filter(wish=wish, state=Claim.State.FULFILLED).first()
    if claim is None:
        raise WishError("not_fulfilled")
    _move(
        wish,
        from_states=[S.FULFILLED],
        to=S.CLAIMED,
        by=by,
        error="not_fulfilled",
        reason=reason,
        claim=claim,
    )
    Claim.objects.filter(pk=claim.pk).update(
        state=Claim.State.ACTIVE, sent_back_reason=reason[:300], fulfilled_at=None
    )
    sent_back_count = wish.transitions.filter(to_state=S.CLAIMED, from_state=S.FULFILLED).count()
    _notify_claimant(
        claim,
        key=occasion("wish", wish.pk, "claim", claim.pk, "sent-back", sent_back_count),
        template="wishes/email/wish_sent_back",
        context={"wish": wish, "reason": reason},
        url=reverse("wishes:fulfil", args=[claim.pk]),
    )
    return wish


@transaction.atomic
def wish_confirm(
    *,
    wish: Wish,
    by,
    hours: Decimal = Decimal("2"),
    participants: Iterable[Member] | None = None,
    approved_photo_ids: Iterable[int] = (),
    publish_note: bool = False,
) -> Wish:
    """Staff confirm the fulfilment: the wish is completed and the service is recorded for the
    claimant (a member) or for every team/organization member ticked as having taken part. The
    photos and the note staff approve are shown publicly from then on."""
    hours = Decimal(hours)
    if not Decimal("0.5") <= hours <= Decimal("24"):
        raise WishError("bad_hours")
    _lock(wish)
    claim = (
        Claim.objects.select_related("member", "team", "organization")
        .filter(wish=wish, state=Claim.State.FULFILLED)
        .first()
    )
    if claim is None:
        raise WishError("not_fulfilled")
    if claim.claimant_kind == Claim.ClaimantKind.MEMBER:
        members = [claim.member]
    else:
        members = list(participants or [])
        if not members:
            raise WishError("no_participants")
        allowed = set(
            claimants.participants(claim)
            .filter(pk__in=[m.pk for m in members])
            .values_list("pk", flat=True)
        )
        if any(m.pk not in allowed for m in members):
            raise WishError("bad_participant")
    now = timezone.now()
    _move(
        wish,
        from_states=[S.FULFILLED],
        to=S.COMPLETED,
        by=by,
        error="not_fulfilled",
        claim=claim,
        completed_at=now,
        service_hours=hours,
    )
    Claim.objects.filter(pk=claim.pk).update(state=Claim.State.COMPLETED, ended_at=now)
    ProofPhoto.objects.filter(claim=claim, pk__in=list(approved_photo_ids)).update(is_approved=True)
    if publish_note:
        Claim.objects.filter(pk=claim.pk).update(note_is_public=True)
    served_on = timezone.localdate(claim.fulfilled_at or now)
    for member in members:
        service_record_create(
            member=member,
            community=wish.community,
            served_on=served_on,
            hours=hours,
            kind=ServiceRecord.Kind.WISH,
            source=ServiceRecord.Source.WISH,
            source_key=f"wish:{wish.pk}",
            title=str(_("Micro-wish: %(title)s") % {"title": wish.title}),
            created_by=by,
        )
    _notify_claimant(
        claim,
        key=occasion("wish", wish.pk, "completed"),
        template="wishes/email/wish_completed",
        context={"wish": wish, "hours": hours},
        url=wish.get_absolute_url(),
    )
    return wish


@transaction.atomic
def wish_record_satisfaction(*, wish: Wish, by, score: int, comment: str = "") -> Wish:
    """The resident's rating of the service (1 to 5), recorded by staff."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise WishError("bad_score")
    updated = Wish.objects.filter(pk=wish.pk, state=S.COMPLETED).update(
        satisfaction=score, satisfaction_comment=comment[:300]
    )
    if not updated:
        raise WishError("not_completed")
    public_pages_changed()  # an UPDATE: no signal, no transition tells the cached pages
    wish.satisfaction = score
    wish.satisfaction_comment = comment[:300]
    return wish


# ---------------------------------------------------------------------------------------------
# Privacy and background jobs
# ---------------------------------------------------------------------------------------------
def contact_access_record(
    *,
    user,
    wish: Wish | None = None,
    resident: Resident | None = None,
    purpose: str = ContactAccessLog.Purpose.WISH_PAGE,
    client: str | None = None,
) -> ContactAccessLog:
    """Log that `user` was shown the contact details of a resident (the wish's, or `resident`),
    why (`purpose`) and from which address (`client`, `core.http.client_ip`)."""
    resident_id = resident.pk if resident is not None else wish.resident_id
    community_id = resident.community_id if resident is not None else wish.community_id
    personal_data_viewed(user=user, what="resident contact", ids=[resident_id], purpose=purpose)
    return ContactAccessLog.objects.create(
        user=user,
        resident_id=resident_id,
        resident_number=resident_id,
        wish=wish,
        community_id=community_id,
        purpose=purpose,
        client_ip=client,
    )


def claim_remind_overdue(*, claim: Claim, today: datetime.date | None = None) -> bool:
    """Remind the claimant once that the promised date has passed. True if reminded now."""
    today = today or timezone.localdate()
    with transaction.atomic():
        claimed = Claim.objects.filter(
            pk=claim.pk,
            state=Claim.State.ACTIVE,
            promised_date__lt=today,
            reminded_at__isnull=True,
        ).update(reminded_at=timezone.now())
        if not claimed:
            return False
        claim = Claim.objects.select_related("wish", "member__user", "claimed_by").get(pk=claim.pk)

        release_on = today + datetime.timedelta(days=settings.WISH_OVERDUE_GRACE_DAYS)
        _notify_claimant(
            claim,
            key=occasion("claim", claim.pk, "overdue"),
            template="wishes/email/claim_overdue",
            context={"claim": claim, "wish": claim.wish, "release_on": release_on},
            url=reverse("wishes:my_claims"),
        )
    return True


def claim_release_if_overdue(*, claim: Claim, now: datetime.datetime | None = None) -> bool:
    """Release an overdue claim whose reminder is older than the grace period."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.WISH_OVERDUE_GRACE_DAYS)
    claim = (
        Claim.objects.select_related("wish", "member__user", "claimed_by")
        .filter(pk=claim.pk, state=Claim.State.ACTIVE, reminded_at__lte=cutoff)
        .first()
    )
    if claim is None:
        return False
    try:
        claim_release(claim=claim, by=None, automatic=True)
    except WishError:
        return False
    return True


def staff_digest_send(*, community: Community, today: datetime.date | None = None) -> int:
    """Tell each staff member of `community` what waits for them today; once per day."""
    today = today or timezone.localdate()
    waiting = wishes_waiting_for_staff(community=community)
    if not any(waiting.values()):
        return 0
    sent = 0
    for user in _staff_users(community.pk):
        if _notify(
            user,
            key=occasion("wishes-digest", community.pk, today.isoformat()),
            template="wishes/email/staff_digest",
            context={"community": community, "waiting": waiting, "today": today},
            url=reverse("wishes:staff_list"),
        ):
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------
# Periodic sweeps (called by the Celery tasks; each row is claimed by a conditional UPDATE, so
# a retried or overlapping run does nothing twice)
# ---------------------------------------------------------------------------------------------
def overdue_claims_remind(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    pks = Claim.objects.filter(
        state=Claim.State.ACTIVE, promised_date__lt=today, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    return sum(claim_remind_overdue(claim=Claim(pk=pk), today=today) for pk in list(pks))


def overdue_claims_release(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.WISH_OVERDUE_GRACE_DAYS)
    pks = Claim.objects.filter(state=Claim.State.ACTIVE, reminded_at__lte=cutoff).values_list(
        "pk", flat=True
    )
    return sum(claim_release_if_overdue(claim=Claim(pk=pk), now=now) for pk in list(pks))


def unclaimed_wishes_expire(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    pks = Wish.objects.filter(state=S.PUBLISHED, deadline__lt=today).values_list("pk", flat=True)
    return sum(wish_expire(wish=Wish(pk=pk), today=today) for pk in list(pks))


def staff_digests_send(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    communities = Community.objects.filter(pk__in=CommunityStaff.objects.values("community_id"))
    return sum(staff_digest_send(community=c, today=today) for c in communities)
