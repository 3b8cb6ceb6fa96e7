"""Shared fixtures: a small published roadmap built from factories, the personas, and the
hooks that keep the test database as migrations left it."""

import os
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import translation
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.roadmap.cache import forget_served
from tests.accounts.factories import UserFactory
from tests.personas import OUTSIDER, add_member
from tests.roadmap.factories import EditionFactory, build_small_roadmap


@pytest.fixture(autouse=True)
def _fresh_language_and_cache():
    """Each test starts in the default language, with an empty cache.

    A test client request leaves its language active in the thread (LocaleMiddleware
    activates it and nothing deactivates it), and roadmap texts read and written outside a
    request follow the active language. Public pages are cached (``apps/roadmap/cache.py``,
    in the cache and for a second in the worker): a page cached by one test must not answer
    another, and a rolled-back test saves nothing that would refresh it.
    """
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    forget_served()
    yield
    cache.clear()
    forget_served()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def module_db(request: pytest.FixtureRequest, django_db_setup, django_db_blocker) -> Iterator[None]:
    """One transaction around a module's tests, rolled back after its last.

    What a module-scoped fixture writes after asking for this one is there for every test
    of the module, whose own transaction (pytest-django's ``db``) nests in this one as a
    savepoint: a test's writes go with its savepoint, the module's with this transaction.
    For a world that is costly to build and that hundreds of tests call against (the
    permission matrices, the hostile-input suite, the API fuzzing); not for a module with
    transactional tests, whose flush this open transaction would refuse.
    """
    # pytest-django sets up the test database only for sessions with tests that use it:
    # without ``pytestmark = pytest.mark.django_db`` this could write to the real one.
    if request.node.get_closest_marker("django_db") is None:
        raise RuntimeError("module_db needs the module's tests marked django_db.")
    with django_db_blocker.unblock(), transaction.atomic():
        if connection.vendor == "postgresql":
            # The module's rows are checked as they are written. Left deferred, their
            # foreign keys would be checked again at every test's end (its teardown checks
            # the constraints inside its savepoint, and PostgreSQL keeps the module's
            # pending checks pending again when the savepoint rolls back): seconds a test
            # for a large world.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def published_edition(db):
    return EditionFactory(published=True, version_label="2021")


@pytest.fixture
def small_roadmap(published_edition):
    """A published edition with 2 end goals × 2 intermediate goals × 2 actions."""
    return build_small_roadmap(published_edition)


# --- Personas (tests/personas.py), for the ``org`` each test folder defines ---------------


@pytest.fixture
def owner(org) -> User:
    return add_member(org, "owner")


@pytest.fixture
def pe_lead(org) -> User:
    return add_member(org, "pe_lead")


@pytest.fixture
def contributor(org) -> User:
    return add_member(org, "contributor")


@pytest.fixture
def viewer(org) -> User:
    return add_member(org, "viewer")


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(email=OUTSIDER)


@pytest.fixture
def personas(owner, pe_lead, contributor, viewer, outsider) -> dict[str, User]:
    return {
        "owner": owner,
        "pe_lead": pe_lead,
        "contributor": contributor,
        "viewer": viewer,
        "outsider": outsider,
    }


@pytest.fixture
def client_as(client: Client) -> Callable[[User], Client]:
    """The test client, signed in as the given user."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_as() -> Callable[[User | None], APIClient]:
    """An API client signed in as the given user, or as nobody for None."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def anonymous() -> APIClient:
    """An API client signed in as nobody."""
    return APIClient()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped: a skip there is reported as a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI"):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, which is not allowed: {report.longrepr}"


# The copy of the database that data migrations leave (the metric catalogue, for one),
# which transactional tests marked ``serialized_rollback=True`` restore before they run.
_serialized_contents: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the serialized copy of each test database made at set-up.

    Django keeps it on the connection object, and connection objects are context-local.
    Once Playwright's synchronous API has started (the browser journeys), tests run in
    another context, with connection objects that lack the copy; Django would then
    silently restore nothing, and every transactional test after the first browser
    journey would find the database empty of what migrations load.
    """
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _serialized_contents[alias] = contents


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """A transactional test flushes the database; unless it restores what migrations loaded
    (``serialized_rollback=True``), a later test in the same process can find the content
    types recreated under it (duplicate keys). Refuse such a test at collection.

    Then the long files go first: the browser journeys, then the modules that build a world
    of their own (``module_db``). pytest-xdist hands out files in this order (``make test``
    passes ``--no-loadscope-reorder``; by default it would sort files by their number of
    tests, which puts the journeys, two long tests a file, last): a process that ends
    early then finds short files left to take, instead of idling while the other runs a
    journey of a minute. After pytest-django's own ordering (hence ``trylast``)."""
    careless = [
        item.nodeid
        for item in items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if careless:
        raise pytest.UsageError(
            "Mark transactional tests django_db(transaction=True, serialized_rollback=True): "
            + ", ".join(careless)
        )
    items.sort(key=_long_first)


def _long_first(item: pytest.Item) -> int:
    if item.nodeid.startswith("tests/browser/"):
        return 0
    return 1 if "module_db" in getattr(item, "fixturenames", ()) else 2


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _restore_serialized_contents()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    # The teardown's flush must know of the copy too: without it, Django recreates the
    # content types, which the next restore then collides with.
    _restore_serialized_contents()
    yield
    # After the last test (no next item) the session's teardown has already dropped the test
    # database: nothing follows that would need the data back.
    if nextitem is not None and _is_transactional(item) and _serialized_contents:
        _reload_migrated_data(item.config)


def _reload_migrated_data(config) -> None:
    """Leave the database as migrations left it after a transactional test.

    Django flushes the database after such a test and, with ``serialized_rollback``,
    restores it only at the start of the next one that asks. Tests run in parallel by
    file (pytest-xdist) can follow a transactional test in any order, and ordinary tests
    rely on what migrations load (the metric catalogue, the content types).
    """
    with config.stash[blocking_manager_key].unblock():
        for alias, contents in _serialized_contents.items():
            connections[alias].creation.deserialize_db_from_string(contents)
    ContentType.objects.clear_cache()


def _restore_serialized_contents() -> None:
    for alias, contents in _serialized_contents.items():
        connections[alias]._test_serialized_contents = contents


def pytest_collection_finish(session):
    """Refuse two tests with one node id: pytest-xdist would run only one of them."""
    twice = [nodeid for nodeid, n in Counter(i.nodeid for i in session.items).items() if n > 1]
    if twice:
        raise pytest.UsageError(f"Tests share a node id, so some would not run: {twice[:5]}")


@pytest.fixture
def site_cache(settings):
    """The cache the site runs with: Redis when REDIS_URL is set (as in production and CI),
    else the tests' own (a local SQLite run). Emptied before and after the test."""
    from django.core.cache import caches
    from django.test import override_settings

    if not settings.REDIS_URL:
        yield cache
        return
    redis = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": "pe-portal-test",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    with override_settings(CACHES=redis):
        caches._settings = caches.settings = caches.configure_settings(None)
        cache.clear()
        try:
            yield cache
        finally:
            cache.clear()
    caches._settings = caches.settings = caches.configure_settings(None)
