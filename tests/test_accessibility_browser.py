"""axe-core (vendored in tests/vendor/axe-core, the version in its package header) finds no
serious or critical violation on any page a role opens, on the site and in the admin, at a
phone's 360 px and a desktop's 1,280 px (issue 9: the navbar's links were 2.53:1 at desktop
width, where a phone-width check sees the menu collapsed).

Every page of tests/test_csp.py's walk that answers the role with an HTML page is checked:
pages refused to a role (403, 404, a redirect to log in) are not that role's pages."""

import os
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import test_csp
from tests.test_csp_browser import _log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

a_bit_of_everything = test_csp.a_bit_of_everything

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WIDTHS = (360, 1280)
SEVERE = ("serious", "critical")
# The roles whose pages are walked: every site page and every admin page they open. The admin
# roles see the admin's ~90 models; their walk samples one page per model (the change form of
# its first row where they may open it, else its add form, else its list), since the admin's
# pages of one kind share their templates and widgets, and the whole admin for every admin role
# would take half an hour.
ROLES = ["anonymous", "member_user", "staff", "org_admin", "committee_admin"]
SAMPLED = {"staff", "org_admin", "committee_admin"}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def _pages_of(client, urls):
    """The URLs that give this role a whole HTML page (200), each once."""
    pages = []
    for url in dict.fromkeys(urls):
        if "/delete/" in url or "/history/" in url or "/logout/" in url:
            continue
        if _is_page(client.get(url)):
            pages.append(url)
    return pages


def _is_page(response) -> bool:
    html = response["Content-Type"].startswith("text/html")
    # Fragments that htmx puts into a page are checked within it.
    return response.status_code == 200 and html and b"<html" in response.content[:500]


def _sampled_admin_pages(client):
    """The admin's index and, per model, the first page of change form, add form and list
    that the role may open."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        first = model._default_manager.order_by("pk").first()
        candidates = [reverse(f"{prefix}_change", args=[first.pk])] if first is not None else []
        candidates += [reverse(f"{prefix}_add"), reverse(f"{prefix}_changelist")]
        for url in candidates:
            if _is_page(client.get(url)):
                pages.append(url)
                break
    return pages


def _severe_violations(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    # Through the DevTools protocol: the page's Content-Security-Policy does not apply.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in SEVERE]


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_or_critical_violation_on_any_page_of_the_role(
    request, page, client, login, role, a_bit_of_everything
):
    if role != "anonymous":
        client = login(request.getfixturevalue(role))
    if role in SAMPLED:
        pages = _pages_of(client, test_csp.site_urls(a_bit_of_everything))
        pages += _sampled_admin_pages(client)
    else:
        urls = test_csp.site_urls(a_bit_of_everything) + test_csp.admin_urls()
        pages = _pages_of(client, urls)
    pages.append("/no-such-page/")
    if only := os.environ.get("AXE_ONLY"):  # a developer checking one page: AXE_ONLY=/admin/x/
        pages = [url for url in pages if only in url]
    page.goto("/")
    if role != "anonymous":
        _log_in_as(page, client, request.getfixturevalue(role))
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in pages:
            violations = _severe_violations(page, url)
            if violations:
                found[f"{width}px {url}"] = violations
                if log := os.environ.get("AXE_LOG"):  # to follow a long walk as it goes
                    with open(log, "a") as out:
                        out.write(f"{role} {width}px {url}: {violations}\n")
    assert found == {}, "\n".join(f"{where}: {v}" for where, v in found.items())
    assert len(pages) > 5 or os.environ.get("AXE_ONLY")
