"""Periodic jobs of the ledger."""

from .stars import award_stars

JOBS = {"award_stars": award_stars}
