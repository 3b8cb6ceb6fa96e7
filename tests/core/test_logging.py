"""Logs carry the request id and the client's address; production writes one JSON object
per line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_each_response_names_its_request_id(client) -> None:
    given = client.get("/", headers={"X-Request-ID": "abc-123"})
    assert given["X-Request-ID"] == "abc-123"
    generated = client.get("/")["X-Request-ID"]
    assert len(generated) >= 16
    assert generated != client.get("/")["X-Request-ID"]


def test_production_logs_are_json_with_the_request_id_and_the_client() -> None:
    code = (
        "import django, logging; django.setup();"
        "from django.test import Client;"
        "logging.getLogger('django.request').setLevel('WARNING');"
        "Client().get('/api/v1/no-such-thing/', REMOTE_ADDR='192.0.2.10',"
        " headers={'X-Request-ID': 'req-42', 'X-Forwarded-For': '198.51.100.66'})"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings.production",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdef",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": "sqlite:///:memory:",
        "TRUSTED_PROXY_COUNT": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert lines, result.stderr
    not_found = next(line for line in lines if "Not Found" in line["message"])
    assert not_found["request_id"] == "req-42"
    assert not_found["level"] == "WARNING"
    # No trusted proxy by default: the connection's address, not the forged header.
    assert not_found["client_ip"] == "192.0.2.10"
