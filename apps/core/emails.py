"""Plain-text emails rendered from templates: ``emails/<name>_subject.txt`` and
``emails/<name>_body.txt``."""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_templated_email(*, to: Iterable[str], template: str, context: dict[str, Any]) -> int:
    """Send one email to each address. Returns how many were sent.

    Failures are logged, not raised: the change that triggered the email has
    already been committed and must not be reported to the user as failed.
    """
    recipients = [address for address in to if address]
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    try:
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    except Exception:
        if getattr(settings, "EMAIL_RENDER_ERRORS_RAISE", False):
            raise
        logger.exception("Could not render the %s email", template)
        return 0
    sent = 0
    for address in recipients:
        try:
            sent += send_mail(subject, body, None, [address])
        except Exception:
            logger.exception("Could not send the %s email to %s", template, address)
    return sent
