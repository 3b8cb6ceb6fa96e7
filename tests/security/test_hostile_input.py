"""Hostile input on every form and every API write.

Each target (``targets.py``) sends one value into one field of one form or API write:
one property per target, tried on the known nasty values and on values that hypothesis
generates (``targets.HOSTILE_TEXT``, a fixed seed per target). The values are of two kinds:

- *weird but harmless* text (script and HTML, SQL-looking strings, right-to-left
  overrides, zero-width joiners, emoji, combining characters): a free-text field
  stores it exactly as typed and every page shows it escaped; a field that expects
  an address, a code or a role refuses it with a 4xx;
- *refused* values (a NUL character, which PostgreSQL cannot store, anywhere in the
  text, and a 2 MB text): every target answers 4xx.

A refusal leaves no stored damage: no row count changes and the field keeps its
value. Then: wrong content types and malformed bodies on every API write, lists of
50,000 items, and path traversal in the names of uploaded files.

Some HTML forms answer an invalid submission with their page again and status 200,
as Django's ``FormView`` and allauth do (their targets say ``refused_with=(200,)``);
the role form sends the admin back to the members page with an error message (302).
For those, the refusal is the form's error, and the stored data is checked all the same.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from hypothesis import example, given, seed, settings
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.adoption.models import Adoption, Evidence
from apps.organisations.models import Invitation, Organisation
from tests.security.conftest import PDF, World
from tests.security.targets import (
    HOSTILE_TEXT,
    REFUSED,
    SCRIPT,
    SCRIPT_EMAIL,
    TARGETS,
    WEIRD_TEXT,
    Ctx,
    Target,
    files_under,
    is_refused,
    row_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_world: World) -> World:
    """One organisation for the whole module: the suite sends hundreds of requests."""
    return module_world


@pytest.fixture
def ctx(world: World, client: Client, api: APIClient) -> Ctx:
    browser = Client()
    browser.force_login(world.owner)
    return Ctx(world=world, browser=browser, visitor=client, api=api)


@contextmanager
def example_ctx(world: World, api: APIClient) -> Iterator[Ctx]:
    """Fresh clients in a savepoint rolled back after one example, with no rate-limit
    counters: each example of a property starts from the module's world, as a test does."""
    cache.clear()
    with transaction.atomic():
        browser = Client()
        browser.force_login(world.owner)
        yield Ctx(world=world, browser=browser, visitor=Client(), api=api)
        transaction.set_rollback(True)


def assert_no_raw_markup(response: HttpResponse, value: str = "") -> None:
    """An HTML answer never carries the markup that was sent, unescaped."""
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert SCRIPT not in html
        assert "<img src=x onerror" not in html
        assert "<script>alert(1)</script>" not in html
        if "<" in value:
            assert value not in html


def assert_refused(
    target: Target, response: HttpResponse, before: dict, stored: Any, c: Ctx, value: str = ""
) -> None:
    assert response.status_code in target.refused_with, response.content[:500]
    if response.status_code == 200:  # the form again, with the error
        assert response.context["form"].errors
    assert_no_raw_markup(response, value)
    assert row_counts() == before
    assert target.stored(c) == stored


def assert_shown_escaped(target: Target, c: Ctx, value: str) -> None:
    if target.page is None:
        return
    page = target.reader(c).get(target.page(c))
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(value) in html
    if "<" in value:  # markup, such as SCRIPT and HTML
        assert value not in html
        assert "&lt;" in html


def with_known_examples(test: Callable) -> Callable:
    """Every known nasty value, tried before the generated ones."""
    for value in [*WEIRD_TEXT.values(), *REFUSED.values()]:
        test = example(value=value)(test)
    return test


@pytest.mark.parametrize("name", TARGETS)
def test_hostile_text_is_stored_as_typed_and_shown_escaped_or_refused_without_damage(
    world: World, api: APIClient, name: str
) -> None:
    """Weird but harmless text (``WEIRD``: markup, SQL, bidi controls, zero-width joiners,
    emoji, combining marks) is stored as typed by a free-text field and shown escaped, and
    refused by any other field; text with a NUL, or too long, is refused by every field.
    A refusal changes no row count and leaves the field as it was."""
    target = TARGETS[name]

    @seed(zlib.crc32(name.encode()))  # each target its own strings, the same in every run
    @settings(max_examples=5, database=None, deadline=None)
    @given(value=HOSTILE_TEXT)
    @with_known_examples
    def check(value: str) -> None:
        with example_ctx(world, api) as c:
            before, stored = row_counts(), target.stored(c)

            response = target.send(c, value)

            if is_refused(value) or not target.free_text:
                assert_refused(target, response, before, stored, c, value)
                return
            assert response.status_code in (200, 201, 302), response.content[:500]
            assert response.status_code != 200 or "form" not in (response.context or {})
            assert target.stored(c) == value
            assert_shown_escaped(target, c, value)

    check()


@pytest.mark.parametrize(
    "name",
    ["signup:email", "invitation:email", "api-members-post:email", "api-invitations-post:email"],
)
def test_an_address_with_markup_in_a_quoted_local_part_is_shown_escaped(
    ctx: Ctx, name: str
) -> None:
    """``"<script>…</script>"@example.org`` is a valid address: stored as typed, shown as text."""
    target = TARGETS[name]

    response = target.send(ctx, SCRIPT_EMAIL)

    assert response.status_code in (201, 302), response.content[:500]
    assert target.stored(ctx) == SCRIPT_EMAIL
    page = target.reader(ctx).get(target.page(ctx)).content.decode()
    assert escape(SCRIPT_EMAIL) in page
    assert "<script>alert(1)</script>" not in page


# --- Wrong content types and malformed bodies on every API write ----------------------------

API_WRITES = {
    "token": ("post", lambda c: "/api/v1/auth/token/"),
    "organisations-post": ("post", lambda c: "/api/v1/organisations/"),
    "organisations-patch": ("patch", lambda c: c.api_org),
    "members-post": ("post", lambda c: f"{c.api_org}members/"),
    "members-patch": ("patch", lambda c: f"{c.api_org}members/{c.world.lead_membership.pk}/"),
    "invitations-post": ("post", lambda c: f"{c.api_org}invitations/"),
    "adoptions-post": ("post", lambda c: f"{c.api_org}adoptions/"),
    "adoptions-patch": ("patch", lambda c: f"{c.api_org}adoptions/{c.world.adoption.pk}/"),
    "progress-post": ("post", lambda c: f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/"),
    "progress-correct": (
        "post",
        lambda c: (
            f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/{c.world.entry.pk}/correct/"
        ),
    ),
    "assessments-post": ("post", lambda c: f"{c.api_org}assessments/"),
}
BAD_BODIES = {
    "xml": ("application/xml", '<?xml version="1.0"?><organisation name="x"/>', {415}),
    "yaml": ("application/yaml", "name: x\n", {415}),
    "text": ("text/plain", "name=x", {415}),
    "invalid-json": ("application/json", '{"name": "x",', {400}),
    "json-array": ("application/json", '[{"name": "x"}]', {400}),
    "json-string": ("application/json", '"name"', {400}),
    "json-null": ("application/json", "null", {400}),
    "json-nested-deep": ("application/json", "[" * 100_000 + "]" * 100_000, {400}),
    "json-nul-key": ("application/json", '{"\\u0000": "x"}', {400, 200}),
    "json-not-utf8": ("application/json", b'{"name": "\xff\xfe"}', {400}),
    "multipart-no-boundary": ("multipart/form-data", "--x\r\n\r\n", {400}),
    "multipart-bad-boundary": ("multipart/form-data; boundary=abc", "garbage", {400, 200}),
    "form-encoded-json": ("application/x-www-form-urlencoded", '{"name": "x"}', {400, 200}),
}


@pytest.mark.parametrize("body", BAD_BODIES, ids=BAD_BODIES.keys())
@pytest.mark.parametrize("write", API_WRITES)
def test_wrong_content_types_and_malformed_bodies_are_refused(
    ctx: Ctx, write: str, body: str
) -> None:
    method, url = API_WRITES[write]
    content_type, data, statuses = BAD_BODIES[body]
    before = row_counts()

    response = getattr(ctx.api, method)(url(ctx), data=data, content_type=content_type)

    # 200 only where the body may parse to "no change": a PATCH of nothing.
    allowed = statuses if method == "patch" else statuses - {200}
    assert response.status_code in allowed, response.content[:300]
    assert row_counts() == before


# --- Lists of 50,000 items --------------------------------------------------------------------

HUGE = 50_000
HUGE_LISTS = {
    "progress-links": (
        "post",
        lambda c: f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/",
        {"narrative": "Many.", "links": ["https://example.org/a"] * HUGE},
    ),
    "progress-metrics": (
        "post",
        lambda c: f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/",
        {"narrative": "Many.", "metrics": [{"metric": "patients-involved", "value": "1"}] * HUGE},
    ),
    "progress-barriers": (
        "post",
        lambda c: f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/",
        {"narrative": "Many.", "barriers": [{"category": "time"}] * HUGE},
    ),
    "assessment-ratings": (
        "post",
        lambda c: f"{c.api_org}assessments/",
        {"ratings": [{"end_goal": "EG1", "level": 3}] * HUGE},
    ),
    "adoption-partners-post": (
        "post",
        lambda c: f"{c.api_org}adoptions/",
        {"action": "A1.2.1", "partners": ["partner-network"] * HUGE},
    ),
    "adoption-partners-patch": (
        "patch",
        lambda c: f"{c.api_org}adoptions/{c.world.adoption.pk}/",
        {"partners": ["partner-network"] * HUGE},
    ),
    "organisation-name-list": ("post", lambda c: "/api/v1/organisations/", {"name": ["x"] * HUGE}),
}


@pytest.mark.parametrize("case", HUGE_LISTS)
def test_a_list_of_50000_items_is_refused_in_a_few_queries(
    ctx: Ctx, case: str, django_assert_max_num_queries: Callable
) -> None:
    method, url, payload = HUGE_LISTS[case]
    before = row_counts()

    # Refused before each item costs a query.
    with django_assert_max_num_queries(20):
        response = getattr(ctx.api, method)(url(ctx), payload, format="json")

    assert response.status_code == 400, response.content[:300]
    assert row_counts() == before


def test_a_form_with_50000_fields_is_refused(ctx: Ctx) -> None:
    partners = [str(ctx.world.partner.pk)] * HUGE
    before = row_counts()

    response = ctx.browser.post(
        f"/o/{ctx.slug}/adoptions/new/",
        {"action": "A1.2.1", "status": "planned", "partners": partners},
    )

    assert response.status_code == 400  # Django: too many fields (DATA_UPLOAD_MAX_NUMBER_FIELDS)
    assert row_counts() == before


def test_a_deeply_nested_json_list_in_a_multipart_field_is_refused(ctx: Ctx) -> None:
    before = row_counts()

    response = ctx.api.post(
        f"{ctx.api_org}adoptions/{ctx.world.adoption.pk}/progress/",
        {"narrative": "Nested.", "metrics": "[" * 100_000 + "]" * 100_000},
        format="multipart",
    )

    assert response.status_code == 400
    assert row_counts() == before


# --- Hostile values in addresses and query strings ---------------------------------------------

HOSTILE_URLS = [
    "/invitations/%00/",
    "/invitations/..%2F..%2Fetc%2Fpasswd/",
    "/roadmap/actions/%00/",
    "/roadmap/end-goals/%00/",
    "/roadmap/intermediate-goals/%00/",
    "/roadmap/actions/%3Cscript%3E/",
    "/roadmap/actions/?q=%00&dimension=%00&stakeholder_group=%00&end_goal=%00",
    "/organisations/?stakeholder_group=%00&country=%00&region=%00",
    "/o/%00/",
    "/o/{slug}/adoptions/new/?action=%00",
    "/o/{slug}/adoptions/new/?action=%3Cscript%3E",
    "/o/{slug}/adoptions/?owner=%00&end_goal=%00&dimension=%00&status=%00",
    "/o/{slug}/adoptions/catalogue/?q=%00&dimension=%00",
    "/o/{slug}/audit/?page=%00",
    "/api/v1/actions/%00/",
    "/api/v1/actions/?search=%00&dimension=%00",
    "/api/v1/dimensions/%00/",
    "/api/v1/stakeholder-groups/%00/",
    "/api/v1/organisations/?stakeholder_group=%00&country=%00",
    "/api/v1/organisations/{slug}/adoptions/?owner=%00",
    "/api/v1/organisations/{slug}/adoptions/?owner=%C2%B2",  # "²": a digit to isdigit()
    "/api/v1/organisations/{slug}/adoptions/?owner=99999999999999999999999999",
    "/api/v1/organisations/{slug}/adoptions/?end_goal=%00&dimension=%00&status=%00",
    "/api/v1/organisations/{slug}/adoptions/?page=%00&page_size=%00",
    # Ids larger than any id column holds.
    "/o/{slug}/adoptions/{huge}/",
    "/o/{slug}/adoptions/{huge}/progress/{huge}/correct/",
    "/o/{slug}/evidence/{huge}/",
    "/o/{slug}/members/{huge}/remove/",
    "/api/v1/organisations/{slug}/adoptions/{huge}/",
    "/api/v1/organisations/{slug}/adoptions/{huge}/progress/",
    "/api/v1/organisations/{slug}/members/{huge}/",
    "/api/v1/organisations/{slug}/invitations/{huge}/",
]
HUGE_ID = "9" * 30


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_addresses_and_query_strings_are_not_server_errors(ctx: Ctx, url: str) -> None:
    client = ctx.api if url.startswith("/api/") else ctx.browser

    response = client.get(url.format(slug=ctx.slug, huge=HUGE_ID))

    assert response.status_code in (200, 400, 404), response.content[:300]
    assert_no_raw_markup(response)


# --- Path traversal in the names of uploaded files ---------------------------------------------

TRAVERSAL_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\win.ini",
    "/etc/passwd.pdf",
    "C:\\Windows\\System32\\evil.pdf",
    "....//....//evil.pdf",
    "..%2F..%2Fevil.pdf",
    ".htaccess",
    "evil\u202egpj.pdf",
]
BOUNDARY = "HostileBoundary7MA4YWxkTrZu0gW"


def raw_multipart(fields: dict[str, str], file_name: str, content: bytes = PDF) -> bytes:
    """A multipart body that sends ``file_name`` exactly (the test client keeps the last
    path component only)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    return b"".join([*parts, f"--{BOUNDARY}--\r\n".encode()])


UPLOADS = {
    "progress-form": (lambda c: c.browser, lambda c: f"{c.adoption_url}progress/new/"),
    "progress-correct-form": (
        lambda c: c.browser,
        lambda c: f"{c.adoption_url}progress/{c.world.entry.pk}/correct/",
    ),
    "api-progress": (
        lambda c: c.api,
        lambda c: f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/",
    ),
    "api-progress-correct": (
        lambda c: c.api,
        lambda c: (
            f"{c.api_org}adoptions/{c.world.adoption.pk}/progress/{c.world.entry.pk}/correct/"
        ),
    ),
}


@pytest.mark.parametrize("file_name", TRAVERSAL_NAMES)
@pytest.mark.parametrize("upload", UPLOADS)
def test_uploaded_files_stay_in_media_root_under_a_plain_name(
    ctx: Ctx, upload: str, file_name: str
) -> None:
    sender, url = UPLOADS[upload]
    media = ctx.world.media.resolve()
    sandbox = media.parent
    outside_before = files_under(sandbox) - files_under(media)
    fields = {"entry_date": timezone.localdate().isoformat(), "narrative": "With a file."}

    response = sender(ctx).post(
        url(ctx),
        data=raw_multipart(fields, file_name),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )

    assert response.status_code in (201, 302), response.content[:300]
    evidence = Evidence.objects.exclude(file="").order_by("-pk").first()
    assert evidence.entry_id != ctx.world.entry.pk
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to(media)
    assert stored.read_bytes() == PDF
    assert ".." not in evidence.file.name
    for name in (evidence.original_name, evidence.title):
        assert "/" not in name
        assert "\\" not in name
        assert not name.startswith(".")
    assert files_under(sandbox) - files_under(media) == outside_before
    download = ctx.browser.get(f"/o/{ctx.slug}/evidence/{evidence.pk}/")
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename", 1)[1]
    assert "\\" not in disposition.split("filename", 1)[1]


REFUSED_ENTRIES = {
    "nul-narrative": {"narrative": "With\x00a file."},
    "script-link": {"links": "javascript:alert(1)"},  # refused by the service, not the form
    "percent-150": {"percent_complete": "150"},
}


@pytest.mark.parametrize("fields", REFUSED_ENTRIES.values(), ids=REFUSED_ENTRIES.keys())
@pytest.mark.parametrize("upload", UPLOADS)
def test_a_refused_entry_leaves_no_file_behind(ctx: Ctx, upload: str, fields: dict) -> None:
    sender, url = UPLOADS[upload]
    before, files = row_counts(), files_under(ctx.world.media)
    data = {"entry_date": timezone.localdate().isoformat(), "narrative": "With a file.", **fields}

    response = sender(ctx).post(
        url(ctx),
        data=raw_multipart(data, "minutes.pdf"),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )

    assert response.status_code == 400
    assert row_counts() == before
    assert files_under(ctx.world.media) == files


@pytest.mark.parametrize("file_name", TRAVERSAL_NAMES)
def test_an_import_file_name_with_a_path_writes_nothing(ctx: Ctx, file_name: str) -> None:
    sandbox = ctx.world.media.parent
    before_files, before = files_under(sandbox), row_counts()
    body = raw_multipart({"format": ""}, file_name, content=b"not,an,export\r\n1,2,3\r\n")
    body = body.replace(b'name="files"', b'name="file"')

    response = ctx.browser.post(
        f"/o/{ctx.slug}/adoptions/transfer/import/",
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )

    assert response.status_code == 400
    assert files_under(sandbox) == before_files
    assert row_counts() == before


# --- The import's references -------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["²", "١٢", "99999999999999999999999999", "-1", "1e3"])
def test_an_entry_reference_that_is_not_a_plain_number_is_not_a_server_error(
    ctx: Ctx, ref: str
) -> None:
    today = timezone.localdate().isoformat()
    rows = [
        ["record_type", "action_code", "status", "entry_ref", "entry_date", "narrative"],
        ["entries", "A1.1.1", "", ref, today, "Referenced."],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    upload = SimpleUploadedFile("adoptions.csv", buffer.getvalue().encode(), "text/csv")

    response = ctx.browser.post(f"/o/{ctx.slug}/adoptions/transfer/import/", {"file": upload})

    assert response.status_code in (302, 400)


def test_the_world_holds_only_its_own_rows_after_the_suite(world: World) -> None:
    """Last in the module: every test above ran in a savepoint rolled back after it."""
    assert Organisation.objects.count() == 2
    assert User.objects.count() == 4
    assert Invitation.objects.count() == 1
    assert Adoption.objects.count() == 1
    assert Evidence.objects.exclude(file="").count() == 1
