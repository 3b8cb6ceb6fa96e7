"""Open data (issue 19, part 4): every public figure of a published snapshot as CSV and JSON
under /data/<period>/, described by a Frictionless Data Package that validates."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import frictionless
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.benchmarking.models import STAFF_ONLY_SUBJECTS, BenchmarkCell, Subject
from apps.benchmarking.opendata.tables import MEASURES

pytestmark = pytest.mark.django_db

FILES = ["figures.csv", "figures.json", "measures.csv", "measures.json"]


def _get(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def _figures(client, period: str = "2026-Q2") -> list[dict[str, str]]:
    content = _get(client, f"/data/{period}/figures.csv").content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


@pytest.fixture
def curated(snapshot):
    """The snapshot holds a curators' figure (staff only), published or not."""
    BenchmarkCell.objects.get_or_create(
        snapshot=snapshot,
        subject_type=Subject.CURATION_ACTION,
        subject_code="A1.1.1",
        breakdown="all",
        breakdown_value="",
        measure="dormant",
        defaults={"n": 12, "value": Decimal(7)},
    )
    return snapshot


def test_the_data_package_validates_with_frictionless(client, curated, tmp_path) -> None:
    package = _get(client, "/data/2026-Q2/datapackage.json")
    (tmp_path / "datapackage.json").write_bytes(package.content)
    for name in FILES:
        (tmp_path / name).write_bytes(_get(client, f"/data/2026-Q2/{name}").content)

    report = frictionless.validate(str(tmp_path / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    descriptor = package.json()
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [r["path"] for r in descriptor["resources"]] == FILES
    assert all(r["encoding"] == "utf-8" for r in descriptor["resources"])
    edition = curated.edition
    assert descriptor["sources"][0]["title"] == edition.citation
    assert descriptor["citation"].startswith(edition.citation)
    assert "/benchmarks/?period=2026-Q2#method-heading" in descriptor["sources"][1]["path"]
    assert "Small groups" in descriptor["description"]
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert {f["name"]: f["type"] for f in fields}["value"] == "number"
    assert all(f["description"] for f in fields)


def test_every_public_figure_is_there_and_never_a_curators_one(client, curated) -> None:
    rows = _figures(client)
    public = BenchmarkCell.objects.public().filter(snapshot=curated)

    assert len(rows) == public.count() > 0
    assert not {r["subject_type"] for r in rows} & set(STAFF_ONLY_SUBJECTS)
    records = _get(client, "/data/2026-Q2/figures.json").json()
    assert len(records) == len(rows)
    assert not {r["subject_type"] for r in records} & set(STAFF_ONLY_SUBJECTS)
    assert {r["measure"] for r in rows} <= set(MEASURES)
    keys = [
        (r["subject_type"], r["subject_code"], r["breakdown"], r["breakdown_value"], r["measure"])
        for r in rows
    ]
    assert len(set(keys)) == len(keys)


def test_the_known_figures_with_english_labels(client, snapshot) -> None:
    rows = _figures(client)
    eg1 = next(
        r
        for r in rows
        if (r["subject_type"], r["subject_code"], r["breakdown"], r["measure"])
        == ("end_goal", "EG1", "all", "share_adopting")
    )
    assert eg1["value"] == "83.3"
    assert eg1["n"] == "12"
    assert eg1["withheld"] == "no"
    assert eg1["subject_label"]
    assert eg1["breakdown_label"] == "Everyone"
    record = next(
        r
        for r in _get(client, "/data/2026-Q2/figures.json").json()
        if (r["subject_type"], r["subject_code"], r["breakdown"], r["measure"])
        == ("end_goal", "EG1", "all", "share_adopting")
    )
    assert record["value"] == 83.3
    assert record["withheld"] is False


def test_withheld_figures_have_no_value_and_say_why(client, snapshot) -> None:
    withheld = [r for r in _figures(client) if r["withheld"] == "yes"]
    assert withheld
    assert all(r["value"] == "" and r["n"] == "" for r in withheld)
    assert {r["reason"] for r in withheld} <= {"small_group", "complementary"}
    assert all(r["reason"] for r in withheld)
    records = [r for r in _get(client, "/data/2026-Q2/figures.json").json() if r["withheld"]]
    assert all(r["value"] is None and r["n"] is None for r in records)


def test_the_files_are_the_same_in_every_language(client, snapshot) -> None:
    english = _get(client, "/data/2026-Q2/figures.csv").content
    client.cookies["django_language"] = "fr"
    assert _get(client, "/data/2026-Q2/figures.csv").content == english


@pytest.mark.parametrize(
    "path",
    [
        "/data/2026-Q2/datapackage.json",
        "/data/2026-Q2/figures.csv",
        "/data/2026-Q2/figures.json",
        "/data/2026-Q2/measures.csv",
    ],
)
def test_the_files_are_cached_for_good(client, snapshot, path) -> None:
    response = _get(client, path)
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=31536000" in cache_control
    assert "immutable" in cache_control
    assert response["Access-Control-Allow-Origin"] == "*"


def test_downloads_have_a_stable_file_name(client, snapshot) -> None:
    response = _get(client, "/data/2026-Q2/figures.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="pe-roadmap-benchmark-2026-Q2-figures.csv"'
    )
    response = _get(client, "/data/2026-Q2/figures.json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="pe-roadmap-benchmark-2026-Q2-figures.json"'
    )


@pytest.mark.parametrize(
    "path",
    [
        "/data/2025-Q1/",
        "/data/2025-Q1/datapackage.json",
        "/data/2025-Q1/figures.csv",
        "/data/2026-Q2/nothing.csv",
        "/data/2026-Q2/figures.xlsx",
    ],
)
def test_unknown_periods_and_files_are_404(client, snapshot, path) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "immutable" not in response.get("Cache-Control", "")


def test_an_unpublished_snapshot_is_404(client, snapshot) -> None:
    snapshot.published_at = None
    snapshot.save(update_fields=["published_at"])
    for path in ("/data/2026-Q2/", "/data/2026-Q2/datapackage.json", "/data/2026-Q2/figures.csv"):
        assert client.get(path).status_code == 404, path
    assert "2026-Q2" not in client.get("/data/").content.decode()


def test_the_pages_list_periods_and_files(client, snapshot) -> None:
    index = _get(client, "/data/").content.decode()
    assert 'href="/data/2026-Q2/"' in index
    assert 'href="/data/2026-Q2/datapackage.json"' in index
    page = _get(client, "/data/2026-Q2/").content.decode()
    for name in FILES:
        assert f'href="/data/2026-Q2/{name}"' in page
    assert 'href="/data/2026-Q2/datapackage.json"' in page
    assert "#method-heading" in page


def test_the_benchmark_page_links_to_the_open_data(client, snapshot) -> None:
    page = _get(client, "/benchmarks/").content.decode()
    assert 'href="/data/2026-Q2/"' in page


def test_the_api_schema_links_to_the_open_data(client) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/data/" in schema["info"]["description"]
    assert "datapackage.json" in json.dumps(schema)


def test_queries_do_not_grow_with_the_figures(client, snapshot) -> None:
    paths = ("/data/2026-Q2/figures.csv", "/data/2026-Q2/figures.json")

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            _get(client, path)
        return len(queries)

    before = {path: count(path) for path in paths}
    BenchmarkCell.objects.bulk_create(
        BenchmarkCell(
            snapshot=snapshot,
            subject_type=Subject.ACTION,
            subject_code=f"X{i}",
            breakdown="all",
            measure="adopting",
            n=12,
            value=Decimal(6),
        )
        for i in range(3000)  # more than a chunk
    )
    assert {path: count(path) for path in paths} == before
    assert max(before.values()) <= 10
    with CaptureQueriesContext(connection) as queries:
        _get(client, "/data/2026-Q2/datapackage.json")
    assert len(queries) <= 2
