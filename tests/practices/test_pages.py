"""The practice library's pages: public list, filters, escaping, feed, the action page's
section; the organisation's pages that write, submit, approve and return."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from apps.practices import services
from apps.practices.models import CaseStudy, CaseStudyState
from tests.adoption.conftest import ELF, PDF, upload
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import OrganisationFactory
from tests.practices.conftest import TEXT
from tests.practices.factories import CaseStudyFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def library(small_roadmap) -> dict[str, CaseStudy]:
    """Two published case studies (A1.1.1 by a French patient organisation, A2.2.2 by a
    German HTA body) and a draft that must never show."""
    actions = {a.code: a for a in small_roadmap.actions.all()}
    groups = {g.slug: g for g in actions["A1.1.1"].stakeholder_groups.model.objects.all()}
    french = OrganisationFactory(
        name="Patients de France", country="FR", stakeholder_group=groups["patient-organisations"]
    )
    german = OrganisationFactory(
        name="HTA Deutschland", country="DE", stakeholder_group=groups["hta-bodies"]
    )
    return {
        "french": CaseStudyFactory(
            published=True,
            title="Paris panel",
            adoption=AdoptionFactory(organisation=french, action=actions["A1.1.1"]),
        ),
        "german": CaseStudyFactory(
            published=True,
            title="Berlin board",
            adoption=AdoptionFactory(organisation=german, action=actions["A2.2.2"]),
        ),
        "draft": CaseStudyFactory(
            title="Secret draft",
            adoption=AdoptionFactory(organisation=french, action=actions["A1.2.1"]),
        ),
    }


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", {"Paris panel", "Berlin board"}),
        ("?action=A1.1.1", {"Paris panel"}),
        ("?end_goal=EG2", {"Berlin board"}),
        ("?dimension=processes", {"Berlin board"}),  # A2.2.2: the second dimension
        ("?stakeholder_group=patient-organisations", {"Paris panel"}),
        ("?country=DE", {"Berlin board"}),
        ("?country=FR&end_goal=EG2", set()),
    ],
)
def test_the_library_lists_published_case_studies_filtered(client, library, query, shown) -> None:
    response = client.get(reverse("practices:list") + query)
    html = response.content.decode()
    assert response.status_code == 200
    assert {t for t in ("Paris panel", "Berlin board", "Secret draft") if t in html} == shown


def test_an_invalid_filter_lists_nothing_and_says_so(client, library) -> None:
    response = client.get(reverse("practices:list") + "?dimension=nope")
    assert "Paris panel" not in response.content.decode()
    assert "Some filter values are not valid" in response.content.decode()


def test_a_case_study_is_shown_escaped_with_its_licence_and_organisation(client, library) -> None:
    case_study = library["french"]
    CaseStudy.objects.filter(pk=case_study.pk).update(
        title="<script>alert(1)</script>", lessons='<img src=x onerror="alert(2)">'
    )
    html = client.get(case_study.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in html
    assert "Patients de France" in html


def test_an_unpublished_case_study_has_no_public_page(client, library) -> None:
    assert client.get(library["draft"].get_absolute_url()).status_code == 404


def test_the_feed_is_atom_with_only_published_case_studies(client, library) -> None:
    response = client.get(reverse("practices:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = {entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")}
    assert titles == {"A1.1.1 · Paris panel", "A2.2.2 · Berlin board"}


def test_the_action_page_lists_its_case_studies(client, library) -> None:
    html = client.get(reverse("roadmap:action", args=["A1.1.1"])).content.decode()
    assert "Paris panel" in html
    assert library["french"].get_absolute_url() in html
    assert "Berlin board" not in html


def test_the_action_page_shows_a_newly_published_case_study_to_anonymous_readers(
    client, approved, staff, django_capture_on_commit_callbacks
) -> None:
    url = reverse("roadmap:action", args=["A1.1.1"])
    assert approved.title not in client.get(url).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.case_study_publish(case_study=approved, by=staff)
    assert approved.title in client.get(url).content.decode()


def test_attachments_of_a_published_case_study_are_public_others_only_for_members(
    client, client_as, adoption, pe_lead, viewer, outsider
) -> None:
    case_study = services.case_study_create(
        adoption=adoption, by=pe_lead, files=[upload("plan.pdf", PDF)], **TEXT
    )
    url = case_study.files.get().get_absolute_url()
    assert client_as(outsider).get(url).status_code == 404
    assert client_as(viewer).get(url).status_code == 200
    client.logout()
    CaseStudy.objects.filter(pk=case_study.pk).update(state=CaseStudyState.PUBLISHED)
    assert client.get(url).status_code == 200


# --- The organisation's pages -----------------------------------------------------------


def test_a_writer_writes_a_case_study_from_an_adoption_with_a_file(
    client_as, org, adoption, contributor
) -> None:
    url = reverse("practices:org-create", args=[org.slug])
    response = client_as(contributor).post(
        url,
        {**TEXT, "adoption": adoption.pk, "licence": "CC BY 4.0", "files": [upload("a.pdf", PDF)]},
    )
    case_study = CaseStudy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case_study.get_organisation_url()
    assert case_study.files.count() == 1


def test_a_bad_file_is_refused_with_the_evidence_message(
    client_as, org, adoption, contributor
) -> None:
    url = reverse("practices:org-create", args=[org.slug])
    response = client_as(contributor).post(
        url,
        {
            **TEXT,
            "adoption": adoption.pk,
            "licence": "CC BY 4.0",
            "files": [upload("run.pdf", ELF)],
        },
    )
    assert response.status_code == 400
    assert "run.pdf is not an accepted file type" in response.content.decode()
    assert not CaseStudy.objects.exists()


def test_an_adoption_of_another_organisation_cannot_be_chosen(
    client_as, org, contributor, small_roadmap
) -> None:
    elsewhere = AdoptionFactory(action=small_roadmap.actions.get(code="A1.1.2"))
    url = reverse("practices:org-create", args=[org.slug])
    response = client_as(contributor).post(
        url, {**TEXT, "adoption": elsewhere.pk, "licence": "CC BY 4.0"}
    )
    assert response.status_code == 400
    assert not CaseStudy.objects.exists()


def test_submit_then_the_admin_approves(client_as, org, draft, pe_lead, owner) -> None:
    args = [org.slug, draft.pk]
    client_as(pe_lead).post(reverse("practices:org-submit", args=args))
    draft.refresh_from_db()
    assert draft.state == CaseStudyState.SUBMITTED

    page = client_as(owner).get(reverse("practices:org-detail", args=args)).content.decode()
    assert "Approve for publication" in page
    client_as(owner).post(reverse("practices:org-approve", args=args))
    draft.refresh_from_db()
    assert draft.state == CaseStudyState.APPROVED_BY_ORG


def test_the_admin_returns_it_with_a_required_reason(client_as, org, submitted, owner) -> None:
    url = reverse("practices:org-return", args=[org.slug, submitted.pk])
    assert client_as(owner).post(url, {"reason": ""}).status_code == 400
    client_as(owner).post(url, {"reason": "Add the costs."})
    submitted.refresh_from_db()
    assert submitted.state == CaseStudyState.RETURNED
    assert submitted.return_reason == "Add the costs."


def test_a_refused_move_says_why(client_as, org, draft, owner) -> None:
    response = client_as(owner).post(
        reverse("practices:org-approve", args=[org.slug, draft.pk]), follow=True
    )
    assert "Only a case study submitted to the organisation can be approved" in (
        response.content.decode()
    )


def test_editing_adds_and_removes_attachments(client_as, org, adoption, pe_lead) -> None:
    case_study = services.case_study_create(
        adoption=adoption, by=pe_lead, files=[upload("old.pdf", PDF)], **TEXT
    )
    old = case_study.files.get()
    url = reverse("practices:org-edit", args=[org.slug, case_study.pk])
    assert "old.pdf" in client_as(pe_lead).get(url).content.decode()

    response = client_as(pe_lead).post(
        url,
        {**TEXT, "licence": "CC0 1.0", "remove_files": [old.pk], "files": [upload("new.pdf", PDF)]},
    )

    assert response.status_code == 302
    case_study.refresh_from_db()
    assert case_study.licence == "CC0 1.0"
    assert [f.original_name for f in case_study.files.all()] == ["new.pdf"]


def test_the_adoption_page_leads_writers_to_a_case_study_of_it(
    client_as, org, adoption, contributor
) -> None:
    page = client_as(contributor).get(reverse("adoption:detail", args=[org.slug, adoption.pk]))
    link = reverse("practices:org-create", args=[org.slug]) + f"?adoption={adoption.pk}"
    assert link in page.content.decode()
    form = client_as(contributor).get(link).content.decode()
    assert f'<option value="{adoption.pk}" selected>' in form
