"""Every change to registrations and roles goes through these functions.

Views, the admin and tests call them; each runs in a transaction, checks the state it starts
from and raises `MembersError` with a machine-readable code that a view turns into a message.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.transitions import state_move
from notifications.services import notify, occasion

from .access import forget_roles
from .models import Community, CommunityRegistration, Member, Organization, Partnership, User


class MembersError(DomainError):
    messages = {
        "no_member_profile": _("Complete your member profile before registering to a community."),
        "community_inactive": _("This community is not accepting registrations."),
        "already_pending": _("You already have a registration waiting for confirmation."),
        "already_registered_here": _("You are already registered with this community."),
        "not_pending": _("This registration has already been decided."),
        "not_permitted": _("You may not do this."),
        "not_a_branch": _("Choose a Party branch, not a higher organization."),
        "term_order": _("The term must end after it starts."),
        "partnership_exists": _(
            "This organization already has a partnership with this community starting on that date."
        ),
    }


def registration_request(
    *, member: Member, community: Community, note: str = "", submission=None
) -> CommunityRegistration:
    """个人报到: ask to register with a community (or to move there). `submission` is the token
    of the form that asked (core.once.create_once finds the request a resend made)."""
    if member is None:
        raise MembersError("no_member_profile")
    if not community.is_active:
        raise MembersError("community_inactive")
    with transaction.atomic():
        current = member.registrations.select_for_update().filter(
            state__in=[CommunityRegistration.State.PENDING, CommunityRegistration.State.CONFIRMED]
        )
        for registration in current:
            if registration.state == CommunityRegistration.State.PENDING:
                raise MembersError("already_pending")
            if registration.community_id == community.pk:
                raise MembersError("already_registered_here")
        try:
            with transaction.atomic():
                registration = CommunityRegistration.objects.create(
                    member=member, community=community, note=note, submission=submission
                )
        except IntegrityError:
            if submission is not None:
                # The same form sent twice at once: core.once.create_once finds the first.
                raise
            # A simultaneous request won: the database allows one pending registration.
            raise MembersError("already_pending") from None
    transaction.on_commit(lambda: _notify_staff(registration))
    return registration


def registration_withdraw(*, registration: CommunityRegistration, by) -> CommunityRegistration:
    left = state_move(
        registration,
        from_states=[CommunityRegistration.State.PENDING],
        to=CommunityRegistration.State.WITHDRAWN,
        decided_at=timezone.now(),
        decided_by=by,
    )
    if left is None:
        raise MembersError("not_pending")
    return registration


def registration_confirm(*, registration: CommunityRegistration, by) -> CommunityRegistration:
    """Staff confirm a registration. A member who moves leaves their previous community."""
    now = timezone.now()
    with transaction.atomic():
        locked = CommunityRegistration.objects.select_for_update().get(pk=registration.pk)
        if locked.state != CommunityRegistration.State.PENDING:
            raise MembersError("not_pending")
        CommunityRegistration.objects.filter(
            member_id=locked.member_id, state=CommunityRegistration.State.CONFIRMED
        ).update(state=CommunityRegistration.State.ENDED, ended_at=now)
        locked.state = CommunityRegistration.State.CONFIRMED
        locked.decided_at = now
        locked.decided_by = by
        locked.save(update_fields=["state", "decided_at", "decided_by"])
    transaction.on_commit(lambda: _notify_member(locked, "members/email/registration_confirmed"))
    return locked


def registration_decline(
    *, registration: CommunityRegistration, by, reason: str = ""
) -> CommunityRegistration:
    left = state_move(
        registration,
        from_states=[CommunityRegistration.State.PENDING],
        to=CommunityRegistration.State.DECLINED,
        decided_at=timezone.now(),
        decided_by=by,
        decline_reason=reason[:200],
    )
    if left is None:
        raise MembersError("not_pending")
    transaction.on_commit(
        lambda: _notify_member(registration, "members/email/registration_declined")
    )
    return registration


def registration_end(*, registration: CommunityRegistration, by=None) -> CommunityRegistration:
    """The member leaves the community (or staff end the registration)."""
    state_move(
        registration,
        from_states=[CommunityRegistration.State.CONFIRMED],
        to=CommunityRegistration.State.ENDED,
        ended_at=timezone.now(),
    )
    return registration


def _notify_staff(registration: CommunityRegistration) -> None:
    """Tell the community's staff that a request waits for them."""
    for staff in registration.community.staff.select_related("user"):
        notify(
            user=staff.user,
            key=occasion("registration", registration.pk, "requested"),
            template="members/email/registration_requested",
            context={"registration": registration},
            url=reverse("portal:staff_home"),
        )


def _notify_member(registration: CommunityRegistration, template: str) -> None:
    notify(
        user=registration.member.user,
        key=occasion("registration", registration.pk, registration.state),
        template=template,
        context={"registration": registration},
        url=reverse("portal:dashboard"),
    )


def member_profile_save(
    *,
    user,
    real_name: str,
    phone: str,
    branch: Organization,
    residence_community: Community | None = None,
    skills: str = "",
    service_categories=(),
    on_public_boards: bool = False,
) -> Member:
    """Create or update the member profile of `user` (after sign-up, or when it changes)."""
    if branch.kind != Organization.Kind.BRANCH:
        raise MembersError("not_a_branch")
    with transaction.atomic():
        member, _created = Member.objects.update_or_create(
            user=user,
            defaults={
                "real_name": real_name.strip(),
                "phone": phone.strip(),
                "branch": branch,
                "residence_community": residence_community,
                "skills": skills.strip(),
                "on_public_boards": on_public_boards,
            },
        )
        member.service_categories.set(service_categories)
        # The name people read wherever this user acted (histories, printed reports), not the
        # login name.
        if user.display_name != member.real_name:
            User.objects.filter(pk=user.pk).update(display_name=member.real_name)
            user.display_name = member.real_name

    forget_roles(user)
    return member


def partnership_create(
    *,
    organization: Organization,
    community: Community,
    signed_on,
    term_start,
    term_end,
    commitments: str = "",
    agreement_file=None,
) -> Partnership:
    """单位报到: record a co-building agreement between an organization and a community."""
    if term_end <= term_start:
        raise MembersError("term_order")
    try:
        with transaction.atomic():
            partnership = Partnership(
                organization=organization,
                community=community,
                signed_on=signed_on,
                term_start=term_start,
                term_end=term_end,
                commitments=commitments,
            )
            if agreement_file:
                partnership.agreement_file = agreement_file
            partnership.save()
    except IntegrityError:
        raise MembersError("partnership_exists") from None
    return partnership
