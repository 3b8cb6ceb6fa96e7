"""The practice library's API: the public list (published only, filtered) and detail, and
an organisation's own case studies (who may is in tests/organisations/api/test_access.py)."""

from __future__ import annotations

from apps.practices.models import CaseStudy, CaseStudyState
from tests.adoption.conftest import ELF, PDF, upload
from tests.practices.conftest import TEXT

LIST = "/api/v1/practices/"
ORG_LIST = "/api/v1/organisations/patients-together/practices/"


def test_the_public_list_has_only_published_case_studies(anonymous, draft, published) -> None:
    body = anonymous.get(LIST).json()
    assert [row["id"] for row in body["results"]] == [published.pk]
    row = body["results"][0]
    assert row["action"]["code"] == "A1.1.1"
    assert row["licence"] == "CC BY 4.0"
    assert row["organisation"]["name"] == published.organisation.name


def test_the_public_list_filters_like_the_page(anonymous, published) -> None:
    assert anonymous.get(LIST, {"action": "A1.1.1"}).json()["count"] == 1
    assert anonymous.get(LIST, {"end_goal": "EG2"}).json()["count"] == 0
    assert anonymous.get(LIST, {"dimension": "nope"}).status_code == 400


def test_an_unpublished_case_study_is_404(anonymous, draft) -> None:
    assert anonymous.get(f"{LIST}{draft.pk}/").status_code == 404


def test_the_public_api_is_read_only(anonymous, published) -> None:
    assert anonymous.post(LIST, TEXT).status_code in (401, 403, 405)


def test_a_writer_posts_a_case_study_and_submits_it(api_as, contributor, adoption) -> None:
    response = api_as(contributor).post(
        ORG_LIST, {**TEXT, "action": "a1.1.1", "submit": True}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == CaseStudyState.SUBMITTED
    assert CaseStudy.objects.get().author == contributor


def test_clear_400s(api_as, contributor, adoption) -> None:
    response = api_as(contributor).post(
        ORG_LIST, {**TEXT, "action": "A2.1.1", "licence": "mine", "title": ""}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["action"] == ["Your organisation has not adopted an action “A2.1.1”."]
    assert {"licence", "title"} <= set(errors)
    assert not CaseStudy.objects.exists()


def test_members_list_their_organisations_case_studies(api_as, viewer, draft) -> None:
    body = api_as(viewer).get(ORG_LIST).json()
    assert [row["state"] for row in body["results"]] == ["draft"]


def test_attachments_are_posted_as_a_multipart_form_and_checked(
    api_as, contributor, adoption
) -> None:
    client = api_as(contributor)
    refused = client.post(
        ORG_LIST, {**TEXT, "action": "A1.1.1", "files": [upload("x.pdf", ELF)]}, format="multipart"
    )
    assert refused.status_code == 400
    assert refused.json()["files"] == [
        "x.pdf is not an accepted file type (PDF, DOCX, XLSX, PNG, JPEG)."
    ]
    assert not CaseStudy.objects.exists()

    response = client.post(
        ORG_LIST, {**TEXT, "action": "A1.1.1", "files": [upload("a.pdf", PDF)]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert [f["original_name"] for f in response.json()["files"]] == ["a.pdf"]
