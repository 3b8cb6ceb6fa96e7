"""Reading what a person follows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from apps.organisations.models import Organisation
from apps.roadmap.models import Action

from .models import Follow

if TYPE_CHECKING:
    from apps.accounts.models import User


@dataclass
class Followed:
    # (code, title of the published edition's action, or "" when it left the roadmap)
    actions: list[tuple[str, str]] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.actions or self.organisations)


def followed_by(user: User) -> Followed:
    """What ``user`` follows (two queries, however many follows)."""
    follows = list(Follow.objects.filter(user=user).select_related("organisation"))
    codes = [f.action_code for f in follows if f.action_code]
    titles = dict(Action.objects.published().filter(code__in=codes).values_list("code", "title"))
    return Followed(
        actions=[(code, titles.get(code, "")) for code in sorted(codes)],
        organisations=sorted(
            (f.organisation for f in follows if f.organisation is not None),
            key=lambda o: o.name,
        ),
    )


def follows_action(user: User, code: str) -> bool:
    return Follow.objects.filter(user=user, action_code=code).exists()


def follows_organisation(user: User, organisation: Organisation) -> bool:
    return Follow.objects.filter(user=user, organisation=organisation).exists()
