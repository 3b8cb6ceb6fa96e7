"""What evidence files may hold: Office packages and PDFs are opened and read whole;
anything that could act when opened is refused, saying why."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from apps.adoption import evidence_content
from apps.adoption.evidence import check_upload, stored_name
from tests.adoption import office_files as files
from tests.adoption.conftest import PDF, PNG


def _refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(name, content))
    (message,) = caught.value.messages
    return message


@pytest.mark.parametrize(("name", "content", "reason"), files.HOSTILE_FILES, ids=files.HOSTILE_IDS)
def test_hostile_files_are_refused_with_the_reason(name: str, content: bytes, reason: str) -> None:
    message = _refusal(name, content)

    assert message.startswith(f"{name} is refused: ")
    assert reason in message


@pytest.mark.parametrize(("name", "content", "kind"), files.CLEAN_FILES, ids=files.CLEAN_IDS)
def test_clean_office_files_and_pdfs_are_accepted(name: str, content: bytes, kind: str) -> None:
    assert check_upload(SimpleUploadedFile(name, content)) == kind


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (files.workbook_with_vba_only(), "contains macros"),
        (files.document_with_remote_template(), "loads content from outside the file"),
        (files.document_with_ole_package(), "embedded object (an OLE package)"),
        (files.document_with_workbook_with_macros(), "contains macros"),
        (files.PDF_WITH_EMBEDDED_FILE, "has files embedded in it"),
        (files.PDF_WITH_AUTORUN, "runs actions by itself"),
        (files.PDF_WITH_HIDDEN_JAVASCRIPT, "contains JavaScript"),
        (files.PDF_WITH_UNREADABLE_OBJECT_STREAM, "cannot be checked"),
        (files.OLE, "older Office format"),
    ],
    ids=[
        "vba-without-macro-type",
        "remote-template",
        "ole-package",
        "macros-in-an-embedded-workbook",
        "pdf-embedded-file",
        "pdf-open-action",
        "pdf-js-in-object-stream",
        "pdf-object-stream-not-inflatable",
        "legacy-ole-office",
    ],
)
def test_whatever_the_name_the_content_decides(content: bytes, reason: str) -> None:
    # Named as the most harmless type: the name plays no part.
    assert reason in _refusal("photo.png", content)


@pytest.mark.parametrize(
    "content",
    [files.document_with_clean_workbook(), files.PDF_WITH_CLEAN_OBJECT_STREAM, PDF],
    ids=["docx-with-chart-workbook", "pdf-with-object-stream", "minimal-pdf"],
)
def test_harmless_structures_are_accepted(content: bytes) -> None:
    assert check_upload(SimpleUploadedFile("evidence", content)) in (
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def test_a_presentation_is_not_an_accepted_type_even_named_docx() -> None:
    assert "is not an accepted file type" in _refusal("minutes.docx", files.presentation())


def test_a_zip_that_is_not_an_office_file_is_not_accepted() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    assert "is not an accepted file type" in _refusal("data.xlsx", buffer.getvalue())


def test_an_archive_with_too_many_members_is_refused_unread(monkeypatch) -> None:
    monkeypatch.setattr(evidence_content, "ZIP_MAX_MEMBERS", 20)

    assert "too large unpacked" in _refusal("many.xlsx", files.zip_bomb_like(20))
    assert check_upload(SimpleUploadedFile("few.xlsx", files.zip_bomb_like(10)))


def test_an_archive_too_large_unpacked_is_refused(monkeypatch) -> None:
    package = files.xlsx()
    package.parts["xl/media/padding.xml"] = "<a>" + " " * 100_000 + "</a>"
    monkeypatch.setattr(evidence_content, "ZIP_MAX_UNCOMPRESSED", 50_000)

    assert "too large unpacked" in _refusal("big.xlsx", package.build())


def test_an_xml_part_with_a_dtd_is_refused() -> None:
    package = files.xlsx()
    package.parts["_rels/.rels"] = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
    )

    assert "cannot be read as an Office document" in _refusal("lol.xlsx", package.build())


def test_a_damaged_archive_is_refused() -> None:
    content = files.xlsx().build()

    assert "damaged" in _refusal("cut.xlsx", content[: len(content) // 2])


# --- PDFs, read whole in chunks -----------------------------------------------------------


@contextmanager
def _chunks_of(size: int) -> Iterator[None]:
    """PDFs read in chunks of ``size`` bytes (hypothesis runs many examples per test, so
    the function-scoped monkeypatch fixture cannot do it)."""
    original = evidence_content.PDF_CHUNK
    evidence_content.PDF_CHUNK = size
    try:
        yield
    finally:
        evidence_content.PDF_CHUNK = original


HIDDEN = [
    (b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>", "contains JavaScript"),
    (b"<< /S /Launch /F (calc.exe) >>", "can start programs"),
    (b"<< /Type /Filespec /EF << /F 9 0 R >> /Type /EmbeddedFile >>", "files embedded"),
    (b"<< /Type /Annot /Subtype /Link /AA << /O 9 0 R >> >>", "runs actions by itself"),
    (b"<< /S /Jav#61Script /JS 9 0 R >>", "contains JavaScript"),
]


@settings(max_examples=40, deadline=None)
@given(
    hostile=st.sampled_from(HIDDEN),
    padding=st.integers(min_value=0, max_value=6000),
    chunk=st.integers(min_value=300, max_value=5000),
    compressed=st.booleans(),
)
def test_a_hostile_pdf_object_is_found_wherever_the_chunks_cut(
    hostile: tuple[bytes, str], padding: int, chunk: int, compressed: bool
) -> None:
    """However far into the file the object sits, and however the file is cut into
    chunks, the object is found: in the open or inside a compressed object stream."""
    obj, reason = hostile
    if compressed:  # behind a comment of noise, so that the deflated bytes are as long
        noise = random.Random(padding).randbytes(padding).translate(None, b"\r\n")
        content = files.pdf(files.object_stream(b"9 0 %" + noise + b"\n" + obj))
    else:
        filler = b"<< /Type /XObject /Subtype /Form /Length 0 >>\nstream\n\nendstream"
        comment = b"%" + b"x" * (padding % 60) + b"\n"
        content = files.pdf(*[filler] * (padding // 60), comment + obj)
    with _chunks_of(chunk):
        assert reason in _refusal("report.pdf", content)


@settings(max_examples=25, deadline=None)
@given(
    padding=st.integers(min_value=0, max_value=6000),
    chunk=st.integers(min_value=300, max_value=5000),
    noise=st.binary(min_size=0, max_size=3000),
)
def test_a_clean_pdf_is_accepted_wherever_the_chunks_cut(
    padding: int, chunk: int, noise: bytes
) -> None:
    """Names such as /JSON, /AAA or /OpenAction to a page, binary image data and object
    streams cut anywhere are not mistaken for anything hostile."""
    image = b"<< /Filter /DCTDecode /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream"
    benign = b"<< /JSON (1) /AAA 2 /Names [(JS) 3] /OpenActionX << >> >>"
    content = files.pdf(
        files.object_stream(b"9 0 " + benign * (padding // 60 + 1)),
        image,
        benign,
        catalog=b"/OpenAction [3 0 R /FitH null]",
    )
    with _chunks_of(chunk):
        assert check_upload(SimpleUploadedFile("report.pdf", content)) == "application/pdf"


def _pypdf(build: object) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda w: w.add_open_action(JavaScript("app.alert('x');")), "contains JavaScript"),
        (lambda w: w.add_attachment("setup.exe", b"MZ\x90\x00"), "files embedded"),
    ],
    ids=["javascript-open-action", "attachment"],
)
def test_pdfs_made_by_a_pdf_library_are_judged_the_same(build: object, reason: str) -> None:
    assert check_upload(SimpleUploadedFile("plain.pdf", _pypdf(lambda w: None)))
    assert reason in _refusal("made.pdf", _pypdf(build))


def test_an_object_stream_bigger_than_the_cap_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(evidence_content, "PDF_MAX_INFLATED", 10_000)
    content = files.pdf(files.object_stream(b"9 0 << /Length 0 >>" + b" " * 50_000))

    assert "cannot be checked" in _refusal("bomb.pdf", content)


@pytest.mark.parametrize(
    "head", [PNG, files.CLEAN_PDF], ids=["png-with-an-archive", "pdf-with-an-archive"]
)
def test_a_file_that_is_also_an_archive_is_refused(head: bytes) -> None:
    """A picture or PDF with an Office package appended opens as either, by its name."""
    message = _refusal("photo.png", head + files.macro_workbook())

    assert "is also a ZIP archive" in message


@pytest.mark.parametrize(
    ("name", "kind", "stored"),
    [
        ("Board minutes.pdf", "application/pdf", "Board minutes.pdf"),
        ("photo.JPEG", "image/jpeg", "photo.JPEG"),
        ("figures.docx", "image/png", "figures.png"),
        ("../../scan", "application/pdf", "scan.pdf"),
    ],
)
def test_a_file_keeps_its_name_with_the_extension_of_what_it_is(
    name: str, kind: str, stored: str
) -> None:
    assert stored_name(name, kind) == stored


DDEAUTO = ' DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc" '
PIXEL = "https://tracker.example/p.png"
LINK = " HYPERLINK &quot;https://example.org&quot; "
NESTED = (
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    "<w:r><w:instrText> QUOTE </w:instrText></w:r>"
    f"{files.field(' DD', 'E cmd "/c calc" ')}"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (files.document_with_body(f"<w:p>{files.field(DDEAUTO)}</w:p>"), "runs a command"),
        (files.document_with_body(NESTED), "runs a command"),  # split over runs, nested
        (
            files.document_with_body(
                f'<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;{PIXEL}&quot; ">'
                "<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>"
            ),
            "loads content from outside the file",
        ),
        (files.workbook_with_formula("cmd|' /C calc'!A0"), "runs a command"),
    ],
    ids=["ddeauto-field", "dde-split-and-nested", "includepicture-simple-field", "dde-formula"],
)
def test_fields_and_formulas_that_act_on_opening_are_refused(content: bytes, reason: str) -> None:
    assert reason in _refusal("minutes.docx", content)


@pytest.mark.parametrize(
    "content",
    [
        files.document_with_body(f"<w:p>{files.field(' PAGE ')}{files.field(LINK)}</w:p>"),
        files.workbook_with_formula('SUM(A2:A9)&amp;"a|b"'),
    ],
    ids=["page-and-hyperlink-fields", "formula-with-a-bar-in-a-string"],
)
def test_ordinary_fields_and_formulas_are_accepted(content: bytes) -> None:
    assert check_upload(SimpleUploadedFile("evidence", content)) in (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
