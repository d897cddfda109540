"""Tracking codes for people without an account (a resident who sent a wish or ordered a
service): a short code to read over the phone, and the last four digits of the phone number
they gave, compared in constant time. Pages that look a code up are rate limited by the caller
(core.ratelimit) and say the same thing for a wrong code and for wrong digits."""

from __future__ import annotations

import hmac
import re
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: a code is read aloud and typed from a note.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_tracking_code() -> str:
    """8 characters of a 31-letter alphabet (about 2^40): "K7QM-2XHP" when shown."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(text: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-_]", "", (text or "").upper())[: LENGTH * 2]


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else code


def tracking_code_field():
    return models.CharField(
        _("tracking code"), max_length=LENGTH, unique=True, null=True, blank=True, editable=False
    )


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def phone_last4_matches(phone: str, typed: str) -> bool:
    """Whether `typed` is the last four digits of `phone`, in constant time."""
    want = phone_digits(phone)[-4:]
    got = phone_digits(typed)
    if len(want) != 4:
        return False
    return hmac.compare_digest(want.encode(), got.encode())
