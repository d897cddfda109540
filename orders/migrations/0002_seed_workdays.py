"""The working-day calendar starts with the chinese-calendar package's public holidays and 调休
working weekends; `manage.py seed_workdays` adds the years of a newer package."""

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar  # noqa: PLC0415 (read at migration time only)

    WorkdayOverride = apps.get_model("orders", "WorkdayOverride")
    rows = [
        WorkdayOverride(date=day, is_workday=False, note=str(name)[:60])
        for day, name in chinese_calendar.holidays.items()
        if day.weekday() < 5 and day.year >= 2020
    ] + [
        WorkdayOverride(date=day, is_workday=True, note=f"调休 {name}"[:60])
        for day, name in chinese_calendar.workdays.items()
        if day.weekday() >= 5 and day.year >= 2020
    ]
    WorkdayOverride.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
