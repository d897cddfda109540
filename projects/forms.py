"""Forms of the projects app. Every creating form is a `core.once.SubmitOnceForm`: a double
submit, a resend or the back button saves once. Photos are checked by their header in the
field and decoded (`core.images.image_process`) only once the rest of the form is valid."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import MultiplePhotoField, PhotosLast
from core.once import SubmitOnceForm
from core.widgets import DateInput, PlainSelect
from members.claimants import claimant_choices, claimant_from_choice
from members.models import Community, Member, Organization, ServiceCategory, ServiceTeam

from .models import JointMeeting, MeetingDecision, Need, Project, Resource
from .services import HOURS_MAX, HOURS_MIN, MilestonePlan

TEXT_MAX = 2000


def _category_field():
    return forms.ModelChoiceField(
        ServiceCategory.objects.all(),
        label=_("Service category"),
        empty_label=None,
        widget=PlainSelect,
    )


class NeedForm(SubmitOnceForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
    )
    category = _category_field()
    kind = forms.ChoiceField(label=_("Kind of need"), choices=Need.Kind.choices)
    beneficiaries = forms.IntegerField(
        label=_("Beneficiaries"), min_value=1, max_value=1_000_000, initial=1
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in Need.Source.choices if c[0] != Need.Source.WISH]
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Need.Urgency.choices, initial=Need.Urgency.NORMAL
    )
    wanted_by = forms.DateField(label=_("Wanted by"), required=False, widget=DateInput())
    is_public = forms.BooleanField(label=_("Shown to the public"), required=False, initial=True)
    list_now = forms.BooleanField(
        label=_("List it at once"),
        required=False,
        help_text=_("Skip the triage queue: you know this need is real."),
    )


class WishToNeedForm(SubmitOnceForm):
    """Turning a micro-wish into a need: what the need adds to the wish's text."""

    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
    )
    category = _category_field()
    beneficiaries = forms.IntegerField(
        label=_("Beneficiaries"), min_value=1, max_value=1_000_000, initial=1
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Need.Urgency.choices, initial=Need.Urgency.NORMAL
    )
    wanted_by = forms.DateField(label=_("Wanted by"), required=False, widget=DateInput())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(Need.objects.none(), label=_("Merge into"), widget=PlainSelect)

    def __init__(self, *args, need: Need, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Need.objects.filter(
            community_id=need.community_id, state__in=Need.OPEN_STATES
        ).exclude(pk=need.pk)


class ClaimantChoiceForm(forms.Form):
    """As whom the user acts: themself, a team they captain, an organization they administer."""

    claim_as = forms.ChoiceField(label=_("Claim as"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claim_as"].choices = claimant_choices(user)

    def claimant(self) -> tuple[ServiceTeam | None, Organization | None]:
        return claimant_from_choice(self.cleaned_data["claim_as"])


class ResourceOfferForm(SubmitOnceForm):
    offer_as = forms.ChoiceField(label=_("Offered by"))
    community = forms.ModelChoiceField(
        Community.objects.filter(is_active=True),
        label=_("Offered to community"),
        widget=PlainSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind of resource"), choices=Resource.Kind.choices)
    category = _category_field()
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        min_value=Decimal("0.1"),
        max_digits=11,
        decimal_places=1,
        help_text=_("Empty for a skill without a quantity."),
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Resource.Unit.choices, required=False)
    available_from = forms.DateField(label=_("Available from"), widget=DateInput())
    available_until = forms.DateField(
        label=_("Available until"), required=False, widget=DateInput()
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
    )
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer_as"].choices = claimant_choices(user)
        if not self.is_bound:
            self.initial.setdefault("available_from", timezone.localdate())

    def clean(self):
        data = super().clean()
        quantity, unit = data.get("quantity"), data.get("unit")
        if (quantity is None) != (not unit):
            self.add_error(
                "unit", _("Give the unit of the quantity (or leave both empty for a skill).")
            )
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error(
                "available_until", _("The resource's availability must end after it starts.")
            )
        return data

    def offerer(self):
        return claimant_from_choice(self.cleaned_data["offer_as"])


class MilestonesField(forms.CharField):
    """One milestone a line: `2026-12-01 40 采购苗木` (date, weight in percent, title)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def clean(self, value):
        value = super().clean(value)
        plans = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            parts = line.split(None, 2)
            try:
                due_on = datetime.date.fromisoformat(parts[0])
                weight = int(parts[1])
                title = parts[2].strip()
            except (IndexError, ValueError):
                raise ValidationError(
                    _("Line %(n)s: write the date (YYYY-MM-DD), the weight and the title.")
                    % {"n": number}
                ) from None
            if not 1 <= weight <= 100:
                raise ValidationError(_("Line %(n)s: a weight is from 1 to 100.") % {"n": number})
            plans.append(MilestonePlan(title[:100], due_on, weight))
        total = sum(p.weight for p in plans)
        if total != 100:
            raise ValidationError(
                _("The milestones' weights must sum to 100 (they sum to %(total)s).")
                % {"total": total}
            )
        return plans


class ProjectForm(SubmitOnceForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
    )
    category = _category_field()
    needs = forms.ModelMultipleChoiceField(
        Need.objects.none(),
        label=_("Needs answered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput())
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput())
    budget = forms.DecimalField(
        label=_("Budget (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    is_collective = forms.BooleanField(label=_("Collective project"), required=False)
    milestones = MilestonesField(
        label=_("Milestones"),
        help_text=_(
            "One a line: date, weight in percent, title, e.g. 2026-12-01 40 Buy seedlings. "
            "The weights sum to 100."
        ),
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = Need.objects.filter(
            community=community, state=Need.State.LISTED
        ).order_by("-created_at")

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error(
                "planned_end", _("The planned end must not be before the planned start.")
            )
        elif (
            start
            and end
            and any(not start <= m.due_on <= end for m in data.get("milestones") or [])
        ):
            self.add_error(
                "milestones", _("A milestone's date must fall within the project's dates.")
            )
        return data


class CommitForm(forms.Form):
    resource = forms.ModelChoiceField(
        Resource.objects.none(), label=_("Resource"), widget=PlainSelect
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        min_value=Decimal("0.1"),
        max_digits=11,
        decimal_places=1,
    )

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources


class ProgressForm(PhotosLast, SubmitOnceForm):
    text = forms.CharField(
        label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX
    )
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    reason = forms.CharField(
        label=_("Reason the percent went down"), max_length=300, required=False
    )
    milestones = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Milestones done"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones"].queryset = project.milestones.filter(done_at__isnull=True)
        if not self.is_bound:
            self.initial.setdefault("percent", project.percent)


class ParticipationForm(SubmitOnceForm):
    member = forms.ModelChoiceField(Member.objects.none(), label=_("Member"), widget=PlainSelect)
    served_on = forms.DateField(label=_("Date of service"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"), min_value=HOURS_MIN, max_value=HOURS_MAX, max_digits=4, decimal_places=1
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class DeliveryForm(forms.Form):
    quantity = forms.DecimalField(
        label=_("Delivered"), min_value=Decimal("0.1"), max_digits=11, decimal_places=1
    )


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)]
    )
    residents_surveyed = forms.IntegerField(
        label=_("Residents surveyed"), min_value=0, max_value=1_000_000, initial=0
    )
    residents_satisfied = forms.IntegerField(
        label=_("Residents satisfied"), min_value=0, max_value=1_000_000, initial=0
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
    )
    is_story = forms.BooleanField(
        label=_("Show it to the public as a story"), required=False, initial=True
    )

    def clean(self):
        data = super().clean()
        surveyed, satisfied = data.get("residents_surveyed"), data.get("residents_satisfied")
        if surveyed is not None and satisfied is not None and satisfied > surveyed:
            self.add_error(
                "residents_satisfied",
                _("Residents satisfied cannot be more than residents surveyed."),
            )
        return data


class MeetingForm(SubmitOnceForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=JointMeeting.Level.choices)
    organizations = forms.ModelMultipleChoiceField(
        Organization.objects.none(), label=_("Attending units"), required=False
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = Organization.objects.filter(
            partnerships__community=community
        ).distinct()


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=pgettext_lazy("meeting", "Minutes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
    )
    minutes_file = forms.FileField(label=_("Minutes file"), required=False)


class DecisionForm(SubmitOnceForm):
    kind = forms.ChoiceField(label=_("Decision"), choices=MeetingDecision.Kind.choices)
    need = forms.ModelChoiceField(
        Need.objects.none(), label=_("Need"), required=False, widget=PlainSelect
    )
    resource = forms.ModelChoiceField(
        Resource.objects.none(), label=_("Resource"), required=False, widget=PlainSelect
    )
    project = forms.ModelChoiceField(
        Project.objects.none(), label=_("Project"), required=False, widget=PlainSelect
    )
    team = forms.ModelChoiceField(
        ServiceTeam.objects.none(), label=_("Assigned team"), required=False, widget=PlainSelect
    )
    organization = forms.ModelChoiceField(
        Organization.objects.none(),
        label=_("Assigned organization"),
        required=False,
        widget=PlainSelect,
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        min_value=Decimal("0.1"),
        max_digits=11,
        decimal_places=1,
    )
    note = forms.CharField(label=_("Decision note"), max_length=300, required=False)

    def __init__(self, *args, meeting: JointMeeting, agenda, teams, **kwargs):
        super().__init__(*args, **kwargs)
        community_id = meeting.community_id
        self.fields["need"].queryset = Need.objects.filter(
            community_id=community_id, state__in=Need.OPEN_STATES
        )
        self.fields["resource"].queryset = Resource.objects.filter(
            pk__in=[r.pk for r in agenda.resources]
        ) | Resource.objects.filter(community_id=community_id, state=Resource.State.OFFERED)
        self.fields["project"].queryset = Project.objects.filter(
            community_id=community_id, state__in=[Project.State.DRAFT, Project.State.APPROVED]
        )
        self.fields["team"].queryset = teams
        self.fields["organization"].queryset = Organization.objects.filter(
            partnerships__community_id=community_id
        ).distinct()
