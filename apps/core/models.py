from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base for every model of ours: when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def hold_related(instance: models.Model, **related: list[Any]) -> None:
    """``instance.<name>.all()`` answers ``related[name]`` without a query, as though read
    with ``prefetch_related(name)``: for the rows of a reverse relation that were just
    written with ``instance``, which the caller holds (each ``name`` is the relation's
    accessor, its ``related_name``)."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        cache.pop(name, None)
        queryset = getattr(instance, name).get_queryset()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset
