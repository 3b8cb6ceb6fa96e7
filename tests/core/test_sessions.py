"""The session engine (apps/core/sessions.py): Django's cached_db, whose cached copy lives at
most five minutes, so that a sign-out the cache missed (it was unreachable) cannot keep a
cookie signed in for the session's two weeks once the cache is back."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from apps.core import sessions


class Recorder:
    def __init__(self) -> None:
        self.timeouts: list[Any] = []
        self.data: dict[str, Any] = {}

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        self.timeouts.append(timeout)
        self.data[key] = value

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def delete(self, key: str) -> None:
        self.data.pop(key, None)

    def __contains__(self, key: str) -> bool:
        return key in self.data


def test_the_portal_uses_it() -> None:
    assert settings.SESSION_ENGINE == "apps.core.sessions"


@pytest.mark.django_db
def test_a_cached_copy_lives_at_most_five_minutes() -> None:
    recorder = Recorder()
    store = sessions.SessionStore()
    store._cache = sessions._CappedCache(recorder)
    store["answer"] = 42
    store.save()
    assert recorder.timeouts
    assert set(recorder.timeouts) == {sessions.CACHED_SECONDS}
    assert store.get_expiry_age() > sessions.CACHED_SECONDS  # the session's own: two weeks
    # Read back from the database once the cache lost it: cached again, capped again.
    recorder.data.clear()
    recorder.timeouts.clear()
    again = sessions.SessionStore(session_key=store.session_key)
    again._cache = sessions._CappedCache(recorder)
    assert again["answer"] == 42
    assert recorder.timeouts == [sessions.CACHED_SECONDS]
