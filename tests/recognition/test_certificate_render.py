"""The certificate renders with the lean user-agent stylesheet (core/pdf_ua.css, a fifth faster
on 200 records) exactly as with WeasyPrint's own: every box at the same place, size, colour,
weight and border on every page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core import pdf
from records.certificates import certificate_html
from records.models import Certificate


def _certificate(n):
    today = timezone.localdate()
    return Certificate(
        pk=1,
        number="ZM20260000001",
        verify_code="7K3M9Q2XR4TB",
        member_name="张伟",
        issuer_name="和平社区",
        period_from=today - datetime.timedelta(days=n),
        period_to=today,
        total_hours=Decimal("2.5") * n,
        lines=[
            {
                "date": (today - datetime.timedelta(days=i)).isoformat(),
                "content": f"为独居老人送餐、打扫卫生并陪同就医（第{i + 1}次）",
                "kind": "微心愿",
                "hours": "2.5",
            }
            for i in range(n)
        ],
        issued_at=timezone.now(),
    )


def _boxes(html_class, html):
    document = html_class(string=html, url_fetcher=pdf._fetcher()).render()
    return [
        (
            type(box).__name__,
            round(box.position_x, 1),
            round(box.position_y, 1),
            round(box.width or 0, 1),
            round(box.height, 1) if isinstance(box.height, int | float) else None,
            str(box.style["color"]),
            box.style["font_weight"],
            box.style["text_align_all"],
            str(box.style["border_top_width"]),
            str(box.style["border_left_width"]),
        )
        for page in document.pages
        for box in page._page_box.descendants()
    ]


@pytest.mark.skipif(bool(pdf.missing()), reason="the PDF renderer is not installed")
def test_the_lean_stylesheet_lays_the_certificate_out_as_weasyprints_own():
    html = certificate_html(_certificate(40))
    lean = _boxes(pdf._lean_html_class(), html)
    assert len(lean) > 300
    assert lean == _boxes(pdf._weasyprint().HTML, html)
