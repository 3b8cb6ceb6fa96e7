"""Registering an organisation: /o/new/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.organisations.models import Level, Membership, Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import StakeholderGroup
from tests.organisations.factories import OrganisationFactory
from tests.organisations.helpers import assert_login_redirect, messages_of
from tests.roadmap.factories import StakeholderGroupFactory

URL = reverse("organisations:new")


@pytest.fixture
def group(db) -> StakeholderGroup:
    return StakeholderGroupFactory(slug="patient-organisations", name="Patients and POs")


@pytest.fixture
def data(group: StakeholderGroup) -> dict[str, str]:
    return {
        "name": "Patients for Progress",
        "stakeholder_group": str(group.pk),
        "country": "PL",
        "level": Level.NATIONAL,
        "website": "https://patients.example.org",
        "description": "We bring patients' voices into research.",
        "in_directory": "on",
    }


def test_it_needs_sign_in(client, db) -> None:
    assert_login_redirect(client.get(URL))
    assert_login_redirect(client.post(URL, {}))


def test_it_shows_the_form(client_as, outsider) -> None:
    response = client_as(outsider).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="name"' in html
    assert 'name="country"' in html
    assert 'name="region"' not in html  # derived from the country, never asked
    assert 'name="not_duplicate"' not in html  # only once a duplicate is found


def test_it_lists_european_countries_first(client_as, outsider) -> None:
    form = client_as(outsider).get(URL).context["form"]
    groups = [choice for choice in form.fields["country"].choices if choice[0]]
    (europe, european), (others_label, others) = groups
    assert (europe, others_label) == ("Europe", "Other countries")
    european_codes = {code for code, _name in european}
    assert {"BE", "PL", "GB", "UA"} <= european_codes
    assert "US" not in european_codes
    assert "US" in {code for code, _name in others}


def test_it_registers_a_pending_organisation_with_the_creator_as_admin(
    client_as, outsider, data
) -> None:
    response = client_as(outsider).post(URL, data)

    organisation = Organisation.objects.get(name="Patients for Progress")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:home", args=[organisation.slug])
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.region == "cee"
    assert organisation.created_by == outsider
    assert organisation.possible_duplicate_of is None
    assert Membership.objects.get(organisation=organisation).user == outsider
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    (message,) = messages_of(response)
    assert "pending verification" in message


def test_it_warns_about_a_likely_duplicate_then_registers_when_confirmed(
    client_as, outsider, data
) -> None:
    existing = OrganisationFactory(name="Patients for Progress!", country="PL")
    client = client_as(outsider)

    first = client.post(URL, {**data, "name": "PATIENTS FOR PROGRESS"})

    assert first.status_code == 200
    assert Organisation.objects.count() == 1
    html = first.content.decode()
    assert "Patients for Progress!" in html
    assert 'name="not_duplicate"' in html
    assert "not_duplicate" in first.context["form"].errors

    second = client.post(URL, {**data, "name": "PATIENTS FOR PROGRESS", "not_duplicate": "on"})

    assert second.status_code == 302
    created = Organisation.objects.exclude(pk=existing.pk).get()
    assert created.possible_duplicate_of == existing


def test_it_does_not_warn_about_the_same_name_in_another_country(client_as, outsider, data) -> None:
    OrganisationFactory(name="Patients for Progress", country="DE")
    response = client_as(outsider).post(URL, data)
    assert response.status_code == 302
    assert Organisation.objects.get(country="PL").possible_duplicate_of is None


def test_two_organisations_with_the_same_name_get_different_slugs(
    client_as, outsider, data
) -> None:
    client = client_as(outsider)
    client.post(URL, data)
    client.post(URL, {**data, "country": "FR"})

    slugs = sorted(Organisation.objects.values_list("slug", flat=True))
    assert slugs == ["patients-for-progress", "patients-for-progress-2"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "x"),
        ("name", "n" * 201),
        ("country", "XX"),
        ("country", ""),
        ("stakeholder_group", "999999"),
        ("stakeholder_group", "not-a-number"),
        ("level", "planetary"),
        ("website", "not a web address"),
        ("website", "javascript:alert(1)"),
        ("description", "d" * 1001),
    ],
)
def test_bad_input_gives_form_errors(client_as, outsider, data, field, value) -> None:
    response = client_as(outsider).post(URL, {**data, field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_an_empty_submission_gives_errors_not_a_crash(client_as, outsider, group) -> None:
    response = client_as(outsider).post(URL, {})
    assert response.status_code == 200
    assert {"name", "stakeholder_group", "country", "level"} <= set(response.context["form"].errors)


def test_html_in_the_name_is_shown_as_text(client_as, outsider, data) -> None:
    client = client_as(outsider)
    client.post(URL, {**data, "name": "<script>alert('x')</script> Patients"})
    organisation = Organisation.objects.get()

    html = client.get(organisation.get_absolute_url()).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
