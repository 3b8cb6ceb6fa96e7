"""The last-admin rule holds when two changes race, on PostgreSQL (CI's database).

Each operation runs in its own thread, with its own database connection, in a transaction
that stays open until the other operation has run too (or has waited ``HOLD`` seconds,
blocked on a lock): neither commits before the other has made its check. Without the
row locks both checks would see two admins, both changes would commit, and the
organisation would be left with none.

SQLite has no row locks (Django drops ``select_for_update`` there) and serialises writers
anyway, so these tests run where the database is PostgreSQL only. CI runs the suite on
PostgreSQL, where they must run: a skip there counts as a failure (``tests/conftest.py``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.accounts.models import User
from apps.accounts.services import user_delete
from apps.organisations import services
from apps.organisations.models import Membership, Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI's database)"
    ),
    # serialized_rollback: like every transactional test here (tests/conftest.py), so that
    # the tests after it find the data migrations left (the metric catalogue, …).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HOLD = 1.5  # seconds a finished operation keeps its transaction open for the other one


@pytest.fixture(autouse=True)
def _on_the_configured_database() -> None:
    """When DATABASE_URL names PostgreSQL, the tests must really run on it."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        assert connection.vendor == "postgresql", connection.vendor


def run_together(*operations: Callable[[], object]) -> list[Exception | None]:
    """Start the operations at the same moment, each in a thread and transaction of its own;
    return what each raised (None for success)."""
    start = threading.Barrier(len(operations))
    finished = threading.Barrier(len(operations))
    outcomes: list[Exception | None] = [None] * len(operations)

    def run(index: int, operation: Callable[[], object]) -> None:
        try:
            with transaction.atomic():
                start.wait(timeout=10)
                try:
                    operation()
                finally:
                    # Commit only once the other operation has run too, or is blocked.
                    with contextlib.suppress(threading.BrokenBarrierError):
                        finished.wait(timeout=HOLD)
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(operations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "an operation never finished"
    return outcomes


@pytest.fixture
def two_admins() -> tuple[Organisation, Membership, Membership]:
    organisation = OrganisationFactory(name="Patients Together", verified=True)
    first = MembershipFactory(
        organisation=organisation, role=Role.ADMIN, user=UserFactory(email="ada@example.org")
    )
    second = MembershipFactory(
        organisation=organisation, role=Role.ADMIN, user=UserFactory(email="grace@example.org")
    )
    MembershipFactory(organisation=organisation, role=Role.VIEWER)
    return organisation, first, second


def _step_down(membership: Membership) -> Callable[[], object]:
    return lambda: services.membership_change_role(
        membership=membership, by=membership.user, role=Role.VIEWER
    )


def _leave(membership: Membership) -> Callable[[], object]:
    return lambda: services.membership_remove(membership=membership, by=membership.user)


def _delete_account(membership: Membership) -> Callable[[], object]:
    return lambda: user_delete(user=membership.user)


def _assert_one_refused(outcomes: list[Exception | None]) -> ValidationError:
    succeeded = [outcome for outcome in outcomes if outcome is None]
    refused = [outcome for outcome in outcomes if outcome is not None]
    assert len(succeeded) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], ValidationError), repr(refused[0])
    assert "Patients Together" in " ".join(refused[0].messages)
    return refused[0]


@pytest.mark.parametrize("other", [_step_down, _leave], ids=["steps-down", "leaves"])
def test_an_admin_deleting_their_account_while_the_other_admin_goes_leaves_one_admin(
    two_admins: tuple[Organisation, Membership, Membership],
    other: Callable[[Membership], Callable[[], object]],
) -> None:
    organisation, deleting, going = two_admins

    outcomes = run_together(_delete_account(deleting), other(going))

    _assert_one_refused(outcomes)
    admins = Membership.objects.filter(organisation=organisation).admins()
    assert admins.count() == 1
    survivor = admins.get().user
    if outcomes[0] is None:  # the account was deleted; the other admin had to stay
        assert not User.objects.filter(email="ada@example.org").exists()
        assert survivor.email == "grace@example.org"
    else:  # the other admin went first; the account had to stay
        assert User.objects.filter(email="ada@example.org").exists()
        assert survivor.email == "ada@example.org"
        assert "You are the only admin of Patients Together" in outcomes[0].messages[0]


def test_two_admins_deleting_their_accounts_at_once_leave_one_admin(
    two_admins: tuple[Organisation, Membership, Membership],
) -> None:
    organisation, first, second = two_admins

    outcomes = run_together(_delete_account(first), _delete_account(second))

    _assert_one_refused(outcomes)
    assert Membership.objects.filter(organisation=organisation).admins().count() == 1
    assert User.objects.filter(email__in=["ada@example.org", "grace@example.org"]).count() == 1


def test_two_admins_stepping_down_at_once_leave_one_admin(
    two_admins: tuple[Organisation, Membership, Membership],
) -> None:
    organisation, first, second = two_admins

    outcomes = run_together(_step_down(first), _leave(second))

    refused = _assert_one_refused(outcomes)
    assert "needs at least one admin" in refused.messages[0]
    assert Membership.objects.filter(organisation=organisation).admins().count() == 1
