"""Emails to the other side of a joint commitment, after the commit, in each reader's language.

Who is told: the members of an organisation whose role may answer for it (the registry's
``ADOPTION_MANAGE``: admins and PE leads), never the person who made the move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse

from apps.core.emails import send_templated_email
from apps.organisations.models import Membership
from apps.organisations.permissions import Perm

if TYPE_CHECKING:
    from apps.adoption.models import Adoption
    from apps.organisations.models import Organisation

    from .models import Partnership, SharedObjective


def _managers(organisation_ids: list[int]) -> list[str]:
    memberships = Membership.objects.filter(
        organisation_id__in=organisation_ids, user__is_active=True
    ).with_permission(Perm.ADOPTION_MANAGE)
    return sorted(set(memberships.values_list("user__email", flat=True)))


def partnership_path(partnership: Partnership, organisation: Organisation) -> str:
    """The partnership's page as ``organisation`` sees it."""
    return reverse("adoption:partnership", kwargs={"slug": organisation.slug, "pk": partnership.pk})


def _send(organisation: Organisation, template: str, context: dict[str, Any]) -> None:
    to = _managers([organisation.pk])
    transaction.on_commit(lambda: send_templated_email(to=to, template=template, context=context))


def _context(partnership: Partnership, reader: Organisation, **extra: Any) -> dict[str, Any]:
    return {
        "partnership": partnership,
        "owner": partnership.adoption.organisation,
        "partner": partnership.partner,
        "action": partnership.adoption.action,
        "path": partnership_path(partnership, reader),
        **extra,
    }


def requested(partnership: Partnership) -> None:
    partner = partnership.partner
    _send(partner, "partnership_requested", _context(partnership, partner))


def answered(partnership: Partnership) -> None:
    owner = partnership.adoption.organisation
    _send(owner, "partnership_answered", _context(partnership, owner))


def withdrawn(partnership: Partnership, *, by_organisation: Organisation) -> None:
    owner = partnership.adoption.organisation
    other = partnership.partner if by_organisation.pk == owner.pk else owner
    _send(other, "partnership_withdrawn", _context(partnership, other, by=by_organisation))


def objective_proposed(objective: SharedObjective) -> None:
    partnership = objective.partnership
    owner = partnership.adoption.organisation
    other = partnership.partner if objective.proposed_by_organisation_id == owner.pk else owner
    _send(
        other,
        "partnership_objective_proposed",
        _context(partnership, other, objective=objective, by=objective.proposed_by_organisation),
    )


def status_changed(adoption: Adoption, *, by_organisation: Organisation) -> None:
    """Every other side of a joint adoption, when its status changes."""
    told: set[int] = {by_organisation.pk}
    owner = adoption.organisation
    for partnership in adoption.partnerships.accepted().select_related("partner"):
        for other in (owner, partnership.partner):
            if other.pk in told:
                continue
            told.add(other.pk)
            _send(
                other,
                "partnership_status_changed",
                _context(partnership, other, adoption=adoption, by=by_organisation),
            )
