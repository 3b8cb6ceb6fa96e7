"""Writes to organisations, memberships and invitations.

Every service validates, runs in one transaction, records an audit event, and
sends its emails only after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.audit.services import FORMER_MEMBER, audit_record, snapshot
from apps.core.emails import send_templated_email

from .data_version import organisation_data_changed
from .models import Invitation, Membership, Organisation, PublicProfile, ReviewInterval
from .permissions import Perm, Role, has_org_permission, is_admin_role
from .selectors import organisations_left_without_admin

if TYPE_CHECKING:
    from apps.accounts.models import User

ORGANISATION_FIELDS = [
    "name",
    "stakeholder_group",
    "country",
    "level",
    "website",
    "description",
    "in_directory",
]

# The schedule of maturity checkpoints: changed by those who record assessments, not only
# by those who edit the organisation's details (:func:`checkpoint_schedule_update`).
CHECKPOINT_FIELDS = ["review_every_months", "first_review_on"]


# Words used as fixed paths under /o/: no organisation may take them as its slug.
RESERVED_SLUGS = frozenset({"new", "edit", "admin", "api", "join", "invitations", "static"})


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "organisation"
    # One query for every slug this one could collide with, rather than one per attempt:
    # the hundredth "Patients United" would otherwise cost a hundred queries.
    taken = RESERVED_SLUGS | set(
        Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _org_admin_emails(organisation: Organisation) -> list[str]:
    return list(organisation.memberships.admins().values_list("user__email", flat=True))


@transaction.atomic
def organisation_register(*, user: User, **fields: Any) -> Organisation:
    """Register an organisation; the user becomes its first admin.

    It starts pending: it can work at once but counts in no benchmark until a
    portal admin verifies it. A likely duplicate (same name and country) is
    recorded in ``possible_duplicate_of`` for the registrant and the admins.
    """
    organisation = Organisation(**fields, created_by=user)
    organisation.slug = _unique_slug(organisation.name)
    organisation.full_clean()
    organisation.possible_duplicate_of = Organisation.objects.likely_duplicates(
        name=organisation.name, country=organisation.country.code
    ).first()
    organisation.save()
    membership = Membership.objects.create(organisation=organisation, user=user, role=Role.ADMIN)
    audit_record(
        actor=user,
        verb="organisation.registered",
        obj=organisation,
        organisation=organisation,
        after=snapshot(organisation, ORGANISATION_FIELDS),
    )
    audit_record(
        actor=user,
        verb="membership.created",
        obj=membership,
        organisation=organisation,
        after={"user": user.email, "role": membership.role},
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, **fields: Any) -> Organisation:
    """Change an organisation's details; only what changed is recorded."""
    before = snapshot(organisation, ORGANISATION_FIELDS)
    for name, value in fields.items():
        if name not in ORGANISATION_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(organisation, name, value)
    organisation.full_clean()
    return _save_if_changed(organisation, by, "organisation.updated", ORGANISATION_FIELDS, before)


def _save_if_changed(
    organisation: Organisation, by: User, verb: str, fields: list[str], before: dict[str, Any]
) -> Organisation:
    """Save the organisation and record ``verb`` when ``fields`` differ from ``before``."""
    after = snapshot(organisation, fields)
    if before == after:
        return organisation
    organisation.save()
    # Its name, stakeholder group and schedule are on its private pages.
    organisation_data_changed(organisation)
    audit_record(
        actor=by, verb=verb, obj=organisation, organisation=organisation, before=before, after=after
    )
    return organisation


@transaction.atomic
def checkpoint_schedule_update(
    *,
    organisation: Organisation,
    by: User,
    review_every_months: int | None,
    first_review_on: dt.date | None,
) -> Organisation:
    """Set how often the organisation holds a maturity checkpoint; recorded when changed."""
    if review_every_months is not None and review_every_months not in ReviewInterval.values:
        raise ValidationError(
            {"review_every_months": _("Choose every 3, 6 or 12 months, or no checkpoints.")}
        )
    before = snapshot(organisation, CHECKPOINT_FIELDS)
    organisation.review_every_months = review_every_months
    organisation.first_review_on = first_review_on
    verb = "organisation.checkpoints_changed"
    return _save_if_changed(organisation, by, verb, CHECKPOINT_FIELDS, before)


PROFILE_SWITCHES = [
    "is_public",
    "show_actions",
    "show_progress",
    "show_case_studies",
    "show_partnerships",
]
PROFILE_FIELDS = [*PROFILE_SWITCHES, "signer_title"]
STATEMENT_FIELDS = ["statement", "statement_signer_name", "statement_signed_on"]


@transaction.atomic
def profile_update(
    *, organisation: Organisation, by: User, statement: str, **fields: Any
) -> PublicProfile:
    """Set what the public profile shows. Only an admin may: a new statement text is signed
    by whoever saves it, today; each change is recorded (switches and statement apart)."""
    if not has_org_permission(by, organisation, Perm.ORG_EDIT):
        raise ValidationError(_("Only an admin of the organisation can change its profile."))
    profile = PublicProfile.objects.select_for_update().filter(organisation=organisation).first()
    if profile is None:
        profile = PublicProfile(organisation=organisation)
    before = snapshot(profile, PROFILE_FIELDS)
    signed_before = snapshot(profile, STATEMENT_FIELDS)
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(profile, name, value)
    statement = statement.strip()
    if statement != profile.statement:
        profile.statement = statement
        signed = bool(statement)
        profile.statement_signed_by = by if signed else None
        profile.statement_signer_name = (by.full_name or "").strip() if signed else ""
        profile.statement_signed_on = timezone.localdate() if signed else None
    if not profile.show_actions:
        profile.show_progress = False  # progress is shown only beside the actions
    profile.full_clean(exclude=["organisation"])
    after, signed_after = snapshot(profile, PROFILE_FIELDS), snapshot(profile, STATEMENT_FIELDS)
    if before == after and signed_before == signed_after and profile.pk:
        return profile
    profile.save()
    if before != after:
        audit_record(
            actor=by,
            verb="profile.updated",
            obj=profile,
            organisation=organisation,
            before=before,
            after=after,
        )
    if signed_before != signed_after:
        audit_record(
            actor=by,
            verb="profile.statement_signed",
            obj=profile,
            organisation=organisation,
            before=signed_before,
            after=signed_after,
        )
    return profile


def _decide(
    organisation: Organisation, by: User, status: str, reason: str, verb: str
) -> Organisation:
    before = snapshot(organisation, ["status", "rejection_reason"])
    organisation.status = status
    organisation.rejection_reason = reason
    organisation.decided_at = timezone.now()
    organisation.decided_by = by
    organisation.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by"])
    organisation_data_changed(organisation)  # whether it counts in its benchmark page
    audit_record(
        actor=by,
        verb=verb,
        obj=organisation,
        organisation=organisation,
        before=before,
        after=snapshot(organisation, ["status", "rejection_reason"]),
    )
    return organisation


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    """A portal admin vouches for the organisation: from now on it counts in benchmarks."""
    _decide(organisation, by, Organisation.Status.VERIFIED, "", "organisation.verified")
    recipients = _org_admin_emails(organisation)
    transaction.on_commit(
        lambda: send_templated_email(
            to=recipients, template="organisation_verified", context={"organisation": organisation}
        )
    )
    return organisation


@transaction.atomic
def organisation_reject(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """Reject the registration; the reason is sent to the organisation's admins."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the organisation a reason for the rejection.")})
    _decide(organisation, by, Organisation.Status.REJECTED, reason, "organisation.rejected")
    recipients = _org_admin_emails(organisation)
    transaction.on_commit(
        lambda: send_templated_email(
            to=recipients,
            template="organisation_rejected",
            context={"organisation": organisation, "reason": reason},
        )
    )
    return organisation


# --- Members ------------------------------------------------------------------------------
# The last-admin rule lives here and in ``MembershipQuerySet.left_without_admin`` only: every
# change that can take an admin away (a role change, a removal, leaving, deleting an account)
# goes through ``organisations_left_without_admin(lock=True)`` inside its transaction: the
# admin rows stay locked until it commits, so a concurrent change to the same organisations
# waits, then sees its result. Two admins cannot both step down, nor one step down while the
# other deletes their account, and leave nobody in charge.


def _guard_last_admin(membership: Membership) -> None:
    if organisations_left_without_admin(departing=[membership], lock=True):
        raise ValidationError(
            _("%(org)s needs at least one admin: make someone else an admin first.")
            % {"org": membership.organisation.name},
            code="last_admin",
        )


def _record_departure(membership: Membership, by: User, user_label: str) -> None:
    verb = "membership.left" if membership.user_id == by.pk else "membership.removed"
    audit_record(
        actor=by,
        verb=verb,
        obj=membership,
        organisation=membership.organisation,
        before={"user": user_label, "role": membership.role},
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, by: User, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    if role == membership.role:
        return membership
    if not is_admin_role(role):
        _guard_last_admin(membership)
    before = {"user": membership.user.email, "role": membership.role}
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=by,
        verb="membership.role_changed",
        obj=membership,
        organisation=membership.organisation,
        before=before,
        after={"user": membership.user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member (or let a member leave). The last admin cannot go."""
    _guard_last_admin(membership)
    _record_departure(membership, by, membership.user.email)
    membership.delete()


@transaction.atomic
def memberships_end_all(*, user: User) -> list[Membership]:
    """End every membership of ``user``, as deleting their account does.

    Refused (``ValidationError`` naming the organisations) while they are the only admin of
    any organisation; checked for all their organisations at once, under the same locks as
    :func:`membership_remove`. Each organisation's audit log records that "a former member"
    left: the person is about to be deleted, so their address is not written. Returns the
    memberships that ended (no longer in the database).
    """
    memberships = list(
        Membership.objects.filter(user=user).select_related("organisation").order_by("pk")
    )
    blocking = organisations_left_without_admin(departing=memberships, lock=True)
    if blocking:
        raise ValidationError(
            _("You are the only admin of %(orgs)s. Make someone else an admin first.")
            % {"orgs": ", ".join(organisation.name for organisation in blocking)},
            code="last_admin",
        )
    for membership in memberships:
        _record_departure(membership, user, str(FORMER_MEMBER))
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).delete()
    # Their name leaves the adoptions they own and the entries they wrote.
    organisation_data_changed(*(membership.organisation for membership in memberships))
    return memberships


# --- Invitations -----------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, organisation: Organisation, by: User, email: str, role: str) -> Invitation:
    """Invite someone by email. The link in the email is valid for 14 days."""
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": email}})
    pending = organisation.invitations.filter(
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ValidationError(
            {
                "email": _(
                    "%(email)s already has a pending invitation. Revoke it to send a new one."
                )
                % {"email": email}
            }
        )
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=by)
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=by,
        verb="invitation.created",
        obj=invitation,
        organisation=organisation,
        after={"email": email, "role": role},
    )
    transaction.on_commit(
        lambda: send_templated_email(
            to=[email], template="invitation", context={"invitation": invitation}
        )
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    if invitation.state != Invitation.State.PENDING:
        raise ValidationError(_("Only a pending invitation can be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=by,
        verb="invitation.revoked",
        obj=invitation,
        organisation=invitation.organisation,
        before={"email": invitation.email, "role": invitation.role},
    )
    return invitation


def invitation_problem(invitation: Invitation) -> str | None:
    """Why the invitation can no longer be used, in words for the person holding it."""
    messages: dict[str, str] = {
        Invitation.State.ACCEPTED: _("This invitation has already been used."),
        Invitation.State.REVOKED: _("This invitation was revoked by the organisation."),
        Invitation.State.EXPIRED: _(
            "This invitation has expired. Ask the organisation to invite you again."
        ),
    }
    return messages.get(invitation.state)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Turn a pending invitation into a membership for the invited address."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    if invitation.organisation.memberships.filter(user=user).exists():
        raise ValidationError(_("You are already a member of this organisation."))
    membership = Membership.objects.create(
        organisation=invitation.organisation, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(
        actor=user,
        verb="invitation.accepted",
        obj=membership,
        organisation=invitation.organisation,
        after={"user": user.email, "role": membership.role},
    )
    return membership


@transaction.atomic
def invitation_accept_with_new_account(
    *, invitation: Invitation, full_name: str, password: str
) -> Membership:
    """Create an account for the invited address and accept the invitation with it.

    The address counts as verified: the invitation link reached its inbox. Raises
    ValidationError (nothing is written) when the invitation cannot be used, when
    the address already has an account (its owner must sign in instead), or when
    the password breaks the password rules (the error is keyed ``password``).
    Signing the new user in is the caller's job.
    """
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("An account with this address already exists: sign in to accept the invitation.")
        )
    user = User(email=invitation.email, full_name=full_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from error
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return invitation_accept(invitation=invitation, user=user)
