"""Reminders to the owners of stale and soon-due adoptions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.adoption.models import Adoption
from apps.adoption.tasks import send_reminders_task
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory

pytestmark = pytest.mark.django_db


def _stale(owner, **fields):
    adoption = AdoptionFactory(owner=owner, **fields)
    entry = ProgressEntryFactory(adoption=adoption)
    old = timezone.now() - timedelta(days=90)
    type(entry).objects.filter(pk=entry.pk).update(created_at=old)
    return adoption


def test_owners_of_stale_and_due_adoptions_get_one_email(mailoutbox) -> None:
    owner = UserFactory()
    stale = _stale(owner)
    due = AdoptionFactory(owner=owner, target_date=timezone.localdate() + timedelta(days=3))
    ProgressEntryFactory(adoption=due)
    fresh = AdoptionFactory(owner=owner)
    ProgressEntryFactory(adoption=fresh)

    send_reminders_task()

    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert stale.action.code in body
    assert due.action.code in body
    assert fresh.action.code not in body


def test_reminders_are_not_repeated_within_the_interval(mailoutbox) -> None:
    _stale(UserFactory())
    send_reminders_task()
    send_reminders_task()
    assert len(mailoutbox) == 1


def test_owners_can_turn_reminders_off(mailoutbox) -> None:
    _stale(UserFactory(reminders_enabled=False))
    send_reminders_task()
    assert mailoutbox == []


def test_finished_and_removed_adoptions_are_left_alone(mailoutbox) -> None:
    owner = UserFactory()
    _stale(owner, status="embedded")
    _stale(owner, action_removed=True)
    send_reminders_task()
    assert mailoutbox == []


def test_dormant_adoptions_are_found_not_hidden() -> None:
    adoption = AdoptionFactory()
    Adoption.objects.filter(pk=adoption.pk).update(
        last_activity_at=timezone.now() - timedelta(days=400)
    )
    assert list(Adoption.objects.dormant()) == [adoption]
    assert Adoption.objects.count() == 1
