"""`__in` on an integer column answers no row for a value the column cannot hold
(core.queries.IntegerFieldIn), on SQLite too, which refused to bind it."""

import pytest
from django.urls import reverse

from members.models import ServiceCategory
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_values_an_integer_column_cannot_hold_match_no_row():
    category = f.ServiceCategoryFactory()
    too_large, too_small = 10**40, -(2**63) - 1
    assert list(ServiceCategory.objects.filter(pk__in=[too_large, category.pk])) == [category]
    assert list(ServiceCategory.objects.filter(pk__in=[too_large, too_small])) == []
    assert list(ServiceCategory.objects.exclude(pk__in=[too_large])) == [category]


def test_a_form_offered_a_huge_choice_says_it_is_not_one(login, member_user):
    """Issue 8's fuzz test: a 500 on SQLite (OverflowError) from the profile's checkboxes."""
    response = login(member_user).post(
        reverse("members:profile_edit"), {"service_categories": ["9" * 40]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["service_categories"]
