"""The platform's star levels: awarded when a record brings a member's volunteer-service hours to
a threshold, kept as history with their date, never taken away by a rule change."""

import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from records.models import MemberStar, ServiceRecord, StarRule
from records.selectors import stars_to_review
from records.services import service_record_create
from records.stars import award_stars, star_standing
from tests import factories as f

pytestmark = pytest.mark.django_db


_keys = itertools.count()


def _serve(member, community, hours, n, kind=ServiceRecord.Kind.ACTIVITY):
    for _ in range(n):
        i = next(_keys)
        service_record_create(
            member=member,
            community=community,
            served_on=timezone.localdate(),
            hours=Decimal(hours),
            kind=kind,
            source=ServiceRecord.Source.STAFF,
            source_key=f"test:{kind}:{i}",
            title="服务",
        )


def test_the_seeded_rule_is_100_300_600_1000_1500():
    # Seeded by the migration (this test is not transactional, so the rows are there).
    assert [int(h) for h in StarRule.objects.values_list("min_hours", flat=True)] == [
        100,
        300,
        600,
        1000,
        1500,
    ]


def test_a_record_that_reaches_a_threshold_awards_the_level(star_rules, member, community):
    _serve(member, community, "20", 4)
    assert not MemberStar.objects.exists()
    _serve(member, community, "24", 1)  # 80 + 24 = 104 hours
    star = MemberStar.objects.get(member=member)
    assert (star.level, star.label, star.min_hours) == (1, "一星", 100)
    assert star.hours_at_award >= 100
    assert timezone.localdate(star.awarded_at) == timezone.localdate()


def test_meetings_and_study_do_not_count(star_rules, member, community):
    # A producer that records meetings gives them a kind of its own (not volunteer service).
    f.ServiceRecordFactory.create_batch(
        5, member=member, community=community, hours=Decimal(24), kind="meeting"
    )
    award_stars()
    assert not MemberStar.objects.exists()
    assert star_standing(member=member).hours == 0


def test_a_raised_threshold_keeps_the_award_and_lists_it_for_review(star_rules, member, community):
    _serve(member, community, "24", 5)  # 120 hours
    assert MemberStar.objects.filter(member=member, level=1).exists()
    StarRule.objects.filter(level=1).update(min_hours=200)
    award_stars()
    star = MemberStar.objects.get(member=member, level=1)
    assert star.min_hours == 100  # as it was when awarded
    assert list(stars_to_review()) == [star]


def test_a_lowered_threshold_is_caught_up_by_the_job(star_rules, member, community):
    _serve(member, community, "24", 5)  # 120 hours
    assert not MemberStar.objects.filter(level=2).exists()
    StarRule.objects.filter(level=2).update(min_hours=110)
    assert award_stars() == 1
    assert award_stars() == 0  # idempotent
    assert MemberStar.objects.filter(member=member, level=2, min_hours=110).exists()
    assert not list(stars_to_review())


def test_the_standing_names_the_next_level(star_rules, member, community):
    _serve(member, community, "24", 5)
    standing = star_standing(member=member)
    assert standing.current.label == "一星"
    assert standing.next_rule.label == "二星"
    assert standing.hours_to_next == Decimal(300) - Decimal(120)


def test_the_job_is_registered():
    from core.jobs import all_jobs

    assert "records.award_stars" in all_jobs()


def test_award_stars_in_bulk_costs_a_fixed_number_of_queries(
    star_rules, community, django_assert_max_num_queries
):
    members = f.MemberFactory.create_batch(30)
    f.ServiceRecordFactory.create_batch(1, member=members[0], community=community)
    for m in members:
        f.ServiceRecordFactory(
            member=m, community=community, hours=Decimal("24"), served_on=timezone.localdate()
        )
    for _ in range(5):
        for m in members:
            f.ServiceRecordFactory(member=m, community=community, hours=Decimal("24"))
    with django_assert_max_num_queries(6):
        assert award_stars() == 30
