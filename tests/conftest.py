"""The fixed cast every test can use.

One working committee (工委) over two party committees, each with a branch; two communities.

- `member`: a Party member of `branch`, registered (confirmed) with `community`
- `staff`: community staff of `community`;  `other_staff`: of `other_community`
- `org_admin`: admin of `party_committee` (and so of `branch`)
- `other_org_admin`: admin of `other_party_committee` (and so of `other_branch`)
- `committee_admin`: admin of the working committee over both
- `outsider`: a logged-in user with no role;  `superuser`
"""

import os

import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from config.celery_app import app

    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and lockouts live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committee(db):
    return f.CommitteeFactory(name="区直机关工委")


@pytest.fixture
def party_committee(committee):
    return f.PartyCommitteeFactory(name="区教育局机关党委", parent=committee)


@pytest.fixture
def other_party_committee(committee):
    return f.PartyCommitteeFactory(name="区卫健委机关党委", parent=committee)


@pytest.fixture
def branch(party_committee):
    return f.BranchFactory(name="教育局第一党支部", parent=party_committee)


@pytest.fixture
def other_branch(other_party_committee):
    return f.BranchFactory(name="卫健委第一党支部", parent=other_party_committee)


@pytest.fixture
def community(db):
    return f.CommunityFactory(name="和平社区")


@pytest.fixture
def other_community(db):
    return f.CommunityFactory(name="光明社区")


@pytest.fixture
def member(branch, community):
    m = f.MemberFactory(
        user__username="zhangwei", real_name="张伟", branch=branch, phone="13812345678"
    )
    f.ConfirmedRegistrationFactory(member=m, community=community)
    return m


@pytest.fixture
def member_user(member):
    return member.user


@pytest.fixture
def other_member(other_branch, other_community):
    m = f.MemberFactory(user__username="lina", real_name="李娜", branch=other_branch)
    f.ConfirmedRegistrationFactory(member=m, community=other_community)
    return m


@pytest.fixture
def staff(community):
    return f.CommunityStaffFactory(user__username="wangfang", community=community).user


@pytest.fixture
def other_staff(other_community):
    return f.CommunityStaffFactory(user__username="liuyang", community=other_community).user


@pytest.fixture
def org_admin(party_committee):
    return f.OrganizationAdminFactory(user__username="chenjing", organization=party_committee).user


@pytest.fixture
def other_org_admin(other_party_committee):
    return f.OrganizationAdminFactory(
        user__username="zhaolei", organization=other_party_committee
    ).user


@pytest.fixture
def committee_admin(committee):
    return f.OrganizationAdminFactory(user__username="sunli", organization=committee).user


@pytest.fixture
def outsider(db):
    return f.UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    user = f.UserFactory(username="root")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def login(client):
    """`login(user)` returns the test client logged in as that user."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


# ---------------------------------------------------------------------------------------------
# Browser tests
# ---------------------------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def _playwright_browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required under CI but {CHROMIUM} is missing.")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # body are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_playwright_browser, live_server, settings):
    """A fresh browser page (its own cookies) speaking Chinese, pointed at the live server."""
    settings.ALLOWED_HOSTS = ["*"]
    context = _playwright_browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def new_page(_playwright_browser, live_server, settings):
    """Factory for extra pages with their own sessions (a second user in the same test)."""
    contexts = []

    def _new():
        context = _playwright_browser.new_context(locale="zh-CN", base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()
