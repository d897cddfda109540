import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.once import TokenInput
from core.widgets import DateInput

from .models import ServiceRecord


def member_label(member) -> str:
    """How the member field names a member: the real name and the phone's last four digits."""
    return f"{member.real_name} · {member.phone[-4:]}" if member.phone else member.real_name


def member_options(members) -> list[str]:
    """The labels of `members` for the member field's datalist, each one naming one member (a
    label two members share gets their numbers)."""
    members = list(members)
    labels = [member_label(m) for m in members]
    return [
        f"{label} · #{m.pk}" if labels.count(label) > 1 else label
        for m, label in zip(members, labels, strict=True)
    ]


def search_members(members, text: str):
    """The members whose real name contains `text`, or whose phone ends with it (digits)."""
    text = text.strip()
    if text.isdigit():
        return members.filter(phone__endswith=text)
    return members.filter(real_name__icontains=text)


# The member field's suggestions, and the members a typed name may match before it is refused
# as too vague.
MEMBER_OPTIONS = 20


class ServiceRecordEntryForm(forms.Form):
    control_size = "lg"
    # The member typed by name or phone's last four digits (a datalist suggests, fed as one types
    # where scripts run): never a list of every member of the community.
    member_name = forms.CharField(
        label=_("Member"),
        max_length=100,
        help_text=_("Type the name or the last 4 digits of the phone, then choose."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "service-member-options"}),
    )
    # A member chosen already, by number (a link from another page, a script).
    member = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
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
    token = forms.CharField(widget=TokenInput, max_length=40)

    def __init__(self, *args, members, earliest=None, search_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.fields["member"].queryset = members
        if self.is_bound and self.data.get(self.add_prefix("member")):
            self.fields["member_name"].required = False
        if search_url:
            self.fields["member_name"].widget.attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#service-member-options",
                    "hx-swap": "innerHTML",
                }
            )
        # The date picker offers the days a record may be entered for (`earliest` on).
        self.fields["served_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if earliest is not None:
            self.fields["served_on"].widget.attrs["min"] = earliest.isoformat()
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)
            self.initial.setdefault("served_on", timezone.localdate())
            self.initial.setdefault("kind", ServiceRecord.Kind.OTHER)
        self.options: list[str] = []

    def _member_from(self, text: str):
        """The one member the typed text names (a label as suggested, a name, the phone's last
        digits); else an error, with the members it may mean as the suggestions shown."""
        name, _sep, number = text.rpartition(" · #")
        if name and number.isdigit():
            found = self.members.filter(pk=int(number)).first()
            if found is not None:
                return found
            text = name
        name, _sep, digits = text.rpartition(" · ")
        if name and digits.isdigit():
            matches = self.members.filter(real_name=name.strip(), phone__endswith=digits)
        else:
            matches = self.members.filter(real_name=text)
            if not matches.exists():
                matches = search_members(self.members, text)
        found = list(matches.order_by("real_name", "pk")[: MEMBER_OPTIONS + 1])
        if len(found) == 1:
            return found[0]
        self.options = member_options(found[:MEMBER_OPTIONS])
        if not found:
            raise forms.ValidationError(
                _("No member registered here matches “%(text)s”."), params={"text": text}
            )
        raise forms.ValidationError(
            _("Several members match “%(text)s”: choose one of the suggestions."),
            params={"text": text},
        )

    def clean(self):
        data = super().clean()
        if data.get("member") is None and "member" not in self.errors:
            text = (data.get("member_name") or "").strip()
            if text:
                try:
                    data["member"] = self._member_from(text)
                except forms.ValidationError as error:
                    self.add_error("member_name", error)
        return data

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
