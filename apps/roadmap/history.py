"""The roadmap's history (django-simple-history): one row per item for a bulk write.

An item's history gets a row each time it is saved and each time one of its links changes
(an action's groups, resources, barriers and the goals it contributes to), and each row
reads every link of the item again. Writing a whole goal tree (loading the roadmap, copying
an edition into a draft) creates each action and then sets four kinds of link: five rows
per action, most of them saying "half made".

Inside :func:`one_record_each`, the rows are held back and written when the block ends:
one per item, with the item's final state and links, "+" for an item created in the block
and "~" for one changed. Everything else (a single save in the admin, a deletion) writes
its rows as it always has.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

_state = threading.local()


@dataclass
class _Held:
    """The items written in the block, in the order first written: their history records
    (the model's ``HistoricalRecords``), their latest instance, and whether the block
    created them."""

    items: dict[tuple[type[models.Model], Any], tuple[HistoricalRecords, models.Model, bool]] = (
        field(default_factory=dict)
    )

    def saved(self, records: HistoricalRecords, instance: models.Model, created: bool) -> None:
        key = (type(instance), instance.pk)
        earlier = self.items.get(key)
        self.items[key] = (records, instance, created or (earlier is not None and earlier[2]))

    def linked(self, records: HistoricalRecords, instance: models.Model) -> None:
        self.items.setdefault((type(instance), instance.pk), (records, instance, False))

    def deleted(self, instance: models.Model) -> None:
        self.items.pop((type(instance), instance.pk), None)

    def write(self) -> None:
        for records, instance, created in self.items.values():
            records.create_historical_record(instance, "+" if created else "~")


def _held() -> _Held | None:
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    held: _Held | None = getattr(_state, "held", None)
    return held


@contextmanager
def one_record_each() -> Iterator[None]:
    """Hold the roadmap's history rows back until the block ends, then write one per item
    written in it. Use it inside the write's transaction. Nested blocks join the outer one;
    a block left by an exception writes nothing (its transaction is rolled back)."""
    if getattr(_state, "held", None) is not None:
        yield
        return
    _state.held = held = _Held()
    try:
        yield
    except BaseException:
        _state.held = None
        raise
    _state.held = None
    held.write()


class RoadmapHistory(HistoricalRecords):
    """simple-history's records, which :func:`one_record_each` can hold back."""

    def post_save(
        self, instance: models.Model, created: bool, using: str | None = None, **kwargs: Any
    ) -> None:
        held = _held()
        if held is None or kwargs.get("raw") or hasattr(instance, "skip_history_when_saving"):
            super().post_save(instance, created, using=using, **kwargs)
            return
        held.saved(self, instance, created)

    def m2m_changed(
        self,
        instance: models.Model,
        action: str,
        attr: Any,
        pk_set: Any,
        reverse: bool,
        **kwargs: Any,
    ) -> None:
        held = _held()
        if held is None or hasattr(instance, "skip_history_when_saving"):
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        if action in ("post_add", "post_remove", "post_clear"):
            held.linked(self, instance)

    def post_delete(self, instance: models.Model, using: str | None = None, **kwargs: Any) -> None:
        held = _held()
        if held is not None:
            held.deleted(instance)
        super().post_delete(instance, using=using, **kwargs)
