"""The WSGI application a gunicorn worker loads has its URLconf imported already, so the
worker's first request does not pay for importing every view."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def test_loading_the_application_imports_the_urlconf() -> None:
    probe = f"import sys, roadmap_portal.wsgi; print({settings.ROOT_URLCONF!r} in sys.modules)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
