from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Organisation


def my_organisations(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's organisations, for the switcher in the header.

    Lazy: pages that never show the switcher run no query.
    """
    return {
        "my_organisations": SimpleLazyObject(
            lambda: list(Organisation.objects.for_user(request.user).order_by("name"))
        )
    }
