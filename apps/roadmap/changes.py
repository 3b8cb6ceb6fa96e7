"""What a new edition changes in the actions, for the people it concerns.

The publish screen shows each action of the published edition next to the action its
adoptions will move to, with the wording compared word by word and the number of
adoptions that move; the organisations' email (``apps/adoption/reminders.py``) tells each
organisation what changed in the actions it adopted. Both read :func:`edition_changes`.

Texts are compared in English, the canonical text every translation follows, and read in
the reader's language (the English where a text has no translation).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.db.models import Count
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from .models import Action, Edition
from .services import ActionMapping, edition_default_mapping
from .translation import canonical_language, canonical_name

if TYPE_CHECKING:
    from collections.abc import Iterable

# Words, runs of white space and punctuation: a change to one word marks that word only.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
# An action's texts a reader reads, each with a column per language.
TEXT_FIELDS = ("title", "description")


@dataclass(frozen=True)
class Segment:
    """A piece of a word-level comparison: text both versions share, or one of them only."""

    kind: Literal["same", "removed", "added"]
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """``old`` and ``new`` as a list of shared, removed and added pieces, word by word."""
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[Segment] = []

    def add(kind: Literal["same", "removed", "added"], tokens: list[str]) -> None:
        if not tokens:
            return
        if segments and segments[-1].kind == kind:
            segments[-1] = Segment(kind, segments[-1].text + "".join(tokens))
        else:
            segments.append(Segment(kind, "".join(tokens)))

    # A change of several words reads as one: the spaces between changed words join them,
    # so each side shows one struck-out or underlined run, not a word at a time.
    removed: list[str] = []
    added: list[str] = []
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            removed += before[i1:i2]
            added += after[j1:j2]
            continue
        spaces = "".join(before[i1:i2]).isspace()
        if spaces and (removed or added) and index + 1 < len(opcodes):
            removed += before[i1:i2]
            added += after[j1:j2]
            continue
        add("removed", removed)
        add("added", added)
        removed, added = [], []
        add("same", before[i1:i2])
    add("removed", removed)
    add("added", added)
    return segments


@dataclass(frozen=True)
class ActionText:
    """What readers see of one action, and whom it addresses.

    ``canonical_title`` and ``canonical_description`` are the English record, which says
    whether the wording changed; ``title`` and ``description`` are what a reader reads: the
    translation into the active language (an email is rendered in its recipient's), or the
    English where there is none."""

    code: str
    canonical_title: str
    canonical_description: str
    group_ids: frozenset[int] = frozenset()
    # Language code → (title, description), for the languages other than English.
    translations: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def _shown(self) -> tuple[str, str]:
        title, description = self.translations.get(get_language() or "", ("", ""))
        return title or self.canonical_title, description or self.canonical_description

    @property
    def title(self) -> str:
        return self._shown()[0]

    @property
    def description(self) -> str:
        return self._shown()[1]


@dataclass
class ActionChange:
    """One action of the previous edition and the action its adoptions move to (or none)."""

    old: ActionText
    new: ActionText | None
    adoptions: int = 0

    @property
    def removed(self) -> bool:
        return self.new is None

    @property
    def code_changed(self) -> bool:
        return self.new is not None and self.new.code != self.old.code

    @property
    def title_changed(self) -> bool:
        return self.new is not None and self.new.canonical_title != self.old.canonical_title

    @property
    def description_changed(self) -> bool:
        return (
            self.new is not None
            and self.new.canonical_description != self.old.canonical_description
        )

    @property
    def wording_changed(self) -> bool:
        return self.title_changed or self.description_changed

    @property
    def changed(self) -> bool:
        """Whether an organisation that adopted the action has anything to read about it."""
        return self.removed or self.code_changed or self.wording_changed

    @cached_property
    def title_diff(self) -> list[Segment]:
        return word_diff(self.old.title, self.new.title if self.new else "")

    @cached_property
    def description_diff(self) -> list[Segment]:
        return word_diff(self.old.description, self.new.description if self.new else "")


@dataclass
class EditionChanges:
    """Every action of the previous edition, where it goes, and the new actions."""

    changes: list[ActionChange] = field(default_factory=list)
    added: list[ActionText] = field(default_factory=list)

    @property
    def changed(self) -> list[ActionChange]:
        """Actions kept with another code or other wording."""
        return [c for c in self.changes if not c.removed and c.changed]

    @property
    def unchanged(self) -> list[ActionChange]:
        return [c for c in self.changes if not c.changed]

    @property
    def removed(self) -> list[ActionChange]:
        return [c for c in self.changes if c.removed]

    @property
    def merges(self) -> dict[str, list[str]]:
        """New actions that several old actions go to: {new code: [old codes]}. An
        organisation that adopted more than one of them keeps one adoption live."""
        sources: dict[str, list[str]] = {}
        for change in self.changes:
            if change.new is not None:
                sources.setdefault(change.new.code, []).append(change.old.code)
        return {new: olds for new, olds in sources.items() if len(olds) > 1}

    @property
    def adoptions_moving(self) -> int:
        return sum(c.adoptions for c in self.changes if not c.removed)

    @property
    def adoptions_kept_read_only(self) -> int:
        return sum(c.adoptions for c in self.removed)

    def for_organisation(
        self,
        *,
        moved: dict[str, str],
        removed: Iterable[str],
        merged: dict[str, str] | None = None,
        group_id: int | None,
    ) -> OrganisationNews:
        """What one organisation needs to read, from what its adoptions did (the audit
        event of ``adoptions_carry_over``): its adopted actions that changed (``moved``: old
        code → new code), those kept read-only because the action left the roadmap
        (``removed``) or went into one it had already adopted (``merged``: old → new), and
        the new actions addressed to its stakeholder group."""
        merged = merged or {}
        old = {c.old.code: c.old for c in self.changes}
        new = {c.new.code: c.new for c in self.changes if c.new is not None}
        new |= {a.code: a for a in self.added}

        def pairs(codes: dict[str, str]) -> list[ActionChange]:
            return [
                ActionChange(old=old.get(code) or ActionText(code, "", ""), new=new.get(target))
                for code, target in sorted(codes.items(), key=lambda pair: _code_sort(pair[0]))
            ]

        adopted = pairs(moved)
        gone = sorted(set(removed) - set(merged), key=_code_sort)
        return OrganisationNews(
            changed=[c for c in adopted if c.changed],
            unchanged=len([c for c in adopted if not c.changed]),
            removed=[old.get(code) or ActionText(code, "", "") for code in gone],
            merged=pairs(merged),
            added=[a for a in self.added if group_id in a.group_ids],
        )


@dataclass
class OrganisationNews:
    """What a new edition changes for one organisation (its email's content)."""

    changed: list[ActionChange]
    unchanged: int
    removed: list[ActionText]
    # Adopted actions that went into an action the organisation had adopted already.
    merged: list[ActionChange]
    added: list[ActionText]


def _action_texts(edition: Edition) -> dict[str, ActionText]:
    """The edition's actions by code, with the stakeholder groups each addresses (2 queries)."""
    through = Action.stakeholder_groups.through
    groups: dict[int, set[int]] = {}
    for action_id, group_id in through.objects.filter(action__edition=edition).values_list(
        "action_id", "stakeholdergroup_id"
    ):
        groups.setdefault(action_id, set()).add(group_id)
    languages = [code for code, _name in settings.LANGUAGES if code != canonical_language()]
    columns = [build_localized_fieldname(name, lang) for lang in languages for name in TEXT_FIELDS]
    texts = {}
    for pk, code, title, description, *translated in edition.actions.values_list(
        "pk", "code", canonical_name("title"), canonical_name("description"), *columns
    ):
        texts[code] = ActionText(
            code,
            title or "",
            description or "",
            frozenset(groups.get(pk, ())),
            {
                lang: (translated[2 * i] or "", translated[2 * i + 1] or "")
                for i, lang in enumerate(languages)
            },
        )
    return texts


def adoption_counts(edition: Edition) -> dict[str, int]:
    """How many adoptions each action of ``edition`` has, by code: one query."""
    return dict(edition.actions.annotate(n=Count("adoptions")).order_by().values_list("code", "n"))


def edition_changes(
    *, edition: Edition, previous: Edition | None, mapping: ActionMapping | None = None
) -> EditionChanges:
    """What publishing ``edition`` changes for the actions of ``previous``.

    ``mapping`` (old code → new code, or None when the action is removed) completes the
    default mapping of :func:`edition_default_mapping`, as publishing does. An action of
    ``edition`` that no old action maps to is new.
    """
    if previous is None:
        return EditionChanges(added=sorted(_action_texts(edition).values(), key=_code_key))
    mapping = {**edition_default_mapping(edition=edition, previous=previous), **(mapping or {})}
    old_texts = _action_texts(previous)
    new_texts = _action_texts(edition)
    counts = adoption_counts(previous)
    changes = [
        ActionChange(
            old=old_texts[code],
            new=new_texts.get(mapping.get(code) or ""),
            adoptions=counts.get(code, 0),
        )
        for code in sorted(old_texts, key=_code_sort)
    ]
    targets = {c.new.code for c in changes if c.new is not None}
    added = [text for code, text in new_texts.items() if code not in targets]
    return EditionChanges(changes=changes, added=sorted(added, key=_code_key))


def edition_published_before(edition: Edition) -> Edition | None:
    """The edition that was published before ``edition`` (archived when it was published)."""
    if edition.published_at is None:
        return None
    return (
        Edition.objects.exclude(pk=edition.pk)
        .filter(published_at__lt=edition.published_at)
        .order_by("-published_at")
        .first()
    )


def _code_sort(code: str) -> tuple[int, ...]:
    """A1.2.10 after A1.2.9: codes sort by their numbers."""
    return tuple(int(n) for n in re.findall(r"\d+", code))


def _code_key(text: ActionText) -> tuple[int, ...]:
    return _code_sort(text.code)
