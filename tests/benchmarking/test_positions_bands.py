"""Honest positions (issue 15): the band rule, written once in ``percentile_band``, and an
organisation with no data in a period told so rather than ranked, on the page and in the API.

``org`` is Patients Together of ``bench_population``: every patient organisation adopts two
of EG1's actions, so the group's quartiles of EG1 are all 2, and Patients Together has 2.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from apps.benchmarking.figures import Figure
from apps.benchmarking.organisation_report import organisation_report
from apps.benchmarking.selectors import BANDS, NO_DATA, organisation_position, percentile_band
from apps.organisations.permissions import Role
from tests.benchmarking.conftest import page_tables
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def fig(value: float | None) -> Figure:
    return Figure(None if value is None else Decimal(str(value)), 10, "")


QUARTILES = (fig(2), fig(4), fig(6))


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (1, "bottom"),
        (2, "lower"),  # at the first quartile: the band nearer the median
        (3, "lower"),
        (4, "median"),  # at the median: around the median, never "third quarter"
        (5, "upper"),
        (6, "upper"),  # at the third quartile: the band nearer the median
        (7, "top"),
    ],
)
def test_the_band_rule(value: int, band: str) -> None:
    assert percentile_band(value, *QUARTILES) == band


def test_ties_at_the_median_are_around_the_median() -> None:
    """Quartiles all equal (most of the group adopted the same number): the value equal to
    them is around the median, below it the bottom quarter, above it the top."""
    tied = (fig(4), fig(4), fig(4))
    assert percentile_band(4, *tied) == "median"
    assert percentile_band(3, *tied) == "bottom"
    assert percentile_band(5, *tied) == "top"
    assert percentile_band(4, fig(4), fig(4), fig(6)) == "median"


def test_withheld_quartiles_give_no_band() -> None:
    assert percentile_band(4, fig(2), fig(None), fig(6)) == ""


def test_every_band_has_words() -> None:
    assert str(BANDS["median"]) == "around the median"
    assert str(BANDS[NO_DATA]) == "no data for this period"


def test_at_the_group_median_the_page_says_around_the_median(
    client_as, org, personas, snapshot
) -> None:
    response = client_as(personas["pe_lead"]).get(f"/o/{org.slug}/benchmark/")
    eg1 = page_tables(response.content)["end-goals-caption"][1]
    assert eg1[1:] == [
        "2 of 4 actions (50%)",
        "2",
        "1",
        "Around the median of your stakeholder group",
    ]


def _newcomer(personas):
    group = personas["pe_lead"].memberships.get().organisation.stakeholder_group
    newcomer = OrganisationFactory(slug="newcomer", verified=True, stakeholder_group=group)
    return newcomer, MembershipFactory(organisation=newcomer, role=Role.PE_LEAD).user


def test_an_organisation_with_no_data_is_not_ranked(snapshot, personas) -> None:
    newcomer, _lead = _newcomer(personas)

    position = organisation_position(organisation=newcomer, snapshot=snapshot)

    assert not position.recorded
    rows = position.end_goals + position.dimensions
    assert rows
    assert all(row.band_key == NO_DATA and not row.has_data for row in rows)
    assert all(str(row.band) == "no data for this period" for row in rows)
    assert all(row.band_basis == "" for row in rows)


def test_the_page_and_the_api_say_no_data_for_this_period(client_as, snapshot, personas) -> None:
    _newcomer_org, lead = _newcomer(personas)

    page = client_as(lead).get("/o/newcomer/benchmark/")
    tables = page_tables(page.content)
    assert tables["end-goals-caption"][1][-1] == "No data for this period"
    assert "no data" in page.content.decode()
    assert "bottom quarter" not in page.content.decode()

    api = APIClient()
    api.force_authenticate(lead)
    body = api.get("/api/v1/organisations/newcomer/benchmarks/2026-Q2/").json()
    eg1 = next(row for row in body["end_goals"] if row["code"] == "EG1")
    assert (eg1["band"], eg1["band_text"], eg1["band_basis"]) == (
        "no_data",
        "no data for this period",
        None,
    )


def test_the_report_does_not_call_an_organisation_with_no_data_behind(snapshot, personas) -> None:
    newcomer, _lead = _newcomer(personas)

    report = organisation_report(organisation=newcomer, snapshot=snapshot)

    for table in (report.goals, report.dimensions):
        assert "behind" not in table.summary
        assert "no data to place" in table.summary
