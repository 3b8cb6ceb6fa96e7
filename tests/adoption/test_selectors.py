"""Reads shared by the dashboard, the API and the exports."""

import datetime as dt

import pytest

from apps.adoption.selectors import recent_activity
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory

pytestmark = pytest.mark.django_db


def test_recent_activity_follows_the_dates_of_the_entries_not_when_they_were_typed() -> None:
    adoption = AdoptionFactory()
    newer = ProgressEntryFactory(adoption=adoption, entry_date=dt.date(2026, 5, 1))
    older_typed_later = ProgressEntryFactory(adoption=adoption, entry_date=dt.date(2025, 1, 1))
    other_org = ProgressEntryFactory(entry_date=dt.date(2026, 6, 1))

    entries = recent_activity(organisation=adoption.organisation)

    assert entries == [newer, older_typed_later]
    assert other_org not in entries
