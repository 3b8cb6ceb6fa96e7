"""The admin index's reminder of the moderation queue: how many case studies wait."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ..models import CaseStudy

register = template.Library()


@register.inclusion_tag("admin/practices/_moderation_count.html", takes_context=True)
def moderation_queue(context: dict[str, Any]) -> dict[str, Any]:
    """The number of case studies awaiting moderation, for staff who may see the queue."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("practices.view_casestudyawaitingmoderation"):
        return {"waiting": None}
    return {
        "waiting": CaseStudy.objects.awaiting_moderation().count(),
        "queue_url": reverse("admin:practices_casestudyawaitingmoderation_changelist"),
    }
