"""/.well-known/security.txt (RFC 9116): a contact from settings, a date it expires, and the
policy in SECURITY.md."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings


def _fields(body: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in body.splitlines() if line)


def test_it_names_the_contact_from_settings(client, settings) -> None:
    settings.SECURITY_CONTACT = "mailto:report@example.org"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert _fields(response.content.decode())["Contact"] == "mailto:report@example.org"


def test_it_expires_within_a_year_and_names_its_canonical_address(client, settings) -> None:
    settings.SITE_URL = "https://portal.example.org"
    fields = _fields(client.get("/.well-known/security.txt").content.decode())
    expires = datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    now = datetime.now(UTC)
    assert now + timedelta(days=30) < expires < now + timedelta(days=365)
    assert fields["Canonical"] == "https://portal.example.org/.well-known/security.txt"
    assert fields["Preferred-Languages"].split(", ") == [c for c, _ in settings.LANGUAGES]


def test_the_repository_says_how_to_report_a_vulnerability() -> None:
    policy = (Path(settings.BASE_DIR) / "SECURITY.md").read_text(encoding="utf-8")
    assert "/.well-known/security.txt" in policy
    assert "SECURITY_CONTACT" in policy
