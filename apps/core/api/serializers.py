"""What the API's serializers share."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

# The attributes in which DRF's fields hold another field bound to them: ``ListField``,
# ``DictField`` and ``ListSerializer`` (``child``), ``ManyRelatedField`` (``child_relation``).
_INNER_FIELDS = ("child", "child_relation")


def fresh_copy(field: serializers.Field) -> serializers.Field:
    """A copy of an unbound field with copies of the fields it holds, each held by the new
    copy. ``bind`` then sets the copy's own name, parent, label and source.

    DRF's deep copy calls every field's ``__init__`` again with its arguments, nested
    serializers and their fields included (a quarter of a progress POST's serializer work);
    this copies attributes. What the copies share (choices, validators, error messages, an
    unevaluated queryset) is read, never written, by a field at work: DRF's deep copy shares
    validators the same way, and a related field reads its queryset through ``.all()``."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    clone.__dict__.pop("fields", None)  # a nested serializer builds its own on first use
    for name in _INNER_FIELDS:
        held = field.__dict__.get(name)
        if isinstance(held, serializers.Field):
            inner = fresh_copy(held)
            # Bound already, by its holder's __init__ (same name and source): only the holder
            # is new. The stubs type ``parent`` as a serializer; a ListField holds its child too.
            setattr(inner, "parent", clone)  # noqa: B010
            setattr(clone, name, inner)
    return clone


class FieldsBuiltOnce(serializers.Serializer):
    """A serializer whose fields depend on its class alone builds them once per process.

    DRF builds a serializer's fields for every instance: a deep copy of the declared ones
    and, for a ``ModelSerializer``, a new walk of the model (field classes, keyword
    arguments, uniqueness validators), on every response. Here the first build is kept
    on the class, never bound, and each instance gets a ``fresh_copy`` of each of its
    fields. Not for a serializer whose ``get_fields`` reads its instance, its context or
    the request.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        cls = type(self)
        built: dict[str, Any] | None = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            cls._fields_built = built  # type: ignore[attr-defined]
        return {name: fresh_copy(field) for name, field in built.items()}
