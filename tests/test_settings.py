"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD_KEY = "k" * 20 + "-a-real-random-production-secret-key-value"


def _import_production(setting: str = "DEBUG", **env: str) -> subprocess.CompletedProcess:
    """Import the production settings in a new process with ``env``; print ``setting``."""
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "TRUSTED_PROXY_COUNT"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env, DJANGO_SETTINGS_MODULE="roadmap_portal.settings.production")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(settings.{setting})"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "portal.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "portal.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_secrets(env, message) -> None:
    result = _import_production(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_key_and_hosts(tmp_path) -> None:
    result = _import_production(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_secret_can_come_from_a_file(tmp_path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(GOOD_KEY + "\n")
    result = _import_production(SECRET_KEY_FILE=str(secret), ALLOWED_HOSTS="portal.example.org")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("proxies", "header"),
    [("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")],
)
def test_the_https_header_is_believed_only_behind_a_trusted_proxy(proxies, header) -> None:
    result = _import_production(
        "SECURE_PROXY_SSL_HEADER",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="portal.example.org",
        TRUSTED_PROXY_COUNT=proxies,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == header
