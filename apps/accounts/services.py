"""Writes about a person: their API token, deleting their account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from apps.core.audit import FORMER_MEMBER, audit_record
from apps.core.models import AuditEvent
from apps.organisations.models import Membership
from apps.organisations.permissions import Role

from .models import User


@transaction.atomic
def user_token_get_or_create(*, user: User) -> Token:
    """The person's API token: the existing one, or a new one (recorded in the audit log;
    the key itself never is)."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, verb="token.created", obj=user)
    return token


@transaction.atomic
def user_token_revoke(*, user: User) -> bool:
    """Delete the person's token, signing out every client that uses it."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=user, verb="token.revoked", obj=user)
    return bool(deleted)


def user_blocking_organisations(*, user: User) -> list[str]:
    """Names of the organisations where the user is the only admin."""
    names = []
    for membership in Membership.objects.filter(user=user, role=Role.ADMIN).select_related(
        "organisation"
    ):
        if not membership.organisation.memberships.filter(role=Role.ADMIN).exclude(user=user):
            names.append(membership.organisation.name)
    return names


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and its memberships.

    Entries the person authored stay with their organisations (their foreign keys
    are set to NULL) and show as written by "a former member"; the audit log
    keeps the events but no longer names them. Refused while the person is the
    last admin of an organisation.
    """
    blocking = user_blocking_organisations(user=user)
    if blocking:
        raise ValidationError(
            _("You are the only admin of %(orgs)s. Make someone else an admin first.")
            % {"orgs": ", ".join(blocking)}
        )
    email = user.email
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        audit_record(
            actor=user,
            verb="membership.left",
            obj=membership,
            organisation=membership.organisation,
            before={"user": email, "role": membership.role},
        )
    former = str(FORMER_MEMBER)
    AuditEvent.objects.filter(actor=user).update(actor_label="")
    AuditEvent.objects.filter(object_label__contains=email).update(
        object_label=Replace("object_label", Value(email), Value(former))
    )
    user.delete()
