"""The permission engine: work scopes, the admin asking it, and no rule registered in vain."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from members.access import (
    ScopedModelAdmin,
    registered_actions,
    scope,
    work_scope,
    work_scoped_models,
)
from tests import factories as f
from tests.test_admin_pages import one_of_everything  # noqa: F401  (a fixture)
from tests.wishes.factories import ServiceTeamFactory

ROOT = Path(__file__).resolve().parents[2]
ROLES = ["committee_admin", "org_admin", "other_org_admin", "staff", "other_staff", "member_user"]
ADMIN_VERBS = ("view", "add", "change", "delete")


@pytest.fixture
def world(one_of_everything, other_member, other_staff, other_org_admin, committee_admin):  # noqa: F811
    ServiceTeamFactory(community=one_of_everything.wish.community)
    return one_of_everything


@pytest.mark.parametrize("role", ROLES)
def test_every_work_scope_is_within_what_the_role_may_see(request, world, role):
    user = request.getfixturevalue(role)
    for model in work_scoped_models():
        seen = set(scope(user, model._default_manager.all()).values_list("pk", flat=True))
        worked = set(work_scope(user, model._default_manager.all()).values_list("pk", flat=True))
        assert worked <= seen, model.__name__


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_list_shows_exactly_the_rows_the_role_works_on(request, world, role):
    """Admins may annotate or prefetch, never narrow: who sees what is the rule modules'."""
    user = request.getfixturevalue(role)
    http_request = RequestFactory().get("/admin/")
    http_request.user = user
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedModelAdmin):
            continue
        listed = set(model_admin.get_queryset(http_request).values_list("pk", flat=True))
        worked = set(work_scope(user, model._default_manager.all()).values_list("pk", flat=True))
        assert listed == worked, model.__name__


def test_a_committee_over_every_district_works_with_every_community(db, community):
    committee = f.CommitteeFactory(name="市委组织部", district=None)
    admin_user = f.OrganizationAdminFactory(organization=committee).user
    other = f.CommunityFactory(name="幸福社区")
    worked = work_scope(admin_user, apps.get_model("members", "Community").objects.all())
    assert {community, other} <= set(worked)


def _project_folders() -> list[Path]:
    return [
        Path(a.path)
        for a in apps.get_app_configs()
        if ROOT in Path(a.path).parents and "site-packages" not in Path(a.path).parts
    ] + [ROOT / "templates", ROOT / "config"]


def _sources() -> str:
    texts = []
    for folder in _project_folders():
        for path in folder.rglob("*"):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


def _admin_actions() -> set[str]:
    """The verbs ScopedModelAdmin asks for every registered model."""
    return {
        f"{model._meta.app_label}.{model._meta.model_name}.{verb}"
        for model in admin.site._registry
        for verb in ADMIN_VERBS
    }


def test_every_registered_rule_is_used_somewhere():
    sources = _sources()
    asked = _admin_actions()
    unused = sorted(
        action
        for action in registered_actions()
        if action not in asked
        and not re.search(rf"[\"']{re.escape(action)}[\"']", _strip_rule_registrations(sources))
    )
    assert unused == []


def _strip_rule_registrations(sources: str) -> str:
    """The text without the registrations themselves (`rule("x")`, `admin_verbs("x", …)`), so
    that registering an action does not count as using it."""
    sources = re.sub(r"rule\(\s*(?:[\"'][^\"']+[\"'],?\s*)+\)", "", sources)
    return re.sub(r"admin_verbs\(\s*[\"'][^\"']+[\"']", "", sources)


def test_a_committee_over_every_district_does_not_work_on_teams_of_no_community(
    db, committee_admin, community
):
    from members.models import ServiceTeam

    serving = ServiceTeamFactory(community=community)
    ServiceTeamFactory(community=None)
    assert list(work_scope(committee_admin, ServiceTeam.objects.all())) == [serving]
