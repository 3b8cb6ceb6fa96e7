"""Fixtures of the adoption API tests: the API tests' organisation and adoption
(``tests/organisations/api/conftest.py``), and a folder for uploaded evidence."""

from pathlib import Path

import pytest

from tests.organisations.api import conftest as api_fixtures

patients_group = api_fixtures.patients_group
org = api_fixtures.org
outsider = api_fixtures.outsider
personas = api_fixtures.personas
adoption = api_fixtures.adoption


@pytest.fixture
def evidence_storage(settings: object, tmp_path: Path) -> Path:
    """Uploaded evidence goes to a private, empty folder that the test can inspect."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
