import pytest
import time_machine
from django.core.mail.backends import locmem
from django.db.models import Q

from notifications.jobs import JOBS
from notifications.services import Message, notify_many

TEMPLATE = "reports/email/review_digest"
CONTEXT = {"branches": [("教育局第一党支部", 2)], "total": 2}


class FlakyBackend(locmem.EmailBackend):
    """The test outbox behind an SMTP server that fails on demand: `failures[address]` lists
    the exceptions raised, one per attempt, for that recipient; `unreachable` refuses the
    connection. `opened` counts connections, `attempted` the messages offered (refused too)."""

    failures: dict[str, list[BaseException]] = {}
    unreachable = False
    opened = 0
    attempted: list = []

    def open(self):
        if FlakyBackend.unreachable:
            raise ConnectionRefusedError(111, "Connection refused")
        FlakyBackend.opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            FlakyBackend.attempted.append(message)
            failures = self.failures.get(message.to[0])
            if failures:
                raise failures.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures, FlakyBackend.unreachable = {}, False
    FlakyBackend.opened, FlakyBackend.attempted = 0, []
    return FlakyBackend


@pytest.fixture
def round_of(django_capture_on_commit_callbacks):
    """`round_of(users, key="digest", send=True)`: one notification per user through
    notify_many, like a reminder round; the emails go out after commit unless `send=False`.
    Returns the notifications' ids."""

    def make(users, *, key="digest", send=True):
        messages = [Message(user=u, key=key, context=CONTEXT, url="/me/") for u in users]
        with django_capture_on_commit_callbacks(execute=send):
            return notify_many(messages=messages, template=TEMPLATE, existing=Q(key=key))

    return make


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """`sweep(at)`: the sweep job run at the time `at`, the tasks it enqueues included."""

    def run(at):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            return JOBS["sweep_emails"](today=at.date())

    return run
