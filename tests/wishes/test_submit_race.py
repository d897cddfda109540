"""The public form's rate limit holds under simultaneous posts; the database counts what is
stored."""

import os
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tests.wishes.test_public_form import form_data
from wishes.forms import PublicWishForm
from wishes.models import Wish

SUBMITTERS = 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_store_no_more_than_the_limit(settings, community, monkeypatch):
    """Issue 8: twelve simultaneous posts stored 6 or 7 against a limit of 5 (each checked the
    count before any had added to it)."""
    if connection.vendor == "sqlite":
        if os.environ.get("CI") == "true":
            pytest.fail("Under CI the submission race must run on PostgreSQL (DATABASE_URL).")
        pytest.skip(
            "The in-memory SQLite test database cannot be written from several threads; the "
            "limiter itself is raced in tests/core/test_ratelimit.py."
        )
    settings.PUBLIC_FORM_RATE = "5/h"
    # Validation takes time (a photo decodes for a third of a second): here 50 ms, so that every
    # post is inside the view while the others are.
    clean = PublicWishForm.clean

    def slow_clean(form):
        time.sleep(0.05)
        return clean(form)

    monkeypatch.setattr(PublicWishForm, "clean", slow_clean)
    barrier = threading.Barrier(SUBMITTERS)
    statuses = []
    lock = threading.Lock()

    def submit(i):
        try:
            client = Client()
            barrier.wait(timeout=10)
            response = client.post(
                reverse("wishes:submit"),
                form_data(community, title=f"心愿{i}"),
                REMOTE_ADDR="10.0.0.7",
            )
            result = response.status_code
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            statuses.append(result)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(SUBMITTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(statuses, key=str) == [302] * 5 + [429] * (SUBMITTERS - 5)
    assert Wish.objects.count() == 5
