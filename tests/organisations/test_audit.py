"""The organisation's audit log: /o/<slug>/audit/."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.organisations.models import Invitation, Membership, Organisation
from tests.accounts.factories import UserFactory
from tests.roadmap.factories import StakeholderGroupFactory


def _audit(org: Organisation) -> str:
    return reverse("organisations:audit", args=[org.slug])


def _events(org: Organisation, count: int, actor) -> None:
    for n in range(count):
        audit_record(
            actor=actor,
            verb="organisation.updated",
            obj=org,
            organisation=org,
            before={"name": f"Name {n}"},
            after={"name": f"Name {n + 1}"},
        )


def test_it_records_each_step_with_before_and_after(
    client, db, django_capture_on_commit_callbacks
) -> None:
    group = StakeholderGroupFactory()
    founder = UserFactory(email="founder@example.org")
    client.force_login(founder)
    client.post(
        reverse("organisations:new"),
        {
            "name": "Audit Trail Org",
            "stakeholder_group": group.pk,
            "country": "IE",
            "level": "national",
        },
    )
    org = Organisation.objects.get(name="Audit Trail Org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:invite", args=[org.slug]),
            {"email": "joiner@example.org", "role": "contributor"},
        )
    invitation = Invitation.objects.get(organisation=org)
    joiner = UserFactory(email="joiner@example.org")
    client.force_login(joiner)
    client.post(invitation.get_absolute_url())
    client.force_login(founder)
    membership = Membership.objects.get(organisation=org, user=joiner)
    client.post(
        reverse("organisations:member-role", args=[org.slug, membership.pk]), {"role": "pe_lead"}
    )

    response = client.get(_audit(org))

    assert response.status_code == 200
    verbs = [event.verb for event in response.context["events"]]
    assert verbs == [
        "membership.role_changed",
        "invitation.accepted",
        "invitation.created",
        "membership.created",
        "organisation.registered",
    ]
    html = response.content.decode()
    for text in (
        "registered the organisation",
        "invited someone",
        "accepted an invitation",
        "changed a member&#x27;s role",
        "founder@example.org",
        "joiner@example.org",
    ):
        assert text in html
    role_change = response.context["events"][0]
    assert ("role", "contributor", "pe_lead") in role_change.changes()
    assert "<td>contributor</td>" in html
    assert "<td>pe_lead</td>" in html
    assert "<td>Audit Trail Org</td>" in html  # the registration's "after" name


def test_it_shows_a_former_member_when_the_actor_is_gone(client_as, org, owner) -> None:
    AuditEvent.objects.create(
        organisation=org, verb="membership.left", object_type="organisations.Membership"
    )
    html = client_as(owner).get(_audit(org)).content.decode()
    assert "a former member" in html
    assert "left the organisation" in html


def test_it_escapes_recorded_text(client_as, org, owner) -> None:
    audit_record(
        actor=owner,
        verb="organisation.updated",
        obj=org,
        organisation=org,
        before={"name": "Old"},
        after={"name": "<script>alert(1)</script>"},
    )
    html = client_as(owner).get(_audit(org)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_shows_only_this_organisations_events(client_as, org, owner) -> None:
    other = Organisation.objects.create(
        name="Elsewhere",
        slug="elsewhere",
        stakeholder_group=org.stakeholder_group,
        country="FR",
        level="local",
    )
    _events(other, 3, owner)
    response = client_as(owner).get(_audit(org))
    assert list(response.context["events"]) == []


def test_it_pages_by_fifty_newest_first(client_as, org, owner) -> None:
    _events(org, 60, owner)
    client = client_as(owner)

    first = client.get(_audit(org))
    second = client.get(_audit(org), {"page": 2})

    assert len(first.context["events"]) == 50
    assert len(second.context["events"]) == 10
    assert first.context["events"][0].after == {"name": "Name 60"}
    assert second.context["events"][9].after == {"name": "Name 1"}
    assert "?page=2" in first.content.decode()


def test_its_query_count_does_not_grow_with_the_events(client_as, org, owner) -> None:
    client = client_as(owner)
    _events(org, 10, owner)
    client.get(_audit(org))  # the header's organisations and edition, into the cache
    with CaptureQueriesContext(connection) as ten:
        assert client.get(_audit(org)).status_code == 200
    _events(org, 30, owner)
    with CaptureQueriesContext(connection) as forty:
        assert client.get(_audit(org)).status_code == 200

    assert len(forty) == len(ten), "\n".join(q["sql"] for q in forty.captured_queries)
