"""Remove the demo accounts from a database that is (or becomes) production."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from members.demo import DEMO_USERNAMES
from members.models import User


class Command(BaseCommand):
    help = (
        "Delete the demo accounts; one that history refers to (claims, reports, records) is "
        "disabled instead: no password, inactive, no admin rights."
    )

    def handle(self, *args, **options):
        users = User.objects.filter(username__in=DEMO_USERNAMES).order_by("username")
        if not users:
            self.stdout.write("No demo accounts.")
            return
        for user in users:
            try:
                with transaction.atomic():
                    user.delete()
            except (ProtectedError, RestrictedError):
                user.set_unusable_password()
                user.is_active = user.is_staff = user.is_superuser = False
                user.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
                self.stdout.write(f"  {user.username}: disabled (history refers to it)")
            else:
                self.stdout.write(f"  {user.username}: deleted")
