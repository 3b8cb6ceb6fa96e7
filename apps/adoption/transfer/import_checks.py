"""Checking an imported file row by row into an :class:`ImportPlan`, changing nothing.

The plan holds every valid row as unsaved objects (adoptions with the partners to ask, entries
with their evidence and metric values, barrier reports) and one error per problem. The checks are
those the services make (see the contract in ``importers``), plus the file's own references:
each entry to an adoption, ``supersedes_ref`` to an earlier entry, each barrier to an entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from apps.organisations.models import Organisation
from apps.roadmap.models import Action

from .. import rules
from ..models import Adoption, BarrierReport, Evidence, MetricValue, ProgressEntry
from ..partnerships.services import request_errors
from .exporters import ADOPTIONS, BARRIERS, ENTRIES, METRIC_PREFIX, SHEET_NAMES
from .import_cells import (
    ImportRow,
    Sheets,
    as_date,
    as_flag,
    as_number,
    as_percent,
    as_status,
    is_id,
    row_error,
    rows_of,
    split_list,
)
from .import_lookups import AdoptionKey, Lookups

if TYPE_CHECKING:
    from apps.accounts.models import User

REQUIRED_COLUMNS = {
    ADOPTIONS: ("action_code", "status"),
    ENTRIES: ("action_code", "entry_date", "narrative"),
    BARRIERS: ("entry_ref", "category"),
}


@dataclass
class PlannedAdoption:
    adoption: Adoption
    partners: list[Organisation]


@dataclass
class PlannedEntry:
    entry: ProgressEntry
    evidence: list[Evidence]
    values: list[MetricValue]
    supersedes: PlannedEntry | None = None
    corrected: bool = False


@dataclass
class ImportPlan:
    """The checked content of a file, as unsaved objects, and the errors found."""

    organisation: Organisation
    by: User
    lookups: Lookups
    errors: list[str] = field(default_factory=list)
    adoptions: dict[AdoptionKey, PlannedAdoption] = field(default_factory=dict)
    entries: list[PlannedEntry] = field(default_factory=list)
    barriers: list[BarrierReport] = field(default_factory=list)
    adoption_keys: set[AdoptionKey] = field(default_factory=set)
    entry_refs: dict[str, PlannedEntry | None] = field(default_factory=dict)
    barrier_keys: set[tuple[str, str]] = field(default_factory=set)

    def check(self, sheets: Sheets) -> None:
        self._check_sheet_names(sheets)
        checks = {
            ADOPTIONS: self.check_adoption,
            ENTRIES: self.check_entry,
            BARRIERS: self.check_barrier,
        }
        for name in SHEET_NAMES:
            header, rows = sheets.get(name, ([], []))
            if rows and self._check_header(name, header):
                for row in rows:
                    checks[name](ImportRow(name, row, self.errors))

    def _check_sheet_names(self, sheets: Sheets) -> None:
        for name, (_header, rows) in sheets.items():
            if name not in SHEET_NAMES and rows:
                message = _("record type or sheet “%(name)s” is not one of %(names)s") % {
                    "name": name,
                    "names": ", ".join(SHEET_NAMES),
                }
                self.errors.append(row_error(name or "-", rows[0].number, message))
        if not any(rows_of(sheets, name) for name in SHEET_NAMES):
            self.errors.append(_("The file holds no adoptions, entries or barriers."))

    def _check_header(self, sheet: str, header: list[str]) -> bool:
        missing = [c for c in REQUIRED_COLUMNS[sheet] if c not in header]
        for column in missing:
            self.errors.append(
                row_error(sheet, 1, _("the column %(column)s is missing") % {"column": column})
            )
        if sheet == ENTRIES:
            for column in header:
                slug = column.removeprefix(METRIC_PREFIX)
                if column.startswith(METRIC_PREFIX) and slug not in self.lookups.metrics:
                    self.errors.append(
                        row_error(sheet, 1, _("unknown metric “%(slug)s”") % {"slug": slug})
                    )
        return not missing

    # --- adoptions ---

    def check_adoption(self, row: ImportRow) -> None:
        removed = bool(row.read(as_flag, "action_removed"))
        key, action = self._action(row, removed)
        owner = self._member(row, "owner_email", required_member=True)
        start, target = row.read(as_date, "start_date"), row.read(as_date, "target_date")
        if start and target and target < start:
            row.error(_("target date is before start date"))
        values = {
            "status": row.read(as_status, "status"),
            "is_urgent": row.read(as_flag, "urgent"),
            "is_important": row.read(as_flag, "important"),
            "percent_complete": row.read(as_percent, "percent_complete"),
        }
        adoption = Adoption(
            organisation=self.organisation,
            action=action,
            owner=owner,
            start_date=start,
            target_date=target,
            notes=row.text("notes"),
            action_removed=removed,
            created_by=self.by,
            **{name: value for name, value in values.items() if value not in (None, "")},
        )
        partners = self._partner_list(row, adoption)
        if row.bad or key is None:
            return
        row.clean(adoption, exclude=["organisation", "action", "owner", "created_by"])
        if not row.bad:
            self.adoptions[key] = PlannedAdoption(adoption, partners)

    def _action(self, row: ImportRow, removed: bool) -> tuple[AdoptionKey | None, Action | None]:
        code, label = row.code("action_code"), row.code("edition") or self.lookups.published_label
        if not code:
            row.error(_("action_code is empty"))
            return None, None
        key = (code, label)
        duplicate, adopted = key in self.adoption_keys, key in self.lookups.existing
        self.adoption_keys.add(key)
        action = self._find_action(row, code, label, removed)
        if duplicate:
            row.error(_("%(code)s appears more than once in the file") % {"code": code})
        elif adopted:
            row.error(
                _(
                    "your organisation has already adopted %(code)s: remove this row (its "
                    "entries can stay, to add them to the existing adoption)"
                )
                % {"code": code}
            )
        return key, action

    def _find_action(self, row: ImportRow, code: str, label: str, removed: bool) -> Action | None:
        published = self.lookups.published_label
        if removed and label == published:
            row.error(
                _("action_removed is yes but %(code)s is in the published edition") % {"code": code}
            )
            return None
        if removed:
            action = self.lookups.other_actions.get((code, label))
        elif label != published:
            row.error(
                _("edition “%(label)s” is not the published edition (%(published)s)")
                % {"label": label, "published": published or "-"}
            )
            return None
        else:
            action = self.lookups.published.get(code)
        if action is None:
            row.error(
                _("%(code)s is not an action of edition %(label)s")
                % {"code": code, "label": label or "-"}
            )
        return action

    def _member(self, row: ImportRow, column: str, *, required_member: bool) -> User | None:
        email = row.code(column).lower()
        if not email:
            return None
        member = self.lookups.members.get(email)
        if member is None and required_member:
            row.error(
                _("%(column)s %(email)s is not a member of your organisation")
                % {"column": column, "email": email}
            )
        return member or (None if required_member else self.by)

    def _partner_list(self, row: ImportRow, adoption: Adoption) -> list[Organisation]:
        """The organisations to ask to act on the new adoption with the importing one, by the
        rules of a request (``request_errors``); one named twice is asked once."""
        partners: dict[str, Organisation] = {}
        for slug in split_list(row.text("partners")):
            partner = self.lookups.partners.get(slug)
            if partner is None:
                row.error(
                    _("partner “%(slug)s” is not a verified organisation on the portal")
                    % {"slug": slug}
                )
                continue
            problems = request_errors(adoption, partner)
            for message in (m for messages in problems.values() for m in messages):
                row.error(_("partner “%(slug)s”: %(problem)s") % {"slug": slug, "problem": message})
            if not problems:
                partners.setdefault(slug, partner)
        return list(partners.values())

    # --- entries ---

    def check_entry(self, row: ImportRow) -> None:
        adoption = self._entry_adoption(row)
        ref = self._entry_ref(row, adoption)
        supersedes = self._supersedes(row, adoption)
        entry_date = row.read(as_date, "entry_date")
        if entry_date is None and not row.bad:
            row.error(_("entry_date is empty"))
        elif entry_date and rules.is_in_the_future(entry_date):
            row.error(_("entry_date is in the future"))
        entry = ProgressEntry(
            organisation=self.organisation,
            entry_date=entry_date,
            narrative=row.text("narrative"),
            status_from=row.read(as_status, "status_from") or "",
            status_to=row.read(as_status, "status_to") or "",
            percent_complete=row.read(as_percent, "percent_complete"),
            author=self._member(row, "author_email", required_member=False),
        )
        evidence = [Evidence(entry=entry, url=url, title=url[:200]) for url in self._links(row)]
        values = self._metric_values(row, entry)
        if row.bad or adoption is None:
            self._plan_entry(row, ref, None)
            return
        entry.adoption = adoption
        self._clean_entry(row, entry, evidence, values)
        self._plan_entry(row, ref, PlannedEntry(entry, evidence, values, supersedes))

    def _clean_entry(
        self,
        row: ImportRow,
        entry: ProgressEntry,
        evidence: list[Evidence],
        values: list[MetricValue],
    ) -> None:
        row.clean(entry, exclude=["adoption", "author", "supersedes"])
        for item in evidence:
            row.clean(item, exclude=["entry"])
        for value in values:
            row.clean(value, exclude=["entry", "metric"])

    def _plan_entry(self, row: ImportRow, ref: str, planned: PlannedEntry | None) -> None:
        if row.bad or planned is None:
            if ref:
                self.entry_refs.setdefault(ref, None)  # known, so rows pointing to it stay quiet
            return
        if planned.supersedes is not None:
            planned.supersedes.corrected = True
            planned.supersedes.entry.is_current = False
        self.entries.append(planned)
        if ref:
            self.entry_refs[ref] = planned

    def _entry_adoption(self, row: ImportRow) -> Adoption | None:
        code = row.code("action_code")
        key = (code, row.code("edition") or self.lookups.published_label)
        if key in self.adoptions:
            return self.adoptions[key].adoption
        if key in self.lookups.existing:
            adoption = self.lookups.existing[key]
            if adoption.is_read_only:
                row.error(
                    _("%(code)s was removed from the roadmap: its adoption is read-only")
                    % {"code": code}
                )
            return adoption
        if key in self.adoption_keys:
            row.bad = True  # its adoption row has errors, reported there
        else:
            row.error(
                _("%(code)s is not adopted by your organisation and has no row in adoptions")
                % {"code": code or "-"}
            )
        return None

    def _entry_ref(self, row: ImportRow, adoption: Adoption | None) -> str:
        ref = row.code("entry_ref")
        if not ref:
            return ref
        if ref in self.entry_refs:
            row.error(_("entry_ref %(ref)s appears more than once") % {"ref": ref})
        elif adoption is not None and adoption.pk and self._recorded_in(ref, adoption):
            row.error(
                _("entry %(ref)s is already recorded for this adoption: remove the row")
                % {"ref": ref}
            )
        return ref

    def _recorded_in(self, ref: str, adoption: Adoption) -> bool:
        return is_id(ref) and self.lookups.recorded.get(int(ref)) == adoption.pk

    def _supersedes(self, row: ImportRow, adoption: Adoption | None) -> PlannedEntry | None:
        ref = row.code("supersedes_ref")
        if not ref:
            return None
        if ref not in self.entry_refs:
            row.error(
                _("supersedes_ref %(ref)s does not match an entry_ref earlier in the file")
                % {"ref": ref}
            )
            return None
        target = self.entry_refs[ref]
        if target is None:
            row.bad = True  # the entry it corrects has errors, reported there
        elif target.entry.adoption is not adoption:
            row.error(_("entry %(ref)s belongs to another adoption") % {"ref": ref})
        elif target.corrected:
            row.error(_("entry %(ref)s is already corrected by an earlier row") % {"ref": ref})
        else:
            return target
        return None

    def _links(self, row: ImportRow) -> list[str]:
        links = []
        for link in row.text("evidence_links").split():
            if rules.is_web_address(link):
                links.append(link)
            else:
                row.error(_("evidence link “%(link)s” is not a web address") % {"link": link})
        return links

    def _metric_values(self, row: ImportRow, entry: ProgressEntry) -> list[MetricValue]:
        values = []
        for column in row.row.values:
            metric = self.lookups.metrics.get(column.removeprefix(METRIC_PREFIX))
            if not column.startswith(METRIC_PREFIX) or metric is None:
                continue
            value = row.read(as_number, column)
            if value is not None:
                values.append(MetricValue(entry=entry, metric=metric, value=value))
        return values

    # --- barriers ---

    def check_barrier(self, row: ImportRow) -> None:
        ref, slug = row.code("entry_ref"), row.code("category")
        planned = self.entry_refs.get(ref)
        if ref not in self.entry_refs:
            row.error(
                _("entry_ref “%(ref)s” does not match an entry in the file") % {"ref": ref or "-"}
            )
        elif planned is None:
            row.bad = True  # the entry has errors, reported there
        category = self.lookups.categories.get(slug)
        if category is None:
            row.error(_("unknown barrier category “%(slug)s”") % {"slug": slug})
        if (ref, slug) in self.barrier_keys:
            row.error(_("barrier %(slug)s appears twice for this entry") % {"slug": slug})
        self.barrier_keys.add((ref, slug))
        if row.bad or planned is None:
            return
        report = BarrierReport(entry=planned.entry, category=category, note=row.text("note"))
        row.clean(report, exclude=["entry", "category"])
        if not row.bad:
            self.barriers.append(report)
