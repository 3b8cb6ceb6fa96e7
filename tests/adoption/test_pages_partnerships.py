"""Joint commitments, the pages (issue 17): the adoption page's Partners section and invite
form, the partnerships pages (/o/<slug>/partnerships/ and …/<pk>/), a partner's access to the
joint adoption, confirmations of entries, shared objectives, and a withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.models import EntryConfirmation, Partnership, ProgressEntry, SharedObjective
from apps.adoption.partnerships import services as joint
from apps.adoption.services import EntryInput
from tests.adoption.conftest import PDF, upload
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def _detail(slug: str, adoption) -> str:
    return reverse("adoption:detail", args=[slug, adoption.pk])


def _page(slug: str, partnership) -> str:
    return reverse("adoption:partnership", args=[slug, partnership.pk])


def _move(name: str, slug: str, partnership) -> str:
    return reverse(f"adoption:partnership-{name}", args=[slug, partnership.pk])


@pytest.fixture
def asked(adoption, owner, partner_org, partner_people) -> Partnership:
    return joint.partnership_request(adoption=adoption, partner=partner_org, by=owner)


@pytest.fixture
def accepted(asked, partner_org, partner_people) -> Partnership:
    return joint.partnership_accept(
        partnership=asked, organisation=partner_org, by=partner_people["partner_lead"]
    )


def _log(adoption, by, organisation, narrative: str, **fields) -> ProgressEntry:
    data = EntryInput(entry_date=timezone.localdate(), narrative=narrative, **fields)
    return services.progress_entry_create(
        adoption=adoption, by=by, data=data, organisation=organisation
    )


# --- The whole journey ---------------------------------------------------------------------


def test_invite_accept_log_confirm_withdraw(
    client_as, org, adoption, owner, partner_org, partner_people
) -> None:
    owner_page = _detail(org.slug, adoption)
    partner_page = _detail(partner_org.slug, adoption)
    lead = partner_people["partner_lead"]

    # The owner's admin asks Care Alliance from the adoption's page.
    page = client_as(owner).get(owner_page).content.decode()
    assert 'id="partners-heading"' in page
    assert "Care Alliance" in page  # offered in the invite form
    response = client_as(owner).post(
        reverse("adoption:partnership-request", args=[org.slug, adoption.pk]),
        {"partner": partner_org.pk, "message": "Shall we?"},
    )
    assert response.status_code == 302
    assert messages_of(response) == [
        "Care Alliance is asked to act on A1.1.1 with you. You will hear by email."
    ]
    partnership = Partnership.objects.get()
    assert (partnership.state, partnership.message) == ("pending", "Shall we?")
    assert client_as(lead).get(partner_page).status_code == 404  # not before it accepts

    # The partner's dashboard points to the request; its lead accepts on the partnership page.
    home = client_as(lead).get(reverse("organisations:home", args=[partner_org.slug]))
    assert _page(partner_org.slug, partnership) in home.content.decode()
    page = client_as(lead).get(_page(partner_org.slug, partnership)).content.decode()
    assert "Accept the request" in page
    response = client_as(lead).post(_move("accept", partner_org.slug, partnership))
    assert response.status_code == 302
    assert response["Location"] == _page(partner_org.slug, partnership)
    assert messages_of(response) == [
        "You accepted to act on A1.1.1 together with Patients Together."
    ]

    # The partner sees the joint adoption on its dashboard and under its own address.
    home = client_as(lead).get(reverse("organisations:home", args=[partner_org.slug]))
    assert "Joint adoptions with other organisations" in home.content.decode()
    assert partner_page in home.content.decode()
    page = client_as(lead).get(partner_page).content.decode()
    assert "Joint adoption of Patients Together" in page
    assert reverse("adoption:edit", args=[partner_org.slug, adoption.pk]) not in page

    # Its contributor logs an entry, written by Care Alliance (no status or percent offered).
    writer = partner_people["partner_contributor"]
    add = reverse("adoption:progress-add", args=[partner_org.slug, adoption.pk])
    form = client_as(writer).get(add).context["form"]
    assert "status_to" not in form.fields
    assert "percent_complete" not in form.fields
    response = client_as(writer).post(
        add, {"entry_date": timezone.localdate().isoformat(), "narrative": "Panel met."}
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(narrative="Panel met.")
    assert (entry.organisation, entry.author) == (partner_org, writer)

    # The owner's admin sees who wrote it and confirms it.
    page = client_as(owner).get(owner_page).content.decode()
    assert "Written by Care Alliance" in page
    assert "Confirm this entry" in page
    confirm = reverse("adoption:entry-confirm", args=[org.slug, adoption.pk, entry.pk])
    response = client_as(owner).post(confirm)
    assert response.status_code == 302
    page = client_as(lead).get(partner_page).content.decode()
    assert "Confirmed by Patients Together on" in page

    # The owner withdraws: the partner loses the adoption, its entry stays, attributed.
    response = client_as(owner).post(_move("withdraw", org.slug, partnership))
    assert response.status_code == 302
    assert client_as(lead).get(partner_page).status_code == 404
    assert client_as(writer).get(add).status_code == 404
    assert "Written by Care Alliance" in client_as(owner).get(owner_page).content.decode()
    # The partnership's page (the email's link) still tells the partner what happened.
    page = client_as(lead).get(_page(partner_org.slug, partnership)).content.decode()
    assert "Withdrawn" in page
    assert partner_page not in page


# --- The invite form ---------------------------------------------------------------------


def test_the_invite_form_offers_verified_organisations_other_than_itself(
    client_as, org, adoption, owner
) -> None:
    org.status = "verified"
    org.save()
    verified = OrganisationFactory(verified=True, name="Hospital Network")
    pending = OrganisationFactory(name="Pending Org")

    form = client_as(owner).get(_detail(org.slug, adoption)).context["invite_form"]

    choices = set(form.fields["partner"].queryset)
    assert verified in choices
    assert org not in choices
    assert pending not in choices


def test_a_search_narrows_the_organisations_offered(client_as, org, adoption, owner) -> None:
    wanted = OrganisationFactory(verified=True, name="Rare Disease Network")
    other = OrganisationFactory(verified=True, name="Hospital Network")

    response = client_as(owner).get(_detail(org.slug, adoption), {"find": "rare"})

    assert list(response.context["invite_form"].fields["partner"].queryset) == [wanted]
    assert other.name not in response.content.decode()


def test_only_the_owner_s_managers_get_the_invite_form(
    client_as, org, adoption, contributor, partner_people, accepted
) -> None:
    assert "invite_form" not in client_as(contributor).get(_detail(org.slug, adoption)).context
    partner_lead = partner_people["partner_lead"]
    response = client_as(partner_lead).get(_detail("care-alliance", adoption))
    assert "invite_form" not in response.context
    # Nor may a partner ask others on the owner's behalf: not its adoption.
    url = reverse("adoption:partnership-request", args=["care-alliance", adoption.pk])
    other = OrganisationFactory(verified=True)
    assert client_as(partner_lead).post(url, {"partner": other.pk}).status_code == 404


def test_asking_twice_answers_400_with_the_message_and_what_was_typed(
    client_as, org, adoption, owner, partner_org, asked
) -> None:
    response = client_as(owner).post(
        reverse("adoption:partnership-request", args=[org.slug, adoption.pk]),
        {"partner": partner_org.pk, "message": "Second try."},
    )

    assert response.status_code == 400
    form = response.context["invite_form"]
    assert form.errors["partner"] == [
        "Care Alliance has already been asked to act on this adoption."
    ]
    assert "Second try." in response.content.decode()
    assert Partnership.objects.count() == 1


# --- Answering ----------------------------------------------------------------------------


def test_only_the_receiving_side_answers(
    client_as, org, owner, partner_org, partner_people, asked
) -> None:
    page = client_as(owner).get(_page(org.slug, asked)).content.decode()
    assert "Accept the request" not in page
    assert "Withdraw the request" in page
    # The owner's side finds no request to answer; a contributor of the partner may not.
    assert client_as(owner).post(_move("accept", org.slug, asked)).status_code == 404
    contributor = partner_people["partner_contributor"]
    assert client_as(contributor).post(_move("accept", "care-alliance", asked)).status_code == 403
    asked.refresh_from_db()
    assert asked.state == "pending"


def test_a_request_answered_already_answers_400_with_the_reason(
    client_as, partner_people, accepted
) -> None:
    lead = partner_people["partner_lead"]

    response = client_as(lead).post(_move("decline", "care-alliance", accepted))

    assert response.status_code == 400
    assert (
        "Only a request waiting for an answer can be answered. This one is: Accepted."
        in response.content.decode()
    )


def test_declining(client_as, partner_people, asked) -> None:
    response = client_as(partner_people["partner_admin"]).post(
        _move("decline", "care-alliance", asked)
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.state == "declined"


def test_an_organisation_on_neither_side_gets_404(client_as, asked) -> None:
    other = OrganisationFactory(verified=True)
    stranger = MembershipFactory(organisation=other, role="admin").user

    assert client_as(stranger).get(_page(other.slug, asked)).status_code == 404
    assert client_as(stranger).post(_move("withdraw", other.slug, asked)).status_code == 404


# --- A partner's access ---------------------------------------------------------------------


def test_a_partner_does_not_correct_the_owner_s_entries(
    client_as, org, adoption, owner, partner_people, accepted
) -> None:
    entry = _log(adoption, owner, org, "Owner's entry.")
    lead = partner_people["partner_lead"]
    correct = reverse("adoption:progress-correct", args=["care-alliance", adoption.pk, entry.pk])

    page = client_as(lead).get(_detail("care-alliance", adoption)).content.decode()

    assert correct not in page
    assert client_as(lead).get(correct).status_code == 404
    assert client_as(lead).post(correct, {"narrative": "x"}).status_code == 404


def test_the_own_entry_cannot_be_confirmed(
    client_as, org, adoption, owner, partner_people, accepted
) -> None:
    entry = _log(adoption, owner, org, "Owner's entry.")
    confirm = reverse("adoption:entry-confirm", args=[org.slug, adoption.pk, entry.pk])

    assert (
        "Confirm this entry"
        not in client_as(owner).get(_detail(org.slug, adoption)).content.decode()
    )
    response = client_as(owner).post(confirm)

    assert response.status_code == 400
    assert (
        "The other side confirms an entry: your organisation wrote this one."
        in response.content.decode()
    )
    assert not EntryConfirmation.objects.exists()


def test_a_partner_downloads_the_joint_adoption_s_files_until_it_withdraws(
    client_as, org, adoption, owner, partner_org, partner_people, accepted
) -> None:
    entry = _log(adoption, owner, org, "Minutes.", files=[upload("Minutes.pdf", PDF)])
    url = reverse("adoption:evidence-download", args=["care-alliance", entry.evidence.get().pk])
    viewer = partner_people["partner_viewer"]

    assert client_as(viewer).get(url).status_code == 200

    joint.partnership_withdraw(
        partnership=accepted, organisation=partner_org, by=partner_people["partner_lead"]
    )
    assert client_as(viewer).get(url).status_code == 404


def test_a_partner_s_list_and_catalogue_stay_its_own(
    client_as, adoption, partner_people, accepted
) -> None:
    response = client_as(partner_people["partner_viewer"]).get(
        reverse("adoption:list", args=["care-alliance"])
    )
    assert list(response.context["adoptions"]) == []


# --- Shared objectives ---------------------------------------------------------------------


def test_one_side_proposes_an_objective_and_the_other_confirms_it(
    client_as, org, owner, partner_people, accepted
) -> None:
    propose = reverse("adoption:objective-propose", args=[org.slug, accepted.pk])
    response = client_as(owner).post(
        propose, {"text": "Co-design the survey.", "target_date": TOMORROW.isoformat()}
    )
    assert response.status_code == 302
    objective = SharedObjective.objects.get()
    assert (
        "Confirm this objective"
        not in client_as(owner).get(_page(org.slug, accepted)).content.decode()
    )

    lead = partner_people["partner_lead"]
    page = client_as(lead).get(_page("care-alliance", accepted)).content.decode()
    assert "Co-design the survey." in page
    assert "Confirm this objective" in page
    confirm = reverse(
        "adoption:objective-confirm", args=["care-alliance", accepted.pk, objective.pk]
    )
    assert client_as(lead).post(confirm).status_code == 302
    objective.refresh_from_db()
    assert objective.confirmed_by == lead


def test_an_objective_with_a_past_date_answers_400_and_keeps_the_text(
    client_as, org, owner, accepted
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client_as(owner).post(
        reverse("adoption:objective-propose", args=[org.slug, accepted.pk]),
        {"text": "Train the staff.", "target_date": yesterday.isoformat()},
    )

    assert response.status_code == 400
    form = response.context["objective_form"]
    assert form.errors["target_date"] == ["The target date cannot be in the past."]
    assert "Train the staff." in response.content.decode()
    assert not SharedObjective.objects.exists()


def test_an_objective_of_a_pending_request_answers_400(client_as, org, owner, asked) -> None:
    response = client_as(owner).post(
        reverse("adoption:objective-propose", args=[org.slug, asked.pk]),
        {"text": "Too early.", "target_date": TOMORROW.isoformat()},
    )
    assert response.status_code == 400
    assert "Only an accepted partnership has shared objectives" in response.content.decode()


# --- The list of partnerships, and queries ---------------------------------------------------


def test_the_list_shows_requests_made_and_received(
    client_as, org, adoption, owner, viewer, partner_org, asked, small_roadmap
) -> None:
    theirs = AdoptionFactory(
        organisation=partner_org, action=small_roadmap.actions.get(code="A1.2.1")
    )
    received = Partnership.objects.create(adoption=theirs, partner=org)

    response = client_as(viewer).get(reverse("adoption:partnerships", args=[org.slug]))

    assert response.context["made"] == [asked]
    assert response.context["received"] == [received]
    html = response.content.decode()
    assert "<caption>" in html
    assert _page(org.slug, received) in html


def _count(client, url: str) -> int:
    cache.clear()  # counted with nothing cached (the dashboard is): what the database does
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_take_as_many_queries_for_many_partnerships(
    client_as, org, adoption, owner, partner_org, partner_people, accepted, small_roadmap
) -> None:
    client = client_as(owner)
    urls = [
        reverse("adoption:partnerships", args=[org.slug]),
        _page(org.slug, accepted),
        _detail(org.slug, adoption),
        reverse("organisations:home", args=[org.slug]),
    ]
    for url in urls:
        client.get(url)
    before = [_count(client, url) for url in urls]

    lead = partner_people["partner_lead"]
    for code in ("A1.2.1", "A2.1.1"):
        theirs = AdoptionFactory(
            organisation=partner_org, action=small_roadmap.actions.get(code=code)
        )
        Partnership.objects.create(adoption=theirs, partner=org, state="accepted")
    for n in range(3):
        other = OrganisationFactory(verified=True)
        Partnership.objects.create(adoption=adoption, partner=other)
        joint.objective_propose(
            partnership=accepted,
            organisation=partner_org,
            by=lead,
            text=f"Goal {n}",
            target_date=TOMORROW,
        )
        entry = _log(adoption, lead, partner_org, f"Entry {n}.")
        joint.entry_confirm(entry=entry, organisation=org, by=owner)

    assert [_count(client, url) for url in urls] == before
