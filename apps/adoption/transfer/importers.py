"""Importing adoptions and progress from the file that ``exporters`` writes.

Contract of :func:`import_adoptions`:

1. Read the whole file: CSV or XLSX (detected from the content), at most
   :data:`MAX_BYTES` and :data:`MAX_ROWS` data rows.
2. Check every row against the published roadmap, the metric and barrier
   catalogues, the organisation's members and adoptions, and the other rows,
   collecting one error per problem, such as
   ``"Row 7 (adoptions): target date is before start date"``.
3. If there is any error, change nothing and return the errors.
4. Otherwise write everything in one transaction and return the counts.

Why the services are not called: ``adoption_create`` records an "Adopted the
action." entry and ``progress_entry_create`` applies each entry's status to
the adoption and stamps today's activity. Replaying a file through them would
add history the file does not hold, so exporting the imported organisation
would not give the same file. The import therefore builds the ``Adoption``,
``ProgressEntry``, ``Evidence``, ``MetricValue`` and ``BarrierReport`` rows
itself, after the checks the services make (an action of the published
edition, an owner who is a member, and the rules of :mod:`apps.adoption.rules`:
dates, statuses, percentages, metric values that are not negative, web
addresses, partners) and ``full_clean()`` on every object; it then writes them
with bulk inserts inside ``transaction.atomic()``.

Choices:

- A row of ``adoptions`` for an action the organisation has already adopted is
  refused: an import adds adoptions, it never overwrites one. Rows of
  ``entries`` for such an adoption are accepted and appended, and the
  adoption's status and percent follow them as when progress is logged, unless
  the entry is already recorded (its ``entry_ref`` is the number of one of that
  adoption's entries) or the adoption is read-only.
- ``supersedes_ref`` points to an entry earlier in the same file.
- An entry keeps its author when the author's email is a member of the
  organisation; otherwise the importing person becomes the author. An empty
  author stays empty. Entries keep the file's ``entry_date``.
- Values of metrics that are no longer active are accepted: they are history.
- Adoptions marked ``action_removed`` name the edition of their action, which
  must not be the published one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.exporters import (
    RECORD_TYPE,
    TabularFileError,
    TabularRow,
    detect_format,
    read_tabular,
)
from apps.organisations.models import Organisation
from apps.roadmap.models import Action, BarrierCategory, Edition

from .. import rules
from ..models import (
    Adoption,
    AdoptionStatus,
    BarrierReport,
    Evidence,
    Metric,
    MetricValue,
    ProgressEntry,
)
from .exporters import ADOPTIONS, BARRIERS, ENTRIES, METRIC_PREFIX, SHEET_NAMES, AdoptionExporter

if TYPE_CHECKING:
    from apps.accounts.models import User

MAX_BYTES = 5 * 1024 * 1024
MAX_ID = 2**63 - 1  # the largest value of an id column
MAX_ROWS = 20_000
REQUIRED_COLUMNS = {
    ADOPTIONS: ("action_code", "status"),
    ENTRIES: ("action_code", "entry_date", "narrative"),
    BARRIERS: ("entry_ref", "category"),
}
# Model fields named differently from the file's columns, for error messages.
COLUMN_OF_FIELD = {"url": "evidence_links", "is_urgent": "urgent", "is_important": "important"}
TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0"}

Sheets = dict[str, tuple[list[str], list[TabularRow]]]
AdoptionKey = tuple[str, str]  # (action code, edition label)


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    adoptions: int = 0
    entries: int = 0
    barriers: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_adoptions(
    *, organisation: Organisation, by: User, fileobj: IO[bytes], format: str = ""
) -> ImportResult:
    """Import the adoptions and progress in ``fileobj`` (``format``: csv, xlsx or "" to detect).

    All or nothing: any invalid row means nothing is stored and every error is returned.
    """
    try:
        sheets = read_upload(fileobj, format)
    except TabularFileError as exc:
        return ImportResult(errors=[str(exc)])
    plan = _Plan(organisation=organisation, by=by, lookups=_Lookups.load(organisation, sheets))
    plan.check(sheets)
    if plan.errors:
        return ImportResult(errors=plan.errors)
    with transaction.atomic():
        _write(plan)
        result = ImportResult(
            adoptions=len(plan.adoptions), entries=len(plan.entries), barriers=len(plan.barriers)
        )
        audit_record(
            actor=by,
            verb="adoptions.imported",
            obj=organisation,
            organisation=organisation,
            after={
                "adoptions": result.adoptions,
                "entries": result.entries,
                "barriers": result.barriers,
            },
        )
    return result


def read_upload(fileobj: IO[bytes], file_format: str = "") -> Sheets:
    """The file's sheets; TabularFileError when it is too large, of another type or unreadable."""
    data = fileobj.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TabularFileError(
            _("The file is larger than %(limit)s MB. Split it into smaller files.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    detected = detect_format(data[:4])
    if file_format and file_format != detected:
        raise TabularFileError(
            _("The file is not in the %(chosen)s format: its content is %(found)s.")
            % {"chosen": file_format.upper(), "found": detected.upper()}
        )
    sheets = read_tabular(
        data, detected, max_rows=MAX_ROWS, skip_sheets=(AdoptionExporter.notes_sheet,)
    )
    if _holds_nul(sheets):
        # No text of the portal holds one, and PostgreSQL refuses it (a 500, not an error list).
        raise TabularFileError(_("The file contains NUL characters: it is not a text export."))
    if "" in sheets and sheets[""][0][:1] != [RECORD_TYPE]:
        raise TabularFileError(
            _("The file has no record_type column. Start from an export of this page.")
        )
    return sheets


def _holds_nul(sheets: Sheets) -> bool:
    return any(
        "\x00" in text
        for name, (header, rows) in sheets.items()
        for text in [name, *header, *(value for row in rows for value in row.values.values())]
    )


# --- Reading one cell ---------------------------------------------------------------------


class _Bad(Exception):
    """A cell that cannot be read; the message says why."""


def _date(value: str, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _Bad(
            _("%(column)s “%(value)s” is not a date (use YYYY-MM-DD)")
            % {"column": column, "value": value}
        ) from exc


def _flag(value: str, column: str) -> bool | None:
    if not value:
        return None
    if value.lower() in TRUE | FALSE:
        return value.lower() in TRUE
    raise _Bad(_("%(column)s “%(value)s” is not yes or no") % {"column": column, "value": value})


def _percent(value: str, column: str) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise _Bad(
            _("%(column)s “%(value)s” is not a whole number") % {"column": column, "value": value}
        ) from exc
    if not rules.is_percentage(number):
        raise _Bad(_("%(column)s must be from 0 to 100") % {"column": column})
    return number


def _status(value: str, column: str) -> str:
    if value and not rules.is_status(value.lower()):
        raise _Bad(
            _("%(column)s “%(value)s” is not one of %(codes)s")
            % {"column": column, "value": value, "codes": ", ".join(AdoptionStatus.values)}
        )
    return value.lower()


def _number(value: str, column: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise _Bad(_("%(column)s “%(value)s” is not a number") % {"column": column, "value": value})
    if not rules.is_metric_value(number):
        raise _Bad(_("%(column)s cannot be negative") % {"column": column})
    return number


# --- Checking rows ------------------------------------------------------------------------


class _Row:
    """One row being checked: reads cells and records its errors with its row number."""

    def __init__(self, sheet: str, row: TabularRow, errors: list[str]) -> None:
        self.sheet, self.row, self.errors = sheet, row, errors
        self.bad = False

    def text(self, column: str) -> str:
        return self.row.values.get(column, "") or ""

    def code(self, column: str) -> str:
        return self.text(column).strip()

    def error(self, message: str) -> None:
        self.errors.append(_row_error(self.sheet, self.row.number, message))
        self.bad = True

    def read(self, parse: Callable[[str, str], Any], column: str) -> Any:
        try:
            return parse(self.code(column), column)
        except _Bad as exc:
            self.error(str(exc))
            return None

    def clean(self, obj: models.Model, exclude: list[str]) -> None:
        """``full_clean`` without the queries: relations and constraints are checked here."""
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.error(f"{COLUMN_OF_FIELD.get(name, name)}: {message}")


def _row_error(sheet: str, number: int, message: str) -> str:
    return _("Row %(row)s (%(sheet)s): %(message)s") % {
        "row": number,
        "sheet": sheet,
        "message": message,
    }


@dataclass
class _Lookups:
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
    def load(cls, organisation: Organisation, sheets: Sheets) -> _Lookups:
        edition = Edition.objects.current()
        adoptions = _rows(sheets, ADOPTIONS)
        entries = _rows(sheets, ENTRIES)
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


def _rows(sheets: Sheets, name: str) -> list[TabularRow]:
    return sheets.get(name, ([], []))[1]


def _other_actions(rows: list[TabularRow]) -> dict[AdoptionKey, Action]:
    labels = {row.values.get("edition", "").strip() for row in rows} - {""}
    actions = Action.objects.filter(edition__version_label__in=labels).select_related("edition")
    return {(a.code, a.edition.version_label): a for a in actions}


def _is_id(ref: str) -> bool:
    """Digits that int() reads (isdigit() alone also accepts "²"), and no larger than an id
    can be (SQLite cannot even compare a larger number)."""
    return ref.isascii() and ref.isdigit() and int(ref) <= MAX_ID


def _recorded(organisation: Organisation, rows: list[TabularRow]) -> dict[int, int]:
    refs = {int(ref) for row in rows if _is_id(ref := row.values.get("entry_ref", "").strip())}
    if not refs:
        return {}
    entries = ProgressEntry.objects.filter(adoption__organisation=organisation, pk__in=refs)
    return dict(entries.values_list("pk", "adoption_id"))


def _split(value: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", value) if part]


def _partners(organisation: Organisation, rows: list[TabularRow]) -> dict[str, Organisation]:
    """The verified organisations the rows name, by slug, and the importing one: named as a
    partner, it is not refused but dropped, by the rule the services apply too."""
    slugs = {slug for row in rows for slug in _split(row.values.get("partners", ""))}
    verified = Organisation.objects.filter(slug__in=slugs, status=Organisation.Status.VERIFIED)
    return {**{org.slug: org for org in verified}, organisation.slug: organisation}


@dataclass
class _PlannedAdoption:
    adoption: Adoption
    partners: list[Organisation]


@dataclass
class _PlannedEntry:
    entry: ProgressEntry
    evidence: list[Evidence]
    values: list[MetricValue]
    supersedes: _PlannedEntry | None = None
    corrected: bool = False


@dataclass
class _Plan:
    """The checked content of a file, as unsaved objects, and the errors found."""

    organisation: Organisation
    by: User
    lookups: _Lookups
    errors: list[str] = field(default_factory=list)
    adoptions: dict[AdoptionKey, _PlannedAdoption] = field(default_factory=dict)
    entries: list[_PlannedEntry] = field(default_factory=list)
    barriers: list[BarrierReport] = field(default_factory=list)
    adoption_keys: set[AdoptionKey] = field(default_factory=set)
    entry_refs: dict[str, _PlannedEntry | None] = field(default_factory=dict)
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
                    checks[name](_Row(name, row, self.errors))

    def _check_sheet_names(self, sheets: Sheets) -> None:
        for name, (_header, rows) in sheets.items():
            if name not in SHEET_NAMES and rows:
                message = _("record type or sheet “%(name)s” is not one of %(names)s") % {
                    "name": name,
                    "names": ", ".join(SHEET_NAMES),
                }
                self.errors.append(_row_error(name or "-", rows[0].number, message))
        if not any(_rows(sheets, name) for name in SHEET_NAMES):
            self.errors.append(_("The file holds no adoptions, entries or barriers."))

    def _check_header(self, sheet: str, header: list[str]) -> bool:
        missing = [c for c in REQUIRED_COLUMNS[sheet] if c not in header]
        for column in missing:
            self.errors.append(
                _row_error(sheet, 1, _("the column %(column)s is missing") % {"column": column})
            )
        if sheet == ENTRIES:
            for column in header:
                slug = column.removeprefix(METRIC_PREFIX)
                if column.startswith(METRIC_PREFIX) and slug not in self.lookups.metrics:
                    self.errors.append(
                        _row_error(sheet, 1, _("unknown metric “%(slug)s”") % {"slug": slug})
                    )
        return not missing

    # --- adoptions ---

    def check_adoption(self, row: _Row) -> None:
        removed = bool(row.read(_flag, "action_removed"))
        key, action = self._action(row, removed)
        owner = self._member(row, "owner_email", required_member=True)
        start, target = row.read(_date, "start_date"), row.read(_date, "target_date")
        if start and target and target < start:
            row.error(_("target date is before start date"))
        values = {
            "status": row.read(_status, "status"),
            "is_urgent": row.read(_flag, "urgent"),
            "is_important": row.read(_flag, "important"),
            "percent_complete": row.read(_percent, "percent_complete"),
        }
        partners = self._partner_list(row)
        if row.bad or key is None:
            return
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
        row.clean(adoption, exclude=["organisation", "action", "owner", "created_by"])
        if not row.bad:
            self.adoptions[key] = _PlannedAdoption(adoption, partners)

    def _action(self, row: _Row, removed: bool) -> tuple[AdoptionKey | None, Action | None]:
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

    def _find_action(self, row: _Row, code: str, label: str, removed: bool) -> Action | None:
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

    def _member(self, row: _Row, column: str, *, required_member: bool) -> User | None:
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

    def _partner_list(self, row: _Row) -> list[Organisation]:
        partners = []
        for slug in _split(row.text("partners")):
            partner = self.lookups.partners.get(slug)
            if partner is None:
                row.error(
                    _("partner “%(slug)s” is not a verified organisation on the portal")
                    % {"slug": slug}
                )
            else:
                partners.append(partner)
        return rules.partners_of(self.organisation, partners)

    # --- entries ---

    def check_entry(self, row: _Row) -> None:
        adoption = self._entry_adoption(row)
        ref = self._entry_ref(row, adoption)
        supersedes = self._supersedes(row, adoption)
        entry_date = row.read(_date, "entry_date")
        if entry_date is None and not row.bad:
            row.error(_("entry_date is empty"))
        elif entry_date and rules.is_in_the_future(entry_date):
            row.error(_("entry_date is in the future"))
        entry = ProgressEntry(
            entry_date=entry_date,
            narrative=row.text("narrative"),
            status_from=row.read(_status, "status_from") or "",
            status_to=row.read(_status, "status_to") or "",
            percent_complete=row.read(_percent, "percent_complete"),
            author=self._member(row, "author_email", required_member=False),
        )
        evidence = [Evidence(entry=entry, url=url, title=url[:200]) for url in self._links(row)]
        values = self._metric_values(row, entry)
        if row.bad or adoption is None:
            self._plan_entry(row, ref, None)
            return
        entry.adoption = adoption
        self._clean_entry(row, entry, evidence, values)
        self._plan_entry(row, ref, _PlannedEntry(entry, evidence, values, supersedes))

    def _clean_entry(
        self, row: _Row, entry: ProgressEntry, evidence: list[Evidence], values: list[MetricValue]
    ) -> None:
        row.clean(entry, exclude=["adoption", "author", "supersedes"])
        for item in evidence:
            row.clean(item, exclude=["entry"])
        for value in values:
            row.clean(value, exclude=["entry", "metric"])

    def _plan_entry(self, row: _Row, ref: str, planned: _PlannedEntry | None) -> None:
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

    def _entry_adoption(self, row: _Row) -> Adoption | None:
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

    def _entry_ref(self, row: _Row, adoption: Adoption | None) -> str:
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
        return _is_id(ref) and self.lookups.recorded.get(int(ref)) == adoption.pk

    def _supersedes(self, row: _Row, adoption: Adoption | None) -> _PlannedEntry | None:
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

    def _links(self, row: _Row) -> list[str]:
        links = []
        for link in row.text("evidence_links").split():
            if rules.is_web_address(link):
                links.append(link)
            else:
                row.error(_("evidence link “%(link)s” is not a web address") % {"link": link})
        return links

    def _metric_values(self, row: _Row, entry: ProgressEntry) -> list[MetricValue]:
        values = []
        for column in row.row.values:
            metric = self.lookups.metrics.get(column.removeprefix(METRIC_PREFIX))
            if not column.startswith(METRIC_PREFIX) or metric is None:
                continue
            value = row.read(_number, column)
            if value is not None:
                values.append(MetricValue(entry=entry, metric=metric, value=value))
        return values

    # --- barriers ---

    def check_barrier(self, row: _Row) -> None:
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


# --- Writing ------------------------------------------------------------------------------


@transaction.atomic
def _write(plan: _Plan) -> None:
    """Store a checked plan: bulk inserts in file order, so recording order is kept."""
    _stamp_last_activity(plan)
    planned = list(plan.adoptions.values())
    Adoption.objects.bulk_create([p.adoption for p in planned])
    through = Adoption.partners.through
    through.objects.bulk_create(
        through(adoption_id=p.adoption.pk, organisation_id=partner.pk)
        for p in planned
        for partner in p.partners
    )
    ProgressEntry.objects.bulk_create([p.entry for p in plan.entries])
    corrections = [p for p in plan.entries if p.supersedes is not None]
    for correction in corrections:
        correction.entry.supersedes = correction.supersedes.entry
    ProgressEntry.objects.bulk_update([p.entry for p in corrections], ["supersedes"])
    Evidence.objects.bulk_create(item for p in plan.entries for item in p.evidence)
    MetricValue.objects.bulk_create(value for p in plan.entries for value in p.values)
    BarrierReport.objects.bulk_create(plan.barriers)
    _apply_to_existing(plan)


def _stamp_last_activity(plan: _Plan) -> None:
    """A new adoption's last activity is the date of its latest entry in the file."""
    for p in plan.entries:
        adoption = p.entry.adoption
        if adoption.pk is None:
            moment = timezone.make_aware(dt.datetime.combine(p.entry.entry_date, dt.time.min))
            if adoption.last_activity_at is None or moment > adoption.last_activity_at:
                adoption.last_activity_at = moment


def _apply_to_existing(plan: _Plan) -> None:
    """Entries appended to existing adoptions move them on, as logging progress does."""
    existing = {adoption.pk for adoption in plan.lookups.existing.values()}
    touched: dict[int, Adoption] = {}
    for p in plan.entries:
        adoption = p.entry.adoption
        if adoption.pk in existing:
            touched[adoption.pk] = adoption
            adoption.status = p.entry.status_to or adoption.status
            if p.entry.percent_complete is not None:
                adoption.percent_complete = p.entry.percent_complete
    for adoption in touched.values():
        adoption.last_activity_at = timezone.now()
        adoption.save(
            update_fields=["status", "percent_complete", "last_activity_at", "updated_at"]
        )
