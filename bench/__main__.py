import logging
import os
import sys
import warnings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

# Figures only: no per-task log lines, no warning about an uncollected static folder.
logging.getLogger("celery").setLevel(logging.WARNING)
logging.getLogger("kombu").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", message="No directory at")

from bench import checkins, http, orders, projects, recognition, reports, wishes  # noqa: E402

if __name__ == "__main__":
    which = sys.argv[1:] or [
        "wishes",
        "reports",
        "projects",
        "orders",
        "checkins",
        "recognition",
        "http",
    ]
    if "wishes" in which:
        wishes.main()
    if "reports" in which:
        reports.main()
    if "projects" in which:
        projects.main()
    if "orders" in which:
        orders.main()
    if "checkins" in which:
        checkins.main()
    if "recognition" in which:
        recognition.main()
    if "http" in which:
        http.main()
