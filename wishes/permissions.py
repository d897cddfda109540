"""Rules and scopers of the wishes app."""
