"""Portal staff moderate case studies in the admin: the queue holds those their
organisation approved; publish, or return with a reason (required)."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from apps.practices.models import CaseStudyState

QUEUE = reverse("admin:practices_casestudyawaitingmoderation_changelist")


def test_the_queue_lists_only_case_studies_awaiting_moderation(
    client_as, staff, approved, small_roadmap
) -> None:
    html = client_as(staff).get(QUEUE).content.decode()
    assert approved.title in html


def test_the_queue_leaves_out_drafts(client_as, staff, draft) -> None:
    assert draft.title not in client_as(staff).get(QUEUE).content.decode()


def test_staff_publish_from_the_queue(client_as, staff, approved) -> None:
    client_as(staff).post(
        QUEUE, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [approved.pk]}
    )
    approved.refresh_from_db()
    assert approved.state == CaseStudyState.PUBLISHED


def test_returning_asks_for_a_reason_first(client_as, staff, approved) -> None:
    data = {"action": "return_selected", ACTION_CHECKBOX_NAME: [approved.pk]}
    page = client_as(staff).post(QUEUE, data)
    assert page.status_code == 200
    assert "Why it is returned" in page.content.decode()
    approved.refresh_from_db()
    assert approved.state == CaseStudyState.APPROVED_BY_ORG

    empty = client_as(staff).post(QUEUE, {**data, "reason": " "})
    assert "This field is required." in empty.content.decode()

    client_as(staff).post(QUEUE, {**data, "reason": "Remove the patient's name."})
    approved.refresh_from_db()
    assert approved.state == CaseStudyState.RETURNED
    assert approved.return_reason == "Remove the patient's name."


def test_publishing_skips_those_not_approved(client_as, staff, submitted) -> None:
    client_as(staff).post(
        reverse("admin:practices_casestudy_changelist"),
        {"action": "publish_selected", ACTION_CHECKBOX_NAME: [submitted.pk]},
    )
    submitted.refresh_from_db()
    assert submitted.state == CaseStudyState.SUBMITTED


def test_the_admin_index_counts_the_case_studies_waiting(client_as, staff, approved) -> None:
    html = client_as(staff).get(reverse("admin:index")).content.decode()
    assert f'<a href="{QUEUE}">1 case study is waiting for moderation.</a>' in html


def test_staff_read_a_case_study_but_neither_rewrite_nor_delete_it(
    client_as, staff, approved
) -> None:
    page = client_as(staff).get(reverse("admin:practices_casestudy_change", args=[approved.pk]))
    assert page.status_code == 200
    assert approved.what_was_done in page.content.decode()
    assert 'name="title"' not in page.content.decode()
    delete = reverse("admin:practices_casestudy_delete", args=[approved.pk])
    assert client_as(staff).get(delete).status_code == 403
