"""Rules and scopers of the reports app (service records, reports, evaluations)."""

from django.db.models import Q, QuerySet

from members.permissions import Roles, admin_verbs, nobody, scoper

from .models import ServiceRecord


def _view_record(roles: Roles, record: ServiceRecord | None) -> bool:
    if record is None:
        return roles.is_staff or roles.is_org_admin or roles.is_member
    return (
        (roles.member is not None and record.member_id == roles.member.pk)
        or roles.staffs(record.community_id)
        or roles.administers(record.member.branch)
    )


admin_verbs(
    "reports.servicerecord",
    view=_view_record,
    change=lambda r, o: r.is_staff and (o is None or r.staffs(o.community_id)),
    delete=nobody,
)


@scoper(ServiceRecord)
def _scope_records(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(pk__in=[])
    if roles.member:
        q |= Q(member_id=roles.member.pk)
    if roles.staff_community_id:
        q |= Q(community_id=roles.staff_community_id)
    if roles.is_org_admin:
        q |= roles.org_q("member__branch__")
    return qs.filter(q)
