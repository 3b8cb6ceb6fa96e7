"""The weekly digest of what changed in what a person follows."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.adoption.models import AdoptionStatus, Partnership
from apps.follows.digest import send_digests
from apps.follows.services import follow_action, follow_organisation
from apps.follows.tasks import send_digests_task
from apps.organisations.models import PublicProfile
from tests.accounts.factories import UserFactory
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.benchmarking.uptake_data import share, snapshot
from tests.organisations.factories import OrganisationFactory
from tests.practices.factories import CaseStudyFactory


@pytest.fixture
def reader(small_roadmap):
    user = UserFactory(email="reader@example.org")
    follow_action(user=user, code="A1.1.1")
    return user


def _older_snapshot(edition):
    old = snapshot(edition, "2025-Q4")
    old.published_at = timezone.now() - timedelta(days=60)
    old.save()
    return old


def test_it_tells_a_new_case_study_and_a_new_share_with_the_previous_one(
    reader, small_roadmap
) -> None:
    adoption = AdoptionFactory(action=small_roadmap.actions.get(code="A1.1.1"))
    CaseStudyFactory(adoption=adoption, published=True, title="Our patient panel")
    CaseStudyFactory(adoption=adoption, title="A draft")
    share(_older_snapshot(small_roadmap), "A1.1.1", None)  # withheld then
    share(snapshot(small_roadmap, "2026-Q1"), "A1.1.1", "42.5")

    assert send_digests() == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["reader@example.org"]
    assert "Our patient panel" in body
    assert "A draft" not in body
    assert "in 2026-Q1: 42.5%" in body
    assert "2025-Q4: withheld" in body
    assert "/account/profile/" in body  # how to turn it off

    mail.outbox.clear()
    assert send_digests() == 0  # nothing new since
    assert not mail.outbox


def test_a_followed_organisation_tells_what_its_profile_shows(public_org, small_roadmap) -> None:
    user = UserFactory()
    follow_organisation(user=user, organisation=public_org)
    adoption = AdoptionFactory(
        organisation=public_org, action=small_roadmap.actions.get(code="A2.1.1")
    )
    ProgressEntryFactory(
        adoption=adoption, status_from=AdoptionStatus.PLANNED, status_to=AdoptionStatus.IN_PROGRESS
    )
    CaseStudyFactory(adoption=adoption, published=True, title="Open wards")

    send_digests()
    body = mail.outbox[0].body
    assert "Open wards" in body
    assert "A2.1.1 Action 2.1.1: Planned → In progress" in body


def test_a_followed_organisation_tells_its_new_joint_commitments(public_org, small_roadmap) -> None:
    """Only when its profile shows partnerships; the other side named only if its own profile
    is public; pending ones never."""
    user = UserFactory()
    follow_organisation(user=user, organisation=public_org)
    private = OrganisationFactory(name="Quiet Pharma", verified=True)
    named = OrganisationFactory(name="Loud Patients", verified=True)
    PublicProfile.objects.create(organisation=named, is_public=True)
    ours = AdoptionFactory(organisation=public_org, action=small_roadmap.actions.get(code="A2.1.1"))
    theirs = AdoptionFactory(organisation=named, action=small_roadmap.actions.get(code="A1.1.1"))
    now = timezone.now()
    Partnership.objects.create(adoption=ours, partner=private, state="accepted", answered_at=now)
    Partnership.objects.create(
        adoption=theirs, partner=public_org, state="accepted", answered_at=now
    )
    Partnership.objects.create(
        adoption=AdoptionFactory(
            organisation=public_org, action=small_roadmap.actions.get(code="A1.1.1")
        ),
        partner=named,
    )  # pending

    assert send_digests() == 0  # the profile does not show its partnerships
    PublicProfile.objects.filter(organisation=public_org).update(
        show_partnerships=True, updated_at=now
    )
    UserModel = type(user)
    UserModel.objects.filter(pk=user.pk).update(digest_sent_at=None)
    assert send_digests() == 1
    body = mail.outbox[0].body
    assert "Open Hospital acts on A2.1.1 Action 2.1.1 together with a verified organisation" in body
    assert "Open Hospital acts on A1.1.1 Action 1.1.1 together with Loud Patients" in body
    assert "Quiet Pharma" not in body
    assert body.count("acts on") == 2


def test_nothing_is_sent_when_nothing_changed_or_the_digest_is_off(reader, small_roadmap) -> None:
    assert send_digests() == 0
    reader.digest_enabled = False
    reader.save()
    adoption = AdoptionFactory(action=small_roadmap.actions.get(code="A1.1.1"))
    CaseStudyFactory(adoption=adoption, published=True)
    assert send_digests() == 0
    assert not mail.outbox


def test_a_private_organisation_tells_nothing(small_roadmap, public_org) -> None:
    user = UserFactory()
    follow_organisation(user=user, organisation=public_org)
    public_org.public_profile.is_public = False
    public_org.public_profile.save()
    CaseStudyFactory(
        adoption=AdoptionFactory(organisation=public_org), published=True, title="Hidden"
    )
    assert send_digests() == 0


def test_it_is_written_in_the_readers_language(reader, small_roadmap) -> None:
    reader.language = "fr"
    reader.save()
    CaseStudyFactory(
        adoption=AdoptionFactory(action=small_roadmap.actions.get(code="A1.1.1")), published=True
    )
    send_digests()
    # The digest's own sentences are not translated yet: a heading the catalogue has is.
    assert "Études de cas" in mail.outbox[0].body


def test_the_queries_do_not_grow_with_the_follows(
    small_roadmap, django_assert_max_num_queries
) -> None:
    def news_for(readers: int, quarter: int) -> None:
        for _ in range(readers):
            user = UserFactory()
            organisation = OrganisationFactory(verified=True)
            PublicProfile.objects.create(
                organisation=organisation, is_public=True, show_actions=True, show_case_studies=True
            )
            follow_organisation(user=user, organisation=organisation)
            for code in ("A1.1.1", "A1.2.1", "A2.2.2"):
                follow_action(user=user, code=code)
            adoption = AdoptionFactory(
                organisation=organisation, action=small_roadmap.actions.get(code="A1.2.1")
            )
            ProgressEntryFactory(adoption=adoption, status_from="planned", status_to="paused")
            CaseStudyFactory(adoption=adoption, published=True)
        share(snapshot(small_roadmap, f"2026-Q{quarter}"), "A1.2.1", "10")

    news_for(1, quarter=1)
    with django_assert_max_num_queries(20) as one:
        assert send_digests() == 1
    mail.outbox.clear()
    news_for(4, quarter=2)
    # The same reads whatever the follows; each email asks its reader's language.
    with django_assert_max_num_queries(len(one.captured_queries) + 4):
        assert send_digests() == 5
    # The first reader hears of the new share only; their organisation's news was told.
    assert sum("Paused" in message.body for message in mail.outbox) == 4
    assert all("2026-Q2: 10%" in message.body for message in mail.outbox)


def test_the_command_and_the_task_send_the_digests(reader, small_roadmap) -> None:
    CaseStudyFactory(
        adoption=AdoptionFactory(action=small_roadmap.actions.get(code="A1.1.1")), published=True
    )
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "1 digest(s) sent." in out.getvalue()
    assert send_digests_task() == 0  # nothing new since
