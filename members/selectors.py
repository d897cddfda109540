"""Reads for the members pages: each list is one fixed set of queries, whatever its length."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core.pagecache import generation

from .models import (
    Community,
    CommunityRegistration,
    Member,
    Organization,
    Partnership,
)

ACTIVE_STATES = [CommunityRegistration.State.PENDING, CommunityRegistration.State.CONFIRMED]


def _current_partnership_q(prefix: str = "", on=None) -> Q:
    on = on or timezone.localdate()
    return Q(**{f"{prefix}term_start__lte": on, f"{prefix}term_end__gte": on})


def current_partnerships(on=None) -> QuerySet[Partnership]:
    return Partnership.objects.filter(_current_partnership_q(on=on))


def site_figures() -> dict[str, int]:
    """The home page's live figures: confirmed members, active communities, paired
    organizations with a current partnership (three COUNT queries)."""
    return {
        "members": CommunityRegistration.objects.filter(
            state=CommunityRegistration.State.CONFIRMED
        ).count(),
        "communities": Community.objects.filter(is_active=True).count(),
        "organizations": Organization.objects.filter(
            Exists(current_partnerships().filter(organization_id=OuterRef("pk")))
        ).count(),
    }


def community_list(*, search: str = "") -> QuerySet[Community]:
    """Active communities with their place and current paired organizations (their member
    counts: `with_member_counts` on the page shown)."""
    qs = (
        Community.objects.filter(is_active=True)
        .select_related("subdistrict__district")
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=current_partnerships()
                .select_related("organization")
                .order_by("organization__name"),
                to_attr="current_partnerships",
            )
        )
        .order_by("subdistrict__district__name", "subdistrict__name", "name")
    )
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(subdistrict__name__icontains=search)
            | Q(address__icontains=search)
        )
    return qs


COMMUNITY_CHOICES_SECONDS = 300


def community_choices() -> list[tuple[int, str]]:
    """(pk, name) of the active communities by name, for a choice of community: read once per
    change to the public pages (a community added, renamed or closed starts a new generation)
    or five minutes, not on every member's home."""
    key = f"members:community-choices:{generation()}"
    choices = cache.get(key)
    if choices is None:
        choices = list(
            Community.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        )
        cache.set(key, choices, COMMUNITY_CHOICES_SECONDS)
    return choices


def branch_choices() -> list[tuple[int, str]]:
    """(pk, "committee · branch") of every Party branch, by committee and name, for a member's
    choice of branch: read once per change to the public pages (organizations are among what
    they watch) or five minutes."""
    key = f"members:branch-choices:{generation()}"
    choices = cache.get(key)
    if choices is None:
        branches = (
            Organization.objects.filter(kind=Organization.Kind.BRANCH)
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        choices = [
            (b.pk, f"{b.parent.name} · {b.name}" if b.parent_id else b.name) for b in branches
        ]
        cache.set(key, choices, COMMUNITY_CHOICES_SECONDS)
    return choices


def with_member_counts(communities) -> list[Community]:
    """The communities of one page, each with `member_count` (its confirmed members), counted
    for these communities only (one query on registration_by_community), not for every
    community before the page is cut."""
    communities = list(communities)
    counts = dict(
        CommunityRegistration.objects.filter(
            community__in=[c.pk for c in communities],
            state=CommunityRegistration.State.CONFIRMED,
        )
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    )
    for c in communities:
        c.member_count = counts.get(c.pk, 0)
    return communities


def community_member_count(*, community: Community) -> int:
    """A community's confirmed members (an index-only count on registration_by_community)."""
    return community.registrations.filter(state=CommunityRegistration.State.CONFIRMED).count()


def community_partnerships(*, community: Community) -> QuerySet[Partnership]:
    return community.partnerships.select_related("organization", "organization__parent").order_by(
        "-term_end", "organization__name"
    )


def pending_registrations(*, community_id: int) -> QuerySet[CommunityRegistration]:
    """The staff page: requests waiting for this community's decision, oldest first."""
    return (
        CommunityRegistration.objects.filter(
            community_id=community_id, state=CommunityRegistration.State.PENDING
        )
        .select_related("member__user", "member__branch", "member__residence_community")
        .prefetch_related("member__service_categories")
        .order_by("created_at", "pk")
    )


def registered_members(*, community_id: int, search: str = "") -> QuerySet[Member]:
    """The members confirmed with a community, with their branch and categories."""
    qs = (
        Member.objects.filter(
            registrations__community_id=community_id,
            registrations__state=CommunityRegistration.State.CONFIRMED,
        )
        .select_related("user", "branch", "residence_community")
        .prefetch_related(
            "service_categories",
            Prefetch(
                "registrations",
                queryset=CommunityRegistration.objects.filter(state__in=ACTIVE_STATES),
                to_attr="active_registrations",
            ),
        )
        .order_by("real_name", "pk")
    )
    if search:
        qs = qs.filter(Q(real_name__icontains=search) | Q(branch__name__icontains=search))
    return qs


def member_registrations(*, member: Member) -> QuerySet[CommunityRegistration]:
    """A member's registration history, newest first."""
    return member.registrations.select_related(
        "community__subdistrict__district", "decided_by"
    ).order_by("-created_at", "-pk")


def member_profile(*, user) -> Member | None:
    return (
        Member.objects.select_related("branch", "residence_community", "user")
        .prefetch_related("service_categories")
        .filter(user=user)
        .first()
    )
