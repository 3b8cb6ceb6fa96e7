"""The public directory of organisations: /organisations/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.organisations.models import Level, Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.roadmap.factories import StakeholderGroupFactory

URL = reverse("organisations:directory")


def _names(response) -> list[str]:
    return [organisation.name for organisation in response.context["organisations"]]


@pytest.fixture
def listed(db) -> dict:
    patients = StakeholderGroupFactory(slug="patient-organisations", name="Patients and POs")
    hta = StakeholderGroupFactory(slug="hta-bodies", name="HTA bodies")
    return {
        "warsaw": OrganisationFactory(
            name="Warsaw Patients", stakeholder_group=patients, country="PL", listed=True
        ),
        "lisbon": OrganisationFactory(
            name="Lisbon HTA",
            stakeholder_group=hta,
            country="PT",
            listed=True,
            level=Level.REGIONAL,
            website="https://lisbon.example.org/",
        ),
        "boston": OrganisationFactory(
            name="Boston HTA", stakeholder_group=hta, country="US", listed=True
        ),
    }


def test_it_lists_verified_organisations_that_opted_in_without_sign_in(client, listed) -> None:
    OrganisationFactory(name="Pending Listed", in_directory=True)
    OrganisationFactory(name="Verified Unlisted", verified=True)
    OrganisationFactory(name="Rejected Listed", rejected=True, in_directory=True)

    response = client.get(URL)

    assert response.status_code == 200
    assert _names(response) == ["Boston HTA", "Lisbon HTA", "Warsaw Patients"]
    html = response.content.decode()
    assert "Pending Listed" not in html
    assert "Verified Unlisted" not in html
    assert "Rejected Listed" not in html
    for text in ("HTA bodies", "Portugal", "Southern Europe", "Regional"):
        assert text in html
    assert '<a href="https://lisbon.example.org/" rel="nofollow noopener">' in html


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"stakeholder_group": "hta-bodies"}, ["Boston HTA", "Lisbon HTA"]),
        ({"country": "PL"}, ["Warsaw Patients"]),
        ({"region": "outside"}, ["Boston HTA"]),
        ({"region": "southern", "stakeholder_group": "hta-bodies"}, ["Lisbon HTA"]),
        ({"region": "cee", "stakeholder_group": "hta-bodies"}, []),
    ],
)
def test_filters_narrow_the_list(client, listed, query, names) -> None:
    response = client.get(URL, query)
    assert response.status_code == 200
    assert _names(response) == names


@pytest.mark.parametrize(
    "query", [{"region": "atlantis"}, {"country": "XX"}, {"stakeholder_group": "nope"}]
)
def test_an_invalid_filter_shows_an_error_and_no_rows(client, listed, query) -> None:
    response = client.get(URL, query)
    assert response.status_code == 200
    assert _names(response) == []
    assert "Some filter values are not valid" in response.content.decode()


def test_it_pages_and_keeps_the_filters(client, db) -> None:
    group = StakeholderGroupFactory(slug="industry")
    for n in range(30):
        OrganisationFactory(name=f"Company {n:02}", stakeholder_group=group, listed=True)

    first = client.get(URL, {"stakeholder_group": "industry"})
    second = client.get(URL, {"stakeholder_group": "industry", "page": 2})

    assert len(_names(first)) == 25
    assert _names(second) == [f"Company {n}" for n in range(25, 30)]
    assert "?stakeholder_group=industry&amp;page=2" in first.content.decode()
    assert "30 organisations" in first.content.decode()


def test_names_are_shown_as_text(client, db) -> None:
    OrganisationFactory(name="<script>alert('x')</script>", listed=True)
    html = client.get(URL).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_a_row_shows_the_public_fields_and_nothing_else(client, db) -> None:
    group = StakeholderGroupFactory(slug="hta-bodies", name="HTA bodies")
    OrganisationFactory(
        name="Lisbon HTA",
        stakeholder_group=group,
        country="PT",
        level=Level.REGIONAL,
        website="https://lisbon.example.org/",
        description="Our plans for next year.",
        listed=True,
    )

    html = client.get(URL).content.decode()

    row = html[html.index("<tbody>") : html.index("</tbody>")]
    for text in ("Lisbon HTA", "HTA bodies", "Portugal", "Southern Europe", "Regional"):
        assert text in row
    assert 'href="https://lisbon.example.org/"' in row
    assert "Our plans for next year." not in html
    assert "Verified" not in row


def test_the_api_shows_anyone_exactly_the_organisations_the_directory_lists(client, db) -> None:
    """One rule (``Organisation.objects.listed()``) behind the page and the API."""
    states = {
        "listed": {"listed": True},
        "verified-unlisted": {"verified": True},
        "pending-ticked": {"in_directory": True},
        "pending": {},
        "rejected-ticked": {"rejected": True, "in_directory": True},
    }
    for slug, state in states.items():
        OrganisationFactory(name=slug, slug=slug, **state)
    outsider = UserFactory()

    directory = set(_names(client.get(URL)))
    api_list = {row["slug"] for row in client.get("/api/v1/organisations/").json()["results"]}
    readable = set()
    for slug in states:
        answers = {client.get(f"/api/v1/organisations/{slug}/").status_code}
        client.force_login(outsider)
        answers.add(client.get(f"/api/v1/organisations/{slug}/").status_code)
        client.logout()
        assert answers in ({200}, {404}), (slug, answers)
        if answers == {200}:
            readable.add(slug)

    assert directory == api_list == readable == {"listed"}
    assert set(Organisation.objects.listed().values_list("slug", flat=True)) == {"listed"}


def test_an_organisation_says_it_is_in_the_directory_exactly_when_the_directory_lists_it(
    client, db
) -> None:
    """Its home page asks the same rule (``is_listed``) as the directory and the API."""
    answers = {}
    for status in Organisation.Status.values:
        for in_directory in (True, False):
            slug = f"{status}-{in_directory}".lower()
            organisation = OrganisationFactory(slug=slug, status=status, in_directory=in_directory)
            member = MembershipFactory(organisation=organisation, role=Role.VIEWER).user
            client.force_login(member)
            html = client.get(reverse("organisations:home", args=[slug])).content.decode()
            answer = html[html.index("In the public directory") :].split("<dd>")[1]
            answers[slug] = (organisation.is_listed, answer.split("</dd>")[0])

    listed = set(Organisation.objects.listed().values_list("slug", flat=True))
    assert {slug for slug, (is_listed, _) in answers.items() if is_listed} == listed
    assert {slug for slug, (_, answer) in answers.items() if answer == "Yes"} == listed
    assert listed == {"verified-true"}
    assert answers["pending-true"][1] == answers["rejected-true"][1] == "Yes, once verified"
    assert {answers[f"{status}-false"][1] for status in Organisation.Status.values} == {"No"}
