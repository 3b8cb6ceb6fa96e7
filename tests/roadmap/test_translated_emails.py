"""Emails that name actions name them in the language they are rendered in.

There is no preferred language on a user yet: emails are rendered in the language active
where they are sent (the default language in the task worker). Once a user has one, the
sender wraps the rendering in ``translation.override(user.language)``; these tests hold the
templates to reading the translated title (``action.title``), never the English column.
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from apps.adoption.reminders import send_reminders
from apps.roadmap.models import Action
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory

pytestmark = pytest.mark.django_db

POLISH_TITLE = "Przyjąć politykę zaangażowania pacjentów"


@pytest.mark.parametrize(("language", "shown", "not_shown"), [("pl", 0, 1), ("en", 1, 0)])
def test_a_reminder_names_the_action_in_the_language_it_is_rendered_in(
    mailoutbox, language, shown, not_shown
):
    adoption = AdoptionFactory(
        owner=UserFactory(), target_date=timezone.localdate() + timedelta(days=3)
    )
    Action.objects.filter(pk=adoption.action_id).update(title_pl=POLISH_TITLE)
    titles = (POLISH_TITLE, Action.objects.get(pk=adoption.action_id).title_en)

    with translation.override(language):
        assert send_reminders() == 1

    body = mailoutbox[0].body
    assert f"{adoption.action.code} {titles[shown]}" in body
    assert titles[not_shown] not in body
