"""Follow buttons on the pages of other apps (the public action page, an organisation's
public profile). For signed-in readers only: an anonymous reader's page is cached and
shared, so it gets nothing personal (one query when signed in, none otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template

from apps.accounts.models import User
from apps.organisations.models import Organisation

from ..selectors import follows_action, follows_organisation

register = template.Library()


def _button(
    context: template.Context, kind: str, target: str, label: str, follows: Callable[[User], bool]
) -> dict[str, Any]:
    request = context["request"]
    if not request.user.is_authenticated:
        return {"show": False}
    return {
        "show": True,
        "kind": kind,
        "target": target,
        "label": label,
        "following": follows(request.user),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("follows/_button.html", takes_context=True)
def follow_action_button(context: template.Context, code: str) -> dict[str, Any]:
    return _button(context, "action", code, code, lambda user: follows_action(user, code))


@register.inclusion_tag("follows/_button.html", takes_context=True)
def follow_organisation_button(
    context: template.Context, organisation: Organisation
) -> dict[str, Any]:
    return _button(
        context,
        "organisation",
        organisation.slug,
        organisation.name,
        lambda user: follows_organisation(user, organisation),
    )
