"""The public profile (issue 17, part 3): nothing shows unless an admin turns it on, item by
item; the leadership statement is signed by the admin who wrote it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.adoption.models import AdoptionStatus
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation, PublicProfile
from apps.organisations.services import profile_update
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.practices.factories import CaseStudyFactory

PAGE = "/organisations/patients-together/"
SETTINGS = "/o/patients-together/profile/"
ALL_ON = {"is_public": True, "show_actions": True, "show_progress": True}


def _switches(**on: bool) -> dict[str, object]:
    fields: dict[str, object] = {
        "is_public": False,
        "show_actions": False,
        "show_progress": False,
        "show_case_studies": False,
        "signer_title": "",
    }
    return {**fields, **on}


def _set(org: Organisation, by, statement: str = "", **on: bool) -> PublicProfile:
    return profile_update(organisation=org, by=by, statement=statement, **_switches(**on))


@pytest.fixture
def adoption(verified, small_roadmap):
    return AdoptionFactory(
        organisation=verified,
        action=small_roadmap.actions.get(code="A1.1.1"),
        percent_complete=37,
        target_date=dt.date(2027, 3, 1),
    )


def test_a_profile_is_private_by_default(client, verified, owner) -> None:
    assert client.get(PAGE).status_code == 404
    _set(verified, owner, statement="We commit.")  # a statement, but not public
    assert client.get(PAGE).status_code == 404


def test_a_pending_organisation_has_no_public_profile_even_when_switched_on(
    client, org, owner
) -> None:
    _set(org, owner, is_public=True)
    assert client.get(PAGE).status_code == 404
    client.force_login(owner)  # its admins preview it
    assert "Preview." in client.get(PAGE).content.decode()


def test_each_switch_shows_its_item(client, verified, owner, adoption) -> None:
    case_study = CaseStudyFactory(adoption=adoption, published=True, title="Our patient panel")
    CaseStudyFactory(adoption=adoption, title="A draft not to show")

    _set(verified, owner, is_public=True)
    page = client.get(PAGE).content.decode()
    assert "Patients Together" in page
    assert "A1.1.1" not in page
    assert "Our patient panel" not in page

    _set(verified, owner, is_public=True, show_actions=True)
    page = client.get(PAGE).content.decode()
    assert "Action 1.1.1" in page
    assert "In progress" in page
    assert reverse("roadmap:action", args=["A1.1.1"]) in page
    # the figures as the page renders them: a bare "37" can be in a factory's name
    assert "37&nbsp;%" not in page
    assert 'datetime="2027-03-01"' not in page

    _set(verified, owner, **ALL_ON)
    page = client.get(PAGE).content.decode()
    assert "37&nbsp;%" in page
    assert 'datetime="2027-03-01"' in page

    _set(verified, owner, is_public=True, show_case_studies=True)
    page = client.get(PAGE).content.decode()
    assert case_study.get_absolute_url() in page
    assert "A draft not to show" not in page
    assert "Action 1.1.1</a>" not in page


def test_a_cached_page_follows_changes_to_adoptions(client, verified, owner, adoption) -> None:
    _set(verified, owner, is_public=True, show_actions=True)
    assert "In progress" in client.get(PAGE).content.decode()
    adoption.status = AdoptionStatus.DISCONTINUED
    adoption.save()
    assert "Discontinued" in client.get(PAGE).content.decode()
    verified.name = "Patients Together Again"
    verified.save()
    assert "Patients Together Again" in client.get(PAGE).content.decode()


def test_the_statement_is_signed_by_the_admin_who_saved_it(client, verified, owner) -> None:
    owner.full_name = "Ada Admin"
    owner.save()
    statement = "We <b>commit</b>."
    profile = _set(verified, owner, statement, is_public=True, signer_title="Chief executive")

    page = client.get(PAGE).content.decode()
    assert "We &lt;b&gt;commit&lt;/b&gt;." in page
    assert "<b>commit" not in page
    assert "Signed by Ada Admin, Chief executive, on" in page
    profile.refresh_from_db()
    assert profile.statement_signed_by == owner
    assert profile.statement_signed_on is not None
    verbs = set(AuditEvent.objects.filter(organisation=verified).values_list("verb", flat=True))
    assert {"profile.updated", "profile.statement_signed"} <= verbs


def test_only_an_admin_signs(client_as, verified, owner, pe_lead) -> None:
    assert client_as(pe_lead).get(SETTINGS).status_code == 403
    with pytest.raises(ValidationError):
        _set(verified, pe_lead, statement="Not mine to sign.")


def test_the_settings_page_saves_and_re_signs(client_as, verified, owner) -> None:
    client = client_as(owner)
    assert client.get(SETTINGS).status_code == 200
    response = client.post(SETTINGS, {"is_public": "on", "statement": "We commit."}, follow=True)
    assert "The public profile shows what you chose." in response.content.decode()
    profile = PublicProfile.objects.get(organisation=verified)
    assert profile.is_public
    assert profile.statement_signed_by == owner


def test_the_directory_links_public_profiles(client, owner) -> None:
    listed = OrganisationFactory(listed=True, name="Listed Public", slug="listed-public")
    OrganisationFactory(listed=True, name="Listed Private", slug="listed-private")
    MembershipFactory(organisation=listed, user=owner, role="admin")
    _set(listed, owner, is_public=True)

    page = client.get(reverse("organisations:directory")).content.decode()
    assert 'href="/organisations/listed-public/"' in page
    assert "/organisations/listed-private/" not in page


def test_the_page_makes_as_many_queries_for_many_adoptions(
    client, settings, verified, owner, small_roadmap
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    _set(verified, owner, is_public=True, show_actions=True, show_case_studies=True)
    actions = list(small_roadmap.actions.order_by("code"))
    counts = []
    for batch in (actions[:2], actions[2:]):
        for action in batch:
            adoption = AdoptionFactory(organisation=verified, action=action)
            CaseStudyFactory(adoption=adoption, published=True)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15


API = "/api/v1/organisations/patients-together/profile/"


def test_the_api_shows_what_the_page_shows(client, verified, owner, adoption) -> None:
    assert client.get(API).status_code == 404
    _set(verified, owner, "We commit.", is_public=True, show_actions=True)

    data = client.get(API).json()
    assert data["statement"]["text"] == "We commit."
    assert data["actions"] == [{"code": "A1.1.1", "title": "Action 1.1.1", "status": "in_progress"}]
    assert data["case_studies"] is None

    _set(verified, owner, "We commit.", **ALL_ON)
    assert client.get(API).json()["actions"][0]["percent_complete"] == 37


def test_portal_staff_see_the_profile_in_the_admin(admin_client, verified, owner) -> None:
    _set(verified, owner, "We commit.", is_public=True)
    url = reverse("admin:organisations_organisation_change", args=[verified.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "We commit." in response.content.decode()
