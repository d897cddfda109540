"""Users with a member profile and no display name: the member's real name becomes it, so that
histories and printed reports show the person, not the login name (issue 9)."""

from django.db import migrations


def copy_real_names(apps, schema_editor):
    User = apps.get_model("members", "User")
    Member = apps.get_model("members", "Member")
    for user_id, real_name in (
        Member.objects.filter(user__display_name="").exclude(real_name="").values_list(
            "user_id", "real_name"
        ).iterator()
    ):
        User.objects.filter(pk=user_id).update(display_name=real_name[:60])


class Migration(migrations.Migration):
    dependencies = [("members", "0004_registration_submission")]
    operations = [migrations.RunPython(copy_real_names, migrations.RunPython.noop)]
