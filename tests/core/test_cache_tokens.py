"""Version tokens (apps/core/cache.py): a transaction reads its own renewals, and a write
that reads nothing afterwards renews its tokens once, at the commit."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from apps.core import cache as tokens
from apps.core.cache import read_tokens, remember_versioned, renew_tokens


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _counter():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return compute


@pytest.mark.django_db
def test_a_transaction_reads_what_it_renewed() -> None:
    compute = _counter()
    first = remember_versioned("probe", compute, tokens=["probe-version"], timeout=60)
    again = remember_versioned("probe", compute, tokens=["probe-version"], timeout=60)
    renew_tokens(["probe-version"])
    after_the_write = remember_versioned("probe", compute, tokens=["probe-version"], timeout=60)

    assert (first, again, after_the_write) == (1, 1, 2)


@pytest.mark.django_db
def test_a_write_that_reads_nothing_renews_once_at_the_commit(
    django_capture_on_commit_callbacks, monkeypatch
) -> None:
    (before,), _ = read_tokens(["probe-version"])
    writes: list[list[str]] = []
    set_many = cache.set_many
    monkeypatch.setattr(
        cache,
        "set_many",
        lambda values, *a, **k: writes.append(list(values)) or set_many(values, *a, **k),
    )

    with django_capture_on_commit_callbacks(execute=True):
        renew_tokens(["probe-version", "probe-version"])
        assert cache.get("probe-version") == before  # nothing sent before the commit

    assert writes == [["probe-version"]]
    assert cache.get("probe-version") != before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_renewal_is_at_once() -> None:
    (before,), _ = read_tokens(["probe-version"])
    renew_tokens(["probe-version"])
    assert cache.get("probe-version") != before
    assert not tokens._waiting.keys  # nothing left waiting for a read
