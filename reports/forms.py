from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rating


class ReportAccountForm(forms.Form):
    control_size = "lg"
    did = forms.CharField(
        label=_("What I did"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The service you gave this half-year, in your own words."),
    )
    learned = forms.CharField(
        label=_("What I learned"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    plans = forms.CharField(
        label=_("What I plan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EvaluationForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": _("Optional comment")}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the member"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what should be changed. The member sees this comment."),
    )


class BulkEvaluationForm(forms.Form):
    """One rating for the members ticked on the evaluations page."""

    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": _("Optional comment")}),
    )
    members = forms.TypedMultipleChoiceField(label=_("Members"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any member number; the view keeps those of the staff's own community.
        self.fields["members"].valid_value = lambda value: (
            str(value).isdigit() and len(str(value)) < 19
        )
        self.fields["members"].error_messages["required"] = _("Tick the members to rate first.")
        self.fields["rating"].error_messages["required"] = _("Choose one of the ratings.")
