"""The glossary: short, plain-language explanations of the words the portal uses.

Static terms are defined here, once, as ``(slug, term, definition)``; the slug is
the term's anchor on ``/glossary/`` (``/glossary/#hta``). The stakeholder groups
and the dimensions are read from the database so that they always match the
roadmap; their plain-language explanations are here too, by code, because the
roadmap's own texts (a dimension's purpose is the paper's wording) are not
written for a first-time reader. Write for a reading age of about 12: short
sentences, everyday words, no abbreviation without its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_language

from .models import Dimension, StakeholderGroup
from .terms import TERM_LISTS
from .translation import shown_language


class GlossaryTerm(NamedTuple):
    slug: str
    term: Promise
    definition: Promise


# Anchors of the stakeholder groups and dimensions are prefixed, so that they never
# collide with a static term's slug ("resources" is a dimension, "action" a term).
GROUP_PREFIX = "group-"
DIMENSION_PREFIX = "dimension-"

TERMS: tuple[GlossaryTerm, ...] = (
    GlossaryTerm(
        "pe",
        _("Patient engagement (PE)"),
        _(
            "Working with patients as partners, not only as people who take part in a study. "
            "Patients share what they know from living with a condition, and this shapes how "
            "medicines are planned, tested and used."
        ),
    ),
    GlossaryTerm(
        "po",
        _("Patient organisation (PO)"),
        _(
            "A group, usually not for profit, run by or for people who live with a condition and "
            "the people who care for them. It speaks for them and helps them take part in "
            "decisions."
        ),
    ),
    GlossaryTerm(
        "hta",
        _("Health technology assessment (HTA)"),
        _(
            "A careful study of a medicine or another treatment: how well it works, how safe it "
            "is and what it costs, compared with the treatments we already have. Countries use it "
            "to decide whether to pay for the treatment."
        ),
    ),
    GlossaryTerm(
        "hta-body",
        _("HTA body"),
        _(
            "A public organisation that carries out health technology assessments and advises "
            "health services or governments on which treatments to pay for."
        ),
    ),
    GlossaryTerm(
        "stakeholder-group",
        _("Stakeholder group"),
        _(
            "A kind of organisation that has a part to play in making medicines, such as patient "
            "organisations, companies or regulators. The roadmap names eight groups and says "
            "which actions each group can take."
        ),
    ),
    GlossaryTerm(
        "dimension",
        _("Dimension"),
        _(
            "One of three areas that patient engagement needs in order to last: culture (how "
            "people think and behave), processes (how the work is done) and resources (people, "
            "time and money). Each action of the roadmap belongs to one dimension."
        ),
    ),
    GlossaryTerm(
        "roadmap",
        _("Roadmap"),
        _(
            "A plan that shows where we want to go and the steps to get there. The PARADIGM "
            "roadmap shows how patient engagement can become a normal part of making medicines."
        ),
    ),
    GlossaryTerm(
        "vision",
        _("Vision"),
        _("The future the roadmap aims for. It says why we need to act."),
    ),
    GlossaryTerm(
        "mission",
        _("Mission"),
        _("What needs to be done to reach the vision."),
    ),
    GlossaryTerm(
        "edition",
        _("Edition"),
        _(
            "One version of the roadmap. The editors can prepare a new edition and publish it. "
            "The previous edition is then kept as a record and no longer changes."
        ),
    ),
    GlossaryTerm(
        "end-goal",
        _("End goal"),
        _("A long-term result the roadmap aims for. The roadmap has four end goals."),
    ),
    GlossaryTerm(
        "intermediate-goal",
        _("Intermediate goal"),
        _(
            "A big step on the way to an end goal. Each end goal is reached through a few "
            "intermediate goals."
        ),
    ),
    GlossaryTerm(
        "action",
        _("Action"),
        _(
            "Something concrete that one or more stakeholder groups can do to reach an "
            "intermediate goal."
        ),
    ),
    GlossaryTerm(
        "source",
        _("Source of the text"),
        _(
            "Where the words on a roadmap page come from: the paper's own words, our short "
            "version of a passage of the paper, or a title the editors wrote because the paper's "
            "heading was lost. Each page says which it is."
        ),
    ),
    GlossaryTerm(
        "adoption",
        _("Adoption"),
        _(
            "When an organisation decides to carry out an action of the roadmap and follows its "
            "progress on this site, we say it adopts the action."
        ),
    ),
    GlossaryTerm(
        "progress-entry",
        _("Progress entry"),
        _(
            "A short note about an adopted action: what was done, when, and how far the work has "
            "got. Entries are never deleted. A mistake is put right with a correction."
        ),
    ),
    GlossaryTerm(
        "evidence",
        _("Evidence"),
        _(
            "A file that shows the work was done, such as a report or the notes of a meeting, "
            "added to a progress entry. Only members of the organisation can open it."
        ),
    ),
    GlossaryTerm(
        "metric",
        _("Metric"),
        _(
            "A number that measures progress, for example how many patients took part. It can be "
            "added to a progress entry."
        ),
    ),
    GlossaryTerm(
        "maturity-level",
        _("Maturity level"),
        _(
            "A score from 1 (ad hoc) to 5 (embedded) that an organisation gives itself. It shows "
            "how much patient engagement is part of its normal work, for each end goal and each "
            "dimension."
        ),
    ),
    GlossaryTerm(
        "pe-lead",
        _("PE lead"),
        _(
            "The person who leads patient engagement in an organisation. On this site, PE leads "
            "manage the organisation's adopted actions and can see and download its benchmarks."
        ),
    ),
    GlossaryTerm(
        "benchmark",
        _("Benchmark"),
        _(
            "A comparison of how organisations are doing with the roadmap. It shows the progress "
            "of groups of organisations, never of one organisation that is named."
        ),
    ),
    GlossaryTerm(
        "peer-group",
        _("Anonymised peer group"),
        _(
            "The organisations yours is compared with, such as those of the same stakeholder "
            "group or region. Their figures are added together, so no single organisation can be "
            "recognised."
        ),
    ),
    GlossaryTerm(
        "suppression",
        _("Suppressed figure"),
        _(
            "A figure that is hidden to protect privacy. No figure is shown if it comes from "
            "fewer than %(k)s organisations. Sometimes other figures are hidden too, so that the "
            "hidden one cannot be worked out from them."
        ),
    ),
)

# Plain-language explanations of the roadmap's stakeholder groups and dimensions, by code.
# A group or dimension added later by the editors, with no entry here, shows its own
# description from the database instead.
GROUP_DEFINITIONS: dict[str, Promise] = {
    "patient-organisations": _(
        "People who live with a condition, their families and carers, and the organisations "
        "that speak for them."
    ),
    "medicines-developers": _(
        "Companies and other organisations that research and make new medicines, such as "
        "pharmaceutical and biotechnology companies."
    ),
    "academia": _(
        "Universities and research institutes, and the researchers who study diseases and test "
        "medicines."
    ),
    "regulators": _(
        "Public agencies that check that a medicine is safe and works before it can be sold, and "
        "keep watching it afterwards."
    ),
    "hta-bodies": _(
        "Organisations that study what a new medicine adds to the treatments we already have, "
        "and what it costs, to advise on whether to pay for it."
    ),
    "payers": _(
        "Health insurers and public bodies that decide the price of medicines and whether they "
        "are paid for."
    ),
    "policy-makers": _(
        "Governments, health ministries and other public bodies that make the rules and plans "
        "for health and research."
    ),
    "research-funders": _(
        "Public bodies that give money for health research and can ask researchers to involve "
        "patients."
    ),
}

DIMENSION_DEFINITIONS: dict[str, Promise] = {
    "culture": _(
        "How people and organisations think and behave. Actions on culture help make patient "
        "engagement the normal way of working."
    ),
    "processes": _(
        "How the work is organised and done. Actions on processes give everyone shared ways and "
        "tools to involve patients."
    ),
    "resources": _(
        "The people, time and money that patient engagement needs. Actions on resources make "
        "sure they are there, now and later."
    ),
}

# The page's sections: a title and the static terms it holds, in order. The stakeholder
# groups and the dimensions follow the term that introduces them.
SECTIONS: tuple[tuple[str, Promise, tuple[str, ...]], ...] = (
    ("basics", _("Patient engagement"), ("pe", "po", "hta", "hta-body")),
    ("groups", _("Who acts"), ("stakeholder-group",)),
    ("dimensions", _("Dimensions"), ("dimension",)),
    (
        "roadmap-words",
        _("The roadmap"),
        (
            "roadmap",
            "vision",
            "mission",
            "end-goal",
            "intermediate-goal",
            "action",
            "edition",
            "source",
        ),
    ),
    (
        "progress-words",
        _("Following your progress"),
        ("adoption", "progress-entry", "evidence", "metric", "maturity-level", "pe-lead"),
    ),
    ("benchmark-words", _("Benchmarks"), ("benchmark", "peer-group", "suppression")),
)

TERMS_BY_SLUG: dict[str, GlossaryTerm] = {term.slug: term for term in TERMS}


@dataclass(frozen=True)
class Entry:
    """One entry on the glossary page: an anchor, the term and its explanation."""

    anchor: str
    term: str
    definition: str
    # For a group or a dimension: its short name, and the catalogue filter that lists its actions.
    aside: str = ""
    actions_query: str = ""
    # The language of a text from the database shown untranslated (English), else "".
    term_lang: str = ""
    definition_lang: str = ""


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    entries: list[Entry]


def _definition(term: GlossaryTerm) -> str:
    text = str(term.definition)
    # Only definitions with a placeholder are interpolated, so that a literal "%" in any
    # other translation can never break the page.
    return text % {"k": settings.BENCHMARK_MIN_GROUP} if "%(" in text else text


def _static_entry(slug: str) -> Entry:
    term = TERMS_BY_SLUG[slug]
    return Entry(anchor=slug, term=str(term.term), definition=_definition(term))


def group_anchor(slug: str) -> str:
    return f"{GROUP_PREFIX}{slug}"


def dimension_anchor(slug: str) -> str:
    return f"{DIMENSION_PREFIX}{slug}"


def _lang(obj: Model, field: str) -> str:
    shown = shown_language(obj, field)
    return shown if shown != get_language() else ""


def _taxonomy_entry(
    obj: StakeholderGroup | Dimension,
    anchor: str,
    definitions: dict[str, Promise],
    own: str,
    **extra: str,
) -> Entry:
    """A group's or dimension's entry: our explanation, or else its own text (``own``)."""
    known = obj.slug in definitions
    return Entry(
        anchor=anchor,
        term=obj.name,
        term_lang=_lang(obj, "name"),
        definition=str(definitions[obj.slug]) if known else getattr(obj, own),
        definition_lang="" if known else _lang(obj, own),
        **extra,
    )


def _group_entries() -> list[Entry]:
    return [
        _taxonomy_entry(
            group,
            group_anchor(group.slug),
            GROUP_DEFINITIONS,
            "description",
            aside=group.short_name if group.short_name != group.name else "",
            actions_query=f"stakeholder_group={group.slug}",
        )
        for group in StakeholderGroup.objects.all()
    ]


def _dimension_entries() -> list[Entry]:
    return [
        _taxonomy_entry(
            dimension,
            dimension_anchor(dimension.slug),
            DIMENSION_DEFINITIONS,
            "purpose",
            actions_query=f"dimension={dimension.slug}",
        )
        for dimension in Dimension.objects.all()
    ]


def glossary_sections() -> list[Section]:
    """The whole glossary in the active language: two queries, whatever its size."""
    extra = {"groups": _group_entries, "dimensions": _dimension_entries}
    sections = []
    for anchor, title, slugs in SECTIONS:
        entries = [_static_entry(slug) for slug in slugs]
        if anchor in extra:
            entries += extra[anchor]()
        sections.append(Section(anchor=anchor, title=str(title), entries=entries))
    return sections


# --- The term list of each language (terms.py) ---------------------------------------------


@dataclass(frozen=True)
class TermRow:
    english: str  # the term, in the reader's language
    use: str
    avoid: list[str]
    anchor: str  # the term's entry on this page, if it has one


@dataclass(frozen=True)
class TermList:
    language: str
    name: str  # the language's name in that language
    rows: list[TermRow]
    is_current: bool


def term_lists() -> list[TermList]:
    """Each language's term list, the reader's language first."""
    current = get_language()
    lists = [
        TermList(
            language=code,
            name=get_language_info(code)["name_local"],
            rows=[
                TermRow(
                    english=str(term.english),
                    use=term.use,
                    avoid=[variant.text for variant in term.avoid],
                    anchor=term.slug if term.slug in TERMS_BY_SLUG else "",
                )
                for term in terms
            ],
            is_current=code == current,
        )
        for code, terms in TERM_LISTS.items()
    ]
    return sorted(lists, key=lambda term_list: not term_list.is_current)
