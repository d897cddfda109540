"""The permission engine: the one place that answers "may user U do A on object O", and builds
each user's querysets. Each app's own rules live in its `permissions.py`.

Every view, template, queryset and admin page asks here:

    can(user, "members.registration.decide", registration)  -> bool
    scope(user, Wish.objects.all())                          -> only the rows the user may see
    work_scope(user, Wish.objects.all())                     -> the rows the user works on
    get_for_user_or_404(user, Wish.objects.all(), pk=pk)     -> the row, or 404 for strangers

Rules are small functions registered per action with `@rule("app.model.verb")`; scopers are
registered per model with `@scoper(Model)` (the rows a user may see) and, where someone works on
fewer rows than they may see, `@work_scoper(Model)` (the rows on their desk: a community's wishes
are public, but its staff work on their own community's; staff pages and admin lists use it).
Each app keeps its own rules in its `permissions.py` (imported when the app is ready), built on
the role facts computed here once per request.
Superusers may do everything. An action nobody registered raises, so a typo fails loudly.

The admin uses the verbs `view`, `add`, `change` and `delete`, called with `obj=None` for
"any object of this kind" (may the user open the list at all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from core.once import AdminSubmitOnce
from core.pagecache import generation, generation_bump

from .models import (
    Community,
    CommunityStaff,
    Member,
    Organization,
    OrganizationAdmin,
    ServiceTeam,
)


# ---------------------------------------------------------------------------------------------
# Role facts
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Roles:
    """What a user is, computed once (four small queries at most) and then kept in the cache
    (get_roles)."""

    user_id: int | None = None
    is_superuser: bool = False
    member: Member | None = None
    staff_community_id: int | None = None
    # The community a staff member works for, with its subdistrict and district: every staff
    # page shows it (staff_community_or_403).
    staff_community: Community | None = None
    # The organizations a user administers, as materialized paths ("3/17/"): each is a subtree.
    admin_paths: tuple[str, ...] = ()
    # Working committees the user administers, with the districts they oversee (None: all).
    committee_district_ids: tuple[int | None, ...] = ()
    admin_org_ids: tuple[int, ...] = ()
    # The service teams the user's member profile captains (claims made for them).
    captain_team_ids: tuple[int, ...] = ()

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

    def is_member_id(self, member_id: int | None) -> bool:
        """True when `member_id` is the user's own member profile."""
        return self.member is not None and member_id == self.member.pk

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
                # Every community (not an empty Q(): OR-ed with another Q, an empty one is
                # dropped, and the whole condition would match nothing), and only rows that
                # have one.
                return Q(**{f"{prefix}pk__isnull": False})
            q |= Q(**{f"{prefix}subdistrict__district_id": d})
        return q


ANONYMOUS = Roles()
# The role facts of each user are kept in the cache across requests, under a generation that
# every save or deletion of a user, member, staff post, organization, admin post, team or
# community renews (members.apps), and for this long at most.
ROLES_SECONDS = 300
ROLES_GENERATION = "roles:generation"
# Part of the key: a new version of Roles (a field added) never reads an old one's pickles.
ROLES_VERSION = 2


def _roles_key(user_id) -> str:
    return f"roles:v{ROLES_VERSION}:{generation(ROLES_GENERATION)}:{user_id}"


def roles_changed() -> None:
    """Someone's roles may have changed: every user's facts are computed afresh."""
    generation_bump(ROLES_GENERATION)


def get_roles(user) -> Roles:
    """The role facts of a user: computed once (four small queries), then kept on the user
    object for the rest of the request and in the cache for the next ones."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    key = _roles_key(user.pk)
    cached = cache.get(key)
    if cached is not None and cached.is_superuser == user.is_superuser:
        user._roles_cache = cached
        return cached
    member = Member.objects.filter(user_id=user.pk).select_related("branch").first()
    post = (
        CommunityStaff.objects.filter(user_id=user.pk)
        .select_related("community__subdistrict__district")
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
    captain_team_ids = (
        tuple(ServiceTeam.objects.filter(captain=member).values_list("pk", flat=True))
        if member is not None
        else ()
    )
    roles = Roles(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        member=member,
        staff_community_id=post.community_id if post else None,
        staff_community=post.community if post else None,
        admin_paths=tuple(path for _, path, _, _ in admin_rows),
        committee_district_ids=tuple(
            district for _, _, kind, district in admin_rows if kind == Organization.Kind.COMMITTEE
        ),
        admin_org_ids=tuple(pk for pk, _, _, _ in admin_rows),
        captain_team_ids=captain_team_ids,
    )
    user._roles_cache = roles
    cache.set(key, roles, ROLES_SECONDS)
    return roles


def staff_community_or_403(user) -> Community:
    """The community `user` works for as staff; anyone else is refused."""
    roles = get_roles(user)
    if not roles.is_staff:
        raise PermissionDenied
    return roles.staff_community


def member_or_404(user) -> Member:
    """The member profile of `user`; a page that is a member's own is a 404 for anyone else."""
    member = get_roles(user).member
    if member is None:
        raise Http404
    return member


def forget_roles(user) -> None:
    """Drop the cached facts after a role changed within the same request."""
    if hasattr(user, "_roles_cache"):
        del user._roles_cache
    cache.delete(_roles_key(user.pk))


# ---------------------------------------------------------------------------------------------
# Registries
# ---------------------------------------------------------------------------------------------
Rule = Callable[[Roles, object], bool]
Scoper = Callable[[Roles, QuerySet], QuerySet]

_rules: dict[str, Rule] = {}
_scopers: dict[type[Model], Scoper] = {}
_work_scopers: dict[type[Model], Scoper] = {}


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


def work_scoper(model: type[Model]):
    """Register a function `(roles, queryset) -> queryset` narrowing a model's rows to those the
    user works on: a subset of what the model's scoper lets them see (a test holds every work
    scoper to that), applied instead of it."""

    def register(fn: Scoper) -> Scoper:
        _work_scopers[model] = fn
        return fn

    return register


def registered_actions() -> frozenset[str]:
    return frozenset(_rules)


def work_scoped_models() -> frozenset[type[Model]]:
    return frozenset(_work_scopers)


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


def work_scope(user, queryset: QuerySet) -> QuerySet:
    """Narrow `queryset` to the rows `user` works on (the rows they may see, where the model
    registered no work scoper)."""
    roles = get_roles(user)
    narrow = _work_scopers.get(queryset.model)
    if roles.is_superuser or narrow is None:
        return scope(user, queryset)
    return narrow(roles, queryset)


def get_for_user_or_404(user, queryset: QuerySet, **lookup):
    """The object matching `lookup` among those `user` may see; strangers get a 404."""
    try:
        return scope(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def nobody(roles: Roles, obj) -> bool:
    """No one: for the admin's `add`, what only the services make (superusers included)."""
    return False


def superusers_only(roles: Roles, obj) -> bool:
    """The platform's own settings (they bind every district): `can` lets superusers through."""
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


def unscoped(roles: Roles, qs: QuerySet) -> QuerySet:
    """Reference data that anyone may read."""
    return qs


# ---------------------------------------------------------------------------------------------
# The admin, asking the engine
# ---------------------------------------------------------------------------------------------
def admin_action(model, verb: str) -> str:
    """The permission action of an admin verb on a model: "<app>.<model>.<verb>"."""
    opts = model._meta
    return f"{opts.app_label}.{opts.model_name}.{verb}"


def own_community(request):
    """For `fk_choices`: the one community a staff member may add records to."""
    return Community.objects.filter(pk=get_roles(request.user).staff_community_id)


class ChangeListOfUserInput(ChangeList):
    """Django's changelist, with a date in the query string that no calendar holds
    (`?signed_on__day=99999999999999999999`, year 9999's next month) answered like any other
    bad filter (the list again, `?e=1`) instead of a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class ScopedModelAdmin(AdminSubmitOnce, admin.ModelAdmin):
    """A ModelAdmin whose rows, choices and permissions come from the engine.

    Each model registers the rules `<app>.<model>.view|add|change|delete`, a scoper and, where
    the admin lists fewer rows than a role may see, a work scoper; this class asks them, so a
    role sees and edits in admin exactly what it may on the site. Subclasses may annotate or
    prefetch in `get_queryset`, never narrow: who sees what is the permission modules' rule.
    """

    def _action(self, verb):
        return admin_action(self.model, verb)

    def get_queryset(self, request):
        return work_scope(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return can(request.user, self._action("view"), obj) or self.has_change_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return can(request.user, self._action("change"), obj)

    def has_add_permission(self, request):
        # "Made by the services only" (`add=nobody`) holds for superusers too: the admin's add
        # page of such a model has nothing to fill in.
        action = self._action("add")
        return _rules.get(action) is not nobody and can(request.user, action)

    def get_changelist(self, request, **kwargs):
        return ChangeListOfUserInput

    def has_delete_permission(self, request, obj=None):
        return can(request.user, self._action("delete"), obj)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    # The rows a foreign key offers are those the user may see (the related model's scoper).
    # Where a role may see more than it may attach a record to (every community's name is
    # public), `fk_choices` narrows a field for everyone but superusers:
    # {"community": function(request) -> queryset, or None to keep the scoped rows}. A field
    # narrowed this way is required, so that a record cannot escape to "no community".
    fk_choices: dict = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        narrow = self.fk_choices.get(db_field.name)
        if "queryset" not in kwargs and narrow and not request.user.is_superuser:
            queryset = narrow(request)
            if queryset is not None:
                kwargs["queryset"] = queryset
                kwargs["required"] = True
        related = db_field.remote_field.model
        if "queryset" not in kwargs and has_scope(related):
            kwargs["queryset"] = scope(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline:
    """Inline admins follow their parent's permission: viewing it lets you see them. Their rows
    are still only those the user may see (a member's registrations with other communities stay
    hidden from this community's staff)."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope(request.user, qs) if has_scope(self.model) else qs

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return True
        return can(request.user, admin_action(self.parent_model, "view"), obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
