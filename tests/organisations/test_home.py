"""The organisation's home (/o/<slug>/), editing its details, and /o/ (my organisations)."""

from __future__ import annotations

from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from tests.organisations.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.organisations.helpers import assert_login_redirect, messages_of


def _home(org: Organisation) -> str:
    return reverse("organisations:home", args=[org.slug])


def _edit(org: Organisation) -> str:
    return reverse("organisations:edit", args=[org.slug])


# --- Home ------------------------------------------------------------------------------


def test_home_shows_the_organisation_and_that_pending_ones_do_not_count(
    client_as, org, viewer
) -> None:
    response = client_as(viewer).get(_home(org))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Patients Together" in html
    assert org.stakeholder_group.name in html
    assert "Belgium" in html
    assert "Western Europe" in html
    assert "Pending verification" in html
    assert "does not count in benchmarks until it is verified" in html


def test_home_of_a_verified_organisation_has_no_pending_note(client_as, org, viewer) -> None:
    org.status = Organisation.Status.VERIFIED
    org.save()
    html = client_as(viewer).get(_home(org)).content.decode()
    assert "Verified" in html
    assert "does not count in benchmarks until it is verified" not in html


def test_home_links_to_edit_and_audit_for_admins_only(client_as, org, owner, viewer) -> None:
    client = client_as(owner)
    html = client.get(_home(org)).content.decode()
    assert _edit(org) in html
    assert reverse("organisations:audit", args=[org.slug]) in html
    assert reverse("organisations:members", args=[org.slug]) in html

    html = client_as(viewer).get(_home(org)).content.decode()
    assert _edit(org) not in html
    assert reverse("organisations:audit", args=[org.slug]) not in html
    assert reverse("organisations:members", args=[org.slug]) in html


def test_home_shows_the_rejection_reason_to_admins_only(client_as, org, owner, viewer) -> None:
    org.status = Organisation.Status.REJECTED
    org.rejection_reason = "We could not confirm <b>who you are</b>."
    org.save()

    admin_html = client_as(owner).get(_home(org)).content.decode()
    assert "Rejected" in admin_html
    assert "We could not confirm &lt;b&gt;who you are&lt;/b&gt;." in admin_html

    viewer_html = client_as(viewer).get(_home(org)).content.decode()
    assert "Rejected" in viewer_html
    assert "We could not confirm" not in viewer_html


def test_home_of_an_unknown_organisation_is_404(client_as, outsider) -> None:
    assert client_as(outsider).get("/o/no-such-organisation/").status_code == 404


# --- Edit ------------------------------------------------------------------------------


def _details(org: Organisation, **changes: str) -> dict[str, str]:
    data = {
        "name": org.name,
        "stakeholder_group": str(org.stakeholder_group_id),
        "country": org.country.code,
        "level": org.level,
        "website": org.website,
        "description": org.description,
    }
    return {**data, **changes}


def test_edit_shows_the_current_details(client_as, org, owner) -> None:
    response = client_as(owner).get(_edit(org))
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "Patients Together"


def test_edit_saves_and_records_before_and_after(client_as, org, owner) -> None:
    response = client_as(owner).post(
        _edit(org), _details(org, name="Patients Together Europe", country="PT")
    )

    assert response.status_code == 302
    assert response["Location"] == _home(org)
    org.refresh_from_db()
    assert org.name == "Patients Together Europe"
    assert org.region == "southern"
    event = AuditEvent.objects.get(verb="organisation.updated")
    assert event.before["name"] == "Patients Together"
    assert event.after["name"] == "Patients Together Europe"
    assert messages_of(response) == ["The organisation's details are saved."]


def test_edit_with_bad_input_changes_nothing(client_as, org, owner) -> None:
    response = client_as(owner).post(_edit(org), _details(org, name="", website="nope"))

    assert response.status_code == 200
    assert {"name", "website"} <= set(response.context["form"].errors)
    org.refresh_from_db()
    assert org.name == "Patients Together"
    assert not AuditEvent.objects.filter(verb="organisation.updated").exists()


def test_edit_without_changes_records_nothing(client_as, org, owner) -> None:
    response = client_as(owner).post(_edit(org), _details(org))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(verb="organisation.updated").exists()


# --- My organisations ------------------------------------------------------------------


def test_mine_lists_my_organisations_with_my_role(client_as, outsider) -> None:
    MembershipFactory(user=outsider, role=Role.PE_LEAD, organisation__name="Alpha Health")
    MembershipFactory(user=outsider, role=Role.VIEWER, organisation__name="Beta Care")
    OrganisationFactory(name="Gamma Not Mine")

    response = client_as(outsider).get(reverse("organisations:mine"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Health" in html
    assert "PE lead" in html
    assert "Beta Care" in html
    assert "Gamma Not Mine" not in html
    assert reverse("organisations:new") in html


def test_mine_lists_pending_invitations_to_my_address(client_as, outsider) -> None:
    mine = InvitationFactory(email="OUTSIDER@example.org", organisation__name="Invites Me")
    InvitationFactory(email="outsider@example.org", revoked=True, organisation__name="Revoked")
    InvitationFactory(email="outsider@example.org", expired=True, organisation__name="Expired")
    InvitationFactory(email="someone@example.org", organisation__name="Someone Else")

    html = client_as(outsider).get(reverse("organisations:mine")).content.decode()

    assert "Invites Me" in html
    assert mine.get_absolute_url() in html
    assert "Revoked" not in html
    assert "Expired" not in html
    assert "Someone Else" not in html


def test_mine_leaves_out_invitations_to_organisations_i_belong_to(client_as, outsider) -> None:
    joined = MembershipFactory(user=outsider, organisation__name="Joined Since").organisation
    InvitationFactory(email=outsider.email, organisation=joined)

    response = client_as(outsider).get(reverse("organisations:mine"))

    assert response.status_code == 302  # a member of one organisation, nothing waiting
    assert response["Location"] == joined.get_absolute_url()


def test_mine_needs_sign_in(client, db) -> None:
    assert_login_redirect(client.get(reverse("organisations:mine")))
