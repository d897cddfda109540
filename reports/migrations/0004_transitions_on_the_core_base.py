# The report transitions extend core.models.TransitionRecord: only the help text of `by`.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_records_move_to_their_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='organizationreporttransition',
            name='by',
            field=models.ForeignKey(blank=True, help_text='Empty when the platform did it by itself (a periodic job).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='reporttransition',
            name='by',
            field=models.ForeignKey(blank=True, help_text='Empty when the platform did it by itself (a periodic job).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
    ]
