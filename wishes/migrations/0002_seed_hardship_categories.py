from django.db import migrations

CATEGORIES = [
    "一老一少一特",
    "低保",
    "低保边缘",
    "特困供养",
    "残疾",
    "留守儿童",
    "困境儿童",
    "空巢老人",
    "独居老人",
    "高龄老人",
    "大病重病",
    "困难党员",
    "失业家庭",
    "优抚对象",
]


def seed(apps, schema_editor):
    HardshipCategory = apps.get_model("wishes", "HardshipCategory")
    for order, name in enumerate(CATEGORIES, start=1):
        HardshipCategory.objects.get_or_create(name=name, defaults={"order": order * 10})


def unseed(apps, schema_editor):
    HardshipCategory = apps.get_model("wishes", "HardshipCategory")
    HardshipCategory.objects.filter(name__in=CATEGORIES, residents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("wishes", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
