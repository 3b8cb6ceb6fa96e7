from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Values every template may use."""
    return {"SITE_NAME": settings.SITE_NAME}
