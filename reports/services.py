"""Writing service records and reports. Every change goes through a function here."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from members.models import Community, Member

from .models import ServiceRecord


def points_for(*, kind: str, hours: Decimal, on: datetime.date) -> int:
    """Points earned for service of `kind` and `hours` on a date, under the rules then in force."""
    # Replaced by the admin-editable point rules of the reports app.
    return int(hours)


def service_record_create(
    *,
    member: Member,
    community: Community,
    served_on: datetime.date,
    hours: Decimal,
    kind: str,
    source: str,
    source_key: str,
    title: str,
    note: str = "",
    created_by=None,
) -> ServiceRecord | None:
    """Record service once per (member, source_key); returns None if it was already recorded."""
    hours = Decimal(hours)
    try:
        with transaction.atomic():
            return ServiceRecord.objects.create(
                member=member,
                community=community,
                served_on=served_on,
                hours=hours,
                points=points_for(kind=kind, hours=hours, on=served_on),
                kind=kind,
                source=source,
                source_key=source_key,
                title=title[:200],
                note=note,
                created_by=created_by,
            )
    except IntegrityError:
        return None
