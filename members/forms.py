"""Forms of the members pages. They validate input; the services decide."""

from __future__ import annotations

from pathlib import Path

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import cached_choices
from core.once import SubmitOnceForm
from core.widgets import PlainSelect

from .models import Community, Member, Organization, Partnership, ServiceCategory
from .selectors import branch_choices, community_choices

AGREEMENT_MAX_BYTES = 10 * 1024 * 1024
# Accepted agreement files: the extension and the first bytes of the content must agree.
AGREEMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
}


def validate_agreement_file(upload) -> None:
    """An agreement scan or document: PDF, image or Word (.docx), at most 10 MB."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in AGREEMENT_SIGNATURES:
        raise ValidationError(
            _("Upload a PDF, JPG, PNG or Word (.docx) file."), code="agreement_type"
        )
    if upload.size > AGREEMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="agreement_size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in AGREEMENT_SIGNATURES[suffix]):
        raise ValidationError(
            _("The file's content does not match its type."), code="agreement_content"
        )


class MemberProfileForm(forms.ModelForm):
    # Offered from members.selectors.branch_choices, labelled "committee · branch".
    branch = forms.ModelChoiceField(
        label=pgettext_lazy("of a member", "Party branch"),
        queryset=Organization.objects.filter(kind=Organization.Kind.BRANCH),
        help_text=_("The Party branch of your work unit."),
    )
    residence_community = forms.ModelChoiceField(
        label=_("Community of residence"),
        queryset=Community.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    service_categories = forms.ModelMultipleChoiceField(
        label=_("Services I can offer"),
        queryset=ServiceCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Member
        fields = [
            "real_name",
            "phone",
            "branch",
            "residence_community",
            "skills",
            "service_categories",
            "on_public_boards",
        ]
        widgets = {
            "real_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
            ),
            "skills": forms.TextInput(attrs={"placeholder": _("e.g. first aid, law, haircuts")}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A city's branches and communities are hundreds.
        cached_choices(self.fields["branch"], branch_choices())
        cached_choices(self.fields["residence_community"], community_choices())


class RegistrationForm(SubmitOnceForm):
    """个人报到, sent once (core.once): a resend finds the request the first one made."""

    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.filter(is_active=True)
        .select_related("subdistrict")
        .order_by("name"),
        empty_label=_("Choose a community"),
        widget=PlainSelect,
    )
    note = forms.CharField(label=_("Note to the staff"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choice read from the cache (a member's home shows it on every visit); what is
        # sent is checked against the communities themselves.
        cached_choices(self.fields["community"], community_choices())


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Tell the member why")}),
    )


class PartnershipForm(forms.ModelForm):
    """Used by the admin to add an agreement (organization admins, for their subtree)."""

    class Meta:
        model = Partnership
        fields = [
            "organization",
            "community",
            "signed_on",
            "term_start",
            "term_end",
            "commitments",
            "agreement_file",
        ]

    def clean_agreement_file(self):
        upload = self.cleaned_data.get("agreement_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            validate_agreement_file(upload)
        return upload

    def clean(self):
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end <= start:
            self.add_error("term_end", _("The term must end after it starts."))
        return data


class LoginForm(AllauthLoginForm):
    """allauth's log-in form, its first field named for what it takes: the heading and the
    button already say "Log in" (a field labelled "Log in" too read as a third button)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Username or email address")
        login.widget.attrs.update({"autocomplete": "username", "placeholder": ""})
