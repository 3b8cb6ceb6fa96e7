"""Issue 18: the organisation's private pages are cached, and every write they show makes them
out of date. Each test reads a page, writes through a service or the API, and reads the page
again (in the cache the site runs with: Redis when REDIS_URL is set), with the callbacks a
commit runs (the data version is renewed after the commit). The benchmark page's test is
with its population, in ``tests/benchmarking/test_pages_organisation.py``.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from apps.adoption import services
from apps.adoption.models import Adoption, AdoptionStatus, Partnership
from apps.adoption.partnerships import services as joint
from apps.organisations.data_version import data_version_key, organisation_data_changed
from apps.organisations.models import Organisation
from apps.pulse.services import pulse_submit
from apps.roadmap.cache import cached_fragment, cached_with_versions
from apps.roadmap.models import Dimension, EndGoal
from tests.pulse.conftest import all_answers
from tests.roadmap.factories import PulseStatementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_cache")]

TODAY = timezone.localdate()


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs what the block leaves for after the commit, as a commit does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def lead(partner_people):
    return partner_people["partner_lead"]


@pytest.fixture
def asked(adoption, owner, partner_org, lead) -> Partnership:
    """The persona organisation asks the partner to act on its adoption of A1.1.1."""
    return joint.partnership_request(adoption=adoption, partner=partner_org, by=owner)


def _home(org: Organisation) -> str:
    return reverse("organisations:home", args=[org.slug])


def _roadmap(org: Organisation) -> str:
    return reverse("adoption:roadmap", args=[org.slug])


# --- The dashboard -----------------------------------------------------------------------


def test_the_dashboard_shows_progress_logged_through_the_api(
    client_as, api_as, org, contributor, adoption, commit
) -> None:
    client = client_as(contributor)
    before = _text(client, _home(org))
    assert "Ran the first workshop" not in before
    assert _text(client, _home(org)) == before  # from the cache

    url = f"/api/v1/organisations/{org.slug}/adoptions/{adoption.pk}/progress/"
    body = {"narrative": "Ran the first workshop", "status": "in_progress"}
    with commit():
        assert api_as(contributor).post(url, body, format="json").status_code == 201

    after = _text(client, _home(org))
    assert "Ran the first workshop" in after
    assert "Status: Planned → In progress" in after


def test_the_dashboard_shows_a_new_status_and_a_new_checkpoint(
    client_as, org, contributor, pe_lead, adoption, commit
) -> None:
    client = client_as(pe_lead)
    before = _text(client, _home(org))
    assert "Latest checkpoint" not in before

    with commit():
        services.adoption_update(adoption=adoption, by=contributor, status="implemented")
        services.assessment_create(
            organisation=org,
            by=pe_lead,
            assessed_on=TODAY,
            goal_levels={EndGoal.objects.get(code="EG1"): 3},
            dimension_levels={Dimension.objects.get(slug="culture"): 2},
        )

    after = _text(client, _home(org))
    assert "Status: Planned → Implemented" in after
    assert "Latest checkpoint" in after
    assert "EG1 at level 3, its first rating" in after


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_joint_adoption_shows_on_both_dashboards(
    org, owner, contributor, adoption, asked, partner_org, lead, commit
) -> None:
    theirs, ours = _signed_in(lead), _signed_in(owner)
    assert "Patients Together asks you to act on A1.1.1 together" in _text(
        theirs, _home(partner_org)
    )

    with commit():
        joint.partnership_accept(partnership=asked, organisation=partner_org, by=lead)
    partner_page = _text(theirs, _home(partner_org))
    assert "asks you to act on A1.1.1" not in partner_page
    assert "With Patients Together · Planned, 0% complete" in partner_page

    # The partner's entry shows in the adoption's organisation's recent activity ...
    assert "Co-hosted the workshop" not in _text(ours, _home(org))
    data = services.EntryInput(entry_date=TODAY, narrative="Co-hosted the workshop")
    with commit():
        services.progress_entry_create(adoption=adoption, by=lead, data=data, organisation=org)
    assert "Co-hosted the workshop" in _text(ours, _home(org))

    # ... and the owner's progress on the partner's dashboard (raised after the commit).
    data = services.EntryInput(
        entry_date=TODAY, narrative="Halfway.", status_to="in_progress", percent_complete=50
    )
    with commit():
        services.progress_entry_create(adoption=adoption, by=contributor, data=data)
    assert "With Patients Together · In progress, 50% complete" in _text(theirs, _home(partner_org))


def test_a_partner_accepted_after_the_adoption_s_partners_were_kept_sees_its_progress(
    org, adoption, contributor, asked, partner_org, lead, commit
) -> None:
    """Who an adoption's partners are is kept in the cache (``partnerships.cached``): an
    entry logged before the partnership keeps "none"; accepting renews it, so the next entry
    reaches the new partner's dashboard."""

    def log(percent: int) -> None:
        data = services.EntryInput(
            entry_date=TODAY, narrative=f"{percent}%.", status_to="in_progress",
            percent_complete=percent,
        )  # fmt: skip
        with commit():
            services.progress_entry_create(adoption=adoption, by=contributor, data=data)

    log(20)  # no partner yet: the adoption's partners (none) are kept
    theirs = _signed_in(lead)
    with commit():
        joint.partnership_accept(partnership=asked, organisation=partner_org, by=lead)
    assert "With Patients Together · In progress, 20% complete" in _text(theirs, _home(partner_org))

    log(70)
    assert "With Patients Together · In progress, 70% complete" in _text(theirs, _home(partner_org))


def test_answering_the_pulse_takes_its_invitation_off_the_dashboard(
    client_as, org, viewer, published_edition, commit
) -> None:
    for n in (1, 2, 3):
        PulseStatementFactory(edition=published_edition, code=f"PU-{n}", order=n)
    client = client_as(viewer)
    invitation = "Answer the pulse"
    assert invitation in _text(client, _home(org))
    assert invitation in _text(client, _home(org))  # from the cache

    with commit():
        pulse_submit(user=viewer, organisation=org, answers=all_answers())

    assert invitation not in _text(client, _home(org))


# --- The organisation's roadmap ----------------------------------------------------------


def test_the_roadmap_shows_a_new_status(
    client_as, org, viewer, contributor, adoption, commit
) -> None:
    client = client_as(viewer)
    assert "A1.1.1 Action 1.1.1 Planned" in _text(client, _roadmap(org))

    with commit():
        services.adoption_update(adoption=adoption, by=contributor, status="paused")

    assert "A1.1.1 Action 1.1.1 Paused" in _text(client, _roadmap(org))


def test_the_roadmap_shows_a_partnership_accepted_through_the_api(
    client_as, api_as, asked, partner_org, lead, commit
) -> None:
    client = client_as(lead)
    assert "Joint adoption with Patients Together" not in _text(client, _roadmap(partner_org))

    url = f"/api/v1/organisations/{partner_org.slug}/partnerships/{asked.pk}/accept/"
    with commit():
        assert api_as(lead).post(url).status_code == 200

    assert "Joint adoption with Patients Together" in _text(client, _roadmap(partner_org))


def test_the_roadmap_shows_a_new_adoption_in_every_language(
    client_as, org, viewer, contributor, small_roadmap, commit
) -> None:
    client = client_as(viewer)
    assert "A2.2.1 Action 2.2.1 Not adopted" in _text(client, _roadmap(org))
    client.cookies["django_language"] = "fr"
    french = _text(client, _roadmap(org))
    assert 'lang="fr"' in client.get(_roadmap(org)).content.decode()

    with commit():
        services.adoption_create(
            organisation=org, action=small_roadmap.actions.get(code="A2.2.1"), by=contributor
        )

    assert _text(client, _roadmap(org)) != french
    client.cookies["django_language"] = "en"
    assert "A2.2.1 Action 2.2.1 Planned" in _text(client, _roadmap(org))


# --- The versions ------------------------------------------------------------------------


def test_what_was_cached_before_the_commit_is_not_served_after_it(
    org, django_capture_on_commit_callbacks
) -> None:
    key = [data_version_key(org.pk)]
    with django_capture_on_commit_callbacks() as after_commit:
        organisation_data_changed(org)
        # Another reader, before the commit: what it reads is cached under the version of now.
        assert cached_with_versions("probe", lambda: "before", tokens=key) == "before"
        assert cached_with_versions("probe", lambda: "again", tokens=key) == "before"
    assert after_commit
    for callback in after_commit:
        callback()

    assert cached_with_versions("probe", lambda: "after", tokens=key) == "after"


def test_a_lost_version_is_a_miss_never_stale_data(org, site_cache) -> None:
    key = [data_version_key(org.pk)]
    assert cached_with_versions("probe", lambda: "old", tokens=key) == "old"
    site_cache.delete(key[0])  # evicted, or Redis emptied
    assert cached_with_versions("probe", lambda: "new", tokens=key) == "new"


def test_each_language_is_kept_apart(org) -> None:
    key = [data_version_key(org.pk)]
    with translation.override("fr"):
        assert cached_with_versions("probe", lambda: "français", tokens=key) == "français"
    with translation.override("en"):
        assert cached_with_versions("probe", lambda: "English", tokens=key) == "English"
    with translation.override("fr"):
        assert cached_with_versions("probe", lambda: "?", tokens=key) == "français"


def test_with_redis_down_every_read_computes(org) -> None:
    dead = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    key = [data_version_key(org.pk)]
    with override_settings(CACHES=dead):
        caches._settings = caches.settings = caches.configure_settings(None)
        organisation_data_changed(org)  # no error
        assert cached_with_versions("probe", lambda: 1, tokens=key) == 1
        assert cached_with_versions("probe", lambda: 2, tokens=key) == 2
    caches._settings = caches.settings = caches.configure_settings(None)


def test_the_write_path_raises_the_partners_versions_after_the_commit_only(
    contributor, adoption, asked, partner_org, lead, site_cache, commit
) -> None:
    joint.partnership_accept(partnership=asked, organisation=partner_org, by=lead)
    theirs = data_version_key(partner_org.pk)
    cached_with_versions("probe", lambda: "x", tokens=[theirs])
    before = site_cache.get(theirs)
    data = services.EntryInput(entry_date=TODAY, narrative="Done.", percent_complete=100)

    with commit():
        services.progress_entry_create(adoption=adoption, by=contributor, data=data)
        assert site_cache.get(theirs) == before  # not yet: no query in the write itself
    assert site_cache.get(theirs) != before
    assert Adoption.objects.get(pk=adoption.pk).percent_complete == 100
    assert Adoption.objects.get(pk=adoption.pk).status == AdoptionStatus.PLANNED


def test_a_new_name_shows_on_the_organisations_pages(
    client_as, org, contributor, pe_lead, adoption, commit
) -> None:
    services.adoption_update(adoption=adoption, by=pe_lead, owner=contributor)
    client = client_as(pe_lead)
    assert contributor.full_name in _text(client, _home(org))
    with commit():
        response = client_as(contributor).post(
            reverse("accounts:profile"),
            {"full_name": "Cora Renamed", "language": "en", "digest_enabled": "on"},
        )
    assert response.status_code == 302
    after = _text(client, _home(org))
    assert "Cora Renamed" in after
    assert contributor.full_name not in after


# --- The rendered parts ------------------------------------------------------------------


def _main(client, url: str) -> str:
    """The page's main content, without its CSRF tokens (a new mask each time)."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


@pytest.mark.parametrize("persona", ["owner", "pe_lead", "contributor", "viewer"])
def test_a_page_from_the_cache_is_the_page_rendered(
    personas, org, adoption, site_cache, persona
) -> None:
    """Each persona sees the same page from an empty cache and from a warm one: the cached
    parts are kept per permission, with nothing of the reader's own in them."""
    services.adoption_update(adoption=adoption, by=personas["owner"], target_date=TODAY)
    client = _signed_in(personas[persona])
    for url in (_home(org), _roadmap(org)):
        site_cache.clear()
        cold = _main(client, url)
        assert "&lt;" not in cold  # the parts are shown as HTML, not escaped again
        assert _main(client, url) == cold
        # The other personas' parts, kept first, are not served to this one.
        for other in ("owner", "pe_lead", "contributor", "viewer"):
            _signed_in(personas[other]).get(url)
        assert _main(client, url) == cold


def test_a_part_never_holds_a_csrf_token(org, rf) -> None:
    """A part is rendered without the request: a form in it has no token to keep (the page
    keeps its forms outside the cached parts)."""
    form = {"show": True, "kind": "organisation", "target": org.slug, "label": org.name}
    part = cached_fragment(
        "probe", "follows/_button.html", lambda: form, tokens=[data_version_key(org.pk)]
    )
    assert "<form" in str(part)
    assert "csrfmiddlewaretoken" not in str(part)
