"""Reading an organisation's public profile (``/organisations/<slug>/``, A1.2.2).

What the page may show is decided here and only here: the organisation must be verified
and its profile public (its admins preview it otherwise), and each item shows only when
its switch is on (``PublicProfile``). Writes are ``services.profile_update``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Max

from apps.adoption.models import Adoption
from apps.practices.models import CaseStudy

from .models import Organisation, PublicProfile
from .permissions import Perm, has_org_permission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.models import User


def profile_organisation(slug: str) -> Organisation | None:
    """The organisation with its stakeholder group and profile (one query), or None."""
    return (
        Organisation.objects.select_related("stakeholder_group", "public_profile")
        .filter(slug=slug)
        .first()
    )


def profile_of(organisation: Organisation) -> PublicProfile:
    """Its profile; an unsaved one (everything off) when its admins never opened it."""
    try:
        return organisation.public_profile
    except PublicProfile.DoesNotExist:
        return PublicProfile(organisation=organisation)


def is_published(organisation: Organisation) -> bool:
    """Whether anyone may read the organisation's profile."""
    return organisation.is_verified and profile_of(organisation).is_public


def may_preview(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Its admins see the page as it would be, before it is public."""
    return has_org_permission(user, organisation, Perm.ORG_EDIT)


def fingerprint(organisation: Organisation) -> str:
    """Changes whenever the page would: the organisation or its profile saved, an adoption
    added, changed or removed (one query). Case studies published or taken down, and
    roadmap content, raise the cached pages' content version themselves
    (``apps/roadmap/cache.py``)."""
    profile = profile_of(organisation)
    if not profile.show_actions:
        adoptions = "-"
    else:
        found = Adoption.objects.filter(organisation=organisation).aggregate(
            count=Count("pk"), latest=Max("updated_at")
        )
        latest = found["latest"].isoformat() if found["latest"] else ""
        adoptions = f"{found['count']}:{latest}"
    updated = profile.updated_at.isoformat() if profile.updated_at else ""
    saved = organisation.updated_at.isoformat() if organisation.updated_at else ""
    return f"profile:{organisation.pk}:{saved}:{updated}:{adoptions}"


@dataclass
class ProfileContents:
    profile: PublicProfile
    adoptions: list[Adoption] = field(default_factory=list)
    case_studies: list[CaseStudy] = field(default_factory=list)


def profile_contents(organisation: Organisation) -> ProfileContents:
    """What the page shows, as its switches say (at most two queries).

    Adopted actions show with their status, discontinued and paused ones included: the
    page tells the organisation's commitments as they stand. Actions taken out of the
    roadmap are left out (they have no public page any more).
    """
    profile = profile_of(organisation)
    contents = ProfileContents(profile=profile)
    if profile.show_actions:
        contents.adoptions = list(
            Adoption.objects.filter(organisation=organisation, action_removed=False)
            .select_related("action")
            .order_by("action__code")
        )
    if profile.show_case_studies:
        contents.case_studies = list(
            CaseStudy.objects.published()
            .filter(organisation=organisation)
            .select_related("adoption__action")
            .order_by("-published_at")
        )
    return contents
