"""Template helpers for the roadmap pages: provenance labels, anchors, the current edition,
and the marks of translated texts (``lang_attr``, ``translation_note``)."""

from __future__ import annotations

from django import template
from django.db.models import Model
from django.template.context import Context
from django.template.defaultfilters import linebreaks_filter
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname, get_language

from ..cache import published_edition as cached_published_edition
from ..models import Edition, Provenance
from ..translation import canonical_language, shown_language

register = template.Library()

# Longer than the model's choice labels: readers need to know *why* a text is ours.
_PROVENANCE_LABELS: dict[str, Promise] = {
    Provenance.VERBATIM: _("Verbatim from the paper"),
    Provenance.PARAPHRASE: _("Paraphrased from the paper"),
    # Assumptions the paper implies: the editors' reading of the passage quoted with them.
    Provenance.CURATED: _("Curated by the portal editors from the passage below"),
}
_RECONSTRUCTED_LABELS = {
    # Goal titles whose heading the text extraction of the paper lost.
    "heading": _("Reconstructed by the portal editors: the paper's heading was lost"),
    # The vision and mission, which the paper gives only in a figure.
    "wording": _("Reconstructed by the portal editors: the paper's wording was lost"),
}


@register.filter
def provenance_label(value: str, lost: str = "heading") -> str:
    """The reader-facing label of a provenance value; ``lost`` is "heading" or "wording"."""
    if value == Provenance.RECONSTRUCTED:
        return str(_RECONSTRUCTED_LABELS.get(lost, _RECONSTRUCTED_LABELS["heading"]))
    label = _PROVENANCE_LABELS.get(value)
    return str(label) if label is not None else value


@register.filter
def lang_attr(obj: Model, field: str) -> str:
    """`` lang="en"`` when the text of ``obj.<field>`` is not in the page's language.

    Texts without a translation are shown in English: ``<p{{ edition|lang_attr:"vision" }}>``.
    """
    shown = shown_language(obj, field)
    return format_html(' lang="{}"', shown) if shown != get_language() else ""


def translated_fields(obj: Model, fields: tuple[str, ...]) -> list[str]:
    """Those of ``fields`` that ``obj`` shows translated: in the page's language, not English."""
    language = get_language()
    if language == canonical_language():
        return []
    return [field for field in fields if shown_language(obj, field) == language]


@register.simple_tag
def translation_note(
    obj: Model, *fields: str, label: object = "", block: bool = True
) -> SafeString:
    """A "Translated from English" mark, with the English texts of ``fields`` in a disclosure.

    Nothing when the page is in English or none of the fields is shown translated (a text
    with no translation is shown in English and marked ``lang="en"`` by ``lang_attr``).
    ``label`` names the item for screen readers (its code), where a page lists several;
    ``block=False`` gives a compact mark for a list. Keyboard use and state come from
    ``<details>``; the English texts carry ``lang="en"``.
    """
    shown = translated_fields(obj, fields)
    if not shown:
        return SafeString()
    english = [
        text
        for field in shown
        if (text := getattr(obj, build_localized_fieldname(field, canonical_language())))
    ]
    if block:
        body = format_html_join(
            "",
            '<div class="translation-original" lang="en">{}</div>',
            ((linebreaks_filter(text),) for text in english),
        )
    else:
        body = format_html_join(
            "", '<span class="translation-original" lang="en">{}</span>', ((t,) for t in english)
        )
    hidden = format_html('<span class="visually-hidden">: {}</span>', label) if label else ""
    return format_html(
        '<details class="translation-note{}"><summary>{}{}</summary>{}</details>',
        "" if block else " translation-note-inline",
        _("Translated from English"),
        hidden,
        body,
    )


@register.filter
def code_anchor(code: str) -> str:
    """An HTML id for an item code: ``IG1.2`` → ``ig1-2``."""
    return str(code).lower().replace(".", "-")


@register.simple_tag(takes_context=True)
def published_edition(context: Context) -> Edition | None:
    """The published edition, for the footer's citation.

    Reuses the page's ``edition`` when it is the published one, and otherwise reads it
    from the cache (``apps/roadmap/cache.py``: so does every page rendered, a signed-in
    reader's too), at most once per request.
    """
    edition = context.get("edition")
    if isinstance(edition, Edition) and edition.status == Edition.Status.PUBLISHED:
        return edition
    request = context.get("request")
    if request is None:
        return Edition.objects.current()
    if not hasattr(request, "_roadmap_published_edition"):
        request._roadmap_published_edition = cached_published_edition()
    return request._roadmap_published_edition
