"""Rules and scopers of the reports app (member and organization reports, evaluations)."""

from django.db.models import Q, QuerySet

from members.access import Roles, admin_verbs, nobody, rule, scoper

from .models import Evaluation, MemberReport, OrganizationReport


# Member reports -------------------------------------------------------------------------------
def _view_member_report(roles: Roles, report: MemberReport | None) -> bool:
    if report is None:
        return roles.is_member or roles.is_org_admin
    return roles.is_member_id(report.member_id) or roles.administers(report.member.branch)


admin_verbs(
    "reports.memberreport",
    view=lambda r, o: r.is_org_admin if o is None else r.administers(o.member.branch),
    # Nobody edits a report's content in admin: members write it on the site, reviewers
    # approve or return it with the review buttons.
    change=nobody,
    add=nobody,
)


@rule("reports.memberreport.edit")
def _edit_member_report(roles: Roles, report: MemberReport) -> bool:
    """The member edits and submits their own report while it is a draft or returned."""
    return roles.is_member_id(report.member_id) and report.is_editable


@rule("reports.memberreport.reviewer")
def _reviewer_of(roles: Roles, report: MemberReport | None) -> bool:
    """The admins of the member's branch or of an organization above it, never for their own."""
    if report is None:
        return roles.is_org_admin
    return roles.administers(report.member.branch) and not roles.is_member_id(report.member_id)


@rule("reports.memberreport.review")
def _review_member_report(roles: Roles, report: MemberReport | None) -> bool:
    """May approve or return it now: a reviewer, and the report waits for review."""
    if report is None:
        return roles.is_org_admin
    return _reviewer_of(roles, report) and report.awaits_review


@rule("reports.memberreport.see_evaluation")
def _see_evaluation(roles: Roles, report: MemberReport) -> bool:
    """The community's rating is for the reviewer, not shown to the member."""
    return roles.administers(report.member.branch) and not roles.is_member_id(report.member_id)


@scoper(MemberReport)
def _scope_member_reports(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(pk__in=[])
    if roles.member:
        q |= Q(member_id=roles.member.pk)
    if roles.is_org_admin:
        q |= roles.org_q("member__branch__")
    return qs.filter(q)


# Evaluations ----------------------------------------------------------------------------------
@rule("reports.evaluation.rate")
def _rate(roles: Roles, community) -> bool:
    if community is None:
        return roles.is_staff
    return roles.staffs(community.pk)


admin_verbs(
    "reports.evaluation",
    view=lambda r, o: (
        (r.is_staff or r.is_org_admin)
        if o is None
        else r.staffs(o.community_id) or r.administers(o.member.branch)
    ),
    change=nobody,
    add=nobody,
)


@scoper(Evaluation)
def _scope_evaluations(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(community_id=roles.staff_community_id)
    if roles.is_org_admin:
        q |= roles.org_q("member__branch__")
    return qs.filter(q)


# Organization reports -------------------------------------------------------------------------
def _view_org_report(roles: Roles, report: OrganizationReport | None) -> bool:
    if report is None:
        return roles.is_org_admin
    return roles.administers(report.organization)


admin_verbs(
    "reports.organizationreport",
    view=_view_org_report,
    change=lambda r, o: o is not None and _edit_org_report(r, o),
    add=nobody,
)


@rule("reports.organizationreport.edit")
def _edit_org_report(roles: Roles, report: OrganizationReport) -> bool:
    """The organization's own admins write and submit its account while it is open."""
    return report.is_editable and report.organization_id in roles.admin_org_ids


@rule("reports.organizationreport.review")
def _review_org_report(roles: Roles, report: OrganizationReport | None) -> bool:
    """The committee above reviews: admins of the parent organization (or higher)."""
    if report is None:
        return roles.is_org_admin
    parent = report.organization.parent
    return (
        report.awaits_review
        and parent is not None
        and roles.administers(parent)
        and report.organization_id not in roles.admin_org_ids
    )


@scoper(OrganizationReport)
def _scope_org_reports(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(roles.org_q("organization__")) if roles.is_org_admin else qs.none()
