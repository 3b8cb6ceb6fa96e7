"""Our allauth adapter: client addresses and the sign-in lockout (``ACCOUNT_ADAPTER``)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from apps.core.client_ip import client_ip

from .lockout import lockout_key, sign_in_failures_clear


class AccountAdapter(DefaultAccountAdapter):
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
