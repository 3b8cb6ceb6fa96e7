"""The case study's moves: who is told, what is recorded, and which moves are refused."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.practices import services
from apps.practices.models import CaseStudy, CaseStudyState
from tests.adoption.conftest import ELF, PDF, upload
from tests.practices.conftest import TEXT


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_a_case_study_is_written_as_a_draft_of_the_adoptions_organisation(
    draft: CaseStudy, adoption, pe_lead
) -> None:
    assert draft.state == CaseStudyState.DRAFT
    assert draft.organisation == adoption.organisation
    assert draft.author == pe_lead
    assert draft.licence == "CC BY 4.0"
    assert AuditEvent.objects.filter(verb="case_study.created", object_id=str(draft.pk)).exists()


def test_the_whole_way_to_publication_is_audited_and_emails_the_next_people(
    draft: CaseStudy, pe_lead, owner, staff, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.case_study_submit(case_study=draft, by=pe_lead)
    assert _recipients() == {owner.email}  # the organisation's admin approves

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_study_approve(case_study=draft, by=owner)
    assert _recipients() == {staff.email}  # the moderators

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        published = services.case_study_publish(case_study=draft, by=staff)
    assert _recipients() == {pe_lead.email, owner.email}
    assert published.state == CaseStudyState.PUBLISHED
    assert published.published_at is not None
    verbs = AuditEvent.objects.filter(object_id=str(draft.pk)).values_list("verb", flat=True)
    assert set(verbs) == {
        "case_study.created",
        "case_study.submitted",
        "case_study.approved",
        "case_study.published",
    }


def test_a_returned_case_study_is_edited_and_submitted_again(
    submitted: CaseStudy, pe_lead, owner, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.case_study_return(
            case_study=submitted, by=owner, reason="Say what it cost."
        )
    assert returned.state == CaseStudyState.RETURNED
    assert _recipients() == {pe_lead.email}
    assert "Say what it cost." in mail.outbox[0].body

    services.case_study_update(case_study=returned, by=pe_lead, cost="5,000 euros.")
    again = services.case_study_submit(case_study=returned, by=pe_lead)
    assert again.state == CaseStudyState.SUBMITTED
    assert again.cost == "5,000 euros."


def test_staff_take_a_published_case_study_down_with_a_reason(published: CaseStudy, staff) -> None:
    returned = services.case_study_moderate_return(
        case_study=published, by=staff, reason="It names a patient."
    )
    assert returned.state == CaseStudyState.RETURNED
    assert returned.published_at is None
    assert not CaseStudy.objects.published().exists()


@pytest.mark.parametrize(
    ("fixture", "move", "message"),
    [
        ("draft", "approve", "Only a case study submitted to the organisation can be approved"),
        ("draft", "publish", "Only a case study its organisation has approved can be published"),
        ("submitted", "publish", "Only a case study its organisation has approved"),
        ("submitted", "submit", "Only a draft or a returned case study can be submitted"),
        ("published", "submit", "This one is: Published."),
        ("published", "approve", "Only a case study submitted to the organisation"),
    ],
)
def test_moves_from_the_wrong_state_are_refused_saying_why(
    request, fixture, move, message, owner, staff
) -> None:
    case_study = request.getfixturevalue(fixture)
    before = case_study.state
    with pytest.raises(ValidationError, match=message):
        getattr(services, f"case_study_{move}")(case_study=case_study, by=staff)
    case_study.refresh_from_db()
    assert case_study.state == before


def test_only_drafts_and_returned_case_studies_can_be_edited(approved: CaseStudy, owner) -> None:
    with pytest.raises(
        ValidationError, match="Only a draft or a returned case study can be edited"
    ):
        services.case_study_update(case_study=approved, by=owner, title="Changed")


@pytest.mark.parametrize("returning", ["case_study_return", "case_study_moderate_return"])
def test_a_return_needs_a_reason(submitted, approved, owner, returning) -> None:
    with pytest.raises(ValidationError, match="Say why"):
        getattr(services, returning)(case_study=submitted, by=owner, reason="   ")


def test_attachments_are_checked_as_evidence_files_are(adoption, pe_lead) -> None:
    with pytest.raises(ValidationError) as refused:
        services.case_study_create(
            adoption=adoption, by=pe_lead, files=[upload("plan.pdf", ELF)], **TEXT
        )
    # The evidence check's own message.
    assert "plan.pdf is not an accepted file type (PDF, DOCX, XLSX, PNG, JPEG)." in str(
        refused.value
    )
    assert not CaseStudy.objects.exists()

    case_study = services.case_study_create(
        adoption=adoption, by=pe_lead, files=[upload("plan", PDF)], **TEXT
    )
    assert [f.original_name for f in case_study.files.all()] == ["plan.pdf"]


def test_required_text_is_required(adoption, pe_lead) -> None:
    with pytest.raises(ValidationError) as refused:
        services.case_study_create(adoption=adoption, by=pe_lead, **{**TEXT, "outcomes": " "})
    assert "outcomes" in refused.value.message_dict
