"""An organisation's data version: what its private pages' cached data is keyed on.

The dashboard (``/o/<slug>/``), its roadmap (``/o/<slug>/roadmap/``) and its benchmark page
(``/o/<slug>/benchmark/``) show the organisation's own data: its adoptions and progress, its
maturity checkpoints, its joint commitments. That data is cached per organisation
(``apps.roadmap.cache.cached_with_versions``), stamped with the organisation's data version: a
token in the cache, never a database column, so that writing it costs the write path no
query (``apps/core/cache.py``). A token missing from the cache is a fresh one: a miss, never
stale data.

Every service that changes what those pages show calls :func:`organisation_data_changed` for
each organisation concerned (both sides of a partnership; the writer of a partner's entry and
the adoption's own organisation). The version is renewed for the writer's next read and
after the commit, so that data read before the commit and cached meanwhile is left behind.
Services, not views or signals, call it: a write is whatever the services do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from apps.core.cache import renew_tokens

if TYPE_CHECKING:
    from .models import Organisation


def data_version_key(organisation_id: int) -> str:
    """The cache key of the organisation's data version (a token)."""
    return f"organisations:data-version:{organisation_id}"


def organisation_data_changed(*organisations: Organisation | int | None) -> None:
    """What the organisations' private pages show has changed (organisations or their ids;
    None is skipped): their cached data is out of date, for the writer's next read and
    after the commit."""
    organisation_ids_changed(
        o if isinstance(o, int) else o.pk for o in organisations if o is not None
    )


def organisation_ids_changed(organisation_ids: Iterable[int]) -> None:
    renew_tokens(data_version_key(pk) for pk in organisation_ids)
