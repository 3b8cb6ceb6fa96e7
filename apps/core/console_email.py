"""The console email backend, readable: what ``make run`` "sends" is printed as text.

Django's console backend prints the message as it would go on the wire: non-ASCII text and
long lines in quoted-printable, so a confirmation link is cut by ``=`` line breaks and
``=3D`` and cannot be copied. This one prints the headers people read, decoded, then each
text part decoded, and names the other parts (an HTML alternative, attachments).
Settings use it whenever ``EMAIL_URL`` asks for the console (the default).
"""

from __future__ import annotations

from email.header import decode_header, make_header
from email.message import Message
from typing import Any

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date")
RULE = "-" * 79


def _header(value: Any) -> str:
    return str(make_header(decode_header(str(value))))


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


def readable(message: Message) -> str:
    """``message`` as a person reads it: headers, then the plain text, decoded."""
    lines = [f"{name}: {_header(message[name])}" for name in HEADERS if message[name]]
    texts: list[str] = []
    others: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if part.get_content_type() == "text/plain" and not filename:
            texts.append(_text(part).rstrip())
        else:
            others.append(
                f"{part.get_content_type()}, {filename}" if filename else part.get_content_type()
            )
    lines.append("")
    lines.append("\n\n".join(texts))
    if others:
        lines.append("")
        lines.extend(f"[also: {other}]" for other in others)
    return "\n".join(lines)


class ConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message: Any) -> None:
        self.stream.write(f"{readable(message.message())}\n{RULE}\n")
