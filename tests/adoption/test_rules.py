"""The rules of ``apps.adoption.rules``: logging progress and importing a file refuse alike."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from apps.adoption.models import Adoption, AdoptionStatus, Metric
from apps.adoption.services import EntryInput, _validate_entry
from apps.adoption.transfer.import_cells import (
    CellError,
    ImportRow,
    as_number,
    as_percent,
    as_status,
)
from apps.adoption.transfer.import_checks import ImportPlan
from apps.core.exporters import TabularRow
from apps.organisations.models import Organisation
from apps.roadmap.models import Action

# The organisation's own adoption (a partner's entry has rules of its own), never saved.
ORGANISATION = Organisation(pk=1)
ADOPTION = Adoption(organisation=ORGANISATION, action=Action(pk=1, edition_id=0))
LINKS = ["https://example.org/report", "http://example.org", "javascript:alert(1)", "report.pdf"]


def _services_refuse(data: EntryInput) -> set[str]:
    try:
        # No files and no assumptions: neither the organisation nor the edition is read.
        _validate_entry(data, organisation=ORGANISATION, adoption=ADOPTION)
    except ValidationError as exc:
        return set(exc.message_dict)
    return set()


def _importer_refuses(parse: object, value: str) -> bool:
    try:
        parse(value, "column")
    except CellError:
        return True
    return False


@given(
    status=st.sampled_from([*AdoptionStatus.values, "finished", "paused"]),
    percent=st.integers(-5, 105),
    value=st.decimals(-10, 10, places=2),
    link=st.sampled_from(LINKS),
)
def test_the_services_and_the_importer_refuse_the_same_values(
    status: str, percent: int, value: Decimal, link: str
) -> None:
    metric = Metric(pk=1, slug="pe-budget", name="PE budget", is_active=True)
    refused = _services_refuse(
        EntryInput(
            entry_date=timezone.localdate(),
            narrative="",
            status_to=status,
            percent_complete=percent,
            links=[link],
            metric_values={metric: value},
        )
    )
    plan = ImportPlan(organisation=None, by=None, lookups=None)

    assert ("status_to" in refused) is _importer_refuses(as_status, status)
    assert ("percent_complete" in refused) is _importer_refuses(as_percent, str(percent))
    assert ("metric_values" in refused) is _importer_refuses(as_number, str(value))
    assert ("links" in refused) is (plan._links(_row(link, plan.errors)) == [])


def _row(link: str, errors: list[str]) -> ImportRow:
    row = TabularRow(number=2, values={"evidence_links": link})
    return ImportRow("entries", row, errors)
