"""The header's organisation switcher, cached per user (``apps/organisations/navigation.py``).

Each change is written through the portal's pages (or as the admin site writes it) and read
back through a page: the header must follow at once, from whatever the cache holds. The
tests run with the suite's in-memory cache, and again with Redis as the cache (sessions
included) when ``REDIS_URL`` is set (CI, or ``DATABASE_URL=postgres://… REDIS_URL=redis://…``
locally)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.core.cache import read_tokens
from apps.organisations import navigation
from apps.organisations.models import Level, Membership, Organisation
from apps.organisations.navigation import NavOrganisation, navigation_for
from apps.organisations.permissions import Role
from tests.organisations.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.roadmap.factories import StakeholderGroupFactory

pytestmark = pytest.mark.django_db

MINE = "/o/?all=1"


@pytest.fixture(params=["locmem", "redis"])
def nav_cache(request: pytest.FixtureRequest, settings) -> Iterator[str]:
    """The cache the pages use: the suite's in-memory one, or Redis (keys of this test
    only, removed afterwards) when REDIS_URL is set."""
    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("REDIS_URL is not set: no Redis to cache in")
        settings.CACHES = {
            "default": {
                "BACKEND": "apps.core.cache.ResilientRedisCache",
                "LOCATION": settings.REDIS_URL,
                "KEY_PREFIX": f"test-nav-{uuid.uuid4().hex}",
                "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
            }
        }
        yield request.param
        cache.delete_pattern("*")  # this test's prefix only
    else:
        yield request.param


def header_organisations(client: Client, url: str = MINE) -> list[str]:
    """The names of the organisations the header's switcher lists on the page at ``url``."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    return re.findall(r'<a class="dropdown-item" href="/o/[^/"]+/">([^<]*)</a>', header)


def test_the_header_lists_an_organisation_right_after_joining(
    nav_cache, client_as, outsider
) -> None:
    client = client_as(outsider)
    MembershipFactory(user=outsider, organisation__name="Alpha Health")
    assert header_organisations(client) == ["Alpha Health"]  # now cached
    invitation = InvitationFactory(email=outsider.email, organisation__name="Beta Care")

    assert client.post(invitation.get_absolute_url()).status_code == 302

    assert header_organisations(client) == ["Alpha Health", "Beta Care"]


def test_the_header_drops_an_organisation_right_after_leaving(
    nav_cache, client_as, outsider
) -> None:
    client = client_as(outsider)
    MembershipFactory(user=outsider, organisation__name="Alpha Health")
    beta = MembershipFactory(user=outsider, organisation__name="Beta Care").organisation
    assert header_organisations(client) == ["Alpha Health", "Beta Care"]

    response = client.post(reverse("organisations:leave", kwargs={"slug": beta.slug}))

    assert response.status_code == 302
    assert header_organisations(client) == ["Alpha Health"]


def test_registering_an_organisation_shows_it_in_the_header(nav_cache, client_as, outsider) -> None:
    client = client_as(outsider)
    MembershipFactory(user=outsider, organisation__name="Alpha Health")
    assert header_organisations(client) == ["Alpha Health"]

    response = client.post(
        reverse("organisations:new"),
        {
            "name": "Zeta Patients",
            "stakeholder_group": str(StakeholderGroupFactory().pk),
            "country": "PL",
            "level": Level.NATIONAL,
        },
    )

    assert response.status_code == 302
    assert header_organisations(client) == ["Alpha Health", "Zeta Patients"]


def test_a_member_removed_by_an_admin_loses_it_from_the_header(
    nav_cache, client_as, org, owner, viewer
) -> None:
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert header_organisations(viewer_client) == [org.name]
    membership = Membership.objects.get(user=viewer, organisation=org)

    response = client_as(owner).post(
        reverse("organisations:member-remove", kwargs={"slug": org.slug, "pk": membership.pk})
    )

    assert response.status_code == 302
    assert header_organisations(viewer_client) == []


def test_a_renamed_organisation_shows_its_new_name_to_every_member(
    nav_cache, client_as, org, owner, viewer
) -> None:
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert header_organisations(viewer_client) == ["Patients Together"]

    org.name = "Patients Together Europe"
    org.save()

    assert header_organisations(viewer_client) == ["Patients Together Europe"]


def test_a_deleted_organisation_leaves_its_members_headers(
    nav_cache, client_as, org, viewer
) -> None:
    client = client_as(viewer)
    assert header_organisations(client) == [org.name]

    org.delete()  # the admin site's deletion: the memberships go with it

    assert header_organisations(client) == []


def _token(user: User) -> object:
    """The member's navigation token as the next reader sees it."""
    (token,), _ = read_tokens([navigation._version_key(user.pk)])
    return token


def test_a_role_change_or_any_change_to_the_organisation_refreshes_the_entry(
    nav_cache, client_as, org, owner, viewer
) -> None:
    """A role change and any save of the organisation replace the member's token (``/o/``
    shows both, and the organisation's pages start from the organisation kept with it); a
    save of another organisation keeps it."""
    client_as(viewer)
    header_organisations(client_as(viewer))
    token = _token(viewer)
    membership = Membership.objects.get(user=viewer, organisation=org)

    client_as(owner).post(
        reverse("organisations:member-role", kwargs={"slug": org.slug, "pk": membership.pk}),
        {"role": Role.CONTRIBUTOR},
    )
    after_role = _token(viewer)
    assert after_role not in (None, token)

    org.status = Organisation.Status.VERIFIED
    org.save(update_fields=["status"])
    after_status = _token(viewer)
    assert after_status not in (None, after_role)

    org.description = "What we do."
    org.save(update_fields=["description"])
    after_description = _token(viewer)
    assert after_description not in (None, after_status)

    other = OrganisationFactory()
    other.save()
    assert _token(viewer) == after_description


def test_a_change_becomes_visible_again_after_the_commit(
    nav_cache, outsider, django_capture_on_commit_callbacks
) -> None:
    """A reader in another transaction may read the list before the writer commits and
    store it under the token of that moment: the token replaced after the commit makes that
    entry a miss."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        MembershipFactory(user=outsider, organisation__name="Alpha Health")
        # A concurrent reader, not yet seeing the membership, reads the token (what the
        # cache holds: the writer's renewal waits for its own next read or its commit) and
        # stores what it read (``remember_versioned``'s entry: the tokens, then the value).
        token = cache.get(navigation._version_key(outsider.pk))
        entry = ((token,), [])
        cache.set(navigation._entry_key(outsider.pk), entry, navigation.NAV_SECONDS)
    assert callbacks

    for callback in callbacks:
        callback()

    assert navigation_for(outsider) == [NavOrganisation(name="Alpha Health", slug=_slug(outsider))]


def test_a_lost_token_is_a_miss_never_stale_data(nav_cache, outsider) -> None:
    MembershipFactory(user=outsider, organisation__name="Alpha Health")
    assert [o.name for o in navigation_for(outsider)] == ["Alpha Health"]
    # A rename that sends no signal: the entry stays as it is, until its token goes.
    Organisation.objects.filter(memberships__user=outsider).update(name="Renamed")
    assert [o.name for o in navigation_for(outsider)] == ["Alpha Health"]

    cache.delete(navigation._version_key(outsider.pk))  # evicted, or Redis emptied

    assert [o.name for o in navigation_for(outsider)] == ["Renamed"]


def test_with_the_cache_away_the_header_is_read_from_the_database(
    client_as, outsider, monkeypatch
) -> None:
    MembershipFactory(user=outsider, organisation__name="Alpha Health")
    client = client_as(outsider)

    def away(*args: object, **kwargs: object) -> None:
        raise ConnectionError("the cache is away")

    for method in ("get_many", "get", "add", "set", "set_many"):
        monkeypatch.setattr(cache, method, away)

    assert [o.name for o in navigation_for(outsider)] == ["Alpha Health"]
    monkeypatch.undo()
    assert header_organisations(client) == ["Alpha Health"]


def test_visitors_have_no_organisations(db) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert navigation_for(AnonymousUser()) == []


def _slug(user: object) -> str:
    return Membership.objects.get(user=user).organisation.slug


# --- What a signed-in page costs -------------------------------------------------------


def test_the_smallest_signed_in_page_needs_no_query_once_cached(
    nav_cache, client_as, outsider, published_edition, django_assert_num_queries
) -> None:
    """``/o/``: the session, the user, the header's organisations and edition and the page's
    own list all come from the cache. It took 6 queries before the session, the navigation
    and the footer's edition were cached, and 3 before the user and the list were."""
    MembershipFactory(user=outsider, organisation__name="Alpha Health")
    MembershipFactory(user=outsider, organisation__name="Beta Care")
    client = client_as(outsider)
    client.get(MINE)  # fills the cache

    with django_assert_num_queries(0):
        assert client.get(MINE).status_code == 200


def _main(client: Client) -> str:
    html = client.get(MINE).content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def test_the_organisations_page_shows_each_change_on_the_next_view(
    nav_cache, client_as, outsider
) -> None:
    """``/o/`` is kept per user: an invitation sent or revoked, an organisation verified,
    renamed or moved to another group, a role changed, all show on the next view."""
    membership = MembershipFactory(
        user=outsider, role=Role.VIEWER, organisation__name="Alpha Health"
    )
    org = membership.organisation
    client = client_as(outsider)
    assert "Alpha Health" in _main(client)
    assert "Invitations waiting for you" not in _main(client)

    invitation = InvitationFactory(email=outsider.email.upper(), organisation__name="Beta Care")
    assert "Beta Care" in _main(client)
    invitation.revoked_at = invitation.created_at
    invitation.save()
    assert "Beta Care" not in _main(client)

    org.status = Organisation.Status.VERIFIED
    org.save(update_fields=["status"])
    assert org.get_status_display() in _main(client)
    org.stakeholder_group = StakeholderGroupFactory(name="Regulators of note")
    org.save()
    assert "Regulators of note" in _main(client)
    membership.role = Role.CONTRIBUTOR
    membership.save()
    assert membership.get_role_display() in _main(client)


def test_the_organisations_page_is_kept_no_longer_than_its_first_invitation_is_open(
    nav_cache, outsider
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    assert navigation.mine_fragment(outsider).kept["fresh_for"] == navigation.NAV_SECONDS
    InvitationFactory(email=outsider.email, expires_at=timezone.now() + timedelta(seconds=90))
    fresh_for = navigation.mine_fragment(outsider).kept["fresh_for"]
    assert 0 < fresh_for <= 90


def test_the_signed_in_layout_costs_no_query_more_than_the_public_one(
    nav_cache, client_as, outsider, published_edition, django_assert_num_queries
) -> None:
    """The glossary as a visitor and signed in (it is not cached for either): the signed-in
    header adds no query (the user and their organisations come from the cache)."""
    MembershipFactory(user=outsider, organisation__name="Alpha Health")
    url = reverse("roadmap:glossary")
    visitor = Client()
    visitor.get(url)
    with CaptureQueriesContext(connection) as public:
        visitor.get(url)
    public_count = len(public.captured_queries)
    client = client_as(outsider)
    client.get(url)

    with django_assert_num_queries(public_count):
        assert client.get(url).status_code == 200
