"""Who may do what in an organisation: one registry, one check.

Roles map to permission codes here and nowhere else. ``has_org_permission``
decides every case; the view mixin, the decorator and the DRF permission class
all call :func:`authorise`, which turns the answer into 404 (not a member) or
403 (a member without the permission).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.models import User

    from .models import Membership, Organisation


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    PE_LEAD = "pe_lead", _("PE lead")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


class Perm:
    """Permission codes. Keep the list short: each is a decision users can see."""

    ORG_VIEW = "org:view"
    ORG_EDIT = "org:edit"
    MEMBERS_VIEW = "org.members:view"
    MEMBERS_WRITE = "org.members:write"
    AUDIT_VIEW = "org.audit:view"
    ADOPTION_VIEW = "adoption:view"
    ADOPTION_WRITE = "adoption:write"
    ADOPTION_MANAGE = "adoption:manage"
    ASSESSMENT_WRITE = "assessment:write"
    BENCHMARK_VIEW = "benchmark:view"
    BENCHMARK_EXPORT = "benchmark:export"
    # Approving the organisation's case studies before portal staff moderate them.
    PRACTICE_APPROVE = "practice:approve"


ALL_PERMISSIONS: frozenset[str] = frozenset(
    value for name, value in vars(Perm).items() if name.isupper()
)

_READ = {Perm.ORG_VIEW, Perm.MEMBERS_VIEW, Perm.ADOPTION_VIEW}
_CONTRIBUTE = _READ | {Perm.ADOPTION_WRITE}
_LEAD = _CONTRIBUTE | {
    Perm.ADOPTION_MANAGE,
    Perm.ASSESSMENT_WRITE,
    Perm.BENCHMARK_VIEW,
    Perm.BENCHMARK_EXPORT,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: ALL_PERMISSIONS,
    Role.PE_LEAD: frozenset(_LEAD),
    Role.CONTRIBUTOR: frozenset(_CONTRIBUTE),
    Role.VIEWER: frozenset(_READ),
}


# What an organisation must never lose: someone who manages its members, and so can appoint
# the next admin. The last-admin rule asks the registry which roles that is.
ADMIN_PERMISSION = Perm.MEMBERS_WRITE


def role_has_permission(role: str, code: str) -> bool:
    if code not in ALL_PERMISSIONS:
        raise ValueError(f"Unknown permission code: {code}")
    return code in ROLE_PERMISSIONS.get(role, frozenset())


def roles_with_permission(code: str) -> frozenset[str]:
    """The roles that grant ``code``."""
    return frozenset(role for role in ROLE_PERMISSIONS if role_has_permission(role, code))


def is_admin_role(role: str) -> bool:
    """Whether ``role`` counts as an admin for the last-admin rule."""
    return role_has_permission(role, ADMIN_PERMISSION)


def get_membership(user: User | AnonymousUser, organisation: Organisation) -> Membership | None:
    """The user's membership of the organisation, cached on the user for the request."""
    if not user.is_authenticated:
        return None
    cache: dict[int, Membership | None] = user.__dict__.setdefault("_membership_cache", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = organisation.memberships.filter(user=user).first()
    return cache[organisation.pk]


def remember_membership(user: User | AnonymousUser, membership: Membership) -> None:
    """Keep a membership read with its organisation for the request (``get_membership``)."""
    user.__dict__.setdefault("_membership_cache", {})[membership.organisation_id] = membership


def has_org_permission(user: User | AnonymousUser, organisation: Organisation, code: str) -> bool:
    """The one decision: may this user do ``code`` in this organisation?"""
    membership = get_membership(user, organisation)
    return membership is not None and role_has_permission(membership.role, code)


def authorise(user: User | AnonymousUser, organisation: Organisation, code: str) -> Membership:
    """Return the membership, or raise Http404 for outsiders and 403 for missing rights.

    Outsiders get 404 so that nobody learns which organisations exist and are private.
    """
    membership = get_membership(user, organisation)
    if membership is None:
        raise Http404
    if not role_has_permission(membership.role, code):
        raise PermissionDenied
    return membership


def authorise_at(user: User | AnonymousUser, slug: str, code: str) -> Membership:
    """:func:`authorise` for the organisation at ``slug``, where every organisation page and
    API endpoint starts: the user's membership with its organisation, kept in the cache
    (``navigation.membership_at``). No such organisation and an outsider are the same 404."""
    from .navigation import membership_at  # navigation reads the models, which read this

    membership = membership_at(user, slug) if user.is_authenticated else None
    if membership is None:
        raise Http404
    remember_membership(user, membership)
    return authorise(user, membership.organisation, code)
