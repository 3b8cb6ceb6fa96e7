"""API fuzzing: schemathesis against the OpenAPI schema, in process through the WSGI app.

Every operation of ``/api/schema/`` is called with generated input, valid and invalid,
authenticated with the API token of the admin of an organisation that has data
(``world`` in ``tests/security/conftest.py``). Organisation-scoped paths get the
organisation's real slug and the ids of its adoption, entry, member and invitation, so
that they reach real rows. In valid (positive) cases, the codes, slugs and addresses
that the schema can only call "a string" are set to ones that exist, so that writes
can succeed too; invalid (negative) cases keep whatever was generated.

Checks: no response is a server error, and every response whose status the schema
documents has the documented body. (Undocumented statuses, the 400s, 403s and 404s
that drf-spectacular leaves out of the schema, are not failures here.)

Bounded for CI: ``FUZZ_MAX_EXAMPLES`` examples per operation (15 unless set; a deeper
local run: ``FUZZ_MAX_EXAMPLES=100``), derandomized with a fixed seed, and no Hypothesis
example database. Each operation is its own test; the organisation is made once for the
module and what an operation writes is rolled back before the next one.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import response_schema_conformance

from roadmap_portal.wsgi import application
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "15"))
SEED = 20_240_601
CHECKS = [not_a_server_error, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
schema.config.seed = SEED
schema.config.generation.update(
    max_examples=MAX_EXAMPLES,
    database="none",
    deterministic=True,
    # The test sends the admin's token; generated credentials would only give 401s.
    with_security_parameters=False,
)

# Values that exist in ``world`` (and the small roadmap), for valid cases.
REAL_VALUES: dict[str, Sequence[Any]] = {
    "stakeholder_group": ["patient-organisations", "hta-bodies"],
    "action": ["A1.1.2", "A1.2.1", "A2.1.1", "A2.2.2", "A1.1.1"],
    "owner": ["owner@example.org", "lead@example.org", "contributor@example.org", None],
    "links": [["https://example.org/minutes"], []],
}
REAL_ROWS: dict[str, dict[str, Sequence[Any]]] = {
    "metrics": {"metric": ["patients-involved"]},
    "barriers": {"category": ["time"]},
    "ratings": {
        "end_goal": ["EG1", "EG2"],
        "dimension": ["culture", "processes"],
        "level": [1, 2, 3, 4, 5],
    },
}


def _pick(options: Sequence[Any], seed: Any) -> Any:
    """One of ``options``, chosen from the generated value: deterministic, and varied."""
    return options[zlib.crc32(repr(seed).encode()) % len(options)]


def _real_rows(rows: Any, keys: dict[str, Sequence[Any]]) -> Any:
    if not isinstance(rows, list):
        return rows
    for row in rows:
        if isinstance(row, dict):
            for key, options in keys.items():
                if row.get(key) is not None:
                    row[key] = _pick(options, row[key])
    return rows


def with_real_values(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with codes, slugs and addresses replaced by existing ones."""
    for key, options in REAL_VALUES.items():
        if key in body:
            body[key] = _pick(options, body[key])
    for key, row_keys in REAL_ROWS.items():
        if key not in body:
            continue
        value = body[key]
        if not isinstance(value, str):
            body[key] = _real_rows(value, row_keys)
            continue
        try:  # multipart: one field holding JSON
            rows = json.loads(value)
        except ValueError:
            continue
        body[key] = json.dumps(_real_rows(rows, row_keys))
    return body


def real_path_parameters(case: Case, world: World) -> dict[str, Any]:
    """Path parameters naming the organisation's own rows."""
    path = case.operation.path
    values: dict[str, Any] = {}
    if "{slug}" in path:
        values["slug"] = world.org.slug
    if "{id}" in path:
        if "/members/" in path:
            values["id"] = world.lead_membership.pk
        elif "/invitations/" in path:
            values["id"] = world.invitation.pk
        else:
            values["id"] = world.adoption.pk
    if "{entry_id}" in path:
        # The newest version: a correction replaces the entry it corrects.
        current = world.adoption.entries.filter(is_current=True).order_by("-pk").first()
        values["entry_id"] = current.pk
    return values


@pytest.fixture(scope="module")
def world(module_world: World) -> World:
    """One organisation for the module; each operation's writes are rolled back after it."""
    return module_world


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    """Requests go through the WSGI handler, which closes the database connection when
    a request ends: on PostgreSQL that would end the test's transaction. Django's test
    client disconnects the same receiver for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
# The examples of an operation share ``world`` on purpose: they work on the same
# organisation, one after the other, as a client would.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case: Case, world: World) -> None:
    case.path_parameters = {**(case.path_parameters or {}), **real_path_parameters(case, world)}
    positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
    if positive and isinstance(case.body, dict):
        case.body = with_real_values(case.body)
    case.call_and_validate(headers={"Authorization": f"Token {world.token}"}, checks=CHECKS)
