"""One base for refused actions: a machine-readable code for views and tests, a message table
for people.

    class WishError(DomainError):
        messages = {"already_claimed": _("Someone else was first: ...")}

    raise WishError("too_many_claims", limit=3)

Each app's error class keeps only its `messages`; `core.views.run_service` turns any of them
into a message for the user.
"""

from __future__ import annotations


class DomainError(Exception):
    messages: dict = {}

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(str(self.message))

    @property
    def message(self) -> str:
        text = self.messages.get(self.code, self.code)
        return text % self.params if self.params else text
