"""Forms of the wishes app. Photos are checked by their fields (the header only) and decoded and
re-encoded once the rest of the form is valid (`core.forms.PhotosLast`, see core/images.py)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import MultiplePhotoField, PhotoField, PhotosLast, cached_choices
from core.once import SubmitOnceForm
from core.widgets import DateInput, PlainSelect
from members.claimants import claimant_choices, claimant_from_choice, participants
from members.models import Community, phone_validator
from members.selectors import community_choices

from .models import HardshipCategory, Resident, Wish
from .services import MAX_PROMISE_DAYS

# Descriptions and fulfilment notes: a few paragraphs, not a book.
DESCRIPTION_MAX_LENGTH = 2000


class WishDetailsForm(PhotosLast, forms.ModelForm):
    # Large controls, as on every form of this app: they are filled in on phones, by staff and
    # members of every age (read by the project's field template, see core.forms).
    control_size = "lg"
    photo = PhotoField(label=_("Photo"), required=False)

    class Meta:
        model = Wish
        fields = [
            "title",
            "description",
            "category",
            "estimated_value",
            "deadline",
            "photo_is_public",
        ]
        widgets = {
            "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        description = self.fields["description"]
        description.max_length = DESCRIPTION_MAX_LENGTH
        description.validators.append(MaxLengthValidator(DESCRIPTION_MAX_LENGTH))
        description.widget.attrs["maxlength"] = str(DESCRIPTION_MAX_LENGTH)
        self.fields["resident"] = forms.ModelChoiceField(
            label=_("Existing resident"),
            queryset=Resident.objects.filter(community=community).order_by("name"),
            required=False,
            empty_label=_("— a new resident (fill in below) —"),
            # A community may have thousands of residents: options rendered in Python.
            widget=PlainSelect,
        )
        # Another person's name and phone: the phone's keypad, nothing of the staff's own
        # details offered by the browser.
        self.fields["new_name"] = forms.CharField(
            label=_("Resident's name"),
            max_length=40,
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )
        self.fields["new_phone"] = forms.CharField(
            label=_("Resident's phone"),
            max_length=20,
            required=False,
            validators=[phone_validator],
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        )
        self.fields["new_address"] = forms.CharField(
            label=_("Resident's address"), max_length=200, required=False
        )
        self.fields["new_hardship"] = forms.ModelMultipleChoiceField(
            label=_("Hardship categories"),
            queryset=HardshipCategory.objects.filter(is_active=True),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        if self.instance.pk:
            self.fields["resident"].initial = self.instance.resident_id
        order = ["resident", "new_name", "new_phone", "new_address", "new_hardship"]
        last = ["photo", "photo_is_public"]
        self.order_fields(order + [n for n in self.fields if n not in order + last] + last)

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate() and "deadline" in self.changed_data:
            raise ValidationError(_("The deadline cannot be in the past."))
        return deadline

    def clean(self):
        data = super().clean()
        if not data.get("resident") and not (data.get("new_name") or "").strip():
            self.add_error(
                "new_name", _("Choose an existing resident or enter the new resident's name.")
            )
        return data


class PostWishForm(SubmitOnceForm, WishDetailsForm):
    """Staff post a wish: the details form, sent once (core.once)."""


class PublicWishForm(PhotosLast, SubmitOnceForm):
    """群众点单: what a resident without an account may submit, sent once (core.once)."""

    control_size = "lg"

    community = forms.ModelChoiceField(
        label=_("Your community"),
        queryset=Community.objects.filter(is_active=True),
        empty_label=_("— choose —"),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=20,
        validators=[phone_validator],
        help_text=_("Only the community's staff see it."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Your address"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    title = forms.CharField(label=_("What do you wish for?"), max_length=100)
    description = forms.CharField(
        label=_("Tell us more"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Wish.Category.choices)
    photo = PhotoField(label=_("Photo (optional)"), required=False)
    # A field people never see (hidden by CSS); bots fill it in.
    website = forms.CharField(
        label=_("Leave this empty"), required=False, template_name="wishes/_honeypot_field.html"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        cached_choices(self.fields["community"], community_choices())

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class TrackForm(forms.Form):
    """群众点单 tracking: the code on the thanks page and the last four digits of the phone."""

    control_size = "lg"
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("The code on the page shown after you sent your wish, e.g. K7QM-2XHP."),
    )
    last4 = forms.RegexField(
        label=_("Last 4 digits of your phone"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter the last 4 digits of the phone you gave, e.g. 2222.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )


class ClaimForm(forms.Form):
    control_size = "lg"
    promised_date = forms.DateField(label=_("I promise to fulfil it by"), widget=DateInput())
    claim_as = forms.ChoiceField(label=_("Claim as"))

    def __init__(self, *args, user, wish=None, **kwargs):
        super().__init__(*args, **kwargs)

        today = timezone.localdate()
        latest = today + datetime.timedelta(days=MAX_PROMISE_DAYS)
        if wish is not None and wish.deadline:
            latest = max(min(latest, wish.deadline), today)
        suggested = min(today + datetime.timedelta(days=7), latest)
        self.fields["promised_date"].initial = suggested
        # The phone's date picker offers only the dates the claim would accept.
        self.fields["promised_date"].widget.attrs.update(
            {"min": today.isoformat(), "max": latest.isoformat()}
        )
        self.fields["claim_as"].choices = claimant_choices(user)
        choices = self.fields["claim_as"].choices
        if len(choices) == 1:
            # Nothing to choose: claim as the only option (an organization admin who is not a
            # member claims for the organization).
            self.fields["claim_as"].widget = forms.HiddenInput()
            self.fields["claim_as"].initial = choices[0][0]

    def claimant(self):
        """(team, organization) for the chosen option."""
        return claimant_from_choice(self.cleaned_data["claim_as"])


class FulfilForm(PhotosLast, forms.Form):
    control_size = "lg"
    note = forms.CharField(
        label=_("How was the wish fulfilled?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultiplePhotoField(label=_("Proof photos"), required=False)


class ReasonForm(forms.Form):
    control_size = "lg"
    reason = forms.CharField(label=_("Reason"), max_length=300)


# The resident's satisfaction, in words a resident says (the score is stored, 5 the best).
SATISFACTION_CHOICES = [
    (5, _("5 · Very satisfied")),
    (4, _("4 · Satisfied")),
    (3, _("3 · Neither satisfied nor dissatisfied")),
    (2, _("2 · Dissatisfied")),
    (1, _("1 · Very dissatisfied")),
]


class ConfirmForm(forms.Form):
    control_size = "lg"
    hours = forms.DecimalField(
        label=_("Service hours"),
        initial=2,
        min_value=0.5,
        max_value=24,
        decimal_places=1,
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Who took part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    approved_photos = forms.ModelMultipleChoiceField(
        label=_("Photos that may be shown publicly"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        template_name="wishes/_photo_choices.html",
    )
    publish_note = forms.BooleanField(
        label=_("The fulfilment note may be shown publicly"),
        required=False,
        help_text=_("Leave it unticked if the note names people, phones or addresses."),
    )
    # The resident's satisfaction, recorded in the same step (optional: it may come later).
    score = forms.TypedChoiceField(
        label=_("Resident's satisfaction"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("If you asked the resident already; it can also be recorded later."),
    )
    comment = forms.CharField(label=_("Resident's comment"), max_length=300, required=False)

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        photos = claim.photos.all()
        if photos:
            self.fields["approved_photos"].queryset = photos
        else:
            del self.fields["approved_photos"]
        if not claim.fulfilment_note.strip():
            del self.fields["publish_note"]
        if claim.claimant_kind == claim.ClaimantKind.MEMBER:
            del self.fields["participants"]
        else:
            self.fields["participants"].queryset = participants(claim).order_by("real_name")


class SatisfactionForm(forms.Form):
    control_size = "lg"
    score = forms.TypedChoiceField(
        label=_("Resident's satisfaction"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Resident's comment"), max_length=300, required=False)


MAX_DATABASE_ID = 2**63 - 1


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("cancel", _("Cancel"))],
        label=pgettext_lazy("bulk action", "Action"),
    )
    ids = forms.TypedMultipleChoiceField(coerce=int, label=_("Wishes"), choices=())
    reason = forms.CharField(label=_("Reason (for cancelling)"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ids a database key can hold (a bigger number fails in the database, not here);
        # the view narrows them to the staff's own wishes.
        self.fields["ids"].valid_value = lambda value: (
            str(value).isdigit() and int(value) <= MAX_DATABASE_ID
        )

    def clean(self):
        data = super().clean()
        if data.get("action") == "cancel" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please give a reason."))
        return data
