"""Reading an organisation's public profile (``/organisations/<slug>/``, A1.2.2).

What the page may show is decided here and only here: the organisation must be verified
and its profile public (its admins preview it otherwise), and each item shows only when
its switch is on (``PublicProfile``). Writes are ``services.profile_update``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from apps.adoption.models import Adoption, Partnership
from apps.practices.models import CaseStudy

from .models import Organisation, PublicProfile
from .permissions import Perm, has_org_permission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.models import User
    from apps.roadmap.models import Action


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
    added, changed or removed (one query), and, when it shows them, its partnerships as
    shown (:func:`shared_commitments`, one query). Case studies published or taken down,
    and roadmap content, raise the cached pages' content version themselves
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
    partners = ""
    if profile.show_partnerships:
        # What the section shows, whoever changed it: a partnership answered or withdrawn,
        # a partner verified or its profile opened or closed.
        shown = "|".join(
            f"{p.partnership_id}:{p.partner_slug}:{p.partner_name}"
            for p in shared_commitments(organisation)
        )
        partners = ":" + hashlib.sha256(shown.encode()).hexdigest()[:16]
    return f"profile:{organisation.pk}:{saved}:{updated}:{adoptions}{partners}"


@dataclass(frozen=True)
class SharedCommitment:
    """An accepted partnership the organisation is in, as its profile shows it: the action,
    whose adoption it is (``ours``), and the other organisation, named (with ``partner_slug``
    for its profile) only when its own profile is published."""

    partnership_id: int
    action: Action
    ours: bool
    partner_name: str
    partner_slug: str = ""

    @property
    def role(self) -> str:
        return "owner" if self.ours else "partner"


def shared_commitments(organisation: Organisation) -> list[SharedCommitment]:
    """The organisation's accepted partnerships, on its adoptions and as a partner, with a
    verified organisation, by action code (one query). The other organisation is named only
    when anyone may read its own profile (:func:`is_published`): a private one reads "a
    verified organisation"."""
    rows = (
        Partnership.objects.accepted()
        .filter(Q(adoption__organisation=organisation) | Q(partner=organisation))
        .filter(adoption__action_removed=False)
        .select_related(
            "adoption__action",
            "adoption__organisation__public_profile",
            "partner__public_profile",
        )
        .order_by("adoption__action__code", "pk")
    )
    found = []
    for partnership in rows:
        ours = partnership.adoption.organisation_id == organisation.pk
        other = partnership.partner if ours else partnership.adoption.organisation
        if not other.is_verified:  # no longer verified: not shown
            continue
        named = is_published(other)
        found.append(
            SharedCommitment(
                partnership_id=partnership.pk,
                action=partnership.adoption.action,
                ours=ours,
                partner_name=other.name if named else _("a verified organisation"),
                partner_slug=other.slug if named else "",
            )
        )
    return found


@dataclass
class ProfileContents:
    profile: PublicProfile
    adoptions: list[Adoption] = field(default_factory=list)
    case_studies: list[CaseStudy] = field(default_factory=list)
    partnerships: list[SharedCommitment] = field(default_factory=list)


def profile_contents(organisation: Organisation) -> ProfileContents:
    """What the page shows, as its switches say (at most three queries).

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
    if profile.show_partnerships:
        contents.partnerships = shared_commitments(organisation)
    return contents
