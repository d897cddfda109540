from django.apps import AppConfig
from django.core.checks import Tags, register
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and communities")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules once the models are loaded)
        from .checks import demo_accounts_check  # (reads the models: only once they are loaded)

        register(demo_accounts_check, Tags.security, deploy=True)
        self._watch_roles()

    def _watch_roles(self):
        """Role facts are cached across requests (access.get_roles): any change to what they
        are made of starts them afresh, now and after the transaction commits."""
        from core.pagecache import follow_generation  # (with the models, below)

        from .access import ROLES_GENERATION, roles_changed  # (reads the models, as below)
        from .models import (
            Community,
            CommunityStaff,
            District,
            Member,
            Organization,
            OrganizationAdmin,
            ServiceTeam,
            Subdistrict,
            User,
        )  # (models: only once the app registry is ready)

        def changed(sender, **kwargs):
            if kwargs.get("update_fields") == frozenset({"last_login"}):
                return  # a login (django.contrib.auth) changes no one's roles
            roles_changed()
            transaction.on_commit(roles_changed)

        # A login drops the user's kept row (members.middleware): its last_login save is skipped
        # above, and a row kept from before would write the old time back on a later save.
        from django.contrib.auth.signals import user_logged_in  # (as the models, below)

        from .middleware import forget_user_row  # (reads the cache's generations, as below)

        user_logged_in.connect(
            lambda sender, user, **kwargs: forget_user_row(user),
            dispatch_uid="user-row-login",
            weak=False,
        )
        # A user's cached pages show their menu by these facts, and members' names and phones.
        follow_generation(ROLES_GENERATION)
        # A staff member's community (its name, subdistrict and district) is among their facts.
        models = (User, Member, CommunityStaff, Organization, OrganizationAdmin, ServiceTeam)
        for model in (*models, Community, Subdistrict, District):
            post_save.connect(
                changed, sender=model, dispatch_uid=f"roles-{model.__name__}", weak=False
            )
            post_delete.connect(
                changed, sender=model, dispatch_uid=f"roles-del-{model.__name__}", weak=False
            )
