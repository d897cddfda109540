"""What every app's views share."""

from __future__ import annotations

from django.contrib import messages

from .errors import DomainError


def run_service(request, service, *, success: str, **arguments) -> bool:
    """Call a service with `arguments`; say `success`, or turn the `DomainError` it raises into
    an error message in the user's language. True if the service succeeded."""
    try:
        service(**arguments)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True
