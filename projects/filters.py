"""django-filter filter sets of the three lists (staff and public)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import PlainSelect
from members.models import ServiceCategory

from .models import Need, Project, Resource

_SELECT = {"class": "form-select"}


def _search(*fields):
    def method(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)

    return method


def _q_filter():
    return django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )


def _category_filter():
    return django_filters.ModelChoiceFilter(
        label=_("Service category"),
        queryset=ServiceCategory.objects.all(),
        empty_label=_("All categories"),
        widget=PlainSelect(attrs=_SELECT),
    )


class NeedFilter(django_filters.FilterSet):
    q = _q_filter()
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=Need.State.choices,
        empty_label=_("All"),
        widget=PlainSelect(attrs=_SELECT),
    )
    category = _category_filter()
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"),
        choices=Need.Urgency.choices,
        empty_label=_("All"),
        widget=PlainSelect(attrs=_SELECT),
    )
    search = _search("title", "description")

    class Meta:
        model = Need
        fields = ["q", "state", "category", "urgency"]


class PublicNeedFilter(NeedFilter):
    state = None

    class Meta:
        model = Need
        fields = ["q", "category", "urgency"]


class ResourceFilter(django_filters.FilterSet):
    q = _q_filter()
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=Resource.State.choices,
        empty_label=_("All"),
        widget=PlainSelect(attrs=_SELECT),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of resource"),
        choices=Resource.Kind.choices,
        empty_label=_("All"),
        widget=PlainSelect(attrs=_SELECT),
    )
    category = _category_filter()
    search = _search("title", "description", "organization__name", "team__name")

    class Meta:
        model = Resource
        fields = ["q", "state", "kind", "category"]


class ProjectFilter(django_filters.FilterSet):
    q = _q_filter()
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=Project.State.choices,
        empty_label=_("All"),
        widget=PlainSelect(attrs=_SELECT),
    )
    category = _category_filter()
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    search = _search("title", "description")

    class Meta:
        model = Project
        fields = ["q", "state", "category", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            state__in=Project.RUNNING_STATES, planned_end__lt=timezone.localdate()
        )


class PublicProjectFilter(django_filters.FilterSet):
    q = _q_filter()
    category = _category_filter()
    search = _search("title", "description")

    class Meta:
        model = Project
        fields = ["q", "category"]
