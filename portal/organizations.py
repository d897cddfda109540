"""The work page of an organization's admins (a Party branch's secretary, a unit's admin): what
waits for them, read from the apps below, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from members.access import get_roles, work_scope
from members.models import CommunityRegistration, Member, Organization
from orders.models import Dispatch
from orders.selectors import offers_to_me
from reports.models import MemberReport, OrganizationReport, ReportState


@dataclass
class OrganizationWork:
    organizations: list
    reports_to_review: int
    returned_reports: int
    members: int
    registered: int
    order_offers: int
    latest_reports: list  # each organization's latest yearly report, where it has one

    @property
    def not_registered(self) -> int:
        return self.members - self.registered

    @property
    def registered_percent(self) -> int | None:
        return round(100 * self.registered / self.members) if self.members else None


def organization_work(*, user) -> OrganizationWork:
    roles = get_roles(user)
    organizations = list(Organization.objects.filter(pk__in=roles.admin_org_ids).order_by("path"))
    # The same rows the admin's list shows them, so the count and the list agree.
    reports = work_scope(user, MemberReport.objects.all()).aggregate(
        to_review=Count("pk", filter=Q(state=ReportState.SUBMITTED)),
        returned=Count("pk", filter=Q(state=ReportState.RETURNED)),
    )
    registered = CommunityRegistration.objects.filter(
        member=OuterRef("pk"), state=CommunityRegistration.State.CONFIRMED
    )
    members = (
        Member.objects.filter(roles.org_q("branch__"))
        .annotate(is_registered=Exists(registered))
        .aggregate(total=Count("pk"), registered=Count("pk", filter=Q(is_registered=True)))
    )
    latest = {}
    for report in (
        OrganizationReport.objects.filter(organization_id__in=roles.admin_org_ids)
        .select_related("organization")
        .order_by("organization_id", "-year")
    ):
        latest.setdefault(report.organization_id, report)
    return OrganizationWork(
        organizations=organizations,
        reports_to_review=reports["to_review"],
        returned_reports=reports["returned"],
        members=members["total"],
        registered=members["registered"],
        order_offers=offers_to_me(user=user)
        .filter(claimant_kind=Dispatch.ClaimantKind.ORGANIZATION)
        .count(),
        latest_reports=[latest[o.pk] for o in organizations if o.pk in latest],
    )
