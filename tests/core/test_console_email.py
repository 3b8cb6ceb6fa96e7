"""The console email backend prints emails as people read them (issue 15: Django's printed
quoted-printable, which broke the links in ``make run``'s emails)."""

import io
import os
import re

import pytest
from django.core.mail import EmailMultiAlternatives

from apps.core.console_email import ConsoleEmailBackend
from apps.core.emails import send_templated_email

LINK = "http://127.0.0.1:8001/account/confirm-email/MQ:1vXqvZ:" + "abcdef0123456789" * 4 + "/"


def _printed(message: EmailMultiAlternatives) -> str:
    stream = io.StringIO()
    assert ConsoleEmailBackend(stream=stream).send_messages([message]) == 1
    return stream.getvalue()


def test_links_and_accents_are_printed_whole() -> None:
    message = EmailMultiAlternatives(
        "Confirmez votre adresse électronique, s'il vous plaît, sur le portail",
        f"Bonjour Zoë,\n\nOuvrez ce lien pour confirmer :\n{LINK}?next=/o/é/\n",
        "noreply@localhost",
        ["zoe@example.org"],
    )
    message.attach_alternative(f'<p><a href="{LINK}">Confirmer</a></p>', "text/html")
    message.attach("report.csv", "a,b\r\n", "text/csv")

    printed = _printed(message)

    assert f"\n{LINK}?next=/o/é/\n" in printed
    assert "Bonjour Zoë," in printed
    assert "Subject: Confirmez votre adresse électronique, s'il vous plaît, sur le portail\n" in (
        printed
    )
    assert "To: zoe@example.org" in printed
    assert not re.search(r"=[0-9A-F]{2}|=\n|\?utf-8\?", printed), printed
    assert "[also: text/html]" in printed
    assert "[also: text/csv, report.csv]" in printed
    assert "<p>" not in printed


@pytest.mark.skipif("EMAIL_URL" in os.environ, reason="the environment chooses the backend")
def test_the_default_console_is_the_readable_one() -> None:
    from roadmap_portal.settings import base

    assert base.EMAIL_BACKEND == "apps.core.console_email.ConsoleEmailBackend"


class _Organisation:
    name = "Patients' Alliance & Co <PL>"

    def get_absolute_url(self) -> str:
        return "/o/patients-alliance/?tab=a&b=c"


def test_templated_emails_are_text_not_html_escaped(db, mailoutbox, settings) -> None:
    settings.SITE_URL = "https://portal.example.org"

    send_templated_email(
        to=["zoe@example.org"],
        template="organisation_verified",
        context={"organisation": _Organisation()},
    )

    (message,) = mailoutbox
    assert message.subject == "Patients' Alliance & Co <PL> is verified"
    assert "https://portal.example.org/o/patients-alliance/?tab=a&b=c" in message.body
    assert "&#x27;" not in message.body
    assert "&amp;" not in message.body
