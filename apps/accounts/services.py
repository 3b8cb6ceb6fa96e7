"""Writes about a person: their API token, deleting their account."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField, Value
from django.db.models.functions import Cast, Replace
from rest_framework.authtoken.models import Token

from apps.audit.models import AuditEvent
from apps.audit.services import FORMER_MEMBER, audit_record
from apps.organisations.data_version import organisation_ids_changed
from apps.organisations.models import Membership
from apps.organisations.selectors import organisations_only_admin_of
from apps.organisations.services import memberships_end_all

from .models import User


@transaction.atomic
def user_profile_update(*, user: User, fields: list[str]) -> None:
    """Save the person's profile (``fields``: those changed). Their name is shown on their
    organisations' pages (an adoption's owner, an entry's author), whose cached data is then
    out of date."""
    if not fields:
        return
    user.save(update_fields=fields)
    if "full_name" in fields:
        organisation_ids_changed(
            Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
        )


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
    no longer names them. Pulse answers stay, anonymous: their link to the person goes.
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
    _audit_forget_in_changes(user, str(FORMER_MEMBER))


def _audit_forget_in_changes(user: User, former: str) -> None:
    """The same in what events recorded before and after a change (an invitation's or a
    membership's email, an adoption's owner): every mention of the person's email address
    or name, in any value, becomes ``former``."""
    names = [n for n in (user.email, user.full_name) if n]
    # Whole mentions only: a short name inside a longer word is not the person.
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names), re.IGNORECASE)
    texts = AuditEvent.objects.annotate(
        before_text=Cast("before", TextField()), after_text=Cast("after", TextField())
    )
    mentions = Q()
    # As the database writes the JSON: PostgreSQL keeps letters as they are, SQLite escapes
    # those outside ASCII.
    for text in {variant for n in names for variant in (n, json.dumps(n)[1:-1])}:
        mentions |= Q(before_text__icontains=text) | Q(after_text__icontains=text)
    events = list(texts.filter(mentions))
    for event in events:
        event.before = _forget(event.before, pattern, former)
        event.after = _forget(event.after, pattern, former)
    AuditEvent.objects.bulk_update(events, ["before", "after"], batch_size=500)


def _forget(value: Any, pattern: re.Pattern[str], former: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(former, value)
    if isinstance(value, dict):
        return {key: _forget(item, pattern, former) for key, item in value.items()}
    if isinstance(value, list):
        return [_forget(item, pattern, former) for item in value]
    return value
