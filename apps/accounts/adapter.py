"""Our allauth adapter (``ACCOUNT_ADAPTER``): client addresses, the sign-in lockout, and
links in allauth's emails built like every other email's (``apps/core/emails.py``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.client_ip import client_ip
from apps.core.emails import absolute_url

from .lockout import lockout_key, sign_in_failures_clear

# The same link-no-longer-works sentence as the pages in templates/account/.
LINK_GONE = _("This link no longer works: it has expired, or it was used already.")


class AccountAdapter(DefaultAccountAdapter):
    # allauth's form errors, in plain words (its pages, messages and emails are in
    # templates/account/). The codes are allauth's.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is switched off."),
        "cannot_remove_primary_email": _(
            "This is the address you sign in with, so it cannot be removed."
        ),
        "duplicate_email": _("This address is on your account already."),
        "email_password_mismatch": _("This email address and password do not match an account."),
        "email_taken": _("An account uses this email address already."),
        "enter_current_password": _("Type your current password."),
        "incorrect_password": _("This is not your password."),
        "invalid_or_expired_key": LINK_GONE,
        "invalid_password_reset": LINK_GONE,
        "too_many_login_attempts": _(
            "Too many failed sign-ins. Wait a few minutes, then try again."
        ),
        "unknown_email": _("No account uses this email address."),
        "unverified_primary_email": _(
            "Confirm this address first: open the link we emailed to it."
        ),
    }

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """A new account's emails are in the language its person signed up in."""
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits count per: the one the whole portal uses."""
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys failed sign-ins by host name and address; one account is one count,
        # whichever of ALLOWED_HOSTS the request named.
        return lockout_key(credentials.get("email", ""))

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """allauth's check (counting failures, refusing while locked); a right password
        also clears the account's failures (see ``apps/accounts/lockout.py``)."""
        user = super().authenticate(request, **credentials)
        if user is not None:
            sign_in_failures_clear(request, email=credentials.get("email", ""))
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's email, its links (``activate_url``, ``password_reset_url``, …) moved to
        the address every email of the portal links to: allauth builds them from the
        request alone, which ignores ``SITE_URL``."""
        super().send_mail(template_prefix, email, {**context, **_rebased_links(context)})


def _rebased_links(context: dict[str, Any]) -> dict[str, str]:
    links = {}
    for name, value in context.items():
        if not isinstance(value, str):
            continue
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.netloc:
            links[name] = absolute_url(urlunsplit(parts._replace(scheme="", netloc="")))
    return links
