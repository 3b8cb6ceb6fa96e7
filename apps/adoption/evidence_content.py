"""What is inside an evidence file: Office packages and PDFs that could act when opened.

Two inspectors, both reading the upload as a stream (never the whole file in memory):

* :func:`inspect_office_package` opens an Office Open XML file (a ZIP archive) and
  refuses macros, ActiveX controls, external links and templates, DDE fields and
  formulas, fields that fetch content from elsewhere, and embedded
  programs or OLE objects. Its type comes from the package's own content types,
  whatever the file is called. The archive is bounded before anything is unpacked.
* :func:`inspect_pdf` reads the whole PDF in overlapping chunks and refuses
  JavaScript (and XFA forms), launch and remote actions, embedded files and actions
  that run by themselves. Compressed object streams, where such objects can hide,
  are inflated with zlib under a size cap; one that cannot be inflated is refused.

Each raises :class:`Refused` with a reason in plain words, without the file's name;
``evidence.check_upload`` puts the two together.

Legacy Office files (OLE compound documents: .doc, .xls, .ppt, and password-protected
Office files) are refused outright by ``evidence.check_upload``: telling a macro-free
one apart needs a compound-file parser that the portal does not ship, and every
current Office version saves the same content as .docx or .xlsx.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- Reasons ----------------------------------------------------------------------------------

MACROS = _("it contains macros or ActiveX controls")
EXTERNAL = _("it loads content from outside the file (an external link, template or object)")
EMBEDDED_PROGRAM = _("it has a program embedded in it")
DDE = _("it runs a command when it is opened (a DDE field or formula)")
EMBEDDED_OBJECT = _("it has an embedded object (an OLE package) that cannot be checked")
NOT_READABLE = _("it cannot be read as an Office document (it is damaged or too large unpacked)")
PDF_SCRIPT = _("it contains JavaScript or a scripted form")
PDF_LAUNCH = _("it can start programs or open other files")
PDF_EMBEDDED = _("it has files embedded in it")
PDF_AUTORUN = _("it runs actions by itself when it is opened or viewed")
PDF_UNCHECKABLE = _("it has compressed or encrypted parts that cannot be checked")


class Refused(Exception):
    """The file is refused; ``reason`` says why, in words for the person uploading it."""

    def __init__(self, reason: StrOrPromise) -> None:
        super().__init__(str(reason))
        self.reason = reason


# --- Office Open XML --------------------------------------------------------------------------

# Bounds checked on the archive's directory before anything is unpacked.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_UNCOMPRESSED = 256 * 1024 * 1024
# XML parts read whole ([Content_Types].xml, relationships) are at most this large.
XML_PART_MAX = 2 * 1024 * 1024
# Office files embedded in Office files are inspected too, this many levels deep.
MAX_NESTING = 2

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
EXECUTABLE_EXTENSIONS = frozenset(
    {"exe", "dll", "scr", "com", "bat", "cmd", "pif", "cpl", "msi", "msp", "jar", "js", "jse"}
    | {"vbs", "vbe", "wsf", "wsh", "ps1", "hta", "lnk", "sh", "app", "dmg", "elf", "so", "reg"}
    | {"inf"}
)
# Content types that mean macros (VBA, Excel 4.0 macro sheets, ActiveX, binary workbooks).
MACRO_TYPE_MARKERS = (
    "macroenabled",
    "vbaproject",
    "vbadata",
    "activex",
    "macrosheet",
    "sheet.binary",
)
MACRO_PARTS = frozenset(
    {
        "vbaproject.bin",
        "vbaprojectsignature.bin",
        "vbaprojectsignatureagile.bin",
        "vbaprojectsignaturev3.bin",
        "vbadata.xml",
        "attachedtoolbars.bin",
    }
)
# Parts whose presence is an external link, whatever the relationships say.
EXTERNAL_PARTS = ("xl/externallinks/", "xl/connections.xml")
# External relationships Office follows only when a person clicks them.
CLICKED_RELATIONSHIPS = frozenset({"hyperlink"})
MAIN_SUFFIX = ".main+xml"
# Parts whose field codes (Word) or formulas (Excel) are read, streamed whatever their size.
FIELD_PARTS = ("word/", "xl/worksheets/")
# Word fields that run a command, and those that fetch content from elsewhere, when the
# document is opened or its fields are updated (a field's first word names it).
DDE_FIELDS = frozenset({"DDE", "DDEAUTO"})
EXTERNAL_FIELDS = frozenset({"INCLUDETEXT", "INCLUDEPICTURE", "LINK", "IMPORT"})
# An Excel formula's string literals; outside them, "|" is only ever DDE (cmd|' /c …'!A0).
FORMULA_STRING = re.compile(r'"(?:[^"]|"")*"')
STREAM_CHUNK = 64 * 1024


def inspect_office_package(upload: IO[bytes]) -> str | None:
    """The package's MIME type (``…wordprocessingml.document`` and so on), or None when
    the ZIP archive is not an Office Open XML package. Raises :class:`Refused`."""
    budget = [ZIP_MAX_UNCOMPRESSED]
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return _inspect_package(archive, budget, depth=0)
    except Refused:
        raise
    except Exception as exc:  # damaged, encrypted, odd compression: all refused
        raise Refused(NOT_READABLE) from exc
    finally:
        upload.seek(0)


def _inspect_package(archive: zipfile.ZipFile, budget: list[int], *, depth: int) -> str | None:
    members = archive.infolist()
    _check_bounds(members, budget)
    names = {m.filename.lower(): m for m in members}
    if "[content_types].xml" not in names:
        return None
    types = _content_types(_read_xml(archive, names["[content_types].xml"]))
    if any(marker in kind.lower() for kind in types for marker in MACRO_TYPE_MARKERS):
        raise Refused(MACROS)
    for name, member in names.items():
        _check_member(archive, name, member, budget, depth)
    mains = {kind[: -len(MAIN_SUFFIX)] for kind in types if kind.endswith(MAIN_SUFFIX)}
    return mains.pop() if len(mains) == 1 else None


def _check_bounds(members: list[zipfile.ZipInfo], budget: list[int]) -> None:
    if len(members) > ZIP_MAX_MEMBERS:
        raise Refused(NOT_READABLE)
    lowered = [m.filename.lower() for m in members]
    if len(set(lowered)) != len(lowered):  # the same part twice: readers disagree on which
        raise Refused(NOT_READABLE)
    budget[0] -= sum(m.file_size for m in members)
    if budget[0] < 0:
        raise Refused(NOT_READABLE)


def _check_member(
    archive: zipfile.ZipFile, name: str, member: zipfile.ZipInfo, budget: list[int], depth: int
) -> None:
    base = posixpath.basename(name)
    extension = base.rpartition(".")[2] if "." in base else ""
    if base in MACRO_PARTS or "/activex/" in f"/{name}" or "/macrosheets/" in f"/{name}":
        raise Refused(MACROS)
    if name.startswith(EXTERNAL_PARTS):
        raise Refused(EXTERNAL)
    if extension in EXECUTABLE_EXTENSIONS:
        raise Refused(EMBEDDED_PROGRAM)
    if "/embeddings/" in f"/{name}":
        _check_embedded(archive, member, budget, depth)
    elif extension == "bin" and "/printersettings/" not in f"/{name}":
        raise Refused(MACROS)  # any other binary part is an ActiveX or VBA project
    if extension == "rels":
        _check_relationships(_read_xml(archive, member))
    elif extension == "xml" and name.startswith(FIELD_PARTS):
        _check_fields(archive, member)


def _check_embedded(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: list[int], depth: int
) -> None:
    with archive.open(member) as handle:
        head = handle.read(8)
    if head.startswith(EXECUTABLE_MAGIC):
        raise Refused(EMBEDDED_PROGRAM)
    if head.startswith(OLE_MAGIC) or member.filename.lower().endswith(".bin"):
        raise Refused(EMBEDDED_OBJECT)
    if head.startswith(ZIP_MAGIC):
        if depth + 1 > MAX_NESTING:
            raise Refused(NOT_READABLE)
        with archive.open(member) as handle, zipfile.ZipFile(handle) as inner:
            _inspect_package(inner, budget, depth=depth + 1)


def _read_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> ET.Element:
    """An XML part, refused when oversized or when it declares a DTD (no OOXML part
    does; a DTD is how entity-expansion attacks start), or when it is not UTF-8."""
    if member.file_size > XML_PART_MAX:
        raise Refused(NOT_READABLE)
    with archive.open(member) as handle:
        data = handle.read(XML_PART_MAX + 1)
    if len(data) > XML_PART_MAX or b"\x00" in data or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Refused(NOT_READABLE)
    return ET.fromstring(data)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: ET.Element, name: str) -> str:
    """An attribute by its local name, whatever its namespace prefix."""
    return next((v for k, v in element.attrib.items() if _local(k) == name), "")


def _check_fields(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a field that runs a command (DDE) or fetches content from elsewhere, and a
    formula that calls DDE. Streamed: a document's body can be any size; a field's
    instruction may be split over several runs, and fields nest."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    formulas = member.filename.lower().startswith("xl/")  # Word's "f" is an equation's
    fields: list[list[str]] = []  # the open fields' instructions, innermost last
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(STREAM_CHUNK):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise Refused(NOT_READABLE)
            tail = window[-16:]
            parser.feed(chunk)
            _read_fields(parser, fields, formulas=formulas)
    parser.close()
    _read_fields(parser, fields, formulas=formulas)
    for instruction in fields:  # a field left open is judged too
        _judge_field("".join(instruction))


def _read_fields(
    parser: ET.XMLPullParser[ET.Element], fields: list[list[str]], *, formulas: bool
) -> None:
    for found in parser.read_events():
        # Only start and end events are asked for: (event, element).
        event, element = found[0], found[-1]
        if not isinstance(element, ET.Element):
            continue
        tag = _local(element.tag)
        if event == "start":
            if tag == "fldChar" and _attribute(element, "fldCharType") == "begin":
                fields.append([])
            continue
        if tag == "instrText" and fields:
            fields[-1].append(element.text or "")
        elif tag == "fldChar" and fields:
            kind = _attribute(element, "fldCharType")
            if kind in ("separate", "end"):
                _judge_field("".join(fields[-1]))
                fields[-1] = []
            if kind == "end":
                fields.pop()
        elif tag == "fldSimple":
            _judge_field(_attribute(element, "instr"))
        elif formulas and tag == "f" and "|" in FORMULA_STRING.sub("", element.text or ""):
            raise Refused(DDE)
        element.clear()


def _judge_field(instruction: str) -> None:
    words = instruction.split()
    name = words[0].upper() if words else ""
    if name in DDE_FIELDS:
        raise Refused(DDE)
    if name in EXTERNAL_FIELDS:
        raise Refused(EXTERNAL)


def _content_types(root: ET.Element) -> list[str]:
    return [
        element.get("ContentType", "")
        for element in root.iter()
        if _local(element.tag) in ("Default", "Override")
    ]


def _check_relationships(root: ET.Element) -> None:
    for element in root.iter():
        if _local(element.tag) != "Relationship":
            continue
        kind = element.get("Type", "").rstrip("/").rpartition("/")[2]
        if kind.lower() in ("vbaproject", "activexcontrol", "activexcontrolbinary"):
            raise Refused(MACROS)
        external = element.get("TargetMode", "").lower() == "external"
        if external and kind.lower() not in CLICKED_RELATIONSHIPS:
            raise Refused(EXTERNAL)


# --- PDF --------------------------------------------------------------------------------------

PDF_CHUNK = 1024 * 1024
# Bytes kept from one chunk to the next: a name and what follows it, or a stream's
# dictionary, cut at a chunk boundary is seen whole in the next window.
PDF_OVERLAP = 4096
PDF_LOOKAHEAD = 256
# Inflated object streams, all together, at most this large.
PDF_MAX_INFLATED = 64 * 1024 * 1024

_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
PDF_NAME = re.compile(rb"/([^" + _DELIMITERS + rb"]{1,64})")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# White space and comments between a name and its value.
_WS = rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]*[\r\n])*"
_GAP = re.compile(_WS)
_DICT_OR_REF = re.compile(_WS + rb"(?:<<|\d+" + _WS + rb"\d+" + _WS + rb"R)")
_SCRIPT_VALUE = re.compile(_WS + rb"(?:\(|<|\d+" + _WS + rb"\d+" + _WS + rb"R)")
_ACTION_DICT = re.compile(_WS + rb"<<")
_STREAM_START = re.compile(rb">>" + _WS + rb"stream(?:\r\n|\n|\r)")
_OBJECT_HEADER = re.compile(rb"\d+" + _WS + rb"\d+" + _WS + rb"obj")

PDF_NAMES = {
    b"JavaScript": PDF_SCRIPT,
    b"XFA": PDF_SCRIPT,
    b"Launch": PDF_LAUNCH,
    b"GoToR": PDF_LAUNCH,
    b"GoToE": PDF_LAUNCH,
    b"EmbeddedFile": PDF_EMBEDDED,
    b"EmbeddedFiles": PDF_EMBEDDED,
    b"FileAttachment": PDF_EMBEDDED,
    b"RichMedia": PDF_EMBEDDED,
}
# Short names are refused only with the value they take in an action: in compressed
# data such three bytes turn up by chance.
PDF_NAMES_WITH_VALUE = {
    b"JS": (_SCRIPT_VALUE, PDF_SCRIPT),
    b"AA": (_DICT_OR_REF, PDF_AUTORUN),
    b"OpenAction": (_ACTION_DICT, PDF_AUTORUN),  # a destination ([page /Fit]) is fine
}
FLATE = frozenset({b"FlateDecode", b"Fl"})
OTHER_FILTERS = frozenset(
    {b"LZWDecode", b"LZW", b"ASCII85Decode", b"A85", b"ASCIIHexDecode", b"AHx"}
    | {b"RunLengthDecode", b"RL", b"Crypt", b"DecodeParms", b"DP"}
)


def _decoded(raw: bytes) -> bytes:
    return _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


class _NameScanner:
    """Finds the names of :data:`PDF_NAMES` in bytes fed in chunks."""

    def __init__(self) -> None:
        self.tail = b""
        self.reasons: list[StrOrPromise] = []

    def feed(self, data: bytes, *, final: bool = False) -> None:
        window = self.tail + data
        limit = len(window) if final else len(window) - PDF_LOOKAHEAD
        for match in PDF_NAME.finditer(window):
            if match.end() > limit:
                break  # seen whole, with what follows it, in the next window
            reason = self._judge(_decoded(match.group(1)), window, match.end(), final)
            if reason is not None:
                self.reasons.append(reason)
        self.tail = window[-PDF_OVERLAP:]

    @staticmethod
    def _judge(name: bytes, window: bytes, end: int, final: bool) -> StrOrPromise | None:
        if name in PDF_NAMES:
            return PDF_NAMES[name]
        if name in PDF_NAMES_WITH_VALUE:
            value, reason = PDF_NAMES_WITH_VALUE[name]
            after = window[end : end + PDF_LOOKAHEAD]
            if value.match(after):
                return reason
            gap = _GAP.match(after)
            if gap is not None and gap.end() == len(after) and not final:
                return reason  # only comments within reach: assume the worst
        return None


class _PdfScanner:
    """Names everywhere in the file, and inside every compressed object stream."""

    def __init__(self) -> None:
        self.names = _NameScanner()
        self.tail = b""
        self.offset = 0  # absolute offset of the first byte after ``tail``
        self.searched_to = 0  # stream starts before this offset are handled
        self.inflater: zlib._Decompress | None = None
        self.inner: _NameScanner | None = None
        self.inflated = 0
        self.reasons: list[StrOrPromise] = []

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        self.names.feed(chunk, final=final)
        window = self.tail + chunk
        base = self.offset - len(self.tail)
        start = 0
        if self.inflater is not None:
            left = self._inflate(chunk)
            if left is None:  # still inside the stream
                start = len(window)
            else:
                start = len(window) - left
                self.searched_to = base + start
        self._find_streams(window, base, max(start, self.searched_to - base), final)
        self.offset += len(chunk)
        self.tail = window[-PDF_OVERLAP:]
        if final and self.inflater is not None:
            self.reasons.append(PDF_UNCHECKABLE)  # the file ends inside an object stream

    def _find_streams(self, window: bytes, base: int, start: int, final: bool) -> None:
        position = start
        while self.inflater is None:
            match = _STREAM_START.search(window, position)
            if match is None or (match.end() > len(window) - 2 and not final):
                return  # a start at the very end is found again in the next window
            self.searched_to = base + match.end()
            position = match.end()
            if not self._wants_inflating(window, match.start()):
                continue
            self.inflater, self.inner = zlib.decompressobj(), _NameScanner()
            left = self._inflate(window[match.end() :])
            if left is None:
                return
            position = len(window) - left
            self.searched_to = base + position

    def _wants_inflating(self, window: bytes, start: int) -> bool:
        """Is the stream starting here an object stream to inflate? Refuses one that
        holds objects in a form this scanner cannot read."""
        headers = list(_OBJECT_HEADER.finditer(window, max(0, start - PDF_OVERLAP), start))
        if not headers:  # a dictionary longer than any real one: cannot tell
            self.reasons.append(PDF_UNCHECKABLE)
            return False
        names = {_decoded(m.group(1)) for m in PDF_NAME.finditer(window, headers[-1].end(), start)}
        if b"ObjStm" not in names:
            return False
        if names & OTHER_FILTERS:
            self.reasons.append(PDF_UNCHECKABLE)
            return False
        return bool(names & FLATE)

    def _inflate(self, data: bytes) -> int | None:
        """Inflate the current object stream; the number of bytes left after its end,
        or None while it goes on."""
        assert self.inflater is not None
        assert self.inner is not None
        try:
            out = self.inflater.decompress(data, PDF_CHUNK)
            while True:
                self.inflated += len(out)
                if self.inflated > PDF_MAX_INFLATED:
                    raise zlib.error("too large")
                self.inner.feed(out)
                if self.inflater.eof or not self.inflater.unconsumed_tail:
                    break
                out = self.inflater.decompress(self.inflater.unconsumed_tail, PDF_CHUNK)
        except zlib.error:
            self.reasons.append(PDF_UNCHECKABLE)
            self.inflater = self.inner = None
            return 0
        if not self.inflater.eof:
            return None
        self.inner.feed(b"", final=True)
        self.reasons.extend(self.inner.reasons)
        left = len(self.inflater.unused_data)
        self.inflater = self.inner = None
        return left


def inspect_pdf(upload: IO[bytes]) -> None:
    """Read the whole PDF in chunks; raise :class:`Refused` with the first reason found."""
    scanner = _PdfScanner()
    upload.seek(0)
    try:
        chunk = upload.read(PDF_CHUNK)
        while chunk:
            following = upload.read(PDF_CHUNK)
            scanner.feed(chunk, final=not following)
            if scanner.reasons or scanner.names.reasons:
                break
            chunk = following
    finally:
        upload.seek(0)
    reasons = scanner.reasons or scanner.names.reasons
    if reasons:
        raise Refused(reasons[0])
