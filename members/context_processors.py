from django.utils.functional import SimpleLazyObject

from .access import get_roles


def roles(request):
    """`roles` in every template: what the user is, for menus. Rules stay in permissions."""
    user = getattr(request, "user", None)
    return {"roles": SimpleLazyObject(lambda: get_roles(user))}
