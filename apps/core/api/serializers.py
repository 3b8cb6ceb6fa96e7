"""What the API's serializers share."""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import serializers


class FieldsBuiltOnce(serializers.Serializer):
    """A serializer whose fields depend on its class alone builds them once per process.

    DRF builds a serializer's fields for every instance: a deep copy of the declared ones
    and, for a ``ModelSerializer``, a new walk of the model (field classes, keyword
    arguments, uniqueness validators), on every response. Here the first build is kept
    on the class and each instance gets a deep copy of it (the copy DRF makes of declared
    fields anyway: fresh field objects, querysets unevaluated). Not for a serializer whose
    ``get_fields`` reads its instance, its context or the request.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        cls = type(self)
        built: dict[str, Any] | None = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            cls._fields_built = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)
