import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import DateInput

from .models import ServiceRecord


class ServiceRecordEntryForm(forms.Form):
    control_size = "lg"
    member = forms.ModelChoiceField(label=_("Member"), queryset=None, empty_label=_("Choose…"))
    served_on = forms.DateField(label=_("Date of service"), widget=DateInput())
    hours = forms.DecimalField(
        label=pgettext_lazy("service record", "Hours"),
        min_value=0.5,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    kind = forms.ChoiceField(label=_("Kind of service"), choices=ServiceRecord.Kind.choices)
    title = forms.CharField(label=_("What was done"), max_length=200)
    note = forms.CharField(
        label=pgettext_lazy("service record", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, members, earliest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        # The date picker offers the days a record may be entered for (`earliest` on).
        self.fields["served_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if earliest is not None:
            self.fields["served_on"].widget.attrs["min"] = earliest.isoformat()
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)
            self.initial.setdefault("served_on", timezone.localdate())
            self.initial.setdefault("kind", ServiceRecord.Kind.OTHER)

    def clean_served_on(self):
        day = self.cleaned_data["served_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of service cannot be in the future."))
        return day


class CertificateRequestForm(forms.Form):
    """A member picks a recording unit and the dates of the service to certify."""

    unit = forms.ChoiceField(
        label=_("Recording unit"),
        help_text=_(
            "The community or organization that recorded your service: it certifies what it "
            "recorded."
        ),
    )
    period_from = forms.DateField(label=_("Service from"), widget=DateInput())
    period_to = forms.DateField(label=_("Service to"), widget=DateInput())

    def __init__(self, *args, units, **kwargs):
        """`units`: the communities and organizations that recorded the member's service."""
        from .certificates import unit_key  # at call time: certificates reads these forms' data

        super().__init__(*args, **kwargs)
        self.units = {unit_key(u): u for u in units}
        self.fields["unit"].choices = [("", _("Choose…"))] + [
            (key, u.name) for key, u in self.units.items()
        ]
        today = timezone.localdate()
        self.fields["period_to"].widget.attrs["max"] = today.isoformat()
        self.fields["period_from"].widget.attrs["max"] = today.isoformat()
        if not self.is_bound:
            self.initial.setdefault("period_from", today.replace(month=1, day=1))
            self.initial.setdefault("period_to", today)

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("The first day must be on or before the last day."))
        if end and end > timezone.localdate():
            self.add_error("period_to", _("The period cannot end after today."))
        return data


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=200,
        help_text=_("Shown to the member; the verify page then says the certificate is revoked."),
    )


class BoardForm(forms.Form):
    """Which leaderboard: of whom, for which period, by what (read from the query string)."""

    KINDS = [
        ("community", _("Members of a community")),
        ("branch", _("Members of a Party branch")),
        ("organization", _("Members of an organization")),
        ("team", _("Members of a service team")),
        ("organizations", _("Organizations")),
        ("teams", _("Service teams")),
    ]
    kind = forms.ChoiceField(label=_("Board"), choices=KINDS, required=False)
    unit = forms.IntegerField(label=_("Unit"), required=False, min_value=1, max_value=2**31 - 1)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=())
    by = forms.ChoiceField(label=_("Ranked by"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        from .boards import BoardBy, BoardPeriod  # at call time: boards reads the forms' choices

        super().__init__(*args, **kwargs)
        self.fields["period"].choices = BoardPeriod.choices
        self.fields["by"].choices = [
            *BoardBy.choices,
            ("rate", _("报到 rate")),
            ("per_member", _("Hours per member")),
        ]
