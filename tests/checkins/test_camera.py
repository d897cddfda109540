"""The scanner page's in-page camera: the vendored QR reader (barcode-detector with its zxing
wasm) is served from our static files, and only the scanner page's policy lets WebAssembly
compile ('wasm-unsafe-eval'); every other page keeps the strict policy."""

import urllib.request

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db

WASM = "vendor/barcode-detector/zxing_reader.wasm"


def _script_src(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    return directives["script-src"].split()


def test_the_vendored_reader_is_in_the_static_files():
    for name in ("ponyfill.js", "zxing-exported.js", "zxing_reader.wasm", "VERSION", "LICENSE"):
        assert finders.find(f"vendor/barcode-detector/{name}"), name
    with open(finders.find(WASM), "rb") as fh:
        assert fh.read(4) == b"\0asm"


def test_the_wasm_is_served_from_our_static_url(live_server):
    with urllib.request.urlopen(live_server.url + static(WASM)) as response:  # noqa: S310
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/wasm"
        assert response.read(4) == b"\0asm"


def test_the_scanner_page_lets_webassembly_compile(login, host, venue):
    response = login(host).get(reverse("checkins:scanner", args=[venue.pk]))
    assert response.status_code == 200
    script_src = _script_src(response)
    assert "'wasm-unsafe-eval'" in script_src
    assert "'unsafe-eval'" not in script_src
    # The reader's address comes from the page: our static URL, never a CDN.
    html = response.content.decode()
    assert f'data-wasm-url="{static(WASM)}"' in html
    assert "jsdelivr" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["checkins:roster", "checkins:search", "checkins:sheet"])
def test_other_pages_do_not(login, host, venue, name):
    response = login(host).get(reverse(name, args=[venue.pk]))
    assert "'wasm-unsafe-eval'" not in _script_src(response)


def test_a_member_gets_no_scanner(login, member_user, venue):
    assert login(member_user).get(reverse("checkins:scanner", args=[venue.pk])).status_code == 404
