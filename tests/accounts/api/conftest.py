"""The API tests' organisation (``tests/organisations/api/conftest.py``), whose members are
the personas."""

from tests.organisations.api import conftest as api_fixtures

patients_group = api_fixtures.patients_group
org = api_fixtures.org
