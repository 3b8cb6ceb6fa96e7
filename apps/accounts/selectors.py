"""Reads about a person: everything the portal holds about them."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress

from apps.audit.models import AuditEvent
from apps.organisations.models import Invitation, Membership

from .models import User


def user_personal_data(*, user: User) -> dict[str, Any]:
    """A JSON-ready account of the person's data (GDPR Art. 15 and 20)."""
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "memberships": [
            {
                "organisation": m.organisation.name,
                "organisation_slug": m.organisation.slug,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "invitations_received": [
            {
                "organisation": i.organisation.name,
                "role": i.role,
                "sent": i.created_at.isoformat(),
                "state": i.state,
            }
            for i in Invitation.objects.filter(email__iexact=user.email).select_related(
                "organisation"
            )
        ],
        # Through the reverse relation: accounts does not import apps.follows.
        "follows": [
            {
                "action": f["action_code"] or None,
                "organisation": f["organisation__slug"],
                "since": f["created_at"].isoformat(),
            }
            for f in user.follows.values("action_code", "organisation__slug", "created_at")
        ],
        # The person's own pulse answers, while their account is linked to them (through the
        # reverse relation: accounts does not import apps.pulse).
        "pulse": [
            {
                "period": s.period,
                "organisation": s.organisation.slug,
                "answers": {a.statement.code: a.value for a in s.answers.all()},
            }
            for s in user.pulse_submissions.select_related("organisation").prefetch_related(
                "answers__statement"
            )
        ],
        "activity": [
            {
                "when": e.created_at.isoformat(),
                "what": e.verb,
                "organisation": e.organisation.name if e.organisation else None,
                "object": e.object_label,
                "address": e.ip_address,
            }
            for e in AuditEvent.objects.filter(actor=user).select_related("organisation")
        ],
    }
