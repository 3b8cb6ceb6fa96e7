"""The portal, plus one trivial Django view: the throughput benchmark's yardstick.

``gunicorn bench.trivial_wsgi:application`` serves every page of the portal, and
``/bench/trivial/``: a view that returns "ok" through the whole middleware stack
(sessions, CSRF, auth, CSP, …) without touching the database. Each page's throughput
is read as a ratio to this view's, measured in the same run on the same machine.
"""

from __future__ import annotations

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings.local")
django.setup()  # before the portal's URLconf is imported below


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("", include("roadmap_portal.urls")),
]
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"

# This module is the URLconf: the portal's addresses (and their names) are unchanged.
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
