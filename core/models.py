"""Abstract models every lifecycle shares. No tables of the domain live here."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionRecord(models.Model):
    """One step of an object's life: who moved it from which state to which, when and why.

    A concrete subclass adds the foreign key to its object and narrows the two states to its own
    choices; `core.transitions.state_move` makes the move it records. (The wishes' and the
    reports' tables, older than this base, keep their own name for the note: `reason`, `comment`,
    and set `note = None`.)"""

    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the platform did it by itself (a periodic job)."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        # In the language of the reader (the admin shows it above each row of a history).
        start = self._label("from_state") if self.from_state else "—"
        return f"{start} → {self._label('to_state')}"

    def _label(self, name: str) -> str:
        value = getattr(self, name)
        return str(dict(self._meta.get_field(name).flatchoices).get(value, value))
