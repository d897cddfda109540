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

from bench import http, reports, wishes  # noqa: E402

if __name__ == "__main__":
    which = sys.argv[1:] or ["wishes", "reports", "http"]
    if "wishes" in which:
        wishes.main()
    if "reports" in which:
        reports.main()
    if "http" in which:
        http.main()
