"""The public profile's confirmed partnerships (issue 17): shown only when the admins turn
the switch on, accepted ones only, on the organisation's adoptions and as a partner; the
other organisation is named only when its own profile is public."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.adoption.models import Partnership, PartnershipState
from apps.organisations.models import Organisation, PublicProfile
from apps.organisations.services import profile_update
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

PAGE = "/organisations/patients-together/"
API = "/api/v1/organisations/patients-together/profile/"
SETTINGS = "/o/patients-together/profile/"
PRIVATE = "a verified organisation"


def _set(org: Organisation, by, **on: bool) -> PublicProfile:
    fields = {
        "is_public": True,
        "show_actions": False,
        "show_progress": False,
        "show_case_studies": False,
        "show_partnerships": False,
        "signer_title": "",
    }
    return profile_update(organisation=org, by=by, statement="", **{**fields, **on})


def _partnership(adoption, partner, state=PartnershipState.ACCEPTED) -> Partnership:
    answered = None if state == PartnershipState.PENDING else timezone.now()
    withdrawn = timezone.now() if state == PartnershipState.WITHDRAWN else None
    return Partnership.objects.create(
        adoption=adoption,
        partner=partner,
        state=state,
        answered_at=answered,
        withdrawn_at=withdrawn,
    )


@pytest.fixture
def partners(verified, owner, small_roadmap) -> dict[str, object]:
    """Patients Together's partnerships: with Open Hospital (public profile) on its A1.1.1,
    as the partner of Quiet Pharma (verified, profile private) on Quiet Pharma's A1.2.1,
    and a pending, a declined and a withdrawn one that must not show."""
    actions = {a.code: a for a in small_roadmap.actions.all()}
    public = OrganisationFactory(verified=True, name="Open Hospital", slug="open-hospital")
    MembershipFactory(organisation=public, user=owner, role="admin")
    _set(public, owner)
    private = OrganisationFactory(verified=True, name="Quiet Pharma", slug="quiet-pharma")
    others = [
        OrganisationFactory(verified=True, name=name) for name in ("Pending Ltd", "No Thanks")
    ]
    gone = OrganisationFactory(verified=True, name="Gone Away")
    ours = AdoptionFactory(organisation=verified, action=actions["A1.1.1"])
    theirs = AdoptionFactory(organisation=private, action=actions["A1.2.1"])
    _partnership(ours, public)
    _partnership(theirs, verified)
    _partnership(ours, others[0], PartnershipState.PENDING)
    _partnership(ours, others[1], PartnershipState.DECLINED)
    _partnership(ours, gone, PartnershipState.WITHDRAWN)
    pending = AdoptionFactory(organisation=private, action=actions["A2.1.1"])
    _partnership(pending, verified, PartnershipState.PENDING)
    return {"public": public, "private": private, "ours": ours, "theirs": theirs}


def _section(page: str) -> str:
    start = page.find('id="partnerships-heading"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_switched_off_nothing_shows(client, verified, owner, partners) -> None:
    _set(verified, owner, show_actions=True)
    page = client.get(PAGE).content.decode()
    assert not _section(page)
    assert "Open Hospital" not in page
    assert client.get(API).json()["partnerships"] is None


def test_switched_on_the_accepted_partnerships_show(client, verified, owner, partners) -> None:
    _set(verified, owner, show_partnerships=True)
    section = _section(client.get(PAGE).content.decode())
    assert "A1.1.1" in section  # ours, with Open Hospital
    assert 'href="/organisations/open-hospital/">Open Hospital</a>' in section
    assert "A1.2.1" in section  # Quiet Pharma's, with us as the partner
    # Pending, declined and withdrawn partnerships do not show, nor does a pending request
    # to us.
    for name in ("Pending Ltd", "No Thanks", "Gone Away", "A2.1.1"):
        assert name not in section
    # A partner no longer verified is not shown at all.
    Organisation.objects.filter(slug="open-hospital").update(status=Organisation.Status.REJECTED)
    assert "A1.1.1" not in _section(client.get(PAGE).content.decode())


def test_a_private_partner_is_not_named(client, verified, owner, partners) -> None:
    _set(verified, owner, show_partnerships=True)
    page = client.get(PAGE).content.decode()
    assert "Quiet Pharma" not in page
    assert "quiet-pharma" not in page
    assert PRIVATE in _section(page)


def test_the_api_shows_what_the_page_shows(client, verified, owner, partners) -> None:
    _set(verified, owner, show_partnerships=True)
    data = client.get(API).json()
    assert data["partnerships"] == [
        {
            "code": "A1.1.1",
            "title": "Action 1.1.1",
            "role": "owner",
            "partner": "Open Hospital",
            "partner_slug": "open-hospital",
        },
        {
            "code": "A1.2.1",
            "title": "Action 1.2.1",
            "role": "partner",
            "partner": PRIVATE,
            "partner_slug": None,
        },
    ]


def test_a_cached_page_follows_the_partnerships(client, verified, owner, partners) -> None:
    _set(verified, owner, show_partnerships=True)
    assert "Open Hospital" in client.get(PAGE).content.decode()
    public = partners["public"]
    PublicProfile.objects.filter(organisation=public).update(is_public=False)
    page = client.get(PAGE).content.decode()
    assert "Open Hospital" not in page  # no longer named: its profile closed
    Partnership.objects.filter(partner=public).update(state=PartnershipState.WITHDRAWN)
    assert "A1.1.1" not in _section(client.get(PAGE).content.decode())


def test_the_settings_page_has_the_switch(client_as, verified, owner) -> None:
    client = client_as(owner)
    assert 'name="show_partnerships"' in client.get(SETTINGS).content.decode()
    client.post(SETTINGS, {"is_public": "on", "show_partnerships": "on", "statement": ""})
    assert PublicProfile.objects.get(organisation=verified).show_partnerships


def test_the_page_makes_as_many_queries_for_many_partnerships(
    client, settings, verified, owner, small_roadmap
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    _set(verified, owner, show_partnerships=True)
    actions = list(small_roadmap.actions.order_by("code"))
    counts = []
    for batch in (actions[:2], actions[2:]):
        for action in batch:
            partner = OrganisationFactory(verified=True)
            _partnership(AdoptionFactory(organisation=verified, action=action), partner)
            other = OrganisationFactory(verified=True)
            MembershipFactory(organisation=other, user=owner, role="admin")
            _set(other, owner)
            _partnership(AdoptionFactory(organisation=other, action=action), verified)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15
