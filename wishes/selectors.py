"""Reads of the wishes app: the querysets behind every list, each a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.lookups import Exact, GreaterThanOrEqual, In
from django.utils import timezone

from core.pagecache import cached_count
from core.queries import Unindexed
from core.tracking import LENGTH as TRACKING_CODE_LENGTH
from core.tracking import normalize_code, phone_last4_matches
from members.access import can, get_for_user_or_404, get_roles, work_scope

from .models import Claim, ProofPhoto, Wish, WishTransition
from .permissions import claimant_q

RECENTLY_COMPLETED_DAYS = 90


def wishes_fulfilled_on(*, day: datetime.date, community_ids) -> int:
    """How many wishes of these communities were fulfilled on `day` (local time): their claim
    was reported fulfilled that day, whether confirmed since or not (one query)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return (
        Claim.objects.filter(
            wish__community_id__in=list(community_ids),
            state__in=[Claim.State.FULFILLED, Claim.State.COMPLETED],
            fulfilled_at__gte=start,
            fulfilled_at__lt=start + datetime.timedelta(days=1),
        )
        .values("wish_id")
        .distinct()
        .count()
    )


def wall_wishes() -> QuerySet:
    """The public wall: open and in-progress wishes and those completed in the last 90 days."""
    since = timezone.now() - datetime.timedelta(days=RECENTLY_COMPLETED_DAYS)
    state, completed_at = Unindexed("state"), Unindexed("completed_at")
    return (
        # The page is read from the index `wish_wall` in order; these terms must not tempt
        # SQLite's planner into an index on the state and a sort of every public wish.
        Wish.objects.filter(
            In(state, [Wish.State.PUBLISHED, Wish.State.CLAIMED, Wish.State.FULFILLED])
            | (Exact(state, Wish.State.COMPLETED) & GreaterThanOrEqual(completed_at, since))
        )
        .select_related("community", "resident")
        .only(
            "pk",
            "title",
            "description",
            "category",
            "state",
            "deadline",
            "estimated_value",
            "photo_thumb",
            "photo_is_public",
            "created_at",
            "completed_at",
            "community__name",
            "resident__name",
        )
        .order_by("-created_at", "-pk")
    )


def story_wishes() -> QuerySet:
    """Completed wishes with the proof photos staff approved, newest first."""
    approved = ProofPhoto.objects.filter(is_approved=True)
    return (
        Wish.objects.filter(state=Wish.State.COMPLETED)
        .select_related("community", "resident")
        .prefetch_related(
            Prefetch(
                "claims",
                queryset=Claim.objects.filter(state=Claim.State.COMPLETED)
                .select_related("member", "team", "organization", "claimed_by")
                .prefetch_related(Prefetch("photos", queryset=approved, to_attr="approved")),
                to_attr="completed_claims",
            )
        )
        .order_by("-completed_at", "-pk")
    )


def wish_for_page(*, user, pk: int) -> Wish:
    """One wish as `user` may see it (404 otherwise), with what its page shows."""
    return get_for_user_or_404(
        user,
        Wish.objects.select_related("community", "resident", "community__subdistrict"),
        pk=pk,
    )


def wish_transitions(*, wish: Wish) -> QuerySet:
    return WishTransition.objects.filter(wish=wish).select_related("by").order_by("at", "pk")


def wish_history(*, user, wish: Wish) -> QuerySet | None:
    """The steps of a wish `user` may read (None: none): all of them for the community's staff
    and overseers; for a claimant, past or present, the wish's own steps and those of the
    user's claims, never who claimed after them."""
    if not user.is_authenticated or not can(user, "wishes.wish.view_history", wish):
        return None
    steps = wish_transitions(wish=wish)
    if can(user, "wishes.wish.view_every_step", wish):
        return steps
    mine = Claim.objects.filter(claimant_q(get_roles(user)))
    return steps.filter(Q(claim__isnull=True) | Q(claim__in=mine))


def my_claims(*, user) -> QuerySet:
    """The claims a user acts for (own, captained teams, administered organizations)."""
    roles = get_roles(user)
    return (
        Claim.objects.filter(claimant_q(roles))
        .select_related(
            "wish", "wish__community", "wish__resident", "member", "team", "organization"
        )
        .annotate(
            photo_count=Count("photos"),
            # Open claims first, the most urgent at the top.
            rank=Case(When(state__in=Claim.OPEN_STATES, then=Value(0)), default=Value(1)),
        )
        .order_by("rank", "promised_date", "-pk")
    )


def staff_wishes(*, user) -> QuerySet:
    """The wishes of the staff member's community, each with its open or completing claim."""
    roles = get_roles(user)
    return (
        work_scope(user, Wish.objects.all())
        .filter(community_id=roles.staff_community_id)
        .select_related("resident", "community")
        .prefetch_related(
            Prefetch(
                "claims",
                # The open claim, or the one that completed the wish: at most one per wish.
                queryset=Claim.objects.filter(
                    state__in=[*Claim.OPEN_STATES, Claim.State.COMPLETED]
                ).select_related("member", "team", "organization", "claimed_by"),
                to_attr="current_claims",
            )
        )
        .order_by("-created_at", "-pk")
    )


def wishes_waiting_for_staff(*, community, expiring: bool = True) -> dict[str, int]:
    """Counts for the staff digest and the staff home: wishes that need the staff to act. Each
    is counted on the index wish_by_community, so it costs the rows in that state, not the
    community's every wish (the staff home needs no `expiring`)."""
    today = timezone.localdate()
    of_community = Wish.objects.filter(community=community)
    # Both states in one pass over their index entries (state IN (...)), counted apart.
    counts = of_community.filter(state__in=[Wish.State.SUBMITTED, Wish.State.FULFILLED]).aggregate(
        submitted=Count("state", filter=Q(state=Wish.State.SUBMITTED)),
        fulfilled=Count("state", filter=Q(state=Wish.State.FULFILLED)),
    )
    if expiring:
        counts["expiring"] = of_community.filter(
            state=Wish.State.PUBLISHED,
            deadline__gte=today,
            deadline__lte=today + datetime.timedelta(days=3),
        ).count()
    # Kept until a claim changes (the public generation) or the day does: read through the
    # community's wishes, it costs the community's claims, which grow with its years.
    counts["overdue"] = cached_count(
        f"wishes:overdue:{community.pk}:{today.isoformat()}",
        lambda: Claim.objects.filter(
            wish__community=community, state=Claim.State.ACTIVE, promised_date__lt=today
        ).count(),
    )
    return counts


def team_claims(*, team, limit: int = 30) -> list:
    """A service team's wish claims, newest first (one query): for the team's page."""
    return list(
        Claim.objects.filter(team=team)
        .select_related("wish", "wish__community")
        .order_by("-pk")[:limit]
    )


def wish_counts_by_month_and_state(*, communities=None, start=None, end=None) -> list[dict]:
    """For the dashboards: wishes made per month and their state now (one grouped query).
    `communities`: a queryset or list of community ids, None for all."""
    from django.db.models.functions import TruncMonth  # only the dashboards group by month

    qs = Wish.objects.all()
    if communities is not None:
        qs = qs.filter(community_id__in=communities)
    if start is not None:
        qs = qs.filter(created_at__date__gte=start)
    if end is not None:
        qs = qs.filter(created_at__date__lte=end)
    return list(
        qs.annotate(month=TruncMonth("created_at"))
        .values("month", "state")
        .annotate(n=Count("pk"))
        .order_by("month", "state")
    )


def overdue_claims(*, communities=None, limit: int = 10) -> list:
    """Active claims past their promised date, the most overdue first (one query)."""
    qs = Claim.objects.filter(state=Claim.State.ACTIVE, promised_date__lt=timezone.localdate())
    if communities is not None:
        qs = qs.filter(wish__community_id__in=communities)
    return list(
        qs.select_related(
            "wish", "wish__community", "member", "team", "organization", "claimed_by"
        ).order_by("promised_date", "pk")[:limit]
    )


# A code nobody has: a lookup that finds no wish still compares four digits, so a wrong code
# and wrong digits take the same time and get the same answer.
_NO_PHONE = "0000000000"


def tracked_wish(*, code: str, last4: str) -> Wish | None:
    """群众点单 tracking: the wish a resident sent, found by its tracking code and the last four
    digits of the phone they gave (core.tracking), or None for a wrong code or wrong digits
    alike. With the reason of its last refusal or cancellation (`end_reason`)."""
    code = normalize_code(code)
    wish = (
        Wish.objects.filter(tracking_code=code).select_related("community", "resident").first()
        if len(code) == TRACKING_CODE_LENGTH
        else None
    )
    phone = wish.resident.phone if wish is not None else _NO_PHONE
    if not phone_last4_matches(phone, last4) or wish is None:
        return None
    last = (
        wish.transitions.filter(to_state__in=[Wish.State.REJECTED, Wish.State.CANCELLED])
        .order_by("-at", "-pk")
        .first()
    )
    wish.end_reason = last.reason if last is not None else ""
    return wish


def public_wish_sent_again(*, community, phone: str, title: str) -> Wish | None:
    """The same wish from the same phone, sent in the last hour and not reviewed yet: a resend
    whose form lost its token (a browser without script, a page fetched again), not a new wish."""
    since = timezone.now() - datetime.timedelta(hours=1)
    return (
        Wish.objects.filter(
            community=community,
            source=Wish.Source.PUBLIC,
            state=Wish.State.SUBMITTED,
            title=title,
            resident__phone=phone,
            created_at__gte=since,
        )
        .order_by("-created_at")
        .first()
    )
