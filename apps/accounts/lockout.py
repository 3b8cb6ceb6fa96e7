"""One lockout for every way to sign in with a password.

The sign-in form (allauth's) and the API token endpoint check passwords through the same
allauth adapter (``apps.accounts.adapter.AccountAdapter``), so failures are counted by one
rate limit, allauth's ``login_failed`` (``ACCOUNT_RATE_LIMITS``): per account (keyed by the
email address, whatever host name was used) and per client address. While either limit is
reached, both refuse even the right password. A right password clears the account's count;
the address's count keeps allauth's behaviour (the success itself is not counted), so that
someone guessing cannot reset their own address's count by signing in to an account of theirs.
"""

from __future__ import annotations

import math
import time

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .models import User

APP = "allauth.account"
ACTION = "login_failed"
LOCKED_CODE = "too_many_login_attempts"  # the code of allauth's form error


class SignInLocked(Exception):
    """The account or the client address has too many recent failed passwords."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def lockout_key(email: str) -> str:
    """The per-account key of the ``login_failed`` limit: the address, case-folded."""
    return email.strip().lower()


def sign_in_authenticate(request: HttpRequest, *, email: str, password: str) -> User | None:
    """The user ``email`` and ``password`` belong to, or None; counted as the form counts.

    Raises :class:`SignInLocked` (without checking the password) while the account or the
    client address is locked.
    """
    try:
        return get_adapter(request).authenticate(request, email=email, password=password)
    except ValidationError as exc:
        if exc.code != LOCKED_CODE:
            raise
        raise SignInLocked(sign_in_retry_after(request, email=email)) from exc


def sign_in_retry_after(request: HttpRequest, *, email: str) -> int:
    """Seconds until the account and the address may try again (at least 1)."""
    now = time.time()
    wait = 1.0
    for rate in ratelimit.get_rates(app=APP, action=ACTION):
        cache_key = ratelimit.get_cache_key(
            request, app=APP, action=ACTION, rate=rate, key=lockout_key(email)
        )
        history: list[float] = cache.get(cache_key) or []  # newest first
        if len(history) >= rate.amount:
            # Allowed again once the oldest attempt that fills the limit is out of the window.
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def sign_in_failures_clear(request: HttpRequest, *, email: str) -> None:
    """Forget the account's failed passwords (not the client address's)."""
    for rate in ratelimit.get_rates(app=APP, action=ACTION):
        if rate.per == "key":
            cache.delete(
                ratelimit.get_cache_key(
                    request, app=APP, action=ACTION, rate=rate, key=lockout_key(email)
                )
            )
