"""What a user sees of their organisations, cached per user: the header's switcher and the
``/o/`` page.

Every signed-in page lists the user's organisations in the header (``base.html``, through
the ``my_organisations`` context processor), and ``/o/`` (where sign-in lands) lists them
with their group, the user's role and their status, and the invitations waiting for the
user; every page of an organisation starts from the user's membership of it, with the
organisation. All are read once and kept in the cache, stamped with the user's navigation
version: a token kept in the cache beside them and replaced whenever one of the user's
memberships is saved or deleted (joining, an accepted invitation, leaving, a removal, a role
changed, an account or organisation deleted), whenever one of their organisations is saved,
whenever an invitation to their email is saved or deleted, and whenever the user is saved
(their email may have changed). The token is replaced at once and again
once the transaction commits, when readers can see the change: a list read before the
commit was stamped with an older token, and an entry whose stamp is not the current token
is a miss. Both go through signals (:func:`connect_receivers`), so the admin site, the
shell and cascades are covered as well as the services.

Everything here is kept with ``apps.core.cache.remember_versioned`` and renewed with
``renew_tokens``. A missing token (never set, evicted, Redis emptied) is replaced by a fresh
one, so whatever was cached before is a miss, never stale data; with the cache away nothing is
cached and the list is read from the database. ``NAV_SECONDS`` bounds how long a change
that sends no signal (a queryset ``update()``, ``bulk_create``) may go unseen.

An invitation also goes out of date by expiring: ``/o/`` is kept no longer than its first
invitation is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.cache import remember_versioned, renew_tokens
from apps.roadmap.cache import VERSION_KEY as CONTENT_VERSION_KEY
from apps.roadmap.cache import Fragment, cached_fragment

from .models import PENDING_INVITATION, Invitation, Membership, Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

NAV_SECONDS = 10 * 60


@dataclass(frozen=True)
class NavOrganisation:
    """What the header shows of an organisation: a link with its name."""

    name: str
    slug: str

    def get_absolute_url(self) -> str:
        return reverse("organisations:home", kwargs={"slug": self.slug})


def _version_key(user_id: int) -> str:
    return f"organisations:nav-version:{user_id}"


def _entry_key(user_id: int) -> str:
    return f"organisations:nav:{user_id}"


def _read(user_id: int) -> list[NavOrganisation]:
    rows = (
        Organisation.objects.filter(memberships__user_id=user_id)
        .order_by("name")
        .values_list("name", "slug")
    )
    return [NavOrganisation(name=name, slug=slug) for name, slug in rows]


def navigation_for(user: User | AnonymousUser) -> list[NavOrganisation]:
    """The user's organisations by name, as the header lists them (none when signed out).

    One round trip to the cache when the list is there; otherwise one query, and the list
    is stored for the next page."""
    if not user.is_authenticated:
        return []
    organisations: list[NavOrganisation] = remember_versioned(
        _entry_key(user.pk),
        lambda: _read(user.pk),
        tokens=[_version_key(user.pk)],
        timeout=NAV_SECONDS,
    )
    return organisations


def _mine_context(user: User) -> dict[str, Any]:
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation__stakeholder_group")
        .order_by("organisation__name")
    )
    # Invitations to an organisation the user has joined since are left out here, from the
    # memberships in hand (a subquery would cost more to build than to run).
    member_of = {membership.organisation_id for membership in memberships}
    now = timezone.now()
    invitations = [
        invitation
        for invitation in Invitation.objects.filter(
            PENDING_INVITATION, email__iexact=user.email, expires_at__gt=now
        ).select_related("organisation")
        if invitation.organisation_id not in member_of
    ]
    first_expiry = min((invitation.expires_at for invitation in invitations), default=None)
    return {
        "memberships": memberships,
        "invitations": invitations,
        # A member of exactly one organisation with no invitation waiting is sent on to it.
        "only": memberships[0].organisation.get_absolute_url()
        if len(memberships) == 1 and not invitations
        else "",
        "fresh_for": NAV_SECONDS
        if first_expiry is None
        else max(1, min(NAV_SECONDS, int((first_expiry - now).total_seconds()))),
    }


def mine_fragment(user: User) -> Fragment:
    """The ``/o/`` page's content for the user (``organisations/_mine.html``), kept with the
    navigation (one round trip to the cache on a hit). ``kept["only"]`` is the address of the
    user's one organisation when ``/o/`` sends them on to it, else empty."""
    return cached_fragment(
        f"organisations:mine:{user.pk}",
        "organisations/_mine.html",
        lambda: _mine_context(user),
        tokens=[_version_key(user.pk)],
        keep=("only", "fresh_for"),
        timeout=lambda fragment: int(fragment.kept["fresh_for"]),
    )


def _membership_key(user_id: int, slug: str) -> str:
    return f"organisations:membership:{user_id}:{slug}"


def membership_at(user: User, slug: str) -> Membership | None:
    """The user's membership of the organisation at ``slug``, with the organisation and its
    stakeholder group (None for an outsider, or no such organisation): what every page of
    an organisation starts from. Kept with the user's navigation, which any change to the
    membership or to the organisation renews, and the roadmap content version (the group's
    names): one round trip to the cache on a hit. Outsiders' lookups are not kept."""
    membership: Membership | None = remember_versioned(
        _membership_key(user.pk, slug),
        lambda: (
            Membership.objects.select_related("organisation__stakeholder_group")
            .filter(user=user, organisation__slug=slug)
            .first()
        ),
        tokens=[_version_key(user.pk), CONTENT_VERSION_KEY],
        timeout=NAV_SECONDS,
        keep=lambda found: found is not None,
    )
    return membership


def forget_navigation(user_ids: Iterable[int]) -> None:
    """The navigation cached for these users is out of date: now, and again once the
    current transaction commits (at once outside a transaction)."""
    renew_tokens(_version_key(pk) for pk in user_ids)


# --- Receivers ---------------------------------------------------------------------------


def _membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    forget_navigation([instance.user_id])


def _organisation_saved(
    sender: Any,
    instance: Organisation,
    created: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    # A new organisation has no members yet (its first admin's membership is saved next).
    # Any other save renews its members' navigation: their pages of it start from the
    # organisation kept with it (``membership_at``).
    if created:
        return
    forget_navigation(
        Membership.objects.filter(organisation=instance).values_list("user_id", flat=True)
    )


def _invitation_changed(sender: Any, instance: Invitation, **kwargs: Any) -> None:
    forget_navigation(
        User.objects.filter(email__iexact=instance.email).values_list("pk", flat=True)
    )


def _user_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    forget_navigation([instance.pk])


def connect_receivers() -> None:
    """Memberships saved or deleted, organisations saved, invitations saved or deleted, users
    saved: the navigation of the users concerned is out of date. (Deleting an organisation
    deletes its memberships, each with its signal.)"""
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="nav-membership-save")
    post_delete.connect(
        _membership_changed, sender=Membership, dispatch_uid="nav-membership-delete"
    )
    post_save.connect(
        _organisation_saved, sender=Organisation, dispatch_uid="nav-organisation-save"
    )
    post_save.connect(_invitation_changed, sender=Invitation, dispatch_uid="nav-invitation-save")
    post_delete.connect(
        _invitation_changed, sender=Invitation, dispatch_uid="nav-invitation-delete"
    )
    post_save.connect(_user_saved, sender=User, dispatch_uid="nav-user-save")
