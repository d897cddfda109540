"""The site's menu ({% menu %}, core_tags) shows links by the user's role facts alone, and is
rendered once per process for each language and set of facts."""

import pytest
from django.urls import reverse

from core.templatetags import core_tags
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_menus_yet(monkeypatch):
    monkeypatch.setattr(core_tags, "_menus", {})


def _menu_renders(monkeypatch) -> list:
    renders = []
    plain = core_tags.render_to_string
    monkeypatch.setattr(
        core_tags,
        "render_to_string",
        lambda name, context: renders.append(dict(context["menu"])) or plain(name, context),
    )
    return renders


def test_two_members_share_one_rendering_of_the_menu(client, member, other_member, monkeypatch):
    renders = _menu_renders(monkeypatch)
    for m in (member, other_member):
        client.force_login(m.user, backend="django.contrib.auth.backends.ModelBackend")
        html = client.get(reverse("wishes:my_claims")).content.decode()
        assert reverse("wishes:my_claims") in html and reverse("wishes:staff_list") not in html
    assert len(renders) == 1 and renders[0]["is_member"] and not renders[0]["is_staff"]


def _menu(html: str) -> str:
    return html.split('<ul class="navbar-nav me-auto">', 1)[1].split("</ul>", 1)[0]


def _link(name: str) -> str:
    return f'href="{reverse(name)}"'


def _page(client) -> str:
    return client.get(reverse("wishes:my_claims")).content.decode()


def test_staff_get_the_staff_links(login, staff):
    menu = _menu(login(staff).get(reverse("portal:staff_home")).content.decode())
    assert _link("wishes:staff_list") in menu
    assert _link("wishes:my_claims") not in menu  # not a member


def test_a_member_made_staff_gets_the_staff_links_at_once(login, member_user, community):
    client = login(member_user)
    assert _link("wishes:staff_list") not in _menu(_page(client))
    f.CommunityStaffFactory(user=member_user, community=community)
    assert _link("wishes:staff_list") in _menu(_page(client))


def test_the_menu_is_in_the_users_language(client):
    english = _menu(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    chinese = _menu(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    assert "Wish wall" in english and "心愿墙" not in english
    assert "心愿墙" in chinese


def test_a_visitor_gets_no_signed_in_links(client):
    html = client.get(reverse("wishes:wall")).content.decode()
    assert _link("portal:team_list") not in _menu(html)
    assert _link("wishes:wall") in _menu(html)
    assert _link("account_login") in html
