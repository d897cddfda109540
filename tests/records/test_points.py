import datetime
from decimal import Decimal

import pytest
import time_machine

from records.models import PointRule, ServiceRecord
from records.services import points_for, service_record_create
from tests.reports.factories import PointRuleFactory, aware

D = datetime.date
pytestmark = pytest.mark.django_db


def test_without_rules_one_point_per_whole_hour():
    assert points_for(kind="other", hours=Decimal("2.5"), on=D(2026, 3, 1)) == 2


def test_the_default_rule_applies_to_every_kind_without_its_own():
    PointRuleFactory(kind="", points_per_hour=Decimal("2"))
    assert points_for(kind="activity", hours=Decimal("3"), on=D(2026, 3, 1)) == 6


def test_a_kind_rule_beats_the_default_and_counts_per_record_and_per_hour():
    PointRuleFactory(kind="", points_per_hour=Decimal("2"))
    PointRuleFactory(kind="wish", points_per_record=5, points_per_hour=Decimal("1"))
    assert points_for(kind="wish", hours=Decimal("2"), on=D(2026, 3, 1)) == 7


def test_the_newest_rule_in_force_on_the_day_wins():
    PointRuleFactory(kind="wish", points_per_record=5, effective_from=D(2025, 1, 1))
    PointRuleFactory(kind="wish", points_per_record=10, effective_from=D(2026, 3, 1))
    assert points_for(kind="wish", hours=Decimal(0), on=D(2026, 2, 28)) == 5
    assert points_for(kind="wish", hours=Decimal(0), on=D(2026, 3, 1)) == 10


def test_a_rule_change_applies_to_new_records_and_never_rewrites_history(member, community):
    PointRuleFactory(kind="wish", points_per_record=5, effective_from=D(2025, 1, 1))
    with time_machine.travel(aware(D(2026, 3, 10), 12), tick=False):
        old = service_record_create(
            member=member,
            community=community,
            served_on=D(2026, 3, 9),
            hours=Decimal(1),
            kind="wish",
            source="wish",
            source_key="wish:1",
            title="电风扇",
        )
        PointRuleFactory(kind="wish", points_per_record=20, effective_from=D(2026, 3, 11))
    with time_machine.travel(aware(D(2026, 3, 12), 12), tick=False):
        # Served before the new rule, but recorded after it: the rule of the creation day counts.
        new = service_record_create(
            member=member,
            community=community,
            served_on=D(2026, 3, 9),
            hours=Decimal(1),
            kind="wish",
            source="wish",
            source_key="wish:2",
            title="书包",
        )
    old.refresh_from_db()
    assert (old.points, new.points) == (6, 21)


def test_service_record_is_created_once_per_source(member, community):
    kwargs = {
        "member": member,
        "community": community,
        "served_on": D(2026, 3, 9),
        "hours": Decimal(1),
        "kind": "wish",
        "source": "wish",
        "source_key": "wish:7",
        "title": "电风扇",
    }
    assert service_record_create(**kwargs) is not None
    assert service_record_create(**kwargs) is None
    assert ServiceRecord.objects.filter(member=member).count() == 1


def test_not_even_a_superuser_edits_a_rule_already_in_force(login, superuser):
    rule = PointRuleFactory(kind="wish", points_per_record=5, effective_from=D(2020, 1, 1))
    client = login(superuser)
    response = client.post(
        f"/admin/records/pointrule/{rule.pk}/change/",
        {
            "kind": "wish",
            "points_per_record": 99,
            "points_per_hour": "1",
            "effective_from": "2020-01-01",
        },
    )
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.points_per_record == 5


def test_the_platform_adds_a_rule_from_tomorrow_but_not_from_the_past(login, superuser):
    client = login(superuser)
    past = client.post(
        "/admin/records/pointrule/add/",
        {
            "kind": "wish",
            "points_per_record": 9,
            "points_per_hour": "1",
            "effective_from": "2020-01-01",
        },
    )
    assert past.status_code == 200  # the form again, with the error
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(
        "/admin/records/pointrule/add/",
        {
            "kind": "wish",
            "points_per_record": 9,
            "points_per_hour": "1",
            "effective_from": tomorrow,
        },
    )
    assert response.status_code == 302
    assert list(PointRule.objects.values_list("points_per_record", flat=True)) == [9]


@pytest.mark.parametrize("role", ["committee_admin", "org_admin", "staff"])
def test_no_district_role_adds_or_edits_the_platforms_point_rules(request, login, role):
    """The rules bind every district: a committee admin of one district may not set them."""
    rule = PointRuleFactory(kind="wish", effective_from=D(2999, 1, 1))
    client = login(request.getfixturevalue(role))
    assert client.get("/admin/records/pointrule/add/").status_code == 403
    data = {"kind": "wish", "points_per_record": 99, "points_per_hour": "1"}
    client.post(f"/admin/records/pointrule/{rule.pk}/change/", data)
    rule.refresh_from_db()
    assert rule.points_per_record != 99
