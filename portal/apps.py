from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The home pages and dashboards, composed from the apps' selectors; nothing imports it."""

    name = "portal"
