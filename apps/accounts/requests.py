"""The signed-in user of a request, for the views that only signed-in users reach.

Django and DRF type ``request.user`` as a user or ``AnonymousUser``. A view behind
``LoginRequiredMixin``, ``IsSignedIn``, the organisation mixins or the admin site only
ever sees a signed-in user; it asks for it here, and the services it calls get a ``User``.
"""

from django.http import HttpRequest

from .models import User


def signed_in_user(request: HttpRequest) -> User:
    """``request.user``, which the view's own checks have already found signed in."""
    user = request.user
    assert user.is_authenticated, "the view lets in only signed-in users"
    return user
