"""What an adoption and a progress entry must satisfy, whoever writes them.

The services (a person logging progress, on a page or through the API) and the importer (a
file of many rows, checked before anything is stored) apply these same rules, each with
messages worded for its reader. The rules live here once, so that they cannot drift apart.
Who may be asked to act on an adoption together is ``partnerships.services.request_errors``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from .models import AdoptionStatus

# Evidence links: web pages only (no javascript:, file: or mailto: addresses).
LINK_SCHEMES = ["http", "https"]


def is_in_the_future(day: dt.date) -> bool:
    """Entries and assessments record what happened: their date cannot be after today."""
    return day > timezone.localdate()


def is_status(code: str) -> bool:
    """Whether ``code`` is one of the adoption statuses (its stored value)."""
    return code in AdoptionStatus.values


def is_percentage(number: int) -> bool:
    """Percent complete goes from 0 to 100."""
    return 0 <= number <= 100


def is_metric_value(value: Decimal) -> bool:
    """Metrics count and measure: a value is never negative."""
    return value >= 0


def is_web_address(link: str) -> bool:
    """Whether ``link`` is an address of a web page (``LINK_SCHEMES``)."""
    try:
        URLValidator(schemes=LINK_SCHEMES)(link)
    except ValidationError:
        return False
    return True
