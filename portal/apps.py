from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PortalConfig(AppConfig):
    """The home pages and dashboards, composed from the apps' selectors; nothing imports it."""

    name = "portal"

    def ready(self):
        self._compose_checkins_dashboard()
        from core.pagecache import public_pages_changed  # (with the models, below)
        from members.models import (
            Community,
            CommunityRegistration,
            District,
            Organization,
            Partnership,
            Subdistrict,
        )  # (models: only once the app registry is ready)
        from wishes.models import Claim, ProofPhoto, Resident, Wish, WishTransition  # (as above)

        # What the public pages (home, wall, stories, communities, a wish, a community) show:
        # a save or deletion of any of these starts a new generation of cached pages. State
        # moves (UPDATEs, which send no signal) start one in core.transitions.state_move, and
        # every wish service records a transition too.
        def changed(sender, **kwargs):
            public_pages_changed()

        for model in (
            Wish,
            WishTransition,
            Claim,
            ProofPhoto,
            Resident,
            Community,
            CommunityRegistration,
            Partnership,
            Organization,
            Subdistrict,
            District,
        ):
            post_save.connect(
                changed, sender=model, dispatch_uid=f"public-pages-{model.__name__}", weak=False
            )
            post_delete.connect(
                changed, sender=model, dispatch_uid=f"public-pages-del-{model.__name__}", weak=False
            )

    @staticmethod
    def _compose_checkins_dashboard():
        """The campaign dashboard of the check-in app shows the wishes fulfilled today in the
        campaign's communities (check-in reads no sibling app; the portal reads both)."""
        from django.utils.translation import gettext_lazy as _  # (as the models, below)

        from checkins.selectors import dashboard_figure  # (apps' modules: once ready)
        from wishes.selectors import wishes_fulfilled_on  # (as above)

        dashboard_figure("wishes_fulfilled_today", _("wishes fulfilled today"))(wishes_fulfilled_on)
