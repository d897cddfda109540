"""Forms of the orders app. Large controls: they are filled in on phones, by residents, staff and
members of every age."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import MultiplePhotoField, PhotosLast
from core.once import SubmitOnceForm
from members.models import Member, Organization, ServiceTeam, phone_validator

from .models import MenuCategory, MenuItem, ServiceOrder, Urgency

DESCRIPTION_MAX_LENGTH = 2000


class _OrderFields(SubmitOnceForm):
    control_size = "lg"

    item = forms.ModelChoiceField(
        label=_("Service"), queryset=MenuItem.objects.none(), empty_label=_("— choose —")
    )
    name = forms.CharField(label=_("Your name"), max_length=40)
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=20,
        validators=[phone_validator],
        help_text=_("Only the community's staff and the volunteer who serves you see it."),
    )
    address = forms.CharField(label=_("Your address"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What do you need?"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": DESCRIPTION_MAX_LENGTH}),
    )
    preferred_time = forms.CharField(
        label=_("When would suit you?"),
        required=False,
        max_length=100,
        help_text=_("For example: weekday mornings, or Saturday afternoon."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["item"].queryset = (
            MenuItem.objects.filter(
                category__community=community, is_active=True, category__is_active=True
            )
            .select_related("category")
            .order_by("category__order", "category__name", "order", "name")
        )
        self.fields["item"].label_from_instance = lambda i: f"{i.category.name} · {i.name}"


class PublicOrderForm(_OrderFields):
    """群众点单: what a resident without an account sends."""

    # A field people never see (hidden by CSS); bots fill it in.
    website = forms.CharField(
        label=_("Leave this empty"), required=False, template_name="wishes/_honeypot_field.html"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class StaffOrderForm(_OrderFields):
    """An order taken by phone, on a visit or at a stall, typed in by staff."""

    channel = forms.ChoiceField(
        label=_("Taken by"),
        choices=[c for c in ServiceOrder.Channel.choices if c[0] != ServiceOrder.Channel.ONLINE],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Resident's name")
        self.fields["phone"].label = _("Resident's phone")
        self.fields["phone"].help_text = ""
        self.fields["address"].label = _("Resident's address")
        self.order_fields(["channel"])


class TrackForm(forms.Form):
    control_size = "lg"
    code = forms.CharField(label=_("Tracking code"), max_length=20)
    last4 = forms.CharField(
        label=_("Last 4 digits of your phone"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class RatingForm(forms.Form):
    control_size = "lg"
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Your comment"), max_length=300, required=False)


class TrackedRatingForm(TrackForm):
    """The tracking page's form: the code and the digits, and the rating once the order is
    done (then the code and digits travel hidden with it and are checked again)."""

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Your comment"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["code"].widget = forms.HiddenInput()
            self.fields["last4"].widget = forms.HiddenInput()
            self.fields["rating"].required = True


class ReasonForm(forms.Form):
    control_size = "lg"
    reason = forms.CharField(label=_("Reason"), max_length=300)


class DispatchForm(forms.Form):
    control_size = "lg"
    member = forms.ModelChoiceField(
        label=_("A member"), queryset=Member.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label=_("A service team"), queryset=ServiceTeam.objects.none(), required=False
    )
    organization = forms.ModelChoiceField(
        label=_("An organization"), queryset=Organization.objects.none(), required=False
    )
    insist = forms.BooleanField(
        label=_("Insist (offer again to a member who declined in the last 24 hours)"),
        required=False,
    )

    def __init__(self, *args, targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = targets["members"]
        self.fields["member"].label_from_instance = lambda m: m.real_name
        self.fields["team"].queryset = targets["teams"]
        self.fields["organization"].queryset = targets["organizations"]

    def clean(self):
        data = super().clean()
        chosen = [n for n in ("member", "team", "organization") if data.get(n)]
        if len(chosen) != 1:
            raise ValidationError(_("Choose exactly one: a member, a team or an organization."))
        return data


class PassOnForm(forms.Form):
    control_size = "lg"
    member = forms.ModelChoiceField(label=_("A member of the unit"), queryset=Member.objects.none())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: m.real_name


class GrabForm(forms.Form):
    control_size = "lg"
    team = forms.ModelChoiceField(
        label=_("Only the members of this team (empty: every member of the community)"),
        queryset=ServiceTeam.objects.none(),
        required=False,
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class CompleteForm(PhotosLast, forms.Form):
    """The assignee's report: a note, photos, and each participant's hours (a field per
    member who may be credited)."""

    control_size = "lg"
    note = forms.CharField(
        label=_("What was done?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultiplePhotoField(label=_("Photos (optional)"), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for m in self.members:
            self.fields[f"hours_{m.pk}"] = forms.DecimalField(
                label=_("Hours of %(name)s") % {"name": m.real_name},
                required=False,
                min_value=0.5,
                max_value=24,
                decimal_places=1,
                help_text=_("Empty if this member did not take part."),
            )
        if len(self.members) == 1:
            self.fields[f"hours_{self.members[0].pk}"].initial = 2

    def clean(self):
        data = super().clean()
        if not self.errors and not self.hours():
            raise ValidationError(_("Enter the hours of at least one member who took part."))
        return data

    def hours(self) -> dict:
        return {
            m: self.cleaned_data[f"hours_{m.pk}"]
            for m in self.members
            if self.cleaned_data.get(f"hours_{m.pk}")
        }


class ConfirmHoursForm(forms.Form):
    control_size = "lg"

    def __init__(self, *args, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.participations = list(participations)
        for p in self.participations:
            self.fields[f"hours_{p.member_id}"] = forms.DecimalField(
                label=_("Hours of %(name)s") % {"name": p.member.real_name},
                initial=p.hours,
                min_value=0.5,
                max_value=24,
                decimal_places=1,
            )

    def hours(self) -> dict:
        return {p.member_id: self.cleaned_data[f"hours_{p.member_id}"] for p in self.participations}


class MenuCategoryForm(forms.ModelForm):
    control_size = "lg"

    class Meta:
        model = MenuCategory
        fields = ["name", "order", "is_active"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        taken = MenuCategory.objects.filter(community_id=self.instance.community_id, name=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("The menu already has a category of this name."))
        return name


class MenuItemForm(forms.ModelForm):
    control_size = "lg"

    class Meta:
        model = MenuItem
        fields = ["category", "name", "description", "service_category", "order", "is_active"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = MenuCategory.objects.filter(community=community)

    def clean(self):
        data = super().clean()
        category, name = data.get("category"), data.get("name")
        if category and name:
            taken = MenuItem.objects.filter(category=category, name=name)
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("This category already has a service of this name."))
        return data
