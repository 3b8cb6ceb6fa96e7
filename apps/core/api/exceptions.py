"""The API's exception handler: DRF's, plus requests too big for Django to parse.

Django's multipart parser raises ``TooManyFilesSent`` (past DATA_UPLOAD_MAX_NUMBER_FILES),
``TooManyFieldsSent`` and ``RequestDataTooBig`` (past DATA_UPLOAD_MAX_MEMORY_SIZE). They are
SuspiciousOperations, which DRF does not handle: Django would answer its HTML 400 page.
Here every API endpoint answers a JSON 400 that says which limit was passed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext as _
from rest_framework import views
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

logger = logging.getLogger("django.security.api")


def too_big_message(exc: Exception) -> str | None:
    """What to tell the sender of a request Django refused to parse, or None."""
    if isinstance(exc, TooManyFilesSent):
        return _("Too many files in one request: at most %(max)d.") % {
            "max": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    if isinstance(exc, TooManyFieldsSent):
        return _("Too many fields in one request: at most %(max)d.") % {
            "max": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exc, RequestDataTooBig):
        return _("The request is too large to be read.")
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    message = too_big_message(exc)
    if message is not None:
        logger.warning("Request refused: %s", exc)
        exc = ParseError(message)
    return views.exception_handler(exc, context)
