"""System checks of a deployment (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Without ``SITE_URL``, email links use the address the portal was last asked at
    (``apps.core.emails.site_url``): right behind a proxy that forwards the host, but a
    production site should name its address."""
    if getattr(settings, "SITE_URL", ""):
        return []
    return [
        Warning(
            "SITE_URL is not set: links in emails use the address the portal was last asked at.",
            hint="Set SITE_URL to the portal's public address, e.g. https://roadmap.example.org.",
            id="core.W001",
        )
    ]
