"""Error pages (HTML for people, JSON for API clients), and the language chooser's view."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import defaults, i18n
from django.views.decorators.csrf import csrf_exempt

from .emails import absolute_url

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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 for a request Django refused to read (too many files or fields, too much data):
    JSON under /api/, otherwise a page saying what to do. Anything else (a bad host, say)
    gets Django's own 400, which needs nothing from the request."""
    from .api.exceptions import too_big_message

    message = too_big_message(exception)
    if message is None:
        return defaults.bad_request(request, exception)
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "request_too_big.html", {"message": message}, status=400)


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


def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability. ``Expires`` rolls forward (RFC 9116
    advises under a year), so the file never goes stale on a running portal."""
    expires = (timezone.now() + timedelta(days=180)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: " + ", ".join(code for code, _name in settings.LANGUAGES),
        f"Canonical: {absolute_url(reverse('security-txt'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico: browsers ask for it where a response names no icon (JSON, a file)."""
    response = HttpResponseRedirect(static("img/favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
