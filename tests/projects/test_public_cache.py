"""The public lists of service projects (projects, needs, stories) are served to anonymous
visitors from the cache, and every change of the projects app's rows shows on them at once."""

import pytest
from django.test import Client
from django.urls import reverse

from projects import services
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

CACHE = "X-Public-Page-Cache"
LISTS = ["projects:list", "projects:needs", "projects:stories"]


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


@pytest.mark.parametrize("name", LISTS)
def test_a_second_visitor_gets_the_public_list_from_the_cache(page_cache, project, name):
    first = Client().get(reverse(name))
    second = Client().get(reverse(name))
    assert (first[CACHE], second[CACHE]) == ("miss", "hit")
    assert second.content.decode().count("<html") == 1


def test_a_new_project_is_on_the_cached_list_at_once(page_cache, community, greenery, project):
    Client().get(reverse("projects:list"))
    ProjectFactory(community=community, category=greenery, title="楼道照明改造")
    response = Client().get(reverse("projects:list"))
    assert response[CACHE] == "miss"
    assert "楼道照明改造" in response.content.decode()


def test_a_claim_shows_its_claimant_on_the_cached_list_at_once(
    page_cache, project, member_user, team
):
    """A claim moves the project by a conditional UPDATE: no post_save of the project."""
    Client().get(reverse("projects:list"))
    services.project_claim(project=project, by=member_user, team=team)
    response = Client().get(reverse("projects:list"))
    assert response[CACHE] == "miss"
    assert team.name in response.content.decode()


def test_a_signed_in_member_never_gets_the_cached_list(page_cache, project, login, member_user):
    Client().get(reverse("projects:list"))
    response = login(member_user).get(reverse("projects:list"))
    assert CACHE not in response
