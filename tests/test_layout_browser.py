"""On a phone's 360 px, in English (whose words are longer than the Chinese), the pages a
pass through the site found wider than the screen fit it: the sign-in sheet (its table
scrolls in its own box) and the organization's home (its badges wrap inside their rows)."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import ReportState
from tests import factories as f
from tests.checkins.factories import ActivityFactory, SessionFactory, VenueFactory
from tests.reports.factories import MemberReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def english_phone(_playwright_browser, live_server, settings):
    """`english_phone(user)`: a page 360 px wide speaking English, signed in as `user`."""
    settings.ALLOWED_HOSTS = ["*"]
    contexts = []

    def _open(user):
        context = _playwright_browser.new_context(
            locale="en-US", base_url=live_server.url, viewport=PHONE
        )
        contexts.append(context)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_sign_in_sheet_fits_a_phone_in_english(english_phone, community):
    host = f.UserFactory(username="host1")
    activity = ActivityFactory(organizer_community=community, title="Volunteer day")
    SessionFactory(activity=activity)
    venue = VenueFactory(activity=activity, name="Main square", is_main=True, hosts=[host])
    page = english_phone(host)
    page.goto(reverse("checkins:sheet", args=[venue.pk]))
    page.get_by_role("columnheader", name="Check-out time").wait_for()
    assert _page_width(page) <= PHONE["width"]


def test_the_organization_home_fits_a_phone_in_english(english_phone, org_admin, branch):
    for member in f.MemberFactory.create_batch(3, branch=branch):
        MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    page = english_phone(org_admin)
    page.goto(reverse("portal:org_home"))
    badge = page.get_by_text("3 waiting for review")
    badge.wait_for()
    row = page.get_by_test_id("org-reports-to-review")
    box, row_box = badge.bounding_box(), row.bounding_box()
    assert box["x"] + box["width"] <= row_box["x"] + row_box["width"]
    assert _page_width(page) <= PHONE["width"]
