"""The members app's rules and scopers, registered with the engine in `members.access`."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from notifications.models import Notification

from .access import Roles, admin_verbs, nobody, rule, scoper, unscoped, uses_admin, work_scoper
from .models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    District,
    Grid,
    Member,
    Organization,
    OrganizationAdmin,
    Partnership,
    ServiceCategory,
    ServiceTeam,
    Subdistrict,
    TeamMembership,
    User,
)


# ---------------------------------------------------------------------------------------------
# Rules of the members app
# ---------------------------------------------------------------------------------------------
def _member_registered_with(member: Member, community_id: int | None) -> bool:
    if community_id is None:
        return False
    # Lists prefetch the active registrations (`active_registrations`) so that asking this for
    # every row costs no query per row.
    prefetched = getattr(member, "active_registrations", None)
    if prefetched is not None:
        return any(r.community_id == community_id for r in prefetched)
    return member.registrations.filter(
        community_id=community_id,
        state__in=[CommunityRegistration.State.PENDING, CommunityRegistration.State.CONFIRMED],
    ).exists()


@rule("members.member.view")
def _view_member(roles: Roles, member: Member | None) -> bool:
    if member is None:
        return roles.is_staff or roles.is_org_admin
    return (
        roles.is_member_id(member.pk)
        or roles.administers(member.branch)
        or _member_registered_with(member, roles.staff_community_id)
    )


@rule("members.member.view_phone")
def _view_member_phone(roles: Roles, member: Member) -> bool:
    """The full phone number: the member, their organization's admins and the staff of the
    community they are registered with. Everyone else sees it masked."""
    return _view_member(roles, member)


@rule("members.member.change")
def _change_member(roles: Roles, member: Member | None) -> bool:
    if member is None:
        return roles.is_org_admin
    return roles.is_member_id(member.pk) or roles.administers(member.branch)


@rule("members.member.add")
def _add_member(roles: Roles, obj) -> bool:
    return roles.is_org_admin


rule("members.member.delete")(nobody)


@rule("members.registration.create")
def _create_registration(roles: Roles, community: Community | None) -> bool:
    return roles.is_member and (community is None or community.is_active)


@rule("members.registration.withdraw")
def _withdraw_registration(roles: Roles, registration: CommunityRegistration) -> bool:
    return (
        registration.member is not None and roles.is_member_id(registration.member.pk)
    ) and registration.state == CommunityRegistration.State.PENDING


@rule("members.registration.decide", "members.communityregistration.change")
def _decide_registration(roles: Roles, registration: CommunityRegistration | None) -> bool:
    if registration is None:
        return roles.is_staff
    return roles.staffs(registration.community_id)


@rule("members.communityregistration.view")
def _view_registration(roles: Roles, registration: CommunityRegistration | None) -> bool:
    if registration is None:
        return roles.is_staff or roles.is_org_admin or roles.is_member
    return (
        roles.is_member_id(registration.member_id)
        or roles.staffs(registration.community_id)
        or roles.administers(registration.member.branch)
    )


rule("members.communityregistration.add")(nobody)
rule("members.communityregistration.delete")(nobody)


@rule("members.community.manage")
def _manage_community(roles: Roles, community: Community | None) -> bool:
    if community is None:
        return roles.is_staff
    return roles.staffs(community.pk)


@rule("members.community.view_private")
def _view_community_private(roles: Roles, community: Community | None) -> bool:
    """The community's registered members and internal lists."""
    if community is None:
        return roles.is_staff or roles.is_committee_admin
    return roles.staffs(community.pk) or roles.oversees_community(community)


admin_verbs(
    "members.community",
    view=lambda roles, obj: roles.is_staff or roles.is_org_admin,
    change=_manage_community,
    add=nobody,
)
admin_verbs(
    "members.grid",
    view=lambda r, o: r.is_staff or r.is_committee_admin,
    change=lambda r, o: o is None and r.is_staff or o is not None and r.staffs(o.community_id),
)
admin_verbs("members.district", view=uses_admin, change=nobody)
admin_verbs("members.subdistrict", view=uses_admin, change=nobody)
admin_verbs("members.servicecategory", view=uses_admin, change=nobody)


@rule("members.organization.view")
def _view_organization(roles: Roles, organization: Organization | None) -> bool:
    if organization is None:
        return roles.is_org_admin or roles.is_staff
    return roles.administers(organization) or roles.is_staff


@rule("members.organization.change")
def _change_organization(roles: Roles, organization: Organization | None) -> bool:
    if organization is None:
        return roles.is_org_admin
    return roles.administers(organization)


rule("members.organization.add")(lambda roles, obj: roles.is_org_admin)
rule("members.organization.delete")(nobody)


def _partnership_side(roles: Roles, partnership: Partnership | None) -> bool:
    if partnership is None:
        return roles.is_staff or roles.is_org_admin
    return (
        roles.staffs(partnership.community_id)
        or roles.administers(partnership.organization)
        or roles.oversees_community(partnership.community)
    )


rule("members.partnership.view", "members.partnership.change")(_partnership_side)
rule("members.partnership.add")(lambda roles, obj: roles.is_staff or roles.is_org_admin)
rule("members.partnership.delete")(
    lambda roles, obj: (
        obj is None
        and roles.is_org_admin
        or obj is not None
        and roles.administers(obj.organization)
    )
)


def _appoint_staff(roles: Roles, staff: CommunityStaff | None) -> bool:
    return roles.is_committee_admin and (staff is None or roles.oversees_community(staff.community))


def _appoint_org_admin(roles: Roles, org_admin: OrganizationAdmin | None) -> bool:
    return roles.is_org_admin and (org_admin is None or roles.administers(org_admin.organization))


admin_verbs(
    "members.communitystaff",
    view=lambda r, o: r.is_committee_admin or r.is_staff,
    change=_appoint_staff,
    delete=_appoint_staff,
)
admin_verbs(
    "members.organizationadmin",
    view=lambda r, o: r.is_org_admin,
    change=_appoint_org_admin,
    delete=_appoint_org_admin,
)
admin_verbs("members.user", view=lambda r, o: r.is_org_admin, change=nobody)


rule("admin.access")(uses_admin)


# ---------------------------------------------------------------------------------------------
# Scopers of the members app
# ---------------------------------------------------------------------------------------------
@scoper(Community)
def _scope_communities(roles: Roles, qs: QuerySet) -> QuerySet:
    # Community names and addresses are public; private lists are guarded by rules.
    return qs


@scoper(Organization)
def _scope_organizations(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(pk__in=[])
    if roles.is_org_admin:
        q |= roles.org_q()
    if roles.staff_community_id:
        # Staff know the organizations that pair (or paired) with their community.
        q |= Q(
            pk__in=Partnership.objects.filter(community_id=roles.staff_community_id).values(
                "organization_id"
            )
        )
    return qs.filter(q)


@scoper(Member)
def _scope_members(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(pk__in=[])
    if roles.member:
        q |= Q(pk=roles.member.pk)
    if roles.is_org_admin:
        q |= roles.org_q("branch__")
    if roles.staff_community_id:
        q |= Q(
            pk__in=CommunityRegistration.objects.filter(
                community_id=roles.staff_community_id,
                state__in=[
                    CommunityRegistration.State.PENDING,
                    CommunityRegistration.State.CONFIRMED,
                ],
            ).values("member_id")
        )
    return qs.filter(q)


@scoper(CommunityRegistration)
def member_community_rows(roles: Roles, qs: QuerySet) -> QuerySet:
    """Rows of a member in a community (`member`, `community`): the member's own, those of the
    staff's community and those of the members of an administered subtree. Registrations, and
    the service records of the apps above."""
    q = Q(pk__in=[])
    if roles.member:
        q |= Q(member_id=roles.member.pk)
    if roles.staff_community_id:
        q |= Q(community_id=roles.staff_community_id)
    if roles.is_org_admin:
        q |= roles.org_q("member__branch__")
    return qs.filter(q)


@scoper(Partnership)
def _scope_partnerships(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(community_id=roles.staff_community_id)
    if roles.is_org_admin:
        q |= roles.org_q("organization__")
    if roles.is_committee_admin:
        q |= roles.overseen_community_q("community__")
    return qs.filter(q)


@scoper(CommunityStaff)
def _scope_staff(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(community_id=roles.staff_community_id)
    if roles.is_committee_admin:
        q |= roles.overseen_community_q("community__")
    return qs.filter(q)


@scoper(OrganizationAdmin)
def _scope_org_admins(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(roles.org_q("organization__")) if roles.is_org_admin else qs.none()


@scoper(User)
def _scope_users(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(pk=roles.user_id)
    if roles.is_org_admin:
        q |= roles.org_q("member__branch__")
    if roles.is_committee_admin:
        # Committee admins appoint community staff: the staff of the communities they oversee,
        # and new accounts that hold no profile or role yet (a new community worker signs up,
        # then is appointed).
        q |= Q(
            pk__in=CommunityStaff.objects.filter(roles.overseen_community_q("community__")).values(
                "user_id"
            )
        )
        q |= Q(
            member__isnull=True,
            community_staff__isnull=True,
            organization_admin_roles__isnull=True,
            is_superuser=False,
        )
    return qs.filter(q)


for _model in (District, Subdistrict, ServiceCategory, Grid):
    scoper(_model)(unscoped)


# ---------------------------------------------------------------------------------------------
# The rows each role works on (staff pages and admin lists)
# ---------------------------------------------------------------------------------------------
def worked_communities_q(roles: Roles, prefix: str = "") -> Q:
    """Communities a role works with: the staff's own, those a committee oversees, and those
    paired with an administered organization. (Community names are public; the work is not.)"""
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(**{f"{prefix}pk": roles.staff_community_id})
    if roles.is_committee_admin:
        q |= roles.overseen_community_q(prefix)
    if roles.is_org_admin:
        paired = Partnership.objects.filter(roles.org_q("organization__")).values("community_id")
        q |= Q(**{f"{prefix}pk__in": paired})
    return q


@work_scoper(Community)
def _work_communities(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(worked_communities_q(roles))


@work_scoper(Grid)
def _work_grids(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(worked_communities_q(roles, "community__"))


def _team_q(roles: Roles, prefix: str = "") -> Q:
    """Teams of the communities a role works with, and teams captained from its subtree."""
    q = worked_communities_q(roles, f"{prefix}community__")
    if roles.is_org_admin:
        q |= roles.org_q(f"{prefix}captain__branch__")
    return q


@work_scoper(ServiceTeam)
def _work_teams(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_team_q(roles))


@work_scoper(TeamMembership)
def _work_team_memberships(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_team_q(roles, "team__"))


# ---------------------------------------------------------------------------------------------
# Service teams
# ---------------------------------------------------------------------------------------------
def is_captain(roles: Roles, team: ServiceTeam | None) -> bool:
    return team is not None and roles.member is not None and team.captain_id == roles.member.pk


@rule("members.team.act_for")
def _act_for_team(roles: Roles, team: ServiceTeam) -> bool:
    """Claim or accept work on the team's behalf: its captain only."""
    return is_captain(roles, team)


admin_verbs(
    "members.serviceteam",
    view=uses_admin,
    change=lambda r, o: (
        r.is_staff and (o is None or o.community_id is None or r.staffs(o.community_id))
    ),
)
admin_verbs(
    "members.teammembership",
    view=uses_admin,
    change=lambda r, o: r.is_staff,
)
scoper(ServiceTeam)(unscoped)
scoper(TeamMembership)(unscoped)


# ---------------------------------------------------------------------------------------------
# Notifications (the app below members: its rules are registered here, with the engine)
# ---------------------------------------------------------------------------------------------
admin_verbs(
    "notifications.notification",
    # In admin, a user sees only their own notifications (the scoper narrows the rows).
    view=lambda r, o: r.may_use_admin and (o is None or o.user_id == r.user_id),
    change=nobody,
)


@scoper(Notification)
def _scope_notifications(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(user_id=roles.user_id) if roles.is_authenticated else qs.none()
