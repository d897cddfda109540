"""The one place that answers "may user U do A on object O", and builds each user's querysets.

Every view, template, queryset and admin page asks here:

    can(user, "members.registration.decide", registration)  -> bool
    scope(user, Wish.objects.all())                          -> only the rows the user may see
    get_for_user_or_404(user, Wish.objects.all(), pk=pk)     -> the row, or 404 for strangers

Rules are small functions registered per action with `@rule("app.model.verb")`; scopers are
registered per model with `@scoper(Model)`. Each app keeps its own rules in its `permissions.py`
(imported when the app is ready), built on the role facts computed here once per request.
Superusers may do everything. An action nobody registered raises, so a typo fails loudly.

The admin uses the verbs `view`, `add`, `change` and `delete`, called with `obj=None` for
"any object of this kind" (may the user open the list at all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

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
# Role facts
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Roles:
    """What a user is, computed once per request (three small queries at most)."""

    user_id: int | None = None
    is_superuser: bool = False
    member: Member | None = None
    staff_community_id: int | None = None
    # The organizations a user administers, as materialized paths ("3/17/"): each is a subtree.
    admin_paths: tuple[str, ...] = ()
    # Working committees the user administers, with the districts they oversee (None: all).
    committee_district_ids: tuple[int | None, ...] = ()
    admin_org_ids: tuple[int, ...] = ()

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_member(self) -> bool:
        return self.member is not None

    @property
    def is_staff(self) -> bool:
        return self.staff_community_id is not None

    @property
    def is_org_admin(self) -> bool:
        return bool(self.admin_paths)

    @property
    def is_committee_admin(self) -> bool:
        return bool(self.committee_district_ids)

    @property
    def may_use_admin(self) -> bool:
        return self.is_superuser or self.is_staff or self.is_org_admin

    def administers(self, organization: Organization | None) -> bool:
        """True when the organization lies in one of the user's subtrees."""
        return organization is not None and any(
            organization.path.startswith(p) for p in self.admin_paths
        )

    def oversees_community(self, community: Community | None) -> bool:
        """Committee admins oversee every community of their district (or all, if none set)."""
        if community is None:
            return False
        return any(
            d is None or d == community.subdistrict.district_id for d in self.committee_district_ids
        )

    def staffs(self, community_id: int | None) -> bool:
        return community_id is not None and community_id == self.staff_community_id

    # Q objects for scoping querysets ------------------------------------------------------
    def org_q(self, prefix: str = "") -> Q:
        """Rows whose organization (at `prefix`) is in one of the user's subtrees."""
        q = Q(pk__in=[])
        for p in self.admin_paths:
            q |= Q(**{f"{prefix}path__startswith": p})
        return q

    def overseen_community_q(self, prefix: str = "") -> Q:
        q = Q(pk__in=[])
        for d in self.committee_district_ids:
            if d is None:
                return Q()
            q |= Q(**{f"{prefix}subdistrict__district_id": d})
        return q


ANONYMOUS = Roles()


def get_roles(user) -> Roles:
    """The role facts of a user, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    member = Member.objects.filter(user_id=user.pk).select_related("branch").first()
    staff_community_id = (
        CommunityStaff.objects.filter(user_id=user.pk)
        .values_list("community_id", flat=True)
        .first()
    )
    admin_rows = list(
        OrganizationAdmin.objects.filter(user_id=user.pk).values_list(
            "organization_id",
            "organization__path",
            "organization__kind",
            "organization__district_id",
        )
    )
    roles = Roles(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        member=member,
        staff_community_id=staff_community_id,
        admin_paths=tuple(path for _, path, _, _ in admin_rows),
        committee_district_ids=tuple(
            district for _, _, kind, district in admin_rows if kind == Organization.Kind.COMMITTEE
        ),
        admin_org_ids=tuple(pk for pk, _, _, _ in admin_rows),
    )
    user._roles_cache = roles
    return roles


def staff_community_or_403(user) -> Community:
    """The community `user` works for as staff; anyone else is refused."""
    roles = get_roles(user)
    if not roles.is_staff:
        raise PermissionDenied
    return Community.objects.get(pk=roles.staff_community_id)


def forget_roles(user) -> None:
    """Drop the cached facts after a role changed within the same request."""
    if hasattr(user, "_roles_cache"):
        del user._roles_cache


# ---------------------------------------------------------------------------------------------
# Registries
# ---------------------------------------------------------------------------------------------
Rule = Callable[[Roles, object], bool]
Scoper = Callable[[Roles, QuerySet], QuerySet]

_rules: dict[str, Rule] = {}
_scopers: dict[type[Model], Scoper] = {}


def rule(*actions: str):
    """Register a function `(roles, obj) -> bool` as the rule for one or more actions."""

    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in _rules:
                raise ValueError(f"A rule for {action!r} is already registered.")
            _rules[action] = fn
        return fn

    return register


def scoper(model: type[Model]):
    """Register a function `(roles, queryset) -> queryset` narrowing a model's rows."""

    def register(fn: Scoper) -> Scoper:
        _scopers[model] = fn
        return fn

    return register


def can(user, action: str, obj=None) -> bool:
    """May `user` do `action` (to `obj`, when given)?"""
    try:
        check = _rules[action]
    except KeyError:
        raise KeyError(f"No permission rule is registered for {action!r}.") from None
    roles = get_roles(user)
    if roles.is_superuser:
        return True
    return bool(check(roles, obj))


def has_scope(model: type[Model]) -> bool:
    return model in _scopers


def scope(user, queryset: QuerySet) -> QuerySet:
    """Narrow `queryset` to the rows `user` may see."""
    roles = get_roles(user)
    if roles.is_superuser:
        return queryset
    try:
        narrow = _scopers[queryset.model]
    except KeyError:
        raise KeyError(f"No scoper is registered for {queryset.model.__name__}.") from None
    return narrow(roles, queryset)


def get_for_user_or_404(user, queryset: QuerySet, **lookup):
    """The object matching `lookup` among those `user` may see; strangers get a 404."""
    try:
        return scope(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def nobody(roles: Roles, obj) -> bool:
    return False


def uses_admin(roles: Roles, obj) -> bool:
    """Anyone who works in the admin (reference data every admin user may read)."""
    return roles.may_use_admin


def admin_verbs(
    app_model: str, *, view: Rule, change: Rule, add: Rule | None = None, delete: Rule | None = None
) -> None:
    """Register the four admin verbs of a model at once (add defaults to change, delete to
    superusers only)."""
    rule(f"{app_model}.view")(view)
    rule(f"{app_model}.change")(change)
    rule(f"{app_model}.add")(add or change)
    rule(f"{app_model}.delete")(delete or nobody)


# ---------------------------------------------------------------------------------------------
# Rules of the members app
# ---------------------------------------------------------------------------------------------
def _member_of(roles: Roles, member: Member | None) -> bool:
    return member is not None and roles.member is not None and roles.member.pk == member.pk


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
        _member_of(roles, member)
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
    return _member_of(roles, member) or roles.administers(member.branch)


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
        _member_of(roles, registration.member)
        and registration.state == CommunityRegistration.State.PENDING
    )


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
        _member_of(roles, registration.member)
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
def _scope_registrations(roles: Roles, qs: QuerySet) -> QuerySet:
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


def unscoped(roles: Roles, qs: QuerySet) -> QuerySet:
    """Reference data that anyone may read."""
    return qs


for _model in (District, Subdistrict, ServiceCategory, Grid):
    scoper(_model)(unscoped)


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
