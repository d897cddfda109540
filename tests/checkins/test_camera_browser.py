"""The in-page camera in a real browser. Headless Chromium has no camera: the button's rule is
tested (shown in a secure context, hidden elsewhere), and the vendored reader decodes a member's
QR code on the scanner page, its wasm fetched from our static files under the page's policy."""

import base64
import io

import pytest
import segno

from checkins import services
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


DECODE = """async (src) => {
  const button = document.getElementById("camera-button");
  const lib = await import(button.dataset.moduleUrl);
  lib.setZXingModuleOverrides({
    locateFile: (path, prefix) => (path.endsWith(".wasm") ? button.dataset.wasmUrl : prefix + path),
  });
  const img = new Image();
  img.src = src;
  await img.decode();
  const found = await new lib.BarcodeDetector({ formats: ["qr_code"] }).detect(img);
  return found.map((f) => f.rawValue);
}"""


def test_the_camera_button_shows_in_a_secure_context_and_the_reader_decodes_a_code(
    page, host, member, venue
):
    requests, refused = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    _log_in(page, "host1")
    page.goto(f"/checkins/host/venues/{venue.pk}/scanner/")  # localhost: a secure context
    page.get_by_role("button", name="使用摄像头扫码").wait_for()
    url = page.evaluate("document.location.origin") + f"/checkins/c/{member.pk}X/"
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=6)
    src = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    assert page.evaluate(DECODE, src) == [url]
    assert any(u.endswith("/static/vendor/barcode-detector/zxing_reader.wasm") for u in requests)
    assert not [u for u in requests if "jsdelivr" in u]
    assert refused == []


def test_the_camera_button_is_hidden_outside_a_secure_context(page, host, venue):
    # Plain http on an intranet address: the browser says the page is not a secure context.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {get: () => false});")
    _log_in(page, "host1")
    page.goto(f"/checkins/host/venues/{venue.pk}/scanner/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.isSecureContext") is False
    assert page.locator("#camera-button").is_hidden()
    # The typed input (a USB scanner) is there as always.
    assert page.get_by_label("扫描或输入党员的签到码").is_visible()


def test_a_secret_typed_still_goes_through_the_same_submit(page, host, member, venue):
    """What the camera decodes is put in the field and submitted as typed text is."""
    from tests.checkins.factories import SignupFactory

    SignupFactory(venue=venue, member=member)
    secret = services.member_code_current(member=member).secret
    _log_in(page, "host1")
    page.goto(f"/checkins/host/venues/{venue.pk}/scanner/")
    page.evaluate(
        "(text) => { document.getElementById('scan-code').value = text;"
        " document.getElementById('scan-form').requestSubmit(); }",
        f"http://localhost/checkins/c/{secret}/",
    )
    page.locator("#scan-result").get_by_text("签到成功").wait_for()
