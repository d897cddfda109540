"""Load the demo data set (idempotent): members first, then each app that has a `demo` module."""

import importlib
import time

from django.core.management.base import BaseCommand

from members import demo

APPS = ("wishes", "reports")


class Command(BaseCommand):
    help = "Create realistic Chinese demo data; running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(demo.SIZES), default="default")

    def handle(self, *args, size, **options):
        started = time.monotonic()
        demo.seed(size=size, stdout=self.stdout)
        for app in APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(size=size, stdout=self.stdout)
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s.")
