from django.core.management.base import BaseCommand

from orders.calendar_seed import last_year_known, workday_overrides_seed


class Command(BaseCommand):
    help = "Add public holidays and 调休 working weekends from the chinese-calendar package."

    def handle(self, *args, **options):
        added = workday_overrides_seed()
        self.stdout.write(f"{added} working-day exceptions added (data up to {last_year_known()}).")
