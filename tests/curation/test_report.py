"""The curators' report: its figures, flags, page, spreadsheet and API."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from apps.curation.models import Flag
from apps.curation.selectors import curation_report
from tests.curation.data import ACTION

pytestmark = pytest.mark.django_db


def test_it_reads_each_action_across_the_published_snapshots(curation_data) -> None:
    report = curation_report()
    assert [p.label for p in report.periods] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    row = next(r for r in report.rows if r.code == ACTION)
    assert row.uptake[-1].value == Decimal("65.7")
    assert row.dormant.value == Decimal("26.1")
    assert row.discontinued.value == Decimal("20.7")
    assert row.days_implemented.value == 10
    assert row.days_embedded.withheld
    assert row.days_embedded.reason  # with the reason the rules give
    assert [(b.slug, b.organisations) for b in row.barriers] == [("lack-of-resources", 7)]
    # Most named first: 6 discontinuing and 3 on barrier reports, then 7 on barrier reports.
    assert [(a.code, a.text, a.organisations) for a in row.assumptions] == [
        ("AS-EG1-2", "Assumption 2", 9),
        ("AS-EG1-1", "Assumption 1", 7),
    ]
    assert row.flags == [Flag.STALLED, Flag.DISCONTINUED]
    other = next(r for r in report.rows if r.code == "A1.1.2")
    assert other.flags == [Flag.LOW_UPTAKE]  # 0 % in each of the last three periods
    assert other.trend == 0


def test_low_uptake_needs_three_periods(curation_data, settings) -> None:
    settings.CURATION_LOW_UPTAKE_PERIODS = 4  # more than there are
    assert not any(Flag.LOW_UPTAKE in r.flags for r in curation_report().rows)


def test_a_held_snapshot_is_not_read(curation_data) -> None:
    from apps.benchmarking.models import BenchmarkSnapshot

    BenchmarkSnapshot.objects.filter(period__label="2026-Q2").update(published_at=None)
    assert [p.label for p in curation_report().periods] == ["2025-Q4", "2026-Q1"]


def test_the_page_shows_the_table_and_filters_by_flag(client, curation_data, curator) -> None:
    client.force_login(curator)
    response = client.get("/curation/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<caption id="curation-table">' in page
    assert 'scope="col"' in page
    assert "withheld" in page
    response = client.get("/curation/", {"flag": Flag.STALLED})
    assert [r.code for r in response.context["rows"]] == [ACTION]


def test_the_spreadsheet_has_a_row_per_action(client, curation_data, curator) -> None:
    client.force_login(curator)
    response = client.get("/curation/export.xlsx")
    assert response.status_code == 200
    from io import BytesIO

    sheet = load_workbook(BytesIO(response.content))["Actions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Action"
    found = {r[0]: r for r in rows[1:]}
    assert set(found) == {a.code for a in curation_data.actions.all()}
    assert "Stalled" in found[ACTION][-2]
    assert found[ACTION][-3] == "AS-EG1-2 (9); AS-EG1-1 (7)"


def test_the_api_lists_the_actions_with_withheld_figures_null(
    client, curation_data, curator
) -> None:
    client.force_login(curator)
    response = client.get("/api/v1/curation/actions/", {"flag": Flag.STALLED})
    assert response.status_code == 200
    (action,) = response.json()["results"]
    assert action["code"] == ACTION
    assert action["uptake"][-1] == {"period": "2026-Q2", "value": "65.70", "reason": ""}
    assert action["median_days_to_embedded"]["value"] is None
    assert action["median_days_to_embedded"]["reason"]
    assert action["assumptions_challenged"][0] == {
        "code": "AS-EG1-2",
        "text": "Assumption 2",
        "organisations": 9,
    }
    assert action["flags"] == ["stalled", "often_discontinued"]
