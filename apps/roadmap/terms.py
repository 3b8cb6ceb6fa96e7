"""The term list: one per language, the words the portal uses for the roadmap's own terms.

For each term, the wording to use in each language and the variants not to use. It applies
everywhere a reader sees the words: the interface's catalogues (``locale/<lang>/LC_MESSAGES/
django.po``) and the roadmap's content translations (``fixtures/roadmap/*.translations*.yaml``).
``tests/roadmap/test_terms.py`` fails when a text of a language uses a variant its list forbids,
and the glossary page (``/glossary/``) shows the lists to readers and translators.

The choices follow what the catalogues already used most (French abbreviates patient
engagement "EP", Spanish "PP"; German and Polish keep "PE") and what the content translators
wrote. A variant is a word or phrase, matched whole and ignoring case unless its own regular
expression (``pattern``) says otherwise; abbreviations are matched in capitals only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Variant:
    """A wording not to use; ``pattern`` (a regular expression) when a phrase is not enough."""

    text: str
    pattern: str = ""

    @cached_property
    def regex(self) -> re.Pattern[str]:
        if self.pattern:
            return re.compile(self.pattern)
        return re.compile(rf"(?i)(?<!\w){re.escape(self.text)}(?!\w)")


@dataclass(frozen=True)
class Term:
    slug: str  # the glossary's anchor for the term, where it has one
    english: Promise  # the term in English, shown in the reader's language on the glossary
    use: str  # the wording to use
    avoid: tuple[Variant, ...] = ()


def _abbreviation(text: str) -> Variant:
    """An abbreviation, in capitals, as a word of its own."""
    return Variant(text, rf"(?<![\w-]){re.escape(text)}(?![\w-])")


def _inflected(text: str, pattern: str) -> Variant:
    return Variant(text, rf"(?i)(?<!\w){pattern}")


# English kept as it is in every language, names and the paper's words quoted: not a use of a
# variant.
KEPT_IN_ENGLISH = (
    "PE Sustainability Roadmap",
    "Patient Engagement Quality Guidance",
    "raising awareness on PE impact and practices",
)

PATIENT_ENGAGEMENT = _("Patient engagement (PE)")
PATIENT_ORGANISATION = _("Patient organisation (PO)")
HTA = _("Health technology assessment (HTA)")
HTA_BODY = _("HTA body")
STAKEHOLDER = _("Stakeholder group")
END_GOAL = _("End goal")
INTERMEDIATE_GOAL = _("Intermediate goal")
ACTION = _("Action")
MATURITY = _("Maturity level")
METRIC = _("Metric")
ROADMAP = _("Roadmap")
PE_LEAD = _("PE lead")

TERM_LISTS: dict[str, tuple[Term, ...]] = {
    "fr": (
        Term(
            "pe",
            PATIENT_ENGAGEMENT,
            "engagement des patients (EP)",
            (
                _abbreviation("PE"),
                Variant("participation des patients"),
            ),
        ),
        Term(
            "po",
            PATIENT_ORGANISATION,
            "organisation de patients (OP)",
            (_inflected("association de patients", r"associations? de patients"),),
        ),
        Term("hta", HTA, "évaluation des technologies de santé (ETS)", (_abbreviation("HTA"),)),
        Term(
            "hta-body",
            HTA_BODY,
            "organisme d'ETS",
            (_inflected("agence d'ETS", r"agences? d['’]ETS"),),
        ),
        Term(
            "stakeholder-group",
            STAKEHOLDER,
            "groupe de parties prenantes",
            (_inflected("parties intéressées", r"parties? intéressées?"),),
        ),
        Term("end-goal", END_GOAL, "objectif final", (Variant("objectif ultime"),)),
        Term("intermediate-goal", INTERMEDIATE_GOAL, "objectif intermédiaire", ()),
        Term("action", ACTION, "action", ()),
        Term("maturity-level", MATURITY, "niveau de maturité", ()),
        Term("metric", METRIC, "indicateur", (_inflected("métrique", r"métriques?"),)),
        Term("roadmap", ROADMAP, "feuille de route", ()),
        Term("pe-lead", PE_LEAD, "responsable EP", ()),
    ),
    "de": (
        Term(
            "pe",
            PATIENT_ENGAGEMENT,
            "Patientenbeteiligung (PE)",
            (
                Variant("Patienteneinbindung"),
                Variant("Patientenengagement"),
                Variant("Patientenpartizipation"),
            ),
        ),
        Term(
            "po",
            PATIENT_ORGANISATION,
            "Patientenorganisation (PO)",
            (_inflected("Patientenverband", r"Patientenverb[aä]nd"),),
        ),
        Term("hta", HTA, "Nutzenbewertung (HTA)", ()),
        Term(
            "hta-body",
            HTA_BODY,
            "HTA-Stelle",
            (
                _inflected("HTA-Behörde", r"HTA-Behörde"),
                _inflected("HTA-Agentur", r"HTA-Agentur"),
                _inflected("HTA-Einrichtung", r"HTA-Einrichtung"),
            ),
        ),
        Term(
            "stakeholder-group",
            STAKEHOLDER,
            "Interessengruppe",
            (
                _inflected("Stakeholdergruppe", r"Stakeholder-?[Gg]ruppe"),
                _inflected("Anspruchsgruppe", r"Anspruchsgruppe"),
            ),
        ),
        Term("end-goal", END_GOAL, "Endziel", (_inflected("Fernziel", r"Fernziel"),)),
        Term(
            "intermediate-goal",
            INTERMEDIATE_GOAL,
            "Zwischenziel",
            (_inflected("Etappenziel", r"Etappenziel"), _inflected("Teilziel", r"Teilziel")),
        ),
        Term("action", ACTION, "Maßnahme", (_inflected("Aktion", r"Aktion(en)?(?!\w)"),)),
        Term("maturity-level", MATURITY, "Reifegrad", (_inflected("Reifestufe", r"Reifestufe"),)),
        Term("metric", METRIC, "Kennzahl", (_inflected("Metrik", r"Metrik"),)),
        Term("roadmap", ROADMAP, "Roadmap", (_inflected("Fahrplan", r"Fahrplan"),)),
        Term("pe-lead", PE_LEAD, "PE-Verantwortliche/r", ()),
    ),
    "es": (
        Term(
            "pe",
            PATIENT_ENGAGEMENT,
            "participación de los pacientes (PP)",
            (
                _abbreviation("PE"),
                Variant("implicación de los pacientes"),
                Variant("compromiso de los pacientes"),
            ),
        ),
        Term(
            "po",
            PATIENT_ORGANISATION,
            "organización de pacientes (OP)",
            (_inflected("asociación de pacientes", r"asociaci(ón|ones) de pacientes"),),
        ),
        Term("hta", HTA, "evaluación de tecnologías sanitarias (ETS)", (_abbreviation("HTA"),)),
        Term(
            "hta-body",
            HTA_BODY,
            "organismo de ETS",
            (_inflected("agencia de ETS", r"agencias? de ETS"),),
        ),
        Term(
            "stakeholder-group",
            STAKEHOLDER,
            "grupo de partes interesadas",
            (_inflected("grupo de interés", r"grupos? de interés"),),
        ),
        Term("end-goal", END_GOAL, "objetivo final", (Variant("objetivo último"),)),
        Term("intermediate-goal", INTERMEDIATE_GOAL, "objetivo intermedio", ()),
        Term("action", ACTION, "acción", ()),
        Term("maturity-level", MATURITY, "nivel de madurez", ()),
        Term("metric", METRIC, "indicador", (_inflected("métrica", r"métricas?"),)),
        Term("roadmap", ROADMAP, "hoja de ruta", ()),
        Term("pe-lead", PE_LEAD, "responsable de PP", ()),
    ),
    "pl": (
        Term(
            "pe",
            PATIENT_ENGAGEMENT,
            "zaangażowanie pacjentów (PE)",
            (
                _inflected("partycypacja pacjentów", r"partycypacj\w* pacjent"),
                _abbreviation("ZP"),
            ),
        ),
        Term(
            "po",
            PATIENT_ORGANISATION,
            "organizacja pacjentów",
            (
                _inflected("stowarzyszenie pacjentów", r"stowarzysze\w* pacjent"),
                _inflected("organizacja pacjencka", r"organizacj\w* pacjenck"),
            ),
        ),
        Term(
            "hta",
            HTA,
            "ocena technologii medycznych (HTA)",
            (_inflected("ocena technologii zdrowotnych", r"ocen\w* technologii zdrowotn"),),
        ),
        Term(
            "hta-body",
            HTA_BODY,
            "agencja HTA",
            (_inflected("instytucja HTA", r"instytucj\w* HTA"),),
        ),
        Term(
            "stakeholder-group",
            STAKEHOLDER,
            "grupa interesariuszy",
            (_inflected("strona zainteresowana", r"stron\w* zainteresowan"),),
        ),
        Term(
            "end-goal",
            END_GOAL,
            "cel końcowy",
            (_inflected("cel ostateczny", r"cel\w* ostateczn"),),
        ),
        Term(
            "intermediate-goal",
            INTERMEDIATE_GOAL,
            "cel pośredni",
            (_inflected("cel cząstkowy", r"cel\w* cząstkow"),),
        ),
        Term("action", ACTION, "działanie", (_inflected("akcja", r"akcj\w*"),)),
        Term("maturity-level", MATURITY, "poziom dojrzałości", ()),
        Term("metric", METRIC, "wskaźnik", (_inflected("metryka", r"metryk\w*"),)),
        Term("roadmap", ROADMAP, "mapa drogowa", ()),
        Term("pe-lead", PE_LEAD, "koordynator PE", ()),
    ),
}


def forbidden_uses(language: str, text: str) -> list[str]:
    """The variants the term list of ``language`` forbids that ``text`` uses, as written there."""
    for name in KEPT_IN_ENGLISH:
        text = text.replace(name, "")
    return [
        match.group(0)
        for term in TERM_LISTS.get(language, ())
        for variant in term.avoid
        if (match := variant.regex.search(text))
    ]
