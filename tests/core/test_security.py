"""Security headers on every response, and Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/roadmap/", "/api/v1/actions/", "/api/docs/", "/nope/"])
def test_every_response_carries_the_security_headers(client, url) -> None:
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_api_docs_have_no_inline_script(client) -> None:
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")
    assert "cdn.jsdelivr" not in page


def test_check_deploy_is_clean_under_production_settings() -> None:
    # Browser-test plugins set DJANGO_ALLOW_ASYNC_UNSAFE in the test process; a
    # deployment never has it, and check --deploy rightly warns about it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings.production",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdef",
        "ALLOWED_HOSTS": "portal.example.org",
        "SITE_URL": "https://portal.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
