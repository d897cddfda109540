"""Abstract models every lifecycle shares. No tables of the domain live here."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionRecord(models.Model):
    """One step of an object's life: who moved it from which state to which, when and why.

    A concrete subclass adds the foreign key to its object (and may narrow the two states to
    its own choices); `core.transitions.state_move` makes the move it records."""

    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the platform did it (an expiry or an automatic release)."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state or '-'} → {self.to_state}"
