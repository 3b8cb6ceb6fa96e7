"""/api/v1/organisations/<slug>/adoptions/<id>/progress/ and …/progress/<entry_id>/correct/."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption.models import (
    Adoption,
    BarrierReport,
    Evidence,
    Metric,
    MetricValue,
    ProgressEntry,
)
from apps.adoption.partnerships.models import EntryConfirmation
from apps.adoption.services import EntryInput, progress_entry_create
from apps.core.views import bad_request
from apps.roadmap.models import BarrierCategory, Edition
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.adoption.office_files import CLEAN_FILES, CLEAN_IDS, HOSTILE_FILES, HOSTILE_IDS
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import AssumptionFactory, BarrierCategoryFactory

pytestmark = pytest.mark.django_db

ADOPTIONS_URL = "/api/v1/organisations/patients-united/adoptions/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 64
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>\n"
)


def _progress_url(adoption: Adoption) -> str:
    return f"{ADOPTIONS_URL}{adoption.pk}/progress/"


def _correct_url(entry: ProgressEntry) -> str:
    return f"{_progress_url(entry.adoption)}{entry.pk}/correct/"


def _today() -> str:
    return timezone.localdate().isoformat()


@pytest.fixture
def barrier(db: None) -> BarrierCategory:
    return BarrierCategoryFactory(slug="resources", name="Lack of human and financial resources")


def _nothing_stored(adoption: Adoption, storage: Path, entries: int = 1) -> None:
    assert adoption.entries.count() == entries
    assert not Evidence.objects.exists()
    assert not MetricValue.objects.exists()
    assert not BarrierReport.objects.exists()
    assert not [p for p in storage.rglob("*") if p.is_file()]
    adoption.refresh_from_db()
    assert (adoption.status, adoption.percent_complete) == ("in_progress", 0)


def test_it_names_the_urls() -> None:
    kwargs = {"slug": "patients-united", "id": 7}
    assert reverse("api-adoption:progress-list", kwargs=kwargs) == f"{ADOPTIONS_URL}7/progress/"
    assert reverse("api-adoption:progress-correct", kwargs={**kwargs, "entry_id": 9}) == (
        f"{ADOPTIONS_URL}7/progress/9/correct/"
    )


# --- List -----------------------------------------------------------------------------------


def _log(adoption: Adoption, by: User, **values: object) -> ProgressEntry:
    data = EntryInput(**{"entry_date": timezone.localdate(), "narrative": "Workshop.", **values})
    return progress_entry_create(adoption=adoption, by=by, data=data)


def _download_url(evidence: Evidence) -> str | None:
    # The evidence download page comes with the adoption pages; null until it exists.
    try:
        path = reverse(
            "adoption:evidence-download", kwargs={"slug": "patients-united", "pk": evidence.pk}
        )
    except NoReverseMatch:
        return None
    return f"http://testserver{path}"


@pytest.mark.parametrize("persona", ["owner", "pe_lead", "contributor", "viewer"])
def test_members_read_the_progress_log(
    api_as: object,
    personas: dict,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    persona: str,
) -> None:
    entry = _log(
        adoption,
        contributor,
        status_to="implemented",
        percent_complete=80,
        links=["https://example.org/report"],
        files=[SimpleUploadedFile("minutes.pdf", PDF)],
        metric_values={Metric.objects.get(slug="patients-involved"): Decimal("12")},
        barriers={barrier: "No budget for travel."},
    )
    evidence = entry.evidence.get(url="")

    response = api_as(personas[persona]).get(_progress_url(adoption))

    assert response.status_code == 200
    newest, first = response.json()["results"]
    assert newest == {
        "id": entry.pk,
        "entry_date": _today(),
        "narrative": "Workshop.",
        "status_from": "in_progress",
        "status_to": "implemented",
        "challenged_assumption": None,
        "percent_complete": 80,
        "organisation": "patients-united",
        "author": "contributor@example.org",
        "recorded_at": newest["recorded_at"],
        "is_current": True,
        "supersedes": None,
        "links": [{"title": "https://example.org/report", "url": "https://example.org/report"}],
        "files": [
            {
                "title": "minutes.pdf",
                "content_type": "application/pdf",
                "size": len(PDF),
                "download_url": _download_url(evidence),
            }
        ],
        "metrics": [{"metric": "patients-involved", "value": "12.00"}],
        "barriers": [
            {"category": "resources", "note": "No budget for travel.", "assumption": None}
        ],
        "confirmations": [],
    }
    assert (first["status_from"], first["status_to"], first["narrative"]) == (
        None,
        "in_progress",
        "Adopted the action.",
    )


def test_it_lists_current_versions_unless_asked_for_corrected_ones(
    api_as: object, contributor: User, adoption: Adoption
) -> None:
    client = api_as(contributor)
    original = _log(adoption, contributor, narrative="Typo.")
    client.post(_correct_url(original), {"narrative": "Fixed."})
    correction = ProgressEntry.objects.get(narrative="Fixed.")

    current = client.get(_progress_url(adoption)).json()["results"]
    everything = client.get(_progress_url(adoption), {"include_corrected": "true"}).json()

    assert [(e["narrative"], e["supersedes"]) for e in current] == [
        ("Fixed.", original.pk),
        ("Adopted the action.", None),
    ]
    assert {(e["id"], e["is_current"]) for e in everything["results"]} == {
        (correction.pk, True),
        (original.pk, False),
        (adoption.entries.get(narrative="Adopted the action.").pk, True),
    }


def _log_many(adoption: Adoption, barrier: BarrierCategory, count: int) -> None:
    """Entries with every related row the log shows: evidence of both kinds, a metric, a
    barrier challenging an assumption, a challenged assumption, another side's confirmation."""
    metric = Metric.objects.get(slug="pe-activities")
    assumption = AssumptionFactory(intermediate_goal=adoption.action.intermediate_goal)
    partner = OrganisationFactory()
    for _ in range(count):
        entry = ProgressEntryFactory(adoption=adoption, challenged_assumption=assumption)
        Evidence.objects.create(entry=entry, url="https://example.org", title="Report")
        Evidence.objects.create(entry=entry, file="evidence/x.pdf", content_type="application/pdf")
        MetricValue.objects.create(entry=entry, metric=metric, value=3)
        BarrierReport.objects.create(entry=entry, category=barrier, assumption=assumption)
        EntryConfirmation.objects.create(entry=entry, organisation=partner)


def _list_queries(api_as: object, user: User, adoption: Adoption) -> int:
    client = api_as(User.objects.get(pk=user.pk))
    cache.clear()  # nothing kept from an earlier request (the membership)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_progress_url(adoption))
    assert response.status_code == 200
    return len(queries)


def test_it_lists_in_a_number_of_queries_that_does_not_grow(
    api_as: object, viewer: User, adoption: Adoption, barrier: BarrierCategory
) -> None:
    _log_many(adoption, barrier, 3)
    few = _list_queries(api_as, viewer, adoption)

    _log_many(adoption, barrier, 27)
    many = _list_queries(api_as, viewer, adoption)

    assert api_as(viewer).get(_progress_url(adoption)).json()["count"] == 31
    assert few == many <= 10


def test_the_progress_of_another_organisations_adoption_is_404(
    api_as: object, owner: User, small_roadmap: Edition, evidence_storage: Path
) -> None:
    elsewhere = AdoptionFactory(action=small_roadmap.actions.get(code="A1.1.1"))
    ProgressEntryFactory(adoption=elsewhere)
    client = api_as(owner)

    assert client.get(_progress_url(elsewhere)).status_code == 404
    response = client.post(_progress_url(elsewhere), {"narrative": "Sneaky."})

    assert response.status_code == 404
    assert elsewhere.entries.count() == 1


# --- Log progress ---------------------------------------------------------------------------


def test_a_contributor_logs_progress_as_json(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
) -> None:
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    response = api_as(contributor).post(
        _progress_url(adoption),
        {
            "entry_date": yesterday,
            "narrative": "Advisory board met twice.",
            "status": "implemented",
            "percent_complete": 60,
            "links": ["https://example.org/minutes"],
            "metrics": [
                {"metric": "pe-activities", "value": "2"},
                {"metric": "patients-involved", "value": 14},
            ],
            "barriers": [{"category": "resources", "note": "Travel costs."}],
        },
    )

    assert response.status_code == 201, response.content
    entry = adoption.entries.get(narrative="Advisory board met twice.")
    assert (str(entry.entry_date), entry.status_to, entry.percent_complete, entry.author) == (
        yesterday,
        "implemented",
        60,
        contributor,
    )
    assert entry.evidence.get().url == "https://example.org/minutes"
    assert {(v.metric.slug, v.value) for v in entry.metrics.all()} == {
        ("pe-activities", Decimal("2")),
        ("patients-involved", Decimal("14")),
    }
    assert entry.barriers.get().note == "Travel costs."
    adoption.refresh_from_db()
    assert (adoption.status, adoption.percent_complete) == ("implemented", 60)
    body = response.json()
    assert (body["id"], body["status_to"], body["metrics"][0]["value"]) == (
        entry.pk,
        "implemented",
        "2.00",
    )


def test_only_a_narrative_is_needed(
    api_as: object, contributor: User, adoption: Adoption, evidence_storage: Path
) -> None:
    response = api_as(contributor).post(_progress_url(adoption), {"narrative": "Met."})

    assert response.status_code == 201
    entry = adoption.entries.get(narrative="Met.")
    assert (entry.entry_date, entry.status_to, entry.percent_complete) == (
        timezone.localdate(),
        "",
        None,
    )
    adoption.refresh_from_db()
    assert adoption.status == "in_progress"


def test_a_multipart_upload_stores_a_pdf(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
) -> None:
    response = api_as(contributor).post(
        _progress_url(adoption),
        {
            "narrative": "Published the policy.",
            "percent_complete": "100",
            "links": ["https://example.org/a", "https://example.org/b"],
            "files": [SimpleUploadedFile("../../Policy 2024.pdf", PDF, "application/pdf")],
            "metrics": json.dumps([{"metric": "diversity-policy", "value": "1"}]),
            "barriers": json.dumps([{"category": "resources"}]),
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    entry = adoption.entries.get(narrative="Published the policy.")
    stored = entry.evidence.get(url="")
    assert (stored.content_type, stored.size, stored.original_name) == (
        "application/pdf",
        len(PDF),
        "Policy 2024.pdf",
    )
    assert stored.file.read() == PDF
    assert Path(stored.file.path).is_relative_to(evidence_storage)
    assert sorted(entry.evidence.exclude(url="").values_list("url", flat=True)) == [
        "https://example.org/a",
        "https://example.org/b",
    ]
    assert entry.metrics.get().metric.slug == "diversity-policy"
    assert entry.barriers.get().category == barrier
    assert entry.percent_complete == 100
    assert response.json()["files"][0]["content_type"] == "application/pdf"


def test_several_files_are_uploaded_at_once(
    api_as: object, contributor: User, adoption: Adoption, evidence_storage: Path
) -> None:
    response = api_as(contributor).post(
        _progress_url(adoption),
        {
            "narrative": "Two reports.",
            "files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["a.pdf", "b.pdf"]


BAD_JSON = [
    ({"narrative": ""}, "narrative", "may not be blank"),
    ({"narrative": "x", "percent_complete": 101}, "percent_complete", "from 0 to 100"),
    ({"narrative": "x", "percent_complete": -1}, "percent_complete", "from 0 to 100"),
    (
        {"narrative": "x", "metrics": [{"metric": "pe-budget", "value": "-5"}]},
        "metrics",
        "PE budget cannot be negative.",
    ),
    (
        {"narrative": "x", "metrics": [{"metric": "happiness", "value": "5"}]},
        "metrics",
        "There is no metric “happiness” in the catalogue",
    ),
    (
        {"narrative": "x", "metrics": [{"metric": "pe-activities", "value": "eleven"}]},
        "metrics",
        "A valid number is required.",
    ),
    (
        {
            "narrative": "x",
            "metrics": [
                {"metric": "pe-activities", "value": "1"},
                {"metric": "pe-activities", "value": "2"},
            ],
        },
        "metrics",
        "Give each metric once.",
    ),
    ({"narrative": "x", "links": ["javascript:alert(1)"]}, "links", "is not a web address"),
    ({"narrative": "x", "status": "finished"}, "status", "is not a valid choice"),
    ({"narrative": "x", "entry_date": "2999-01-01"}, "entry_date", "cannot be in the future"),
    (
        {"narrative": "x", "barriers": [{"category": "weather"}]},
        "barriers",
        "There is no barrier category “weather”",
    ),
]


@pytest.mark.parametrize(("payload", "field", "message"), BAD_JSON)
def test_it_refuses_bad_progress_with_400(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    payload: dict,
    field: str,
    message: str,
) -> None:
    # Every bad request also carries valid evidence, metrics and barriers: none is stored.
    valid = {
        "links": ["https://example.org/ok"],
        "metrics": [{"metric": "patients-involved", "value": "3"}],
        "barriers": [{"category": "resources"}],
        "status": "implemented",
    }

    response = api_as(contributor).post(_progress_url(adoption), {**valid, **payload})

    assert response.status_code == 400
    assert message in json.dumps(response.json()[field], ensure_ascii=False)
    _nothing_stored(adoption, evidence_storage)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("report.pdf", ELF, "application/pdf"), "report.pdf is not an accepted"),
        (SimpleUploadedFile("chart.svg", SVG, "image/svg+xml"), "chart.svg is not an accepted"),
        (SimpleUploadedFile("big.pdf", PDF + b"\0" * 2048), "big.pdf is larger than"),
    ],
    ids=["elf-renamed-pdf", "svg-with-script", "too-big"],
)
def test_it_refuses_bad_files_and_stores_nothing(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    settings: object,
    upload: SimpleUploadedFile,
    message: str,
) -> None:
    settings.EVIDENCE_MAX_BYTES = 2048

    response = api_as(contributor).post(
        _progress_url(adoption),
        {
            "narrative": "With a bad file.",
            "status": "implemented",
            "percent_complete": "50",
            "links": ["https://example.org/ok"],
            "files": [SimpleUploadedFile("good.pdf", PDF), upload],
            "metrics": json.dumps([{"metric": "pe-activities", "value": "1"}]),
            "barriers": json.dumps([{"category": "resources"}]),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert message in response.json()["files"][0]
    _nothing_stored(adoption, evidence_storage)


def test_metrics_in_a_form_must_be_json(
    api_as: object, contributor: User, adoption: Adoption, evidence_storage: Path
) -> None:
    response = api_as(contributor).post(
        _progress_url(adoption),
        {
            "narrative": "x",
            "metrics": "pe-activities=2",
            "files": [SimpleUploadedFile("a.pdf", PDF)],
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["metrics"] == ["Give a JSON list of objects."]
    _nothing_stored(adoption, evidence_storage)


def test_a_read_only_adoption_takes_no_progress(
    api_as: object, contributor: User, adoption: Adoption, evidence_storage: Path
) -> None:
    Adoption.objects.filter(pk=adoption.pk).update(action_removed=True)

    response = api_as(contributor).post(_progress_url(adoption), {"narrative": "Late."})

    assert response.status_code == 400
    assert "kept read-only" in response.json()["detail"][0]
    assert adoption.entries.count() == 1


def test_viewers_cannot_log_progress(
    api_as: object, viewer: User, adoption: Adoption, evidence_storage: Path
) -> None:
    response = api_as(viewer).post(
        _progress_url(adoption),
        {"narrative": "x", "files": [SimpleUploadedFile("a.pdf", PDF)]},
        format="multipart",
    )

    assert response.status_code == 403
    _nothing_stored(adoption, evidence_storage)


# --- Correct --------------------------------------------------------------------------------


def test_a_correction_supersedes_the_entry(
    api_as: object, contributor: User, adoption: Adoption, evidence_storage: Path
) -> None:
    original = _log(adoption, contributor, narrative="Held 3 workshops.", percent_complete=30)

    response = api_as(contributor).post(
        _correct_url(original),
        {
            "narrative": "Held 2 workshops.",
            "percent_complete": 20,
            "metrics": [{"metric": "pe-activities", "value": "2"}],
        },
    )

    assert response.status_code == 201, response.content
    correction = ProgressEntry.objects.get(narrative="Held 2 workshops.")
    assert (response.json()["id"], response.json()["supersedes"]) == (correction.pk, original.pk)
    original.refresh_from_db()
    assert not original.is_current
    assert original.narrative == "Held 3 workshops."
    assert correction.is_current
    assert correction.metrics.get().value == 2
    adoption.refresh_from_db()
    assert adoption.percent_complete == 20


def test_a_corrected_entry_cannot_be_corrected_again(
    api_as: object, contributor: User, adoption: Adoption, evidence_storage: Path
) -> None:
    original = _log(adoption, contributor)
    client = api_as(contributor)
    client.post(_correct_url(original), {"narrative": "First fix."})

    response = client.post(_correct_url(original), {"narrative": "Second fix."})

    assert response.status_code == 400
    assert "already been corrected" in response.json()["detail"][0]
    assert not ProgressEntry.objects.filter(narrative="Second fix.").exists()


def test_a_bad_correction_changes_nothing(
    api_as: object, contributor: User, adoption: Adoption, evidence_storage: Path
) -> None:
    original = _log(adoption, contributor)

    response = api_as(contributor).post(
        _correct_url(original), {"narrative": "Fix.", "percent_complete": 150}
    )

    assert response.status_code == 400
    assert "percent_complete" in response.json()
    original.refresh_from_db()
    assert original.is_current
    assert adoption.entries.count() == 2


def test_an_entry_of_another_adoption_is_404(
    api_as: object, contributor: User, adoption: Adoption, small_roadmap: Edition
) -> None:
    other = AdoptionFactory(
        organisation=adoption.organisation, action=small_roadmap.actions.get(code="A1.1.2")
    )
    foreign = ProgressEntryFactory(adoption=other)

    response = api_as(contributor).post(
        f"{_progress_url(adoption)}{foreign.pk}/correct/", {"narrative": "Fix."}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_current


# --- Limits on evidence files (issue 12) ------------------------------------------------------


def _stored(storage: Path) -> tuple[int, int, int, int, int]:
    """Entries, evidence rows, metric values, barriers and files on disk."""
    return (
        ProgressEntry.objects.count(),
        Evidence.objects.count(),
        MetricValue.objects.count(),
        BarrierReport.objects.count(),
        len([p for p in storage.rglob("*") if p.is_file()]),
    )


def _post_files(
    client: object, adoption: Adoption, uploads: list[SimpleUploadedFile], **fields: str
) -> object:
    body = {
        "narrative": "With evidence.",
        "status": "implemented",
        "links": ["https://example.org/ok"],
        "metrics": json.dumps([{"metric": "pe-activities", "value": "1"}]),
        "barriers": json.dumps([{"category": "resources"}]),
        "files": uploads,
        **fields,
    }
    return client.post(_progress_url(adoption), body, format="multipart")


def _pdfs(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"report-{n}.pdf", PDF) for n in range(count)]


def test_thirty_files_are_refused_and_nothing_is_stored(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
) -> None:
    before = _stored(evidence_storage)

    response = _post_files(api_as(contributor), adoption, _pdfs(30))

    assert response.status_code == 400
    assert response.json() == {"files": ["At most 10 files per entry."]}
    assert _stored(evidence_storage) == before
    _nothing_stored(adoption, evidence_storage)


def test_exactly_the_limit_of_files_is_accepted(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    settings: object,
) -> None:
    assert settings.EVIDENCE_MAX_FILES_PER_ENTRY == 10

    response = _post_files(api_as(contributor), adoption, _pdfs(10))

    assert response.status_code == 201, response.content
    assert len(response.json()["files"]) == 10
    assert len([p for p in evidence_storage.rglob("*") if p.is_file()]) == 10
    assert Evidence.objects.exclude(file="").count() == 10


def test_the_file_limit_follows_the_setting(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    settings: object,
) -> None:
    settings.EVIDENCE_MAX_FILES_PER_ENTRY = 2

    response = _post_files(api_as(contributor), adoption, _pdfs(3))

    assert response.status_code == 400
    assert response.json() == {"files": ["At most 2 files per entry."]}
    _nothing_stored(adoption, evidence_storage)


def test_files_over_the_total_size_of_an_entry_are_refused(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    settings: object,
) -> None:
    settings.EVIDENCE_MAX_BYTES_PER_ENTRY = 2 * len(PDF)

    response = _post_files(api_as(contributor), adoption, _pdfs(3))

    assert response.status_code == 400
    (message,) = response.json()["files"]
    assert message == (
        f"These files come to {filesizeformat(3 * len(PDF))}; an entry takes at most "
        f"{filesizeformat(2 * len(PDF))} in all."
    )
    _nothing_stored(adoption, evidence_storage)


def test_files_past_the_organisations_quota_are_refused_with_its_usage(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    settings: object,
) -> None:
    _log(adoption, contributor, files=_pdfs(2))
    elsewhere = AdoptionFactory(action=adoption.action)  # another organisation's files
    _log(elsewhere, contributor, files=_pdfs(5))
    settings.EVIDENCE_QUOTA_BYTES_PER_ORGANISATION = 3 * len(PDF)
    before = _stored(evidence_storage)

    response = _post_files(api_as(contributor), adoption, _pdfs(2))

    assert response.status_code == 400
    assert response.json()["files"] == [
        f"Your organisation's evidence storage is full: {filesizeformat(2 * len(PDF))} of "
        f"{filesizeformat(3 * len(PDF))} used, and these files need "
        f"{filesizeformat(2 * len(PDF))}."
    ]
    assert _stored(evidence_storage) == before
    # One file still fits: the other organisation's files do not count.
    assert _post_files(api_as(contributor), adoption, _pdfs(1)).status_code == 201


@pytest.mark.parametrize(("name", "content", "reason"), HOSTILE_FILES, ids=HOSTILE_IDS)
def test_hostile_files_are_refused_with_their_reason(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    name: str,
    content: bytes,
    reason: str,
) -> None:
    uploads = [SimpleUploadedFile("fine.pdf", PDF), SimpleUploadedFile(name, content)]

    response = _post_files(api_as(contributor), adoption, uploads)

    assert response.status_code == 400
    (message,) = response.json()["files"]
    assert message.startswith(f"{name} is refused: ")
    assert reason in message
    _nothing_stored(adoption, evidence_storage)


@pytest.mark.parametrize(("name", "content", "kind"), CLEAN_FILES, ids=CLEAN_IDS)
def test_clean_office_files_and_pdfs_are_still_accepted(
    api_as: object,
    contributor: User,
    adoption: Adoption,
    barrier: BarrierCategory,
    evidence_storage: Path,
    name: str,
    content: bytes,
    kind: str,
) -> None:
    response = _post_files(api_as(contributor), adoption, [SimpleUploadedFile(name, content)])

    assert response.status_code == 201, response.content
    assert response.json()["files"][0]["content_type"] == kind
    assert Evidence.objects.get(url="").file.read() == content


def _too_many_files(settings: object) -> dict[str, object]:
    count = settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1
    return {"narrative": "x", "files": [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(count)]}


@pytest.mark.parametrize("endpoint", ["progress", "correct", "adopt"])
def test_more_files_than_django_reads_answer_json_400_on_any_endpoint(
    api_as: object,
    owner: User,
    adoption: Adoption,
    evidence_storage: Path,
    settings: object,
    endpoint: str,
) -> None:
    url = {
        "progress": _progress_url(adoption),
        "correct": _correct_url(adoption.entries.get()),
        "adopt": ADOPTIONS_URL,
    }[endpoint]

    response = api_as(owner).post(url, _too_many_files(settings), format="multipart")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Too many files in one request: at most 100."}
    _nothing_stored(adoption, evidence_storage)


def test_a_request_too_large_to_read_answers_json_400(
    api_as: object, contributor: User, adoption: Adoption, evidence_storage: Path, settings: object
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_as(contributor).post(
        _progress_url(adoption), {"narrative": "x" * 2000}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The request is too large to be read."}
    _nothing_stored(adoption, evidence_storage)


@pytest.mark.parametrize(
    ("exception", "detail"),
    [
        (TooManyFilesSent(), "Too many files in one request: at most 100."),
        (RequestDataTooBig(), "The request is too large to be read."),
    ],
    ids=["too-many-files", "too-big"],
)
def test_a_request_refused_before_the_api_view_is_json_too(
    rf: object, exception: Exception, detail: str
) -> None:
    """Should anything read the form before DRF does (a middleware), Django's 400 handler
    answers the API in JSON as well."""
    response = bad_request(rf.post(ADOPTIONS_URL), exception)

    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": detail}
