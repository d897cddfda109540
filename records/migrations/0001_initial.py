# The ledger moves from the reports app to its own, keeping its tables (reports_servicerecord and
# reports_pointrule), their rows, constraints and indexes: only Django's state changes here, and
# the content types are renamed so that permissions and admin history stay attached.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ("servicerecord", "pointrule")


def _move_content_types(apps, schema_editor, from_app, to_app):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=from_app, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=to_app, model=model).first()
        if new is None:
            old.app_label = to_app
            old.save(update_fields=["app_label"])
            continue
        # Both exist (the new one was made before this ran): the admin history follows the
        # new one, and the old one goes with its permissions (roles are the platform's own).
        LogEntry.objects.using(db).filter(content_type=old).update(content_type=new)
        old.delete()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('members', '0002_service_teams'),
        ('reports', '0002_memberreport_organizationreport_and_more'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='PointRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(blank=True, choices=[('wish', 'Micro-wish'), ('project', 'Service project'), ('activity', 'Activity'), ('order', 'Service order'), ('other', 'Other service')], help_text='Leave empty for the default rule of every kind.', max_length=12, verbose_name='kind of service')),
                ('points_per_record', models.PositiveIntegerField(default=0, help_text='For example, points for each completed micro-wish.', verbose_name='points per record')),
                ('points_per_hour', models.DecimalField(decimal_places=2, default=1, max_digits=6, verbose_name='points per hour')),
                ('effective_from', models.DateField(help_text='Records created from this date on use this rule.', verbose_name='effective from')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
            ],
            options={
                'verbose_name': 'point rule',
                'verbose_name_plural': 'point rules',
                'db_table': 'reports_pointrule',
                'ordering': ['kind', '-effective_from'],
                'indexes': [models.Index(fields=['kind', '-effective_from'], name='point_rule_in_force')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'effective_from'), name='point_rule_one_per_kind_and_date'), models.CheckConstraint(condition=models.Q(('points_per_hour__gte', 0)), name='point_rule_per_hour_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='ServiceRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('served_on', models.DateField(verbose_name='date of service')),
                ('hours', models.DecimalField(decimal_places=1, max_digits=5, verbose_name='hours')),
                ('points', models.PositiveIntegerField(default=0, verbose_name='points')),
                ('kind', models.CharField(choices=[('wish', 'Micro-wish'), ('project', 'Service project'), ('activity', 'Activity'), ('order', 'Service order'), ('other', 'Other service')], max_length=12, verbose_name='kind')),
                ('source', models.CharField(choices=[('wish', 'Completed wish'), ('staff', 'Entered by staff'), ('checkin', 'Activity check-in')], max_length=12, verbose_name='source')),
                ('source_key', models.CharField(max_length=60, verbose_name='source key')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='service_records', to='members.community', verbose_name='community')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='service_records', to='members.member', verbose_name='member')),
            ],
            options={
                'verbose_name': 'service record',
                'verbose_name_plural': 'service records',
                'db_table': 'reports_servicerecord',
                'ordering': ['-served_on', '-pk'],
                'indexes': [models.Index(fields=['member', 'served_on'], name='record_by_member_date'), models.Index(fields=['community', 'served_on'], name='record_by_community_date')],
                'constraints': [models.UniqueConstraint(fields=('member', 'source_key'), name='service_record_once_per_source'), models.CheckConstraint(condition=models.Q(('hours__gte', 0), ('hours__lte', 24)), name='service_record_hours_in_day')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(
            lambda apps, schema: _move_content_types(apps, schema, "reports", "records"),
            lambda apps, schema: _move_content_types(apps, schema, "records", "reports"),
        ),
    ]
