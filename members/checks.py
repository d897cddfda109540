"""Deploy checks of the members app (`manage.py check --deploy`), registered in its ready()."""

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core import checks
from django.db import DatabaseError

from .demo import DEMO_USERNAMES
from .models import User


def demo_accounts_check(app_configs=None, **kwargs):
    """Demo accounts (the README publishes their password) that can still be used, in a
    database served with DEMO_ACCOUNTS off: made while DEBUG was on, on a trial that became
    production. They are refused at login (members.backends), but should not be there.

    It reads the database whether or not `check` was given `--database`, since `check --deploy`
    is where operators look; a database that is not there yet (not migrated) has none."""
    if settings.DEMO_ACCOUNTS:
        return []
    try:
        names = sorted(
            User.objects.filter(username__in=DEMO_USERNAMES, is_active=True)
            .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
            .values_list("username", flat=True)
        )
    except DatabaseError:
        return []
    if not names:
        return []
    return [
        checks.Warning(
            f"Demo accounts with the published password are in the database: "
            f"{', '.join(names)}. They cannot log in while DEMO_ACCOUNTS is off, but should go.",
            hint="Run `python manage.py remove_demo_accounts`.",
            id="members.W001",
        )
    ]
