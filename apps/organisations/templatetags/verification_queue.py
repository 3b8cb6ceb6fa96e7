"""The admin index's reminder of the verification queue: how many organisations wait."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from apps.organisations.models import Organisation

register = template.Library()


@register.inclusion_tag("admin/organisations/_pending_count.html", takes_context=True)
def verification_queue(context: dict[str, Any]) -> dict[str, Any]:
    """The number of organisations pending verification, for admins who may see the queue."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("organisations.view_pendingorganisation"):
        return {"pending": None}
    return {
        "pending": Organisation.objects.filter(status=Organisation.Status.PENDING).count(),
        "queue_url": reverse("admin:organisations_pendingorganisation_changelist"),
    }
