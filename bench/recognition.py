"""`make bench` (recognition): the time to render a certificate (志愿服务记录证明) of 200 records
as PDF with WeasyPrint and the Noto CJK fonts, and the one-page dashboard summary. Nothing is
written to the database (the certificate is built in memory)."""

from __future__ import annotations

import datetime
import statistics
import time
from decimal import Decimal

RECORDS = 200
ROUNDS = 5


def _certificate():
    from django.utils import timezone

    from records.models import Certificate

    today = timezone.localdate()
    lines = [
        {
            "date": (today - datetime.timedelta(days=i)).isoformat(),
            "content": f"为独居老人送餐、打扫卫生并陪同就医（第{i + 1}次）",
            "kind": "微心愿",
            "hours": "2.5",
        }
        for i in range(RECORDS)
    ]
    return Certificate(
        pk=1,
        number="ZM20260000001",
        verify_code="7K3M9Q2XR4TB",
        member_name="张伟",
        issuer_name="和平社区",
        period_from=today - datetime.timedelta(days=RECORDS),
        period_to=today,
        total_hours=Decimal("2.5") * RECORDS,
        lines=lines,
        issued_at=timezone.now(),
    )


def _time(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result): on a shared machine the CPU time is the figure that
    does not depend on the neighbours."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - start, time.process_time() - cpu, result


def main() -> None:
    from pypdf import PdfReader  # noqa: F401 - only to say the dev requirements are there

    from records.certificates import certificate_pdf

    certificate = _certificate()
    first, _cpu, pdf = _time(lambda: certificate_pdf(certificate))
    runs = [_time(lambda: certificate_pdf(certificate))[:2] for _ in range(ROUNDS)]
    times = [wall for wall, _cpu in runs]
    cpus = [cpu for _wall, cpu in runs]
    import io

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"recognition bench: certificate of {RECORDS} records, {pages} pages, {len(pdf):,} bytes: "
        f"first {first:.2f} s, then median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}; CPU median {statistics.median(cpus):.2f} s, "
        f"min {min(cpus):.2f} s; "
        f"{ROUNDS} rounds)"
    )
