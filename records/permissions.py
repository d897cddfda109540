"""Rules and scopers of the ledger (service records and point rules)."""

from members.access import (
    Roles,
    admin_verbs,
    nobody,
    rule,
    scoper,
    superusers_only,
    unscoped,
    uses_admin,
)
from members.permissions import member_community_rows

from .models import PointRule, ServiceRecord


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
