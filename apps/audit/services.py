"""Recording changes in the audit log. Services call :func:`audit_record`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.client_ip import clean_ip, current_client_ip

from .models import AuditEvent

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.organisations.models import Organisation

FORMER_MEMBER = _("a former member")

VERBS = {
    "organisation.registered": _("registered the organisation"),
    "organisation.updated": _("changed the organisation's details"),
    "organisation.checkpoints_changed": _("changed the schedule of maturity checkpoints"),
    "organisation.verified": _("verified the organisation"),
    "organisation.rejected": _("rejected the organisation"),
    "profile.updated": _("changed what the public profile shows"),
    "profile.statement_signed": _("signed the leadership statement"),
    "membership.created": _("added a member"),
    "membership.role_changed": _("changed a member's role"),
    "membership.removed": _("removed a member"),
    "membership.left": _("left the organisation"),
    "invitation.created": _("invited someone"),
    "invitation.revoked": _("revoked an invitation"),
    "invitation.accepted": _("accepted an invitation"),
    "user.deleted": _("deleted their account"),
    "token.created": _("created an API token"),
    "token.revoked": _("revoked their API token"),
    "adoptions.carried_over": _("moved adoptions to a new roadmap edition"),
    "adoptions.imported": _("imported adoptions and progress from a file"),
    "case_study.created": _("wrote a case study"),
    "case_study.updated": _("changed a case study"),
    "case_study.submitted": _("submitted a case study for approval"),
    "case_study.approved": _("approved a case study"),
    "case_study.returned": _("returned a case study with a reason"),
    "case_study.published": _("published a case study"),
    "partnership.requested": _("asked an organisation to act on an adoption together"),
    "partnership.accepted": _("accepted to act on an adoption together"),
    "partnership.declined": _("declined to act on an adoption together"),
    "partnership.withdrawn": _("withdrew a joint commitment"),
}


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Plain JSON values of ``fields``, for the before and after of an event."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        # Related objects and values JSON cannot hold (dates, countries) become text.
        if value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        values[name] = value
    return values


def audit_record(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model,
    organisation: Organisation | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    if verb not in VERBS:
        raise ValueError(f"Unknown audit verb: {verb}")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.email if actor is not None and actor.is_authenticated else "",
        organisation=organisation,
        verb=verb,
        object_type=obj._meta.label,
        object_id=str(obj.pk or ""),
        object_label=str(obj)[:300],
        before=before or {},
        after=after or {},
        ip_address=clean_ip(current_client_ip() or ""),
    )
