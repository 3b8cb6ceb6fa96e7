"""What an imported file's rows are checked against, loaded before any row is read.

:class:`Lookups` holds the published roadmap, the organisation's members and adoptions, the
entries and partners the file names, and the metric and barrier catalogues: each loaded with
one query, so checking a file costs the same number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.core.exporters import TabularRow
from apps.organisations.models import Organisation
from apps.roadmap.models import Action, BarrierCategory, Edition

from ..models import Adoption, Metric, ProgressEntry
from .exporters import ADOPTIONS, ENTRIES
from .import_cells import Sheets, is_id, rows_of, split_list

if TYPE_CHECKING:
    from apps.accounts.models import User

AdoptionKey = tuple[str, str]  # (action code, edition label)


@dataclass
class Lookups:
    """Everything rows are checked against, each loaded with one query."""

    published_label: str
    published: dict[str, Action]
    other_actions: dict[AdoptionKey, Action]
    members: dict[str, User]
    existing: dict[AdoptionKey, Adoption]
    recorded: dict[int, int]  # entry id → adoption id, for refs that name existing entries
    partners: dict[str, Organisation]
    metrics: dict[str, Metric]
    categories: dict[str, BarrierCategory]

    @classmethod
    def load(cls, organisation: Organisation, sheets: Sheets) -> Lookups:
        edition = Edition.objects.current()
        adoptions = rows_of(sheets, ADOPTIONS)
        entries = rows_of(sheets, ENTRIES)
        return cls(
            published_label=edition.version_label if edition else "",
            published={a.code: a for a in Action.objects.published().select_related("edition")},
            other_actions=_other_actions(adoptions),
            members={
                m.user.email.lower(): m.user
                for m in organisation.memberships.select_related("user")
            },
            existing={
                (a.action.code, a.action.edition.version_label): a
                for a in organisation.adoptions.select_related("action__edition")
            },
            recorded=_recorded(organisation, entries),
            partners=_partners(organisation, adoptions),
            metrics={m.slug: m for m in Metric.objects.all()},
            categories={c.slug: c for c in BarrierCategory.objects.all()},
        )


def _other_actions(rows: list[TabularRow]) -> dict[AdoptionKey, Action]:
    labels = {row.values.get("edition", "").strip() for row in rows} - {""}
    actions = Action.objects.filter(edition__version_label__in=labels).select_related("edition")
    return {(a.code, a.edition.version_label): a for a in actions}


def _recorded(organisation: Organisation, rows: list[TabularRow]) -> dict[int, int]:
    refs = {int(ref) for row in rows if is_id(ref := row.values.get("entry_ref", "").strip())}
    if not refs:
        return {}
    entries = ProgressEntry.objects.filter(adoption__organisation=organisation, pk__in=refs)
    return dict(entries.values_list("pk", "adoption_id"))


def _partners(organisation: Organisation, rows: list[TabularRow]) -> dict[str, Organisation]:
    """The verified organisations the rows name, by slug, and the importing one, so that
    naming it is answered by the rule of a request (never oneself), not as unknown."""
    slugs = {slug for row in rows for slug in split_list(row.values.get("partners", ""))}
    verified = Organisation.objects.filter(slug__in=slugs, status=Organisation.Status.VERIFIED)
    return {**{org.slug: org for org in verified}, organisation.slug: organisation}
