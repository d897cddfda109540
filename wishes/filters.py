"""django-filter filter sets for the wish wall and the staff list."""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.lookups import Exact, In
from django.utils.translation import gettext_lazy as _

from core.queries import Unindexed
from core.widgets import DateInput, PlainSelect
from members.models import Community

from .models import Wish


class WallFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Search wishes"), "class": "form-control"}
        ),
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        queryset=Community.objects.filter(is_active=True).only("pk", "name"),
        empty_label=_("All communities"),
        widget=PlainSelect(attrs={"class": "form-select"}),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=Wish.Category.choices,
        empty_label=_("All categories"),
        widget=PlainSelect(attrs={"class": "form-select"}),
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (Wish.State.PUBLISHED, _("Open to claim")),
            (Wish.State.CLAIMED, _("Being fulfilled")),
            (Wish.State.COMPLETED, _("Completed")),
        ],
        method="filter_state",
        empty_label=_("All"),
        widget=PlainSelect(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Wish
        fields = ["q", "community", "category", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_state(self, queryset, name, value):
        # Unindexed: the wall stays on its ordered index (see selectors.wall_wishes).
        if value == Wish.State.CLAIMED:
            return queryset.filter(
                In(Unindexed("state"), [Wish.State.CLAIMED, Wish.State.FULFILLED])
            )
        return queryset.filter(Exact(Unindexed("state"), value))


class StaffWishFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search_staff",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=Wish.State.choices,
        empty_label=_("All states"),
        widget=PlainSelect(attrs={"class": "form-select"}),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=Wish.Category.choices,
        empty_label=_("All categories"),
        widget=PlainSelect(attrs={"class": "form-select"}),
    )
    deadline_before = django_filters.DateFilter(
        label=_("Deadline by"),
        field_name="deadline",
        lookup_expr="lte",
        widget=DateInput(attrs={"class": "form-control"}),
    )

    class Meta:
        model = Wish
        fields = ["q", "state", "category", "deadline_before"]

    def search_staff(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(resident__name__icontains=value)
        )
