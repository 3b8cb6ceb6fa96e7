"""Accepting an invitation by someone who has no account yet."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Invitation, Membership
from .services import invitation_accept, invitation_problem


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
