"""Following and unfollowing. Both are idempotent: following twice is one follow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.organisations.models import Organisation
from apps.organisations.profiles import is_published
from apps.roadmap.models import Action

from .models import Follow

if TYPE_CHECKING:
    from apps.accounts.models import User


def follow_action(*, user: User, code: str) -> Follow:
    """Follow the action ``code`` of the published roadmap, across editions."""
    if not Action.objects.published().filter(code=code).exists():
        raise ValidationError(_("There is no such action in the roadmap."), code="unknown")
    follow, _created = Follow.objects.get_or_create(user=user, action_code=code)
    return follow


def follow_organisation(*, user: User, organisation: Organisation) -> Follow:
    """Follow an organisation: only while it is verified and its profile public."""
    if not is_published(organisation):
        raise ValidationError(
            _("Only a verified organisation with a public profile can be followed."),
            code="not_public",
        )
    follow, _created = Follow.objects.get_or_create(user=user, organisation=organisation)
    return follow


def unfollow_action(*, user: User, code: str) -> None:
    Follow.objects.filter(user=user, action_code=code).delete()


def unfollow_organisation(*, user: User, organisation: Organisation) -> None:
    Follow.objects.filter(user=user, organisation=organisation).delete()
