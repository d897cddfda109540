"""The email state's invariant and the sweep's index, once 0003 has set every row's state."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_email_state_of_earlier_notifications"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(condition=models.Q(("email_state__in", ["pending", "sending"])), fields=["email_next_at"], name="notification_email_due"),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("email_state", "sent"), ("emailed_at__isnull", False)), models.Q(models.Q(("email_state", "sent"), _negated=True), ("emailed_at__isnull", True)), _connector="OR"), name="notification_sent_when_emailed"),
        ),
    ]
