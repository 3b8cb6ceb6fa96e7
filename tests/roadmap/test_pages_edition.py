"""The roadmap's home page says which edition readers see and what each edition changed;
the roadmap page names the edition and links to that changelog."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.roadmap.models import Edition
from tests.roadmap.factories import EditionFactory

pytestmark = pytest.mark.django_db

HOME = reverse("roadmap:home")
MAP = reverse("roadmap:map")


@pytest.fixture
def editions(small_roadmap):
    """2021 (archived, a first changelog), 2023 (archived, none), 2026.1 (published) and a
    draft whose changelog is not news yet."""
    now = timezone.now()
    small_roadmap.status = Edition.Status.ARCHIVED
    small_roadmap.published_at = now - dt.timedelta(days=900)
    small_roadmap.changelog_en = "First edition on the portal."
    small_roadmap.save()
    EditionFactory(
        version_label="2023",
        status=Edition.Status.ARCHIVED,
        published_at=now - dt.timedelta(days=400),
    )
    current = EditionFactory(
        version_label="2026.1",
        status=Edition.Status.PUBLISHED,
        published_at=now - dt.timedelta(days=3),
        changelog="A1.1.1 now asks for a written policy.\nA1.1.3 is new.",
    )
    current.end_goals.create(code="EG1", title="End goal 1", edition=current)
    EditionFactory(version_label="2027-draft", changelog="Not yet published.")
    return current


def _section(html: str) -> str:
    start = html.index('id="edition"')
    return re.sub(r"\s+", " ", html[start : html.index("</section>", start)])


def test_the_home_page_names_the_edition_and_lists_changelogs_newest_first(
    client, editions
) -> None:
    section = _section(client.get(HOME).content.decode())

    assert "Edition 2026.1</h2>" in section
    assert "You are reading edition 2026.1 of the roadmap, published on" in section
    entries = re.findall(r'<h4 class="h6 mb-1">Edition ([\w.]+) <span', section)
    assert entries == ["2026.1", "2021"]
    assert "A1.1.1 now asks for a written policy.<br>A1.1.3 is new." in section
    assert "First edition on the portal." in section
    assert section.index("A1.1.1 now asks") < section.index("First edition on the portal.")
    assert "2023" not in section  # no changelog: no entry
    assert "Not yet published." not in section


def test_a_changelog_without_a_translation_is_marked_as_english(client, editions) -> None:
    with translation.override("pl"):
        html = client.get(HOME, headers={"accept-language": "pl"}).content.decode()
    section = _section(html)
    assert '<p class="mb-0" lang="en">A1.1.1 now asks' in section


def test_the_first_edition_says_nothing_has_changed_yet(client, small_roadmap) -> None:
    section = _section(client.get(HOME).content.decode())
    assert "Edition 2021</h2>" in section
    assert "No changes have been recorded yet" in section


def test_the_roadmap_page_names_its_edition(client, editions) -> None:
    html = client.get(MAP).content.decode()
    label = re.sub(r"\s+", " ", html[html.index('id="edition-label"') :].split("</p>")[0])
    assert "Edition 2026.1" in label
    assert f'href="{HOME}#edition"' in label
