from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PortalConfig(AppConfig):
    """The home pages and dashboards, composed from the apps' selectors; nothing imports it."""

    name = "portal"

    def ready(self):
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
