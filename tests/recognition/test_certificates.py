"""志愿服务记录证明: a member downloads a certificate of what one unit recorded; anyone checks it
on the public verify page; the unit's staff revoke it with a reason."""

import datetime
import gc
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core import pdf
from records.certificates import CertificateError, certificate_issue, certificate_revoke
from records.models import Certificate, ServiceRecord
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(member, community, other_community):
    today = timezone.localdate()
    f.ServiceRecordFactory(
        member=member,
        community=community,
        hours=Decimal("2.5"),
        title="为独居老人送餐",
        served_on=today - datetime.timedelta(days=3),
        kind=ServiceRecord.Kind.WISH,
    )
    f.ServiceRecordFactory(
        member=member,
        community=community,
        hours=Decimal("3.0"),
        title="社区环境整治",
        served_on=today - datetime.timedelta(days=1),
        kind=ServiceRecord.Kind.ACTIVITY,
    )
    # A meeting is not volunteer service; another unit's record is that unit's to certify.
    f.ServiceRecordFactory(
        member=member,
        community=community,
        hours=Decimal("4.0"),
        title="支部学习会",
        served_on=today - datetime.timedelta(days=2),
        kind="meeting",
    )
    f.ServiceRecordFactory(
        member=member,
        community=other_community,
        hours=Decimal("7.0"),
        title="义诊",
        served_on=today - datetime.timedelta(days=2),
    )


def _issue(member, community):
    today = timezone.localdate()
    return certificate_issue(
        by=member.user,
        member=member,
        unit=community,
        period_from=today - datetime.timedelta(days=30),
        period_to=today,
    )


def _pdf_text(certificate) -> str:
    with certificate.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_certificate_holds_only_the_units_volunteer_service(member, community, records):
    certificate = _issue(member, community)
    assert certificate.total_hours == Decimal("5.5")
    assert [line["content"] for line in certificate.lines] == ["为独居老人送餐", "社区环境整治"]
    assert certificate.issuer_name == community.name
    assert len(certificate.verify_code) == 12
    assert certificate.number.startswith("ZM")
    text = _pdf_text(certificate)
    assert "张伟" in text
    assert "5.5" in text
    assert community.name in text
    assert certificate.verify_code in text
    assert "支部学习会" not in text and "义诊" not in text


def test_asking_twice_for_the_same_gives_the_same_certificate(member, community, records):
    assert _issue(member, community).pk == _issue(member, community).pk


def test_nothing_recorded_nothing_to_certify(member, other_member, community):
    with pytest.raises(CertificateError) as e:
        _issue(member, community)
    assert e.value.code == "no_records"


def test_a_member_cannot_ask_for_anothers(member, other_member, community, records):
    today = timezone.localdate()
    with pytest.raises(CertificateError):
        certificate_issue(
            by=other_member.user,
            member=member,
            unit=community,
            period_from=today,
            period_to=today,
        )


def test_the_member_downloads_the_pdf(login, member, member_user, community, records):
    client = login(member_user)
    today = timezone.localdate()
    response = client.post(
        reverse("records:my_certificates"),
        {
            "unit": f"community:{community.pk}",
            "period_from": (today - datetime.timedelta(days=30)),
            "period_to": today,
        },
    )
    certificate = Certificate.objects.get()
    assert response.url == reverse("records:certificate_pdf", args=[certificate.pk])
    download = client.get(response.url)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_another_member_cannot_download_it(login, member, other_member, community, records):
    certificate = _issue(member, community)
    response = login(other_member.user).get(
        reverse("records:certificate_pdf", args=[certificate.pk])
    )
    assert response.status_code == 404


def test_a_bad_period_is_told_and_kept(login, member_user, records, community):
    today = timezone.localdate()
    response = login(member_user).post(
        reverse("records:my_certificates"),
        {
            "unit": f"community:{community.pk}",
            "period_from": today,
            "period_to": today - datetime.timedelta(days=3),
        },
    )
    assert response.status_code == 200
    assert Certificate.objects.count() == 0


def test_the_verify_page_shows_only_what_it_must(client, member, community, records):
    certificate = _issue(member, community)
    response = client.get(reverse("certificate_verify", args=[certificate.verify_code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "张*" in html and "张伟" not in html
    assert "5.5" in html and community.name in html
    assert certificate.sha256 in html
    assert "13812345678" not in html and "为独居老人送餐" not in html


def test_a_wrong_code_shows_nothing(client, member, community, records):
    _issue(member, community)
    response = client.get(reverse("certificate_verify", args=["0000AAAA1111"]))
    assert response.status_code == 404
    assert 'data-testid="verify-result"' not in response.content.decode()


def test_the_verify_page_is_rate_limited(client, member, community, records):
    for _ in range(30):
        client.get(reverse("certificate_verify", args=["0000AAAA1111"]))
    assert client.get(reverse("certificate_verify", args=["0000AAAA1111"])).status_code == 429


def test_staff_of_the_unit_revoke_with_a_reason(login, staff, member, community, records, client):
    certificate = _issue(member, community)
    url = reverse("records:certificate_revoke", args=[certificate.pk])
    login(staff).post(url, {"reason": ""})
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    login(staff).post(url, {"reason": "记录有误"})
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoke_reason == "记录有误"
    html = client.get(reverse("certificate_verify", args=[certificate.verify_code])).content
    assert "已撤销".encode() in html or b"revoked" in html


def test_other_staff_cannot_revoke(login, other_staff, member, community, records):
    certificate = _issue(member, community)
    response = login(other_staff).post(
        reverse("records:certificate_revoke", args=[certificate.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    with pytest.raises(CertificateError):
        certificate_revoke(by=other_staff, certificate=certificate, reason="x")
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_typed_code_is_read_leniently(client, member, community, records):
    certificate = _issue(member, community)
    typed = certificate.verify_code.lower().replace("0", "o")
    response = client.get(reverse("certificate_verify_form"), {"code": typed})
    assert response.status_code == 200


def test_a_certificate_of_200_records_runs_over_pages_with_one_total(member, community):
    """`make bench` times it (python -m bench recognition)."""
    today = timezone.localdate()
    f.ServiceRecordFactory.create_batch(
        200, member=member, community=community, served_on=today, title="入户走访慰问困难群众"
    )
    certificate = _issue(member, community)
    reader = PdfReader(io.BytesIO(certificate.pdf.open("rb").read()))
    assert len(reader.pages) > 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("合计") == 1 and "400.0" in text


def test_a_missing_renderer_is_named_and_the_member_is_told(
    monkeypatch, login, member_user, community, records
):
    from core import pdf

    def broken():
        raise pdf.PdfUnavailable(f"WeasyPrint cannot be imported. Install: {pdf.INSTALL_HINT}.")

    monkeypatch.setattr(pdf, "_weasyprint", broken)
    with pytest.raises(pdf.PdfUnavailable) as e:
        pdf.html_to_pdf("<p>x</p>")
    assert "fonts-noto-cjk" in str(e.value) and "libpango" in str(e.value)
    today = timezone.localdate()
    response = login(member_user).post(
        reverse("records:my_certificates"),
        {
            "unit": f"community:{community.pk}",
            "period_from": today - datetime.timedelta(days=30),
            "period_to": today,
        },
    )
    assert response.status_code == 200
    assert Certificate.objects.count() == 0


def test_the_renderer_fetches_nothing_from_the_network(member, community, records):
    # An image from elsewhere is left out, not fetched (the PDF still renders).
    assert pdf.html_to_pdf('<img src="http://127.0.0.1:9/x.png"><p>张伟</p>').startswith(b"%PDF")


def test_rendering_pauses_the_cycle_collector_and_gives_it_back():
    seen = []
    real = pdf._lean_html_class()

    class Watching(real):
        def write_pdf(self, *args, **kwargs):
            seen.append(gc.isenabled())
            return super().write_pdf(*args, **kwargs)

    with mock.patch.object(pdf, "_lean_html_class", return_value=Watching):
        pdf.html_to_pdf("<p>张伟</p>", lean=True)
    assert seen == [False]
    assert gc.isenabled()


def test_rendering_leaves_a_paused_collector_paused():
    gc.disable()
    try:
        pdf.html_to_pdf("<p>张伟</p>")
        assert not gc.isenabled()
    finally:
        gc.enable()
