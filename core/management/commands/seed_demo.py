"""Load the demo data set (idempotent): every installed app that has a `demo` module, in the
order of INSTALLED_APPS (members first, then the apps built on it)."""

import time

from django.core.management.base import BaseCommand

from core.discovery import project_modules

# Every app's demo module knows these sizes (members.demo.SIZES says how big each is).
SIZES = ("default", "small")


class Command(BaseCommand):
    help = "Create realistic Chinese demo data; running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=SIZES, default="default")

    def handle(self, *args, size, **options):
        started = time.monotonic()
        for _label, module in project_modules("demo"):
            module.seed(size=size, stdout=self.stdout)
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s.")
