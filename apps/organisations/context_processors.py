from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import navigation_for


def my_organisations(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's organisations, for the switcher in the header.

    Lazy: pages that never show the switcher neither query nor ask the cache; the others
    read it from the cache, kept per user (``navigation.py``).
    """
    return {"my_organisations": SimpleLazyObject(lambda: navigation_for(request.user))}
