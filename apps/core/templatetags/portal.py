"""Template helpers every page of the portal may use."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def aria_current(context: Context, *view_names: str) -> str:
    """``aria-current="page"`` when the page is one of ``view_names``, for the nav."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in view_names:
        return format_html(' aria-current="{}"', "page")
    return ""
