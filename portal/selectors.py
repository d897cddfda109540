"""The home pages compose the selectors of the apps below: a member's half-year, rank, open
claims and report; what waits for a community's staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.periods import last_ended
from members.models import Community, Member
from records import selectors as records_selectors
from reports import selectors as reports_selectors
from wishes import selectors as wishes_selectors
from wishes.models import Claim

# ---------------------------------------------------------------------------------------------
# The home pages: what is waiting for the member or the staff, read from the apps below.
# ---------------------------------------------------------------------------------------------
HOME_CLAIMS = 5


@dataclass
class MemberHome:
    period: object  # core.periods.Period, the half-year we are in
    hours: Decimal
    points: int
    ranks: object  # records.selectors.Ranks (by points over all time, as on "My service")
    open_claims: list = field(default_factory=list)
    more_claims: bool = False
    report: object = None  # the member's latest half-year report, if any
    recognition: object = None  # records.selectors.Recognition: periods' figures, star level


def member_home(*, user, member: Member) -> MemberHome:
    """This half-year's service, rank, open claims and latest report of a member (a fixed set
    of queries whatever the number of records and claims: the totals per half-year and the
    ranks (cached), one page of open claims, the latest report, the star level)."""

    # The member's totals per half-year (one grouped sum, cached until a record changes) give
    # this half-year's figures, the all-time points the ranks are cached by, and the star
    # level's hours.
    recognition = records_selectors.member_recognition(
        member=member, halves=records_selectors.member_half_year_totals_cached(member=member)
    )
    ranks = records_selectors.member_ranks_cached(member=member, my_points=recognition.all_points)
    claims = list(
        wishes_selectors.my_claims(user=user).filter(state__in=Claim.OPEN_STATES)[: HOME_CLAIMS + 1]
    )
    return MemberHome(
        period=recognition.period,
        hours=recognition.half_hours,
        points=recognition.half_points,
        ranks=ranks,
        open_claims=claims[:HOME_CLAIMS],
        more_claims=len(claims) > HOME_CLAIMS,
        report=reports_selectors.member_reports_for(user=user, member=member).first(),
        recognition=recognition,
    )


@dataclass
class StaffWaiting:
    pending_registrations: int
    submitted_wishes: int
    fulfilled_wishes: int
    overdue_claims: int
    evaluation_period: object  # core.periods.Period, the last half-year that ended
    not_evaluated: int

    @property
    def total(self) -> int:
        return (
            self.pending_registrations
            + self.submitted_wishes
            + self.fulfilled_wishes
            + self.not_evaluated
        )


def staff_waiting(*, community: Community, pending_registrations: int) -> StaffWaiting:
    """What waits for the staff of one community (a fixed set of queries: a count per state
    that waits, the overdue claims, the members not rated for the last half-year)."""

    wishes = wishes_selectors.wishes_waiting_for_staff(community=community, expiring=False)
    period = last_ended(timezone.localdate())
    return StaffWaiting(
        pending_registrations=pending_registrations,
        submitted_wishes=wishes["submitted"],
        fulfilled_wishes=wishes["fulfilled"],
        overdue_claims=wishes["overdue"],
        evaluation_period=period,
        not_evaluated=reports_selectors.community_not_evaluated_count_cached(
            community=community, period=period
        ),
    )
