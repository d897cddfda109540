import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Fail as the process starts, not at its first request, when production has no secret key.
settings.SECRET_KEY  # noqa: B018
