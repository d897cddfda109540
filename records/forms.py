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
