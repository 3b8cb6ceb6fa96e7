"""Writes about a person: their API token, deleting their account."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from rest_framework.authtoken.models import Token

from apps.audit.models import AuditEvent
from apps.audit.services import FORMER_MEMBER, audit_record
from apps.organisations.models import Membership
from apps.organisations.selectors import organisations_only_admin_of
from apps.organisations.services import memberships_end_all

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
    """Names of the organisations where the user is the only admin (a read, for the warning
    on the deletion page; :func:`user_delete` checks again under locks)."""
    return [organisation.name for organisation in organisations_only_admin_of(user=user)]


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and its memberships.

    Refused while the person is the only admin of an organisation: the organisations app
    checks that under the same locks as a role change or a removal
    (:func:`apps.organisations.services.memberships_end_all`), which also records the
    departure in each organisation's audit log. The deletion itself is recorded too.
    Entries the person authored stay with their organisations (their foreign keys are set
    to NULL) and show as written by "a former member"; the audit log keeps the events but
    no longer names them.
    """
    memberships = memberships_end_all(user=user)
    audit_record(actor=user, verb="user.deleted", obj=user)
    _audit_forget(user, membership_ids=[str(m.pk) for m in memberships])
    user.delete()


def _audit_forget(user: User, *, membership_ids: list[str]) -> None:
    """Stop the audit log naming ``user``: events they made lose their label and the client
    address they came from, and the labels of events about them (their account, their
    memberships, anything showing their address) say "a former member" instead of their
    address or name."""
    AuditEvent.objects.filter(actor=user).update(actor_label="", ip_address=None)
    former = Value(str(FORMER_MEMBER))
    label = Replace("object_label", Value(user.email), former)
    if user.full_name:
        label = Replace(label, Value(user.full_name), former)
    about_them = (
        Q(object_label__contains=user.email)
        | Q(object_type=User._meta.label, object_id=str(user.pk))
        | Q(object_type=Membership._meta.label, object_id__in=membership_ids)
    )
    AuditEvent.objects.filter(about_them).update(object_label=label)
