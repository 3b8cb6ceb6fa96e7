"""A PE lead takes the benchmark to the board: the PDF and the XLSX, made in the background.

The lead opens the organisation's benchmark, exports the report as PDF and as XLSX, waits
on each job's progress bar, downloads both files, and opens them: the PDF's text and the
workbook's sheets hold the report's headings.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from apps.accounts.models import User
from apps.benchmarking.exports.exporters import OrganisationReportExporter
from apps.benchmarking.models import ExportJob
from tests.accounts.factories import PASSWORD
from tests.browser._data import PERIOD, benchmark_for_pe_lead
from tests.browser.conftest import Driver, Journey, sign_in

# Committed data (the live server reads it from another thread); the rollback restores
# what migrations load, such as the metric catalogue (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEAD = "lead@example.org"
# Milliseconds to wait for an export (a PDF takes a few seconds on a busy machine).
WAIT = 60_000


@pytest.fixture(autouse=True)
def export_storage(settings, tmp_path: Path) -> Path:
    """Export files go to a private folder (the live server runs in this process)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_pe_lead_exports_the_benchmark_as_pdf_and_xlsx(
    live_server, roadmap, journey, drive, tmp_path
):
    data = benchmark_for_pe_lead(LEAD)
    org = data["organisation"]
    page = drive.page

    sign_in(drive, journey, live_server.url, LEAD, PASSWORD)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    journey.check("signed in")

    # From the organisation's home to its benchmark.
    page.goto(live_server.url + org.get_absolute_url())
    journey.check("organisation home")
    drive.click(page.get_by_role("link", name="Benchmark against peers"))
    expect(page).to_have_url(
        live_server.url + reverse("benchmarking:organisation", args=[org.slug])
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Patients Together against its peers")
    _assert_charts_have_tables_and_summaries(page)
    journey.check("benchmark")

    sections = [s.title for s in OrganisationReportExporter(org, data["snapshot"]).sections]
    assert "Your position" in sections

    pdf = _export(drive, journey, live_server.url, org.slug, "PDF", tmp_path)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    for heading in ("Benchmark report", "Patients Together", "Summary", "How to cite", *sections):
        assert heading in text, heading
    assert text.index("How to cite") < text.index("Your position")  # the citation comes first

    # Back to the benchmark, by its breadcrumb, for the spreadsheet.
    drive.click(
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Benchmark")
    )
    journey.check("benchmark again")
    xlsx = _export(drive, journey, live_server.url, org.slug, "XLSX", tmp_path)
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames[0] == "Method"  # the method first, then a sheet per section
    assert {title[:31] for title in sections} <= set(book.sheetnames)
    header = next(book["Your position"].iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("Kind", "Code", "Title")
    assert header[-1] == "Suppressed because"

    assert set(ExportJob.objects.values_list("format", "status")) == {
        ("pdf", "done"),
        ("xlsx", "done"),
    }


def test_the_progress_bar_follows_an_export_as_it_runs(live_server, roadmap, journey, page):
    """Under the strict CSP, static/js/export-progress.js moves the bar, says when the
    export is ready (a live region) and reveals the download link, without a reload."""
    data = benchmark_for_pe_lead(LEAD)
    org = data["organisation"]
    job = ExportJob.objects.create(
        requested_by=data["lead"],
        organisation=org,
        snapshot=data["snapshot"],
        format=ExportJob.Format.XLSX,
        status=ExportJob.Status.RUNNING,
        progress=10,
    )
    page.context.add_cookies([_session_cookie(live_server.url, data["lead"])])
    page.goto(live_server.url + reverse("benchmark-exports:detail", args=[org.slug, job.pk]))
    status = page.get_by_role("region", name="Status")
    bar = status.get_by_role("progressbar", name="Export progress")
    download = status.get_by_role("link", name="Download the XLSX file")
    expect(bar).to_have_attribute("aria-valuenow", "10")
    expect(status.get_by_role("link", name="Refresh")).to_be_visible()
    expect(download).to_be_hidden()
    journey.check("export running")

    ExportJob.objects.filter(pk=job.pk).update(progress=40)
    expect(bar).to_have_attribute("aria-valuenow", "40", timeout=WAIT)
    expect(status.get_by_text("40%", exact=True)).to_be_visible()
    expect(status.get_by_role("status")).to_have_text("The export is being made: 40% done.")

    job.file.save("report.xlsx", ContentFile(b"not really a workbook"), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        progress=100,
        file=job.file.name,
        file_name="report.xlsx",
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    expect(status.get_by_role("status")).to_have_text("The export is ready.", timeout=WAIT)
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(download).to_be_visible()
    expect(download).to_have_attribute(
        "href", reverse("benchmark-exports:download", args=[org.slug, job.pk])
    )
    expect(status.get_by_role("link", name="Refresh")).to_be_hidden()
    journey.check("export done, without a reload")


def _session_cookie(base_url: str, user: User) -> dict:
    """A session cookie for ``user``: signed in without the form, which the journey tests."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": base_url}


def _export(
    drive: Driver, journey: Journey, base_url: str, slug: str, label: str, folder: Path
) -> Path:
    """Export the benchmark in the format ``label`` from the benchmark page; wait on the
    progress bar; download the file. Returns where it was saved."""
    page = drive.page
    panel = page.get_by_role("region", name="Export the report")
    drive.select(panel.get_by_label("Period"), PERIOD)
    choose_radio(drive, panel.get_by_role("radio", name=re.compile(f"^{label}:")))
    drive.click(panel.get_by_role("button", name="Export", exact=True))

    # Tasks run inline in tests, so the answer to the POST comes once the file is made.
    expect(page).to_have_url(
        re.compile(rf"{base_url}/o/{slug}/benchmark/exports/\d+/$"), timeout=WAIT
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{label} benchmark report for {PERIOD}"
    )
    status = page.get_by_role("region", name="Status")
    bar = status.get_by_role("progressbar", name="Export progress")
    # As a user would: wait until the bar is full and the download link appears.
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=WAIT)
    expect(bar).to_have_attribute("aria-valuetext", "100%")
    expect(status.get_by_role("status")).to_have_text("The export is ready.")
    link = status.get_by_role("link", name=f"Download the {label} file")
    expect(link).to_be_visible()
    journey.check(f"{label} export")

    with page.expect_download() as download:
        drive.click(link)
    saved = folder / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == f".{label.lower()}"
    assert saved.name.startswith(f"{slug}-benchmark-{PERIOD}")
    return saved


def choose_radio(drive: Driver, target: Locator) -> None:
    """Choose a radio button as its user would. By keyboard, Tab reaches a radio group
    once, at its checked button; the arrow keys then move the choice within the group."""
    if not drive.keyboard or target.is_checked():
        drive.check(target)
        return
    name = target.get_attribute("name")
    group = drive.page.locator(f"input[type=radio][name='{name}']")
    values = [group.nth(i).get_attribute("value") for i in range(group.count())]
    current = drive.page.locator(f"input[type=radio][name='{name}']:checked")
    start = values.index(current.get_attribute("value"))
    wanted = values.index(target.get_attribute("value"))
    drive.focus(current)
    for _ in range(abs(wanted - start)):
        drive.page.keyboard.press("ArrowDown" if wanted > start else "ArrowUp")
    expect(target).to_be_checked()
    expect(target).to_be_focused()


def _assert_charts_have_tables_and_summaries(page: Page) -> None:
    """Every chart has a name, a description, a text summary and a table with the same
    figures."""
    sections = page.locator("main section:has(svg[role='img'])")
    assert sections.count() >= 2
    for index in range(sections.count()):
        section = sections.nth(index)
        chart = section.get_by_role("img")
        expect(chart).to_have_accessible_name(re.compile(r"\S"))
        expect(chart).to_have_accessible_description(re.compile(r"\d"))
        expect(section.locator(".chart-summary")).not_to_be_empty()
        expect(section.get_by_role("table")).to_be_visible()


def test_a_pe_lead_follows_next_on_the_organisation_s_roadmap_to_adopt_it(
    live_server, roadmap, journey, drive
):
    """Issue 16: the organisation's roadmap shows its progress on the theory of change and
    what its peers adopt most; the lead follows a "next" action to adopt it."""
    from apps.adoption.models import Adoption
    from apps.benchmarking.models import BenchmarkCell

    data = benchmark_for_pe_lead(LEAD)
    org = data["organisation"]
    adopted = Adoption.objects.filter(organisation=org).values_list("action__code", flat=True)
    code = data["snapshot"].edition.actions.exclude(code__in=list(adopted)).first().code
    BenchmarkCell.objects.update_or_create(
        snapshot=data["snapshot"],
        subject_type="action",
        subject_code=code,
        breakdown="all",
        breakdown_value="",
        measure="share_adopting",
        defaults={"value": 99, "n": 12, "suppressed": False, "reason": ""},
    )
    page = drive.page

    sign_in(drive, journey, live_server.url, LEAD, PASSWORD)
    page.goto(live_server.url + org.get_absolute_url())
    journey.check("dashboard")
    drive.click(page.get_by_role("link", name="Our roadmap: progress on every action"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Patients Together on the roadmap")
    expect(page.get_by_role("table", name="Your status on every action, by goal")).to_be_visible()
    journey.check("organisation roadmap")

    drive.click(page.get_by_role("link", name=f"Adopt {code}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adopt")
    journey.check("adopt from next")
