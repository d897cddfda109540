# The claim's claimant fields come from members.claimants.ClaimantFields (the check constraint
# is named after the app and model, the related names are <app>_claims) and the wish transitions
# from core.models.TransitionRecord (the help text of `by`). No data changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0002_service_teams'),
        ('wishes', '0006_contact_log_purpose_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='claim',
            name='claim_has_its_claimant',
        ),
        migrations.AlterField(
            model_name='claim',
            name='member',
            field=models.ForeignKey(blank=True, help_text='The claiming member, or the captain who claimed for a team.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='%(app_label)s_claims', to='members.member', verbose_name='member'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='organization',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='%(app_label)s_claims', to='members.organization', verbose_name='organization'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='team',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='%(app_label)s_claims', to='members.serviceteam', verbose_name='service team'),
        ),
        migrations.AlterField(
            model_name='wishtransition',
            name='by',
            field=models.ForeignKey(blank=True, help_text='Empty when the platform did it by itself (a periodic job).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('claimant_kind', 'member'), ('member__isnull', False)), models.Q(('claimant_kind', 'team'), ('member__isnull', False), ('team__isnull', False)), models.Q(('claimant_kind', 'organization'), ('organization__isnull', False)), _connector='OR'), name='wishes_claim_has_its_claimant'),
        ),
    ]
