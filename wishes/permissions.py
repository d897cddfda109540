"""Rules and scopers of the wishes app.

- The public sees wishes in the public states (anonymized; contact details never).
- Staff see and manage every wish of their own community; committee admins see those of the
  communities they oversee.
- A claimant (the member, the team's captain, an admin of the claiming organization) sees the
  wishes they claimed, acts on their open claim, and sees the resident's contact details while
  the claim is open.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from django.db.models import Q, QuerySet

from core.pagecache import until_public_change
from members.access import (
    Roles,
    Rule,
    admin_verbs,
    nobody,
    rule,
    scoper,
    superusers_only,
    unscoped,
    work_scoper,
)
from members.claimants import acts_for, claimant_q
from members.models import Organization

from .models import (
    Claim,
    ContactAccessLog,
    HardshipCategory,
    ProofPhoto,
    Resident,
    Wish,
    WishTransition,
)


# ---------------------------------------------------------------------------------------------
# Claimants
# ---------------------------------------------------------------------------------------------
def open_claim_of(wish: Wish) -> Claim | None:
    """The wish's open claim (to show and to decide who sees the resident's contact), kept on
    the wish for the rest of the request and in the cache until the public pages' next
    generation: every claim made, moved or deleted starts one (portal.apps, core.transitions).
    Services read claims afresh, never through this."""
    if not hasattr(wish, "_open_claim"):
        wish._open_claim = until_public_change(
            f"wishes:open-claim:{wish.pk}",
            lambda: (
                wish.claims.filter(state__in=Claim.OPEN_STATES)
                .select_related("member", "team", "organization")
                .first()
            ),
            seconds=60,
        )
    return wish._open_claim


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------
def _staff_of(community_id_of: Callable[[object], int]) -> Rule:
    """A rule: the staff (of any community, for "any object"; else of the object's community)."""

    def check(roles: Roles, obj) -> bool:
        return roles.is_staff if obj is None else roles.staffs(community_id_of(obj))

    return check


def _staff_or_overseer_of(community_of: Callable[[object], object]) -> Rule:
    """A rule: the staff or the overseeing committee admins of the object's community."""

    def check(roles: Roles, obj) -> bool:
        if obj is None:
            return roles.is_staff or roles.is_committee_admin
        return _staff_or_overseer(roles, community_of(obj))

    return check


_staff_of_community = _staff_of(attrgetter("community_id"))

# Post, review, publish, cancel, confirm, send back, record satisfaction, export.
rule("wishes.wish.manage")(_staff_of_community)


@rule("wishes.wish.claim")
def _claim_wish(roles: Roles, wish: Wish | None) -> bool:
    """Offer the claim form: members and organization admins, on a published wish."""
    if not (roles.is_member or roles.is_org_admin):
        return False
    return wish is None or wish.is_open_to_claims


@rule("wishes.claim.act")
def _act_on_claim(roles: Roles, claim: Claim) -> bool:
    """Fulfil or release a claim: whoever acts for the claimant."""
    return acts_for(roles, claim)


@rule("wishes.claim.claim_for_organization")
def _claim_for_organization(roles: Roles, organization: Organization) -> bool:
    """An organization's own admins claim for it (an admin of the organization above claims
    for that one)."""
    return organization is not None and organization.pk in roles.admin_org_ids


@rule("wishes.wish.view_contact")
def _view_contact(roles: Roles, wish: Wish) -> bool:
    """The resident's phone and address: the community's staff always; a claimant only while
    their claim is open."""
    if roles.staffs(wish.community_id):
        return True
    claim = open_claim_of(wish)
    return claim is not None and acts_for(roles, claim)


@rule("wishes.claim.view_details")
def _view_claim_details(roles: Roles, claim: Claim) -> bool:
    """Who claimed by name, the promise, the notes and the reason for sending back: the
    community's staff, its overseeing committee and whoever acts for the claim. Everyone else
    sees the claim as the public does (`public_claimant_name`)."""
    return _staff_or_overseer(roles, claim.wish.community) or acts_for(roles, claim)


@rule("wishes.wish.view_resident_name")
def _view_resident_name(roles: Roles, wish: Wish | None) -> bool:
    """A resident's name: the community's staff, and whoever acts for the wish's open claim
    (for "any wish", in lists: staff)."""
    return roles.is_staff if wish is None else _view_contact(roles, wish)


@rule("wishes.wish.view_every_step")
def _view_every_step(roles: Roles, wish: Wish) -> bool:
    """Every step of a wish, whoever's claim it belongs to: staff and overseeing committee."""
    return _staff_or_overseer(roles, wish.community)


@rule("wishes.wish.view_history")
def _view_history(roles: Roles, wish: Wish) -> bool:
    """The transitions with who and why: staff, overseeing committee admins, claimants (a
    claimant sees the steps of its own claims: selectors.wish_history)."""
    if _view_every_step(roles, wish):
        return True
    if not roles.is_authenticated:
        return False
    return wish.claims.filter(claimant_q(roles)).exists()


def _staff_or_overseer(roles: Roles, community) -> bool:
    return roles.staffs(community.pk) or roles.oversees_community(community)


def _edit_wish(roles: Roles, wish: Wish | None) -> bool:
    """Staff edit a wish's details while it is editable (under review or open to claims): once
    claimed, the details are what the claimant agreed to."""
    return _staff_of_community(roles, wish) and (wish is None or wish.is_editable)


admin_verbs(
    "wishes.wish",
    view=_staff_or_overseer_of(attrgetter("community")),
    change=_edit_wish,
    # Wishes are posted on the site (wish_post records the first transition).
    add=nobody,
)
admin_verbs(
    "wishes.resident",
    view=_staff_of_community,
    change=_staff_of_community,
)
admin_verbs(
    "wishes.claim",
    view=_staff_or_overseer_of(attrgetter("wish.community")),
    change=nobody,
    add=nobody,
)
admin_verbs(
    "wishes.proofphoto",
    view=_staff_of(attrgetter("claim.wish.community_id")),
    change=_staff_of(attrgetter("claim.wish.community_id")),
    add=nobody,
)
admin_verbs(
    "wishes.wishtransition",
    view=_staff_or_overseer_of(attrgetter("wish.community")),
    change=nobody,
    add=nobody,
)
admin_verbs(
    "wishes.contactaccesslog",
    view=_staff_of_community,
    change=nobody,
    add=nobody,
)
admin_verbs(
    "wishes.hardshipcategory",
    view=lambda r, o: r.is_staff or r.is_committee_admin,
    # The categories are shared by every community: staff add the ones they miss, but only the
    # platform (a superuser) renames or retires one (it changes every district's residents).
    change=superusers_only,
    add=lambda r, o: r.is_staff or r.is_committee_admin,
)


# ---------------------------------------------------------------------------------------------
# Scopers
# ---------------------------------------------------------------------------------------------
def _community_q(roles: Roles, prefix: str) -> Q:
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(**{f"{prefix}community_id": roles.staff_community_id})
    if roles.is_committee_admin:
        q |= roles.overseen_community_q(f"{prefix}community__")
    return q


@work_scoper(Wish)
def managed_wishes(roles: Roles, qs: QuerySet) -> QuerySet:
    """Wishes of the communities the user staffs or oversees (the staff list and the admin's):
    public wishes are visible to all, but each role works on its own communities'."""
    return qs.filter(_community_q(roles, ""))


@scoper(Wish)
def _scope_wishes(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(state__in=Wish.PUBLIC_STATES) | _community_q(roles, "")
    if roles.is_member or roles.is_org_admin:
        q |= Q(pk__in=Claim.objects.filter(claimant_q(roles)).values("wish_id"))
    return qs.filter(q)


@scoper(Claim)
def _scope_claims(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_community_q(roles, "wish__") | claimant_q(roles))


@scoper(ProofPhoto)
def _scope_photos(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_community_q(roles, "claim__wish__") | claimant_q(roles, "claim__"))


@scoper(WishTransition)
def _scope_transitions(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_community_q(roles, "wish__"))


@scoper(Resident)
def _scope_residents(roles: Roles, qs: QuerySet) -> QuerySet:
    if roles.staff_community_id:
        return qs.filter(community_id=roles.staff_community_id)
    return qs.none()


@scoper(ContactAccessLog)
def _scope_access_logs(roles: Roles, qs: QuerySet) -> QuerySet:
    if roles.staff_community_id:
        return qs.filter(community_id=roles.staff_community_id)
    return qs.none()


scoper(HardshipCategory)(unscoped)
