"""Load the demo data set (idempotent): every installed app that has a `demo` module, in the
order of INSTALLED_APPS (members first, then the apps built on it)."""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand

# Every app's demo module knows these sizes (members.demo.SIZES says how big each is).
SIZES = ("default", "small")


def demo_modules():
    for config in apps.get_app_configs():
        try:
            yield importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise


class Command(BaseCommand):
    help = "Create realistic Chinese demo data; running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=SIZES, default="default")

    def handle(self, *args, size, **options):
        started = time.monotonic()
        for module in demo_modules():
            module.seed(size=size, stdout=self.stdout)
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s.")
