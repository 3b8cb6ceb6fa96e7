"""Who is signed in: the session's user, read from the database once per change.

Every signed-in request asks the session's authentication backend for its user
(``get_user``): a query each time, the largest part of what any signed-in page costs
beyond a public one. These backends (Django's and allauth's, unchanged otherwise) keep the
user in the cache, stamped with the user's version token (``apps/core/cache.py``). Saving
or deleting a user renews the token, for the transaction's next read and after the commit
(receivers below): a password, an email or a name changed, an account deactivated, a
sign-in's ``last_login``.
A user read before the commit and cached meanwhile is stamped with the old token, and is a
miss after it.

Django then checks the session against the user as always (the session hash, derived from
the password), so a changed password signs the other sessions out on their next request,
and an account made inactive is refused (``user_can_authenticate``). A bulk ``update()``
of users sends no signal: whoever writes one calls :func:`users_changed`; anything else is
seen within ``USER_SECONDS``. Without the cache (Redis away) every request reads the
database, as Django does. The cached copy holds what the row holds, the password's hash
included, in the same Redis as the sessions.

API clients sign in with a token (:class:`TokenAuthentication`, DRF's, with its row read
once): which user a token names is kept under a digest of the key (never the key itself),
stamped with a version token that saving or deleting the token renews, and the user then
comes from the same cache as a session's. A revoked token is refused on the next request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models.signals import post_delete, post_save
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from apps.core.cache import remember_versioned, renew_tokens

from .models import User

USER_SECONDS = 5 * 60


def _version_key(user_id: object) -> str:
    return f"accounts:user-version:{user_id}"


def _entry_key(user_id: object) -> str:
    return f"accounts:user:{user_id}"


def users_changed(user_ids: Iterable[object]) -> None:
    """The users' cached copies are out of date (for the transaction's next read, and after
    the commit)."""
    renew_tokens(_version_key(pk) for pk in user_ids)


def cached_user(user_id: Any, read: Callable[[], User | None]) -> User | None:
    """The user ``user_id``: the cached copy, or ``read()`` (None: no such user), kept."""
    user: User | None = remember_versioned(
        _entry_key(user_id),
        read,
        tokens=[_version_key(user_id)],
        timeout=USER_SECONDS,
        keep=lambda found: found is not None,
    )
    return user


class CachedUserMixin:
    def get_user(self, user_id: Any) -> User | None:
        user = cached_user(
            user_id,
            lambda: super(CachedUserMixin, self).get_user(user_id),  # type: ignore[misc]
        )
        # Checked on a hit too: the stored copy passed when it was read.
        if user is None or not self.user_can_authenticate(user):  # type: ignore[attr-defined]
            return None
        return user


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    """Django's ModelBackend, with the session's user cached."""


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    """allauth's backend (sign-in by email), with the session's user cached."""


def _token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _token_version_key(digest: str) -> str:
    return f"accounts:token-version:{digest}"


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (``Authorization: Token <key>``), reading the token's row
    once per change: whose token it is, under a digest of the key; the user from the
    session's cache (a cold start reads both in one query, as DRF does)."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        digest = _token_digest(key)
        read: list[Token] = []

        def owner() -> int | None:
            token = Token.objects.select_related("user").filter(key=key).first()
            read.extend([token] if token is not None else [])
            return token.user_id if token is not None else None

        user_id: int | None = remember_versioned(
            f"accounts:token:{digest}",
            owner,
            tokens=[_token_version_key(digest)],
            timeout=USER_SECONDS,
            keep=lambda found: found is not None,
        )
        if user_id is not None:
            token = read[0] if read else Token(key=key, user_id=user_id)
            user = cached_user(
                user_id,
                lambda: token.user if read else User.objects.filter(pk=user_id).first(),
            )
            if user is not None and user.is_active:
                return user, token
        # Refused: by DRF's own check, which reads the row again and says why.
        return super().authenticate_credentials(key)


def _user_changed(sender: Any, instance: User, **kwargs: Any) -> None:
    users_changed([instance.pk])


def _token_changed(sender: Any, instance: Token, **kwargs: Any) -> None:
    renew_tokens([_token_version_key(_token_digest(instance.key))])


def connect_receivers() -> None:
    post_save.connect(_user_changed, sender=User, dispatch_uid="accounts-user-cache-save")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="accounts-user-cache-delete")
    post_save.connect(_token_changed, sender=Token, dispatch_uid="accounts-token-cache-save")
    post_delete.connect(_token_changed, sender=Token, dispatch_uid="accounts-token-cache-delete")
