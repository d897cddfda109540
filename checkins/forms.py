"""Forms of the check-in app. Every creating form is a SubmitOnceForm (core.once)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.once import SubmitOnceForm
from core.widgets import PlainSelect
from members.models import Community, User

from .models import Activity, Venue


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ActivityForm(SubmitOnceForm):
    """A new activity with its first session and its first (main) venue."""

    title = forms.CharField(label=_("Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    campaign = forms.ModelChoiceField(
        label=_("Part of the campaign"), queryset=Activity.objects.none(), required=False
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    credit_rule = forms.ChoiceField(
        label=_("Hours credited"), choices=Activity.Credit.choices, initial=Activity.Credit.ACTUAL
    )
    venue_name = forms.CharField(label=_("Main venue"), max_length=100)
    venue_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    venue_capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=100_000, required=False
    )

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must be after the start."))
        if start and end and end - start > datetime.timedelta(hours=24):
            self.add_error("ends_at", _("A session lasts at most 24 hours."))
        return data


class VenueForm(SubmitOnceForm):
    name = forms.CharField(label=_("Venue name"), max_length=100)
    community = forms.ModelChoiceField(
        label=_("Host community"), queryset=Community.objects.none(), widget=PlainSelect
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    is_main = forms.BooleanField(label=_("Main venue"), required=False)
    allow_walk_in = forms.BooleanField(label=_("Walk-ins allowed"), required=False, initial=True)
    allow_reentry = forms.BooleanField(label=_("Re-entry allowed"), required=False, initial=True)
    auto_exit_at = forms.TimeField(
        label=_("Automatic check-out at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(is_active=True).order_by(
            "name"
        )


class HostForm(forms.Form):
    username = forms.CharField(label=_("User name of the host"), max_length=150)

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active user has this name."))
        return user


class SignupForm(SubmitOnceForm):
    venue = forms.ModelChoiceField(
        label=pgettext_lazy("activity", "Venue"), queryset=Venue.objects.none()
    )

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None:
            venues = list(activity.venues.order_by("-is_main", "name", "pk"))
            self.fields["venue"].queryset = activity.venues.all()
            self.fields["venue"].empty_label = None
            self.fields["venue"].label_from_instance = lambda v: v.name
            if venues and not self.is_bound:
                self.initial.setdefault("venue", venues[0].pk)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CorrectForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_value=24, max_digits=4, decimal_places=1
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ConfirmForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0,
        max_value=24,
        max_digits=4,
        decimal_places=1,
        required=False,
    )


class BulkForm(forms.Form):
    ACTIONS = [
        ("entry", _("Check in")),
        ("exit", _("Check out")),
        ("no_show", _("No-show")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    members = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, member_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(i, i) for i in member_ids]


def now_local_input() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class SheetForm(forms.Form):
    """A paper sign-in sheet typed in: a check-in and a check-out time (HH:MM) per member, on
    the chosen session's day. A time that is not HH:MM, a check-out before the check-in, a
    time outside the session's check-in hours or still to come is refused, field by field, and
    the form keeps what was typed."""

    session = forms.ModelChoiceField(
        label=pgettext_lazy("activity", "Session"), queryset=None, empty_label=None
    )

    def __init__(self, *args, sessions, members, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.members = list(members)
        self.now = now or timezone.now()
        error = {"invalid": _("Enter the time as HH:MM, such as 08:05.")}
        for m in self.members:
            for kind, label in (("in", _("Check-in time")), ("out", _("Check-out time"))):
                self.fields[f"{kind}_{m.pk}"] = forms.TimeField(
                    label=format_lazy("{} · {}", m.real_name, label),
                    required=False,
                    input_formats=["%H:%M", "%H.%M", "%H%M"],
                    error_messages=error,
                    widget=forms.TextInput(
                        {"placeholder": "HH:MM", "inputmode": "numeric", "maxlength": 5}
                    ),
                )

    def rows(self):
        """(member, check-in field, check-out field) for the template."""
        return [(m, self[f"in_{m.pk}"], self[f"out_{m.pk}"]) for m in self.members]

    def clean(self):
        data = super().clean()
        session = data.get("session")
        if session is None:
            return data
        activity = session.activity
        opens = session.starts_at - datetime.timedelta(minutes=activity.grace_before)
        closes = session.ends_at + datetime.timedelta(minutes=activity.grace_after)
        day = timezone.localtime(session.starts_at).date()
        window = {
            "start": timezone.localtime(opens).strftime("%H:%M"),
            "end": timezone.localtime(closes).strftime("%H:%M"),
        }
        self.lines = []
        for m in self.members:
            times = {}
            for kind in ("in", "out"):
                name = f"{kind}_{m.pk}"
                value = data.get(name)
                if value is None:
                    times[kind] = None
                    continue
                at = timezone.make_aware(datetime.datetime.combine(day, value))
                if not opens <= at <= closes:
                    self.add_error(
                        name,
                        _("Outside the session's check-in hours (%(start)s–%(end)s).") % window,
                    )
                elif at > self.now:
                    self.add_error(name, _("This time has not come yet."))
                times[kind] = at
            if times["in"] and times["out"] and times["out"] < times["in"]:
                self.add_error(f"out_{m.pk}", _("The check-out time is before the check-in time."))
            if times["in"] or times["out"]:
                self.lines.append((m, times["in"], times["out"]))
        if not self.errors and not self.lines:
            raise ValidationError(_("Type at least one time from the sheet."))
        return data
