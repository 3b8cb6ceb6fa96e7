"""Emails are written in each recipient's language (``User.language``, chosen on the profile
page and set at sign-up), else in the language active where they are sent; those that name
actions name them in that language (``action.title``, never the English column)."""

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


def test_each_recipient_gets_the_reminder_in_their_own_language(mailoutbox):
    polish = UserFactory(language="pl")
    english = UserFactory(language="en")
    for owner in (polish, english):
        AdoptionFactory(owner=owner, target_date=timezone.localdate() + timedelta(days=3))
    Action.objects.update(title_pl=POLISH_TITLE)

    with translation.override("fr"):  # where it is sent: a worker in another language
        assert send_reminders() == 2

    body = {m.to[0]: m.body for m in mailoutbox}
    assert POLISH_TITLE in body[polish.email]
    assert POLISH_TITLE not in body[english.email]
    assert translation.get_language() == "en"  # the sender's language is left as it was


def test_a_person_without_a_choice_gets_the_language_of_the_sender(mailoutbox):
    owner = UserFactory(language="")
    AdoptionFactory(owner=owner, target_date=timezone.localdate() + timedelta(days=3))
    Action.objects.update(title_pl=POLISH_TITLE)

    with translation.override("pl"):
        send_reminders()

    assert POLISH_TITLE in mailoutbox[0].body
