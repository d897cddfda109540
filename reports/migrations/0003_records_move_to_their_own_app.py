# Service records and point rules now belong to the records app (records 0001), which keeps
# their tables: this only removes them from the reports app's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_memberreport_organizationreport_and_more'),
        ('records', '0001_initial'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='servicerecord',
            name='community',
        ),
        migrations.RemoveField(
            model_name='servicerecord',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='servicerecord',
            name='member',
        ),
        migrations.DeleteModel(
            name='PointRule',
        ),
        migrations.DeleteModel(
            name='ServiceRecord',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
