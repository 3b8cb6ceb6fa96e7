"""Error pages (HTML for people, JSON for API clients), and the language chooser's view."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt

# Django's set_language, without a CSRF token. The chooser is a form on every page, the
# cached public pages included: with a token, every new reader would need one drawn and
# set in a cookie, and a stored page could not be served as it is. Choosing a language
# only sets the reader's language cookie and redirects within the site (Django checks
# ``next``), so a forged request can at most switch a visitor's language.
set_language = csrf_exempt(i18n.set_language)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return render(request, "500.html", status=500)


def healthz(request: HttpRequest) -> JsonResponse:
    """Is each part up? 200 when all are, 503 naming the parts that are not."""
    from .health import check_all

    checks = check_all()
    healthy = all(state in ("ok", "inline", "not configured") for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
