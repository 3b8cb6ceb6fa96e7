"""``n`` is a figure too: the ``n`` of a withheld cell (above all a withheld population)
shows in no output: pages, chart CSVs, the API, the PDF, XLSX and CSV reports.

The withheld cells' ``n`` is set to a number that appears nowhere else; every output is
rendered and searched for it (with or without thousands separators). The outputs that
print ``n`` at all (the API's cells and the full aggregate) must print a published
cell's ``n``: that shows the search would find it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from apps.benchmarking.exports.aggregate import AggregateExporter
from apps.benchmarking.exports.exporters import OrganisationReportExporter
from apps.benchmarking.exports.pdf import render_pdf
from apps.benchmarking.models import BenchmarkSnapshot
from apps.benchmarking.report import public_report
from apps.benchmarking.services import snapshot_compile_and_publish

pytestmark = pytest.mark.django_db

WITHHELD_N = 987654
PUBLISHED_N = 876543


def _found(number: int, text: str) -> bool:
    digits = str(number)
    return re.search(rf"{digits[:3]}\D?{digits[3:]}", text) is not None


def _xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " | ".join("" if v is None else str(v) for v in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def _api_pages(client: APIClient, url: str) -> str:
    texts, page = [], f"{url}?page_size=1000"
    while page:
        response = client.get(page)
        assert response.status_code == 200, response.content
        texts.append(response.content.decode())
        page = response.json().get("next")
    return "\n".join(texts)


@pytest.fixture
def withheld(bench_population: dict[str, Any]) -> BenchmarkSnapshot:
    """The snapshot compiled on the real rules and published by the real audit; then Central
    and Eastern Europe's population is withheld too (as the protection withholds a
    population, complementary) with its figures, every withheld cell's ``n`` is set to
    :data:`WITHHELD_N`, and the population of everyone (published) gets ``n``
    :data:`PUBLISHED_N`."""
    snapshot = snapshot_compile_and_publish(period=bench_population["period"])
    assert snapshot.is_published, snapshot.audit_findings
    cells = snapshot.cells.all()
    cells.filter(breakdown="region", breakdown_value="cee").update(
        suppressed=True, value=None, reason="complementary"
    )
    assert cells.filter(suppressed=True).update(n=WITHHELD_N) > 0
    everyone = cells.filter(subject_type="population", breakdown="all", suppressed=False)
    assert everyone.update(n=PUBLISHED_N) == 1
    return snapshot


def _public_page(ctx: dict[str, Any]) -> str:
    return Client().get("/benchmarks/").content.decode()


def _chart_csvs(ctx: dict[str, Any]) -> str:
    snapshot = ctx["snapshot"]
    slugs = [chart.slug for chart in public_report(snapshot).charts()]
    assert slugs
    texts = []
    for slug in slugs:
        url = reverse("benchmarking:public-chart-csv", args=[snapshot.period.label, slug])
        response = Client().get(url)
        assert response.status_code == 200
        texts.append(response.content.decode())
    return "\n".join(texts)


def _organisation_page(ctx: dict[str, Any]) -> str:
    client = Client()
    client.force_login(ctx["lead"])
    response = client.get(reverse("benchmarking:organisation", args=[ctx["org"].slug]))
    assert response.status_code == 200
    return response.content.decode()


def _api_list(ctx: dict[str, Any]) -> str:
    return APIClient().get("/api/v1/benchmarks/").content.decode()


def _api_cells(ctx: dict[str, Any]) -> str:
    return _api_pages(APIClient(), "/api/v1/benchmarks/2026-Q2/")


def _api_position(ctx: dict[str, Any]) -> str:
    client = APIClient()
    client.force_authenticate(ctx["lead"])
    url = f"/api/v1/organisations/{ctx['org'].slug}/benchmarks/2026-Q2/"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _report(file_format: str) -> Callable[[dict[str, Any]], str]:
    def render(ctx: dict[str, Any]) -> str:
        exporter = OrganisationReportExporter(ctx["org"], ctx["snapshot"])
        content = exporter.render(file_format).content
        return _xlsx_text(content) if file_format == "xlsx" else content.decode("utf-8-sig")

    return render


def _report_pdf(ctx: dict[str, Any]) -> str:
    content = render_pdf(OrganisationReportExporter(ctx["org"], ctx["snapshot"])).content
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _aggregate(file_format: str) -> Callable[[dict[str, Any]], str]:
    def render(ctx: dict[str, Any]) -> str:
        content = AggregateExporter(ctx["snapshot"]).render(file_format).content
        return _xlsx_text(content) if file_format == "xlsx" else content.decode("utf-8-sig")

    return render


OUTPUTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "public page": _public_page,
    "chart CSVs": _chart_csvs,
    "organisation page": _organisation_page,
    "API list": _api_list,
    "API cells": _api_cells,
    "API position": _api_position,
    "report XLSX": _report("xlsx"),
    "report CSV": _report("csv"),
    "report PDF": _report_pdf,
    "aggregate XLSX": _aggregate("xlsx"),
    "aggregate CSV": _aggregate("csv"),
}
# The outputs that print a cell's n at all.
PRINT_N = {"API cells", "aggregate XLSX", "aggregate CSV"}


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_no_output_shows_the_n_of_a_withheld_cell(
    output: str, withheld: BenchmarkSnapshot, org: Any, personas: dict[str, Any]
) -> None:
    text = OUTPUTS[output]({"snapshot": withheld, "org": org, "lead": personas["pe_lead"]})
    assert text.strip()
    assert not _found(WITHHELD_N, text), output
    assert _found(PUBLISHED_N, text) == (output in PRINT_N), output


def test_a_withheld_cell_is_served_with_n_null(withheld: BenchmarkSnapshot) -> None:
    response = APIClient().get("/api/v1/benchmarks/2026-Q2/", {"page_size": 1000})
    cells = [c for c in response.json()["results"] if c["breakdown_value"] == "cee"]
    assert cells
    assert all(c["n"] is None and c["value"] is None and c["suppressed"] for c in cells)


def test_a_withheld_population_of_everyone_is_not_given_as_the_organisation_count(
    withheld: BenchmarkSnapshot,
) -> None:
    withheld.cells.filter(subject_type="population", breakdown="all").update(
        suppressed=True, value=None, reason="complementary", n=WITHHELD_N
    )
    BenchmarkSnapshot.objects.filter(pk=withheld.pk).update(organisation_count=WITHHELD_N)
    listed = APIClient().get("/api/v1/benchmarks/").json()["results"]
    assert [s["organisation_count"] for s in listed] == [None]
    detail = APIClient().get("/api/v1/benchmarks/2026-Q2/").json()["snapshot"]
    assert detail["organisation_count"] is None
    assert not _found(WITHHELD_N, Client().get("/benchmarks/").content.decode())
