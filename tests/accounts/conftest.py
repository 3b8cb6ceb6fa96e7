"""Fixtures of the account tests: a clean cache for allauth's rate limits, and people."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from apps.accounts.models import User
from tests.accounts.factories import UserFactory, VerifiedUserFactory


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """allauth counts failed sign-ins and resets in the cache; no test may inherit counts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(db: None) -> User:
    """A verified user who can sign in with ``tests.accounts.factories.PASSWORD``."""
    return VerifiedUserFactory(email="ada@example.org", full_name="Ada Lovelace")


@pytest.fixture
def other_admin(db: None) -> User:
    return UserFactory(email="grace@example.org")
