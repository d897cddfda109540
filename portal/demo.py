"""Demo data of recognition, seeded after every producer's (portal is the last app): members
on the public leaderboards, star levels caught up, and a certificate for the demo member."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.pdf import PdfUnavailable
from members.models import CommunityStaff, Member
from records.certificates import CertificateError, certificate_issue, certificate_units
from records.models import Certificate, StarRule
from records.stars import award_stars


def seed(*, size: str = "default", stdout=None) -> bool:
    say = stdout.write if stdout else (lambda s: None)
    if Certificate.objects.filter(member__user__username="demo_member").exists():
        say("Recognition: demo data already present; nothing to do.")
        return False
    # Two members in three agree to be shown on the public leaderboards.
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    Member.objects.filter(pk__in=[pk for i, pk in enumerate(ids) if i % 3 != 2]).update(
        on_public_boards=True
    )
    # The demo's few hours reach a star only with a lower first level, as a city may set.
    if not StarRule.objects.exists():
        for level, hours, label in [(1, 100, "一星"), (2, 300, "二星"), (3, 600, "三星")]:
            StarRule.objects.create(level=level, min_hours=hours, label=label)
    stars = award_stars()
    issued = 0
    member = Member.objects.filter(user__username="demo_member").select_related("user").first()
    if member is not None:
        today = timezone.localdate()
        units = certificate_units(member=member)
        # The demo staff's community first, so that they can revoke it.
        staff_units = set(
            CommunityStaff.objects.filter(user__username="demo_staff").values_list(
                "community_id", flat=True
            )
        )
        units.sort(key=lambda u: u.pk not in staff_units)
        for unit in units[:1]:
            try:
                certificate_issue(
                    by=member.user,
                    member=member,
                    unit=unit,
                    period_from=today - datetime.timedelta(days=730),
                    period_to=today,
                )
                issued += 1
            except (CertificateError, PdfUnavailable) as exc:
                say(f"Recognition: no demo certificate ({exc}).")
    say(f"Recognition: {stars} star awards, {issued} certificate(s).")
    return True
