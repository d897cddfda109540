"""志愿服务记录证明: certificates of volunteer service (民政部令第67号, 志愿服务记录与证明出具办法).

Who records certifies (谁记录谁证明): a certificate covers the records of one recording unit
over the dates the member picks: the community that recorded the service, or the organization
that organized and recorded it (its own activities: the records carry the organization). It
states the name, each record (date, content, hours), the total, the unit, the date issued and a
verification code whose QR code opens the public `/verify/<code>/`. Only volunteer service is
certified (not meetings or study); it is issued free on the member's request; the unit's staff
(or admins) may revoke it with a reason. No ID number is printed (67号令 does not require it).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.pdf import html_to_pdf
from core.transitions import state_move
from members.access import can
from members.models import Community, Member, Organization

from .models import Certificate, ServiceRecord, volunteer_service_q

# Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is not misread.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


class CertificateError(DomainError):
    messages = {
        "not_permitted": _("You may not do this."),
        "bad_period": _("The first day must be on or before the last day."),
        "future_period": _("The period cannot end after today."),
        "no_records": _(
            "This unit recorded no volunteer service of yours in that period: there is nothing "
            "to certify."
        ),
        "reason_required": _("Say why the certificate is revoked."),
        "already_revoked": _("This certificate has already been revoked."),
    }


def new_verify_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A code as typed from paper: spaces and dashes dropped, O read as 0, I and L as 1."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in " -")
    return cleaned.translate(str.maketrans("OIL", "011"))[:40]


Unit = Community | Organization


def unit_key(unit: Unit) -> str:
    """How a form names a recording unit: "community:3", "organization:5"."""
    kind = "organization" if isinstance(unit, Organization) else "community"
    return f"{kind}:{unit.pk}"


def _unit_q(unit: Unit) -> Q:
    """The records a unit recorded: an organization's carry it; a community's are those served
    there that no organization recorded."""
    if isinstance(unit, Organization):
        return Q(organization=unit)
    return Q(community=unit, organization__isnull=True)


def certificate_records(*, member: Member, unit: Unit, period_from, period_to):
    """The volunteer-service records a unit holds of a member in a period, oldest first."""
    return ServiceRecord.objects.filter(
        volunteer_service_q(),
        _unit_q(unit),
        member=member,
        served_on__gte=period_from,
        served_on__lte=period_to,
    ).order_by("served_on", "pk")


def certificate_units(*, member: Member) -> list[Unit]:
    """The units that recorded volunteer service of the member: the communities, then the
    organizations, each by name (three queries)."""
    mine = ServiceRecord.objects.filter(volunteer_service_q(), member=member).order_by()
    community_ids = mine.filter(organization__isnull=True).values("community_id").distinct()
    organization_ids = mine.exclude(organization__isnull=True).values("organization_id")
    return [
        *Community.objects.filter(pk__in=community_ids).order_by("name"),
        *Organization.objects.filter(pk__in=organization_ids.distinct()).order_by("name"),
    ]


def verify_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificate_verify", args=[code])


def qr_svg_data_uri(url: str) -> str:
    import segno  # loaded on the first certificate only

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def certificate_html(certificate: Certificate) -> str:
    url = verify_url(certificate.verify_code)
    return render_to_string(
        "records/certificate_pdf.html",
        {"c": certificate, "verify_url": url, "qr": qr_svg_data_uri(url)},
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    # Its template uses only what the lean user-agent stylesheet styles (core/pdf_ua.css).
    return html_to_pdf(certificate_html(certificate), lean=True)


def certificate_issue(
    *,
    by,
    member: Member,
    unit: Unit,
    period_from: datetime.date,
    period_to: datetime.date,
) -> Certificate:
    """Issue (free, on request) the member's certificate of what `unit` (a community or an
    organization) recorded of them
    from `period_from` to `period_to`, with its PDF. Asking again for the same unit and period,
    with the same records, gives the certificate already issued."""
    if not can(by, "records.certificate.issue", member):
        raise CertificateError("not_permitted")
    if period_from > period_to:
        raise CertificateError("bad_period")
    if period_to > timezone.localdate():
        raise CertificateError("future_period")
    records = list(
        certificate_records(member=member, unit=unit, period_from=period_from, period_to=period_to)
    )
    if not records:
        raise CertificateError("no_records")
    lines = [
        {
            "date": r.served_on.isoformat(),
            "content": r.title,
            "kind": str(r.get_kind_display()),
            "hours": str(r.hours),
        }
        for r in records
    ]
    total = sum((r.hours for r in records), start=Decimal(0))
    is_org = isinstance(unit, Organization)
    unit_fields = {"organization": unit} if is_org else {"community": unit}
    same = (
        Certificate.objects.filter(
            member=member,
            **unit_fields,
            period_from=period_from,
            period_to=period_to,
            total_hours=total,
            state=Certificate.State.ISSUED,
        )
        .exclude(sha256="")
        .first()
    )
    if same is not None and same.lines == lines:
        return same
    now = timezone.now()
    with transaction.atomic():
        code = new_verify_code()
        certificate = Certificate.objects.create(
            number=f"T{code}",
            verify_code=code,
            member=member,
            member_name=member.real_name,
            **unit_fields,
            issuer_name=unit.name,
            period_from=period_from,
            period_to=period_to,
            total_hours=total,
            lines=lines,
            issued_at=now,
            issued_by=by,
        )
        certificate.number = f"ZM{timezone.localtime(now):%Y}{certificate.pk:07d}"
        pdf = certificate_pdf(certificate)
        certificate.sha256 = hashlib.sha256(pdf).hexdigest()
        certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(pdf), save=False)
        certificate.save(update_fields=["number", "sha256", "pdf"])
    return certificate


def certificate_revoke(*, by, certificate: Certificate, reason: str) -> Certificate:
    """The recording unit's staff revoke a certificate, with the reason (the verify page then
    says it is revoked)."""
    if certificate.is_revoked:
        raise CertificateError("already_revoked")
    if not can(by, "records.certificate.revoke", certificate):
        raise CertificateError("not_permitted")
    reason = (reason or "").strip()[:200]
    if not reason:
        raise CertificateError("reason_required")
    left = state_move(
        certificate,
        from_states=[Certificate.State.ISSUED],
        to=Certificate.State.REVOKED,
        revoked_at=timezone.now(),
        revoked_by=by,
        revoke_reason=reason,
    )
    if left is None:
        raise CertificateError("already_revoked")
    return certificate
