import pytest

from records.models import StarRule


@pytest.fixture
def star_rules(db):
    """The seeded rule (a transactional test may have flushed it)."""
    StarRule.objects.all().delete()
    return [
        StarRule.objects.create(level=level, min_hours=hours, label=label)
        for level, hours, label in [
            (1, 100, "一星"),
            (2, 300, "二星"),
            (3, 600, "三星"),
            (4, 1000, "四星"),
            (5, 1500, "五星"),
        ]
    ]
