"""Print the demo logins, one per role (only where demo accounts exist: DEBUG)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from members import demo
from members.models import User


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            self.stdout.write("Demo accounts are disabled (DEBUG is off).")
            return
        existing = set(
            User.objects.filter(username__in=[u for _, u, _ in demo.DEMO_LOGINS]).values_list(
                "username", flat=True
            )
        )
        if not existing:
            self.stdout.write("No demo accounts yet: run `python manage.py seed_demo`.")
            return
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"Demo logins at {site}/accounts/login/ (password: {demo.DEMO_PASSWORD})")
        for _role, username, label in demo.DEMO_LOGINS:
            if username in existing:
                self.stdout.write(f"  {username:<16} {label}")
        self.stdout.write(f"Admin: {site}/admin/")
