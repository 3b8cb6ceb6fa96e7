"""Fixtures of the adoption page tests: the personas' organisation (shared with
tests/organisations), a private media folder, evidence files and an adoption."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.adoption import services
from apps.adoption.models import Adoption
from apps.organisations.models import Organisation
from apps.roadmap.models import BarrierCategory, Edition
from tests.organisations import conftest as organisation_fixtures
from tests.roadmap.factories import BarrierCategoryFactory

# The organisation of tests/organisations, whose members are the personas (tests/conftest.py).
org = organisation_fixtures.org

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 64
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>\n"
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    """Uploaded files go to a folder of their own, removed after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def pdf_file() -> Callable[..., SimpleUploadedFile]:
    return lambda name="report.pdf": upload(name, PDF, "application/pdf")


@pytest.fixture
def barriers(db) -> list[BarrierCategory]:
    return [
        BarrierCategoryFactory(slug="time", name="Lack of time"),
        BarrierCategoryFactory(slug="funding", name="Lack of funding"),
    ]


@pytest.fixture
def adoption(org: Organisation, contributor, small_roadmap: Edition) -> Adoption:
    """A1.1.1 adopted by the persona organisation, through the service."""
    action = small_roadmap.actions.get(code="A1.1.1")
    return services.adoption_create(
        organisation=org, action=action, by=contributor, owner=contributor
    )
