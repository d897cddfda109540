"""One submission, one object: a form that creates something carries a one-time token, the
created row stores it under a unique constraint, and a second arrival of the same token (a
double click, a resend after a timeout, the back button and send again) finds the row the first
one made instead of making another.

    class WishForm(SubmitOnceForm, forms.ModelForm): ...

    class Wish(models.Model):
        submission = submission_field()

    wish, created = create_once(Wish, form.cleaned_data["submission"], lambda: wish_submit(...))
    if not created:
        messages.info(request, already_saved_message(wish))

The token is made when the empty form is rendered, so a fresh form is a fresh submission; a form
shown again with its errors keeps its token (it is a bound field), so correcting and sending once
more still makes one object.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)

FIELD = "submission"


def submission_field():
    """The model field that holds the token of the form that created the row (empty for rows
    made another way)."""
    return models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
    )


class TokenInput(forms.HiddenInput):
    """The hidden token, marked for static/js/site.js: Back may fetch the form page again,
    with a new token, and browsers restore only what the person typed. The script keeps the
    token each form was sent with (sessionStorage, per tab) and, when the page is reached by
    Back or Forward, puts it back: the resend then carries the first token and finds the first
    row."""

    def __init__(self, attrs=None):
        super().__init__({"data-submit-once": True, **(attrs or {})})


class SubmitOnceForm(forms.Form):
    """A mixin for creating forms: a hidden `submission` token, new for each empty form."""

    submission = forms.UUIDField(widget=TokenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(FIELD, uuid.uuid4())
        self.fields[FIELD].error_messages["required"] = _(
            "This form is out of date. Reload the page and send it again."
        )
        self.fields[FIELD].error_messages["invalid"] = self.fields[FIELD].error_messages["required"]


def saved_before(model: type[M], token) -> M | None:
    """The row that `token` already created, if any."""
    if token is None:
        return None
    return model._default_manager.filter(**{FIELD: token}).first()


def create_once(model: type[M], token, create: Callable[[], M]) -> tuple[M, bool]:
    """(row, True) when `create()` made a new row for `token`; (the earlier row, False) when
    the token had already been used, also when two requests with it race (the unique
    constraint lets one insert win; the other finds its row). `create` must store `token` in
    the model's `submission` field."""
    earlier = saved_before(model, token)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        earlier = saved_before(model, token)
        if earlier is None:
            raise
        return earlier, False


def already_saved_message(obj) -> str:
    return _("This was already saved: %(object)s. It was not saved a second time.") % {
        "object": obj
    }


class AdminSubmitOnce:
    """The admin's add pages, one submission, one object: the add form carries a one-time
    token (templates/admin/change_form.html); the first arrival of a token claims it in the
    cache, and a second one (a double click, Back and send again) is sent to the object the
    first made, or told it is still being saved, instead of adding a copy. A form refused with
    its errors frees its token, so that correcting it and sending again still adds one."""

    submission_seconds = 24 * 3600

    @staticmethod
    def _submission_key(request) -> str | None:
        try:
            token = uuid.UUID(request.POST.get("_submission", ""))
        except ValueError:
            return None
        return f"admin-add:{request.user.pk}:{token}"

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        if add:
            sent = request.POST.get("_submission") if request.method == "POST" else None
            context["submission_token"] = sent or uuid.uuid4()
        return super().render_change_form(request, context, add=add, change=change, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        key = (
            self._submission_key(request)
            if object_id is None and request.method == "POST"
            else None
        )
        if key is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        opts = self.opts
        if not cache.add(key, "", self.submission_seconds):
            earlier = cache.get(key)
            obj = self.get_queryset(request).filter(pk=earlier).first() if earlier else None
            if obj is not None:
                messages.info(request, already_saved_message(obj))
                url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[obj.pk],
                    current_app=self.admin_site.name,
                )
            else:
                messages.warning(
                    request,
                    _("This form was sent already and is being saved. It was not sent again."),
                )
                url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_changelist",
                    current_app=self.admin_site.name,
                )
            return HttpResponseRedirect(url)
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except Exception:
            cache.delete(key)
            raise
        if response.status_code != 302:
            cache.delete(key)  # refused with its errors: the corrected form may be sent again
        return response

    def response_add(self, request, obj, post_url_continue=None):
        if key := self._submission_key(request):
            cache.set(key, obj.pk, self.submission_seconds)
        return super().response_add(request, obj, post_url_continue)
