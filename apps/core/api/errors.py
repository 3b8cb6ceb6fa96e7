"""Services' errors as API answers: a service's ValidationError becomes DRF's (a 400)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.serializers import ValidationError
from rest_framework.settings import api_settings


def _error_key(field: str, message: str, rename: Mapping[str, str]) -> str:
    if field == NON_FIELD_ERRORS:
        return rename.get(message, api_settings.NON_FIELD_ERRORS_KEY)
    return rename.get(field, field)


@contextmanager
def service_errors(rename: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn a service's ValidationError into a 400 keyed by the API's field names.

    ``rename`` maps a service's field names, or the messages of its model-wide
    errors (constraints), to fields of the request; without it the service's field
    names are kept and model-wide errors go under ``non_field_errors``.
    """
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ValidationError({"detail": exc.messages}) from exc
        detail: dict[str, list[str]] = {}
        for field, errors in exc.error_dict.items():
            for message in DjangoValidationError(errors).messages:
                detail.setdefault(_error_key(field, message, rename or {}), []).append(message)
        raise ValidationError(detail) from exc
