"""Rules and scopers of the ledger (service records and point rules)."""

from django.db.models import Q, QuerySet

from members.access import (
    Roles,
    admin_verbs,
    nobody,
    rule,
    scoper,
    superusers_only,
    unscoped,
    uses_admin,
    work_scoper,
)
from members.permissions import member_community_rows

from .models import Certificate, MemberStar, PointRule, ServiceRecord, StarRule


# Service records ------------------------------------------------------------------------------
def _view_record(roles: Roles, record: ServiceRecord | None) -> bool:
    if record is None:
        return roles.is_staff or roles.is_org_admin or roles.is_member
    return (
        roles.is_member_id(record.member_id)
        or roles.staffs(record.community_id)
        or roles.administers(record.member.branch)
    )


admin_verbs(
    "records.servicerecord",
    view=_view_record,
    change=lambda r, o: r.is_staff and (o is None or r.staffs(o.community_id)),
    delete=nobody,
)


@rule("records.servicerecord.enter")
def _enter_record(roles: Roles, community) -> bool:
    """Staff enter service that happened outside the system, for their own community."""
    if community is None:
        return roles.is_staff
    return roles.staffs(community.pk)


scoper(ServiceRecord)(member_community_rows)


# Point rules ----------------------------------------------------------------------------------
# The rules bind every district: the platform's (superusers'), not a committee's. That a rule in
# force is history and stays as it is holds for everyone: records.admin.PointRuleAdmin.
admin_verbs(
    "records.pointrule",
    view=uses_admin,
    change=superusers_only,
    add=superusers_only,
    delete=superusers_only,
)
scoper(PointRule)(unscoped)


# Star levels ----------------------------------------------------------------------------------
# The rule is the platform's (superusers'); awards are history, made only by the services.
admin_verbs(
    "records.starrule",
    view=uses_admin,
    change=superusers_only,
    add=superusers_only,
    delete=superusers_only,
)
scoper(StarRule)(unscoped)


def _member_rows(roles: Roles, qs: QuerySet) -> QuerySet:
    """Rows of a member (`member`): the member's own, those of the members registered with the
    staff's community, those of the members of an administered subtree."""
    q = Q(pk__in=[])
    if roles.member:
        q |= Q(member_id=roles.member.pk)
    if roles.staff_community_id:
        q |= Q(
            member__registrations__community_id=roles.staff_community_id,
            member__registrations__state="confirmed",
        )
    if roles.is_org_admin:
        q |= roles.org_q("member__branch__")
    return qs.filter(q).distinct() if roles.staff_community_id else qs.filter(q)


admin_verbs(
    "records.memberstar",
    view=lambda r, o: r.is_staff or r.is_org_admin,
    change=nobody,
    add=nobody,
    delete=nobody,
)
scoper(MemberStar)(_member_rows)


# Certificates ---------------------------------------------------------------------------------
@rule("records.certificate.issue")
def _issue_certificate(roles: Roles, member) -> bool:
    """A member asks for their own certificate (issued free, on request)."""
    return roles.is_member and (member is None or roles.is_member_id(member.pk))


@rule("records.certificate.revoke")
def _revoke_certificate(roles: Roles, certificate: Certificate | None) -> bool:
    """The staff of the recording unit revoke what it certified."""
    if certificate is None:
        return roles.is_staff or roles.is_org_admin
    unit_staff = roles.staffs(certificate.community_id) or (
        certificate.organization_id is not None and roles.administers(certificate.organization)
    )
    return unit_staff and not certificate.is_revoked


def _view_certificate(roles: Roles, certificate: Certificate | None) -> bool:
    if certificate is None:
        return roles.is_staff or roles.is_org_admin
    return (
        roles.is_member_id(certificate.member_id)
        or roles.staffs(certificate.community_id)
        or roles.administers(certificate.member.branch)
        or (certificate.organization_id is not None and roles.administers(certificate.organization))
    )


admin_verbs("records.certificate", view=_view_certificate, change=nobody, add=nobody)


@scoper(Certificate)
def _certificate_rows(roles: Roles, qs: QuerySet) -> QuerySet:
    """A member's own, the staff's community's, the administered members' and the
    administered organizations' certificates."""
    q = Q(pk__in=member_community_rows(roles, qs).values("pk"))
    if roles.is_org_admin:
        q |= roles.org_q("organization__")
    return qs.filter(q)


@work_scoper(Certificate)
def _certificates_worked_on(roles: Roles, qs: QuerySet) -> QuerySet:
    """Staff work on their unit's certificates; organization admins read their members'."""
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(community_id=roles.staff_community_id)
    if roles.is_org_admin:
        q |= roles.org_q("member__branch__") | roles.org_q("organization__")
    return qs.filter(q)


# Leaderboards ---------------------------------------------------------------------------------
@rule("records.board.full")
def _board_in_full(roles: Roles, unit) -> bool:
    """Who sees a unit's board with every member and full names (others see the public board:
    members who opted in, masked names): the community's staff, the organization's admins."""
    from members.models import (
        Community,
        Organization,
    )  # at call time: rules load before the models are ready

    if isinstance(unit, Community):
        return roles.staffs(unit.pk) or roles.oversees_community(unit)
    if isinstance(unit, Organization):
        return roles.administers(unit)
    return False
