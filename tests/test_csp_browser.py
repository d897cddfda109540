"""In Chromium, the main pages of each role run under the Content-Security-Policy without a
single violation (the browser reports each one it refuses), and what moved from inline handlers
to static/js/site.js still works: the language switcher, the "give it up" question, htmx."""

import pytest
from django.urls import reverse

from tests import test_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The fixture of the rows the pages show, shared with the walk over every page.
a_bit_of_everything = test_csp.a_bit_of_everything

# Every violation the page reports, written to the console where the test listens.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
                + ` at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and script error it reports collected in a list."""
    problems = []

    def on_console(message):
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text or "Refused to" in text:
            problems.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.context.add_init_script(REPORT_VIOLATIONS)
    return page, problems


def _log_in_as(page, client, user):
    """The browser takes the session of a test client logged in as `user`."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.url}]
    )
    page.reload()
    page.get_by_role("button", name="退出登录").wait_for()


def _visit(page, urls):
    for url in urls:
        response = page.goto(url)
        assert response.headers.get("content-security-policy"), url
        page.wait_for_load_state("load")


def _pages(d):
    wish, claimed, fulfilled = d["wish"], d["claimed"], d["fulfilled"]
    report = d["report"]
    return {
        "anonymous": [
            "/",
            "/wishes/",
            reverse("wishes:detail", args=[wish.pk]),
            "/wishes/stories/",
            "/wishes/submit/",
            "/communities/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/admin/login/",
            "/no-such-page/",
        ],
        "member_user": [
            "/me/",
            "/me/profile/",
            "/wishes/mine/",
            reverse("wishes:detail", args=[claimed.wish.pk]),
            reverse("wishes:fulfil", args=[claimed.pk]),
            "/reports/my/",
            reverse("reports:report_detail", args=[report.pk]),
            reverse("reports:report_print", args=[report.pk]),
            "/reports/my/service/",
            "/notifications/",
        ],
        "staff": [
            "/staff/",
            "/staff/members/",
            "/wishes/staff/",
            "/wishes/staff/review/",
            "/wishes/staff/new/",
            reverse("wishes:confirm", args=[fulfilled.wish.pk]),
            "/reports/staff/records/",
            "/reports/staff/evaluations/",
            "/partnerships/",
            "/admin/",
            reverse("admin:wishes_wish_change", args=[fulfilled.wish.pk]),
            reverse("admin:wishes_resident_change", args=[wish.resident.pk]),
        ],
        "org_admin": [
            "/me/",
            "/partnerships/",
            "/admin/reports/memberreport/",
            reverse("admin:reports_memberreport_change", args=[report.pk]),
        ],
        "committee_admin": [
            "/admin/",
            "/admin/members/communitystaff/add/",
            "/admin/reports/organizationreport/",
        ],
        "superuser": [
            "/admin/",
            "/admin/members/member/",
            reverse("admin:members_member_change", args=[d["member"].pk]),
            "/admin/members/user/add/",
            "/admin/records/servicerecord/",
            "/admin/django_celery_beat/periodictask/add/",
            "/admin/wishes/wish/?state__exact=claimed",
        ],
    }


@pytest.mark.parametrize(
    "role", ["anonymous", "member_user", "staff", "org_admin", "committee_admin", "superuser"]
)
def test_the_main_pages_of_each_role_run_without_a_policy_violation(
    request, watched, client, role, a_bit_of_everything
):
    page, problems = watched
    page.goto("/")
    if role != "anonymous":
        _log_in_as(page, client, request.getfixturevalue(role))
    _visit(page, _pages(a_bit_of_everything)[role])
    assert problems == []


def test_the_language_switcher_changes_the_language(watched):
    page, problems = watched
    page.goto("/wishes/")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("link", name="Log in").wait_for()
    assert problems == []


def test_giving_up_a_wish_asks_first(watched, client, member_user, a_bit_of_everything):
    page, problems = watched
    page.goto("/")
    _log_in_as(page, client, member_user)
    claimed = a_bit_of_everything["claimed"]
    page.goto(reverse("wishes:detail", args=[claimed.wish.pk]))
    questions = []

    def answer_no(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer_no)
    page.get_by_role("button", name="放弃").click()
    page.wait_for_timeout(200)
    assert questions and "放弃" in questions[0]
    claimed.refresh_from_db()
    assert claimed.is_active
    assert problems == []


def test_staff_confirm_a_registration_through_htmx(watched, client, staff, a_bit_of_everything):
    page, problems = watched
    page.goto("/")
    _log_in_as(page, client, staff)
    page.goto("/staff/")
    row = page.locator(f"#registration-{a_bit_of_everything['pending'].pk}")
    row.get_by_role("button", name="确认", exact=True).click()
    row.get_by_text("已确认").wait_for()
    assert problems == []
