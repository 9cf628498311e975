"""Read each kind of source file into text and structure, refusing what is unsafe or broken.

Every reader returns the *extracted text* of the file (the text that provision offsets count into) with
its blocks (paragraphs, headings, list items, table rows) and tables, or, for spreadsheets, the rows.
The extracted text is, for a PDF, the text layer of each page joined by form feeds (``\\f``); for the
other documents, the blocks of the file each followed by a line break; for a D.C. Code XML file, its
headings, texts and numbered paragraphs in document order. Offsets count Unicode code points.

Whatever cannot be read safely is refused with a one-line :class:`~hrgraph.errors.BadInputError` naming the
file (and the page or line): encrypted or corrupt PDFs, PDFs without a text layer, archives that are not
zip files, are damaged or would expand beyond :data:`MAX_UNZIPPED` bytes, XML with a DTD or entities or
whose ``xi:include`` elements make a cycle, text in mixed encodings, a spreadsheet, DOCX or PDF renamed to a
text suffix (``.csv``, ``.txt``), empty files.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import itertools
import logging
import posixpath
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XMLParseError
from defusedxml.ElementTree import fromstring as parse_xml_safely

from hrgraph.errors import BadInputError
from hrgraph.store import read_file

__all__ = [
    "DOCUMENT_SUFFIXES",
    "MAX_UNZIPPED",
    "SPREADSHEET_SUFFIXES",
    "ZIP_ERRORS",
    "Block",
    "Extracted",
    "Provision",
    "Sheet",
    "decode_text",
    "read_document",
    "read_spreadsheet",
]

MAX_UNZIPPED = 256 * 2**20
"""The most bytes a DOCX or XLSX file may expand to; larger archives are refused as zip bombs."""
MAX_RATIO = 200
"""The highest compression ratio accepted for a member larger than 1 MiB of a DOCX or XLSX archive."""
SPREADSHEET_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".markdown", ".xml")

DC_LIBRARY = "{https://code.dccouncil.us/schemas/dc-library}"
XINCLUDE = "{http://www.w3.org/2001/XInclude}include"


@dataclass
class Block:
    """A paragraph, heading, list item or table row, with its place in the extracted text.

    ``kind`` is ``title``, ``heading``, ``item``, ``row`` or ``text``; ``level`` is the heading level
    (1 = top) or the nesting of a list item.
    """

    text: str
    start: int
    end: int
    kind: str = "text"
    level: int = 0
    page: int | None = None
    table: int | None = None
    """For a table row, the index of its table in :attr:`Extracted.tables`."""


@dataclass
class Provision:
    """A provision found in a document, before it becomes triples."""

    eid: str
    kind: str
    number: str | None
    heading: str | None
    start: int
    end: int
    parent: str | None = None
    page: int | None = None
    text: str = ""


@dataclass
class Extracted:
    """The extracted text of a document with its blocks and tables."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    title: str | None = None
    pages: int | None = None
    provisions: list[Provision] | None = None
    """Set by readers of structured formats (D.C. Code XML), which need no segmentation."""
    warnings: list[tuple[str | None, str]] = field(default_factory=list)
    """(place, message) pairs, e.g. ("page 3", "no text layer on this page")."""
    included: list[Path] = field(default_factory=list)
    """Files read through ``xi:include``, which a folder ingest must not read again on their own."""


def without_tables(extracted: Extracted, tables: set[int]) -> Extracted:
    r"""Return the document without the rows of some of its tables, in its text as in its blocks.

    >>> doc = _Text()
    >>> for text, kind, table in (("Plan", "text", None), ("Action", "row", 0), ("Build homes", "row", 0),
    ...                           ("Year\tTotal", "row", 1)):
    ...     _ = doc.add(text, kind, table=table)
    >>> kept = without_tables(Extracted(doc.value(), doc.blocks, [[["Action"]], [["Year"]]]), {0})
    >>> kept.text, [(b.start, b.end, b.table) for b in kept.blocks], kept.tables
    ('Plan\nYear\tTotal\n', [(0, 4, None), (5, 15, 1)], [[], [['Year']]])
    """
    kept = [[] if index in tables else table for index, table in enumerate(extracted.tables)]
    if not any(block.table in tables for block in extracted.blocks):  # a PDF's tables are not in its text
        return replace(extracted, tables=kept)
    out = _Text()
    for block in extracted.blocks:
        if block.table not in tables:
            added = out.add(block.text, block.kind, block.level, block.table)
            if added is not None:
                added.page = block.page
    return replace(extracted, text=out.value(), blocks=out.blocks, tables=kept)


@dataclass
class Sheet:
    """The rows of a spreadsheet: (one-based row number, cell values) with empty rows left out."""

    rows: list[tuple[int, list[Any]]]
    name: str | None = None
    warnings: list[tuple[str | None, str]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Cells merged over several rows: (first column, first row, last column, last row), one-based."""


class _Text:
    """Accumulates blocks into the extracted text, keeping each block's offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[Block] = []

    def add(self, text: str, kind: str = "text", level: int = 0, table: int | None = None) -> Block | None:
        text = text.strip()
        if not text:
            return None
        block = Block(text, self.length, self.length + len(text), kind, level, table=table)
        self.parts += (text, "\n")
        self.length += len(text) + 1
        self.blocks.append(block)
        return block

    def value(self) -> str:
        return "".join(self.parts)


# --- shared checks -----------------------------------------------------------------------------------


# What reading a damaged zip member raises: it does not decompress (zlib.error), ends early (EOFError) or fails
# its checksum (BadZipFile).
_MEMBER_ERRORS = (zipfile.BadZipFile, OSError, zlib.error, EOFError)
ZIP_ERRORS = (KeyError, ValueError, TypeError, SyntaxError, *_MEMBER_ERRORS)
"""What the DOCX and XLSX libraries raise for a damaged file: a damaged member, XML that does not parse
(SyntaxError), a missing part (KeyError) or one of the wrong shape."""


def _check_zip(path: Path, data: bytes, what: str, required: str) -> None:
    """Refuse what is not a zip archive, a corrupt one, and one that would expand too far."""
    if not data:
        raise BadInputError(f"{path}: empty file")
    article = "an" if what[0] in "AEFHILMNORSX" else "a"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        hint = " (an old binary .doc or .xls? save it as .docx or .xlsx)" if data[:4] == b"\xd0\xcf\x11\xe0" else ""
        raise BadInputError(f"{path}: not {article} {what} file: not a zip archive{hint}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise BadInputError(f"{path}: corrupt {what} file: {err}") from err
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED:
        raise BadInputError(
            f"{path}: refused as a zip bomb: it would expand to {total:,} bytes (limit {MAX_UNZIPPED:,})"
        )
    for member in members:
        if member.file_size > 2**20 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise BadInputError(
                f"{path}: refused as a zip bomb: {member.filename} is compressed "
                f"{member.file_size // max(member.compress_size, 1):,} to 1"
            )
    names = {m.filename for m in members}
    if required not in names:
        raise BadInputError(f"{path}: not {article} {what} file: the archive has no {required}")
    # The parts every reader opens first are checked here, with DTDs and entities forbidden.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in ("[Content_Types].xml", required):
            try:
                content = archive.read(name) if name in names else b""
            except (ValueError, *_MEMBER_ERRORS) as err:
                raise BadInputError(f"{path}: corrupt {what} file: {name}: {err}") from err
            if content:
                try:
                    _parse_xml(Path(name), content)
                except BadInputError as err:
                    raise BadInputError(f"{path}: corrupt {what} file: {err}") from err


def decode_text(path: Path, data: bytes) -> tuple[str, str | None]:
    """Decode text as UTF-8 (with or without a byte order mark), else as Windows-1252 with a warning.

    A file that mixes UTF-8 with another encoding is refused, naming the first line that is not UTF-8.

    >>> decode_text(Path("a.txt"), "Zürich".encode())
    ('Zürich', None)
    >>> decode_text(Path("a.txt"), "Zürich".encode("cp1252"))
    ('Zürich', 'not UTF-8: read as Windows-1252')
    """
    if not data.strip():
        raise BadInputError(f"{path}: empty file")
    looks_like = _binary_kind(data)
    if looks_like is not None:
        raise BadInputError(f"{path}: not a text file: it looks like {looks_like}")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as err:
            raise BadInputError(f"{path}: not readable as UTF-16: {err.reason}") from err
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        bad_line = data.count(b"\n", 0, err.start) + 1
        first_bad = err.start
    # Valid multi-byte UTF-8 sequences next to invalid bytes: two encodings in one file.
    valid_utf8 = re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data)
    if valid_utf8 is not None:
        good_line = data.count(b"\n", 0, valid_utf8.start()) + 1
        raise BadInputError(
            f"{path}: line {bad_line}: mixed encodings: byte 0x{data[first_bad]:02x} is not UTF-8, "
            f"but line {good_line} is; save the whole file as UTF-8"
        )
    try:
        return data.decode("cp1252"), "not UTF-8: read as Windows-1252"
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise BadInputError(
            f"{path}: line {line}: not a text file in UTF-8 or Windows-1252 (byte 0x{data[err.start]:02x})"
        ) from err


def _binary_kind(data: bytes) -> str | None:
    """Say what a file given as text is by its first bytes: a renamed spreadsheet, document or PDF."""
    if data.startswith(b"%PDF"):
        return "a PDF file: rename it .pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old binary Office file (.xls or .doc): save it as .xlsx or .docx"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        names = set()
    if "word/document.xml" in names:
        return "a DOCX document (a zip archive): rename it .docx"
    if "xl/workbook.xml" in names:
        return "an XLSX spreadsheet (a zip archive): rename it .xlsx"
    return "a zip archive (an XLSX spreadsheet? rename it .xlsx)"


def _parse_xml(path: Path, data: bytes) -> Element:
    """Parse XML with DTDs, entities and external references forbidden."""
    if not data.strip():
        raise BadInputError(f"{path}: empty file")
    try:
        root: Element = parse_xml_safely(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise BadInputError(
            f"{path}: refused: the XML declares a DTD or entities ({type(err).__name__}); "
            "hrgraph reads XML without them, so that no entity can expand or reach outside the file"
        ) from err
    except XMLParseError as err:
        line, column = getattr(err, "position", (None, None))
        raise BadInputError(f"{path}:{line}:{column}: not well-formed XML: {err}") from err
    return root


# --- documents ---------------------------------------------------------------------------------------


def read_document(path: Path, data: bytes, *, header: HeaderFinder | None = None) -> Extracted:
    """Read a PDF, DOCX, HTML, text, Markdown or D.C. Code XML file by its suffix.

    ``header`` finds the tables of a PDF (which has no tables of its own): given the cells of a line read
    in the page's layout, it returns the column of the action if the line heads a table of action items.

    >>> doc = read_document(Path("ordinance.md"), b"# Ordinance\\n\\nArticle 1 - Purpose\\n\\nText.\\n")
    >>> doc.title, [b.text for b in doc.blocks]
    ('Ordinance', ['Ordinance', 'Article 1 - Purpose', 'Text.'])
    """
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        with _quiet("pypdf"):
            return _read_pdf(path, data, header)
    if suffix == ".docx":
        return _read_docx(path, data)
    if suffix in (".html", ".htm", ".xhtml"):
        return _read_html(path, data)
    if suffix == ".xml":
        return _read_dc_xml(path, data)
    if suffix in (".txt", ".text", ".md", ".markdown"):
        return _read_text(path, data, markdown=suffix in (".md", ".markdown"))
    if suffix in SAVE_AS:
        raise BadInputError(f"{path}: {suffix} files are not read: save it as {SAVE_AS[suffix]} and ingest that")
    raise BadInputError(
        f"{path}: unsupported file type {suffix or '(none)'}: "
        f"use one of {', '.join(DOCUMENT_SUFFIXES + SPREADSHEET_SUFFIXES)}"
    )


SAVE_AS = {".xls": "XLSX", ".ods": "XLSX", ".numbers": "XLSX", ".doc": "DOCX", ".odt": "DOCX", ".rtf": "DOCX"}
"""Office formats hrgraph does not read, and the one to save them as."""


HeaderFinder = Callable[[list[str]], "int | None"]
"""Given the cells of a line, the column of the action if the line heads a table of action items, else None."""
_CHUNK = re.compile(r"\S+(?: \S+)*")
"""A cell of a line read in a page's layout: words one space apart; cells are two or more spaces apart."""


def _layout_tables(pages: list[str], header: HeaderFinder, tables: list[list[list[str]]]) -> list[str]:
    """Take the tables of action items out of pages read in their layout; return the pages' other text.

    A line whose cells ``header`` accepts opens a table; its columns start where the line's cells start,
    and each line below is cut at those columns, on the following pages too. A line that leaves the
    first column empty (or, where the action is the first column, fills one column only) goes on the row
    above: a cell's text wraps. A line with text across a column's start is no row: it ends the table.
    Page numbers and running headers and footers are left out; other lines have their spaces closed up.
    """
    furniture = _running_lines(["\n".join(_furniture_key(line) for line in page.split("\n")) for page in pages])
    out: list[str] = []
    starts: list[int] | None = None
    action = 0
    for page in pages:
        kept: list[str] = []
        for line in page.split("\n"):
            chunks = [(m.start(), m.group()) for m in _CHUNK.finditer(line)]
            found = header([text for _, text in chunks]) if len(chunks) >= 2 else None
            if found is not None:
                starts, action = [start for start, _ in chunks], found
                tables.append([[text for _, text in chunks]])
                continue
            closed = " ".join(line.split())
            aligned = starts is not None and bool(chunks) and any(abs(chunks[0][0] - s) <= 2 for s in starts)
            if starts is not None and (_PAGE_NUMBER.match(closed) or (closed in furniture and not aligned)):
                continue  # a running header or footer, not a row that happens to repeat
            columns = (
                [max((i for i, s in enumerate(starts) if s <= at + 2), default=0) for at, _ in chunks] if starts else []
            )
            if (
                starts is None
                or not chunks
                or any(
                    c + 1 < len(starts) and at + len(text) > starts[c + 1]
                    for c, (at, text) in zip(columns, chunks, strict=True)
                )
            ):
                starts = starts if not chunks else None
                kept.append(closed)
                continue
            row = [""] * len(starts)
            for column, (_, text) in zip(columns, chunks, strict=True):
                row[column] = f"{row[column]} {text}".strip()
            table = tables[-1]
            filled = sum(1 for cell in row if cell)
            if len(table) > 1 and (filled == 1 if action == 0 else not row[0]):
                table[-1] = [f"{a} {b}".strip() for a, b in zip(table[-1], row, strict=True)]
            else:
                table.append(row)
        out.append("\n".join(kept))
    return out


_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s+of\s+\d{1,4})?\s*$", re.IGNORECASE)
# A line that starts a new block in a PDF: a heading or a numbered or bulleted paragraph.
_BLOCK_START = re.compile(
    r"^(?:(?:PART|Part|CHAPTER|Chapter|TITLE|Title|SECTION|Section|Sec\.|ARTICLE|Article|Art\.)\s+[\dIVXLC]"
    r"|§|WHEREAS|Whereas|NOW,? THEREFORE|Now,? therefore"
    r"|\((?:\d{1,3}|[a-z]{1,4}|[A-Z])\)\s|\d{1,3}(?:\.\d{1,3})*[.)]?\s+[A-Z]|[a-z][.)]\s|[-*•–]\s)"
)
_PDF_ERRORS: tuple[type[Exception], ...] = (
    ValueError, KeyError, TypeError, IndexError, OSError, ArithmeticError, zlib.error
)  # fmt: skip


def _furniture_key(line: str) -> str:
    return " ".join(line.split())


def _running_lines(pages: list[str]) -> set[str]:
    """Find the lines repeated at the top or bottom of most pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for text in pages:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        for key in {_furniture_key(line) for line in lines[:3] + lines[-3:] if not _BLOCK_START.match(line)}:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= max(2, 0.6 * len(pages))}


@contextlib.contextmanager
def _quiet(library: str) -> Iterator[None]:
    """Silence a library's own log messages and warnings: what matters comes as one error or warning of ours."""
    logger = logging.getLogger(library)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


_BROKEN_WORD = re.compile(r"\b([A-Za-z]+)-\n[ \t]*([a-z]+)\b")
_COMPOUND_PREFIXES = frozenset(
    "non self co ex anti multi cross well low high long short full part semi half mid".split()
)
"""Words before a hyphen at a line end that make a compound ("non-discrimination") rather than split a word."""


def _dehyphenate(pages: list[str]) -> list[str]:
    r"""Join the words a PDF hyphenated at line ends: "accommo-/dation" is "accommodation", "low-/income" stays.

    A word the document has elsewhere whole is joined; a compound it has elsewhere, one after a prefix that
    makes compounds, and one of two words each found alone keep the hyphen; other parts are one word.

    >>> _dehyphenate(["emergency accommo-\ndation for low-\nincome families; low income", "non-\ndiscrimination"])
    ['emergency accommodation for low-income families; low income', 'non-discrimination']
    """
    text = _BROKEN_WORD.sub(" ", "\n".join(pages)).lower()  # the words found whole, not the broken ones
    words = set(re.findall(r"[a-z]+", text))
    compounds = set(re.findall(r"[a-z]+-[a-z]+", text))

    def join(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        whole, low = left + right, left.lower()
        if whole.lower() not in words and (
            f"{low}-{right}" in compounds
            or low in _COMPOUND_PREFIXES
            or (low in words and right in words and len(low) > 2 and len(right) > 2)
        ):
            return f"{left}-{right}"
        return whole

    return [_BROKEN_WORD.sub(join, page) for page in pages]


def _read_pdf(path: Path, data: bytes, header: HeaderFinder | None = None) -> Extracted:
    import pypdf
    from pypdf.errors import PyPdfError

    errors: tuple[type[Exception], ...] = (*_PDF_ERRORS, PyPdfError)
    if not data.strip():
        raise BadInputError(f"{path}: empty file")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise BadInputError(f"{path}: not a PDF file (it does not start with %PDF)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except errors as err:
        raise BadInputError(f"{path}: corrupt PDF: {err}") from err
    if encrypted:
        refused: tuple[type[Exception], ...] = (*errors, NotImplementedError)
        try:
            opened = bool(reader.decrypt(""))
        except refused:
            opened = False
        if not opened:
            raise BadInputError(
                f"{path}: the PDF is encrypted with a password: ingest a decrypted copy (e.g. qpdf --decrypt)"
            )
    try:
        count = len(reader.pages)
    except errors as err:
        raise BadInputError(f"{path}: corrupt PDF: {err}") from err
    texts: list[str] = []
    tables: list[list[list[str]]] = []
    warnings: list[tuple[str | None, str]] = []
    mode: Literal["plain", "layout"] = "plain" if header is None else "layout"
    for number in range(1, count + 1):
        try:
            text = reader.pages[number - 1].extract_text(extraction_mode=mode) or ""
        except errors as err:
            raise BadInputError(f"{path}: page {number}: corrupt page, its text cannot be read: {err}") from err
        text = text.replace("\f", "\n").rstrip()
        if not text.strip():
            warnings.append((f"page {number}", "no text layer on this page (a scanned page? run OCR)"))
        texts.append(text)
    if not any(t.strip() for t in texts):
        raise BadInputError(f"{path}: no text layer: run OCR (e.g. ocrmypdf) first")
    if header is not None:
        texts = _layout_tables(texts, header, tables)
    # Page numbers and running headers and footers are not part of the extracted text.
    furniture = _running_lines(texts)
    texts = [
        "\n".join(
            line
            for line in text.split("\n")
            if not (_PAGE_NUMBER.match(line.strip()) or _furniture_key(line.strip()) in furniture)
        )
        for text in texts
    ]
    texts = _dehyphenate(texts)
    full = "\f".join(texts)
    blocks: list[Block] = []
    current: Block | None = None
    offset = 0
    for number, text in enumerate(texts, start=1):
        position = offset
        for line in text.split("\n"):
            stripped = line.strip()
            start = position + len(line) - len(line.lstrip())
            position += len(line) + 1
            if not stripped:
                current = None
            elif current is not None and not _BLOCK_START.match(stripped):
                current.end = start + len(stripped)
            else:
                current = Block(stripped, start, start + len(stripped), "text", 0, number)
                blocks.append(current)
        offset += len(text) + 1
    for block in blocks:
        block.text = full[block.start : block.end]
    title = None
    if blocks and not _BLOCK_START.match(blocks[0].text):
        lines = [line.strip() for line in blocks[0].text.split("\n")]
        heading = list(itertools.takewhile(lambda line: len(line) <= 80 and not line.endswith("."), lines[:3]))
        if heading:
            title = " ".join(heading)
            if len(heading) == len(lines):
                blocks[0].kind = "title"
    return Extracted(full, blocks, tables, title=title, pages=count, warnings=warnings)


def _read_docx(path: Path, data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    _check_zip(path, data, "DOCX", "word/document.xml")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, AttributeError, *ZIP_ERRORS) as err:
        raise BadInputError(f"{path}: corrupt DOCX file: {err}") from err
    out = _Text()
    tables: list[list[list[str]]] = []
    title = None
    numbering = _WordNumbering(document)
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            style = paragraph.style.name if paragraph.style is not None else ""
            style = style or ""
            numbered = child.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None
            text = _paragraph_text(child)
            label = numbering.label(paragraph, text)
            kind, level = "text", 0
            if style == "Title":
                kind = "title"
            elif style.startswith("Heading"):
                digits = re.sub(r"\D", "", style)
                kind, level = "heading", int(digits) if digits else 1
            elif style.startswith("List") or numbered:
                digits = re.sub(r"\D", "", style)
                kind, level = "item", int(digits) if digits else 1
            block = out.add(_labelled(label, text), kind, level)
            if block is not None and kind == "title" and title is None:
                title = block.text
        elif child.tag == qn("w:tbl"):
            table = DocxTable(child, document)
            rows = [
                ["\n".join(_paragraph_text(p) for p in cell._tc.iterchildren(qn("w:p"))).strip() for cell in row.cells]
                for row in table.rows
            ]
            tables.append(rows)
            for row in rows:
                out.add("\t".join(row), "row", table=len(tables) - 1)
    return Extracted(out.value(), out.blocks, tables, title=title)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WORD_TEXT: dict[str, str | None] = {
    f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"
}  # fmt: skip
"""The elements of a run that show text: a ``w:t`` its own, the others a character."""
_WORD_SKIPPED = frozenset(
    (
        f"{_W}del",
        f"{_W}moveFrom",
        f"{_W}txbxContent",
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    )
)
"""Deleted and moved-away text of tracked changes, text boxes, and the fallback copies of drawings."""


def _paragraph_text(paragraph: Any) -> str:
    """Return a Word paragraph's text with its tracked changes accepted: inserted text in, deleted text out.

    Runs inside insertions, hyperlinks, fields and content controls all count; python-docx's
    ``Paragraph.text`` reads only the runs directly in the paragraph.
    """
    parts: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag in _WORD_SKIPPED:
                continue
            if tag in _WORD_TEXT:
                shown = _WORD_TEXT[tag]
                parts.append((child.text or "") if shown is None else shown)
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts)


def _roman(number: int) -> str:
    """Return a number in lower-case roman numerals.

    >>> _roman(14), _roman(2024)
    ('xiv', 'mmxxiv')
    """
    out = ""
    for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        count, number = divmod(number, value)
        out += digits * count
    return out


def _letters(number: int) -> str:
    """Word's letters: a … z, then aa … zz (the letter repeated), as in "(aa)".

    >>> _letters(1), _letters(26), _letters(27)
    ('a', 'z', 'aa')
    """
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


_NUMBER_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}
"""Word's number formats (``w:numFmt``) that show a number; HTML's list types use them too."""


def _shown(number: int, fmt: str) -> str:
    """Return a number as a list shows it; a huge one in digits, since its letters or numerals would be huge."""
    return _NUMBER_FORMATS.get(fmt, str)(number) if number <= 1000 else str(number)


def _whole(value: str | None, default: int) -> int:
    """Read a whole number of a document's markup, or ``default`` if it is none (a damaged file)."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 6 else default


class _WordNumbering:
    """The numbers Word shows before numbered paragraphs ("3.", "(b)", "Article 2"), which the text lacks.

    Each list (``w:numId``) counts its levels from their start; a paragraph of one level restarts the
    levels below it. Bullets and formats other than numbers, letters and roman numerals show no label.
    """

    def __init__(self, document: Any) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        """numId → level → (start, format, text such as "%1.%2")."""
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        val = qn("w:val")
        abstract: dict[str | None, dict[int, tuple[int, str, str]]] = {}
        for definition in root.iterchildren(qn("w:abstractNum")):
            levels = {}
            for lvl in definition.iterchildren(qn("w:lvl")):
                start, fmt, text = lvl.find(qn("w:start")), lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
                levels[_whole(lvl.get(qn("w:ilvl")), 0)] = (
                    _whole(start.get(val), 1) if start is not None else 1,
                    fmt.get(val, "decimal") if fmt is not None else "decimal",
                    text.get(val, "") if text is not None else "",
                )
            abstract[definition.get(qn("w:abstractNumId"))] = levels
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(val) if ref is not None else None, {}))
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                level = _whole(override.get(qn("w:ilvl")), 0)
                if start is not None and level in levels:
                    levels[level] = (_whole(start.get(val), 1), *levels[level][1:])
            self.levels[num.get(qn("w:numId"), "")] = levels

    def _list_of(self, paragraph: Any) -> tuple[str, int] | None:
        """Return the list and level of a paragraph: its own, or its style's (and the styles it is based on)."""
        qn, val = self._qn, self._qn("w:val")
        ilvl: int | None = None
        owners = [paragraph._p]
        style = paragraph.style
        while style is not None and len(owners) < 10:
            owners.append(style.element)
            style = style.base_style
        for owner in owners:
            numbering = owner.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if numbering is None:
                continue
            level, num = numbering.find(qn("w:ilvl")), numbering.find(qn("w:numId"))
            if ilvl is None and level is not None:
                ilvl = _whole(level.get(val), 0)
            if num is not None:
                num_id = num.get(val, "0")
                return (num_id, ilvl or 0) if num_id != "0" else None
        return None

    def label(self, paragraph: Any, text: str) -> str | None:
        """Return the label Word shows before a paragraph with this text, counting it; None for an unnumbered one."""
        found = self._list_of(paragraph)
        if found is None or found[0] not in self.levels or not text.strip():
            return None
        num_id, level = found
        levels, counters = self.levels[num_id], self.counters.setdefault(num_id, {})
        if level not in levels:
            return None
        counters[level] = counters.get(level, levels[level][0] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if levels[level][1] not in _NUMBER_FORMATS:
            return None

        def shown(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            start, fmt, _ = levels.get(at, (1, "decimal", ""))
            return _shown(counters.get(at, start), fmt)

        text = re.sub(r"%([1-9])", shown, levels[level][2]).strip()
        return text or None


_TYPED_LABEL = re.compile(
    r"\s*(?:[(\[]?(?:\d{1,3}|[a-z]{1,2}|[ivxlc]{1,6})[.)\]]\s|§|(?:article|art\.|section|sec\.|chapter|part)\s*\d)",
    re.IGNORECASE,
)


def _labelled(label: str | None, text: str) -> str:
    """Put the number a list shows before an item's text, unless the text has its own typed number.

    >>> _labelled("2.", "Comments are answered."), _labelled("2.", "2. Comments are answered.")
    ('2. Comments are answered.', '2. Comments are answered.')
    """
    if not label or not text.strip() or _TYPED_LABEL.match(text):
        return text
    return f"{label} {text}"


def _html_label(kind: str, number: int) -> str:
    """Return the label of an item of an ordered list, as a legal text writes it: "3.", "(c)", "(iv)".

    >>> _html_label("1", 3), _html_label("a", 3), _html_label("I", 4)
    ('3.', '(c)', '(IV)')
    """
    fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(kind, "decimal")
    label = _shown(number, fmt)
    return f"{label}." if label.isdigit() else f"({label})"


def _span(value: str | None, limit: int, *, zero: int = 1) -> int:
    """Read an HTML cell's rowspan or colspan: a whole number from 1 up to ``limit``, ``zero`` for 0, else 1.

    A ``rowspan`` of 0 spans the rest of the row group (``tbody``, ``thead``, ``tfoot``).

    >>> _span("3", 100), _span("0", 100), _span("0", 10_000, zero=10_000), _span("x", 100)
    (3, 1, 10000, 1)
    """
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 6:
        return 1
    return min(int(text), limit) if int(text) > 0 else zero


class _HTMLReader(HTMLParser):
    """Collects the blocks and tables of an HTML page; skips scripts, styles and navigation."""

    BLOCKS = frozenset(
        "p div section article header footer main aside blockquote pre li dt dd h1 h2 h3 h4 h5 h6 "
        "caption figcaption address title hr ul ol dl table".split()
    )
    SKIP = frozenset(("script", "style", "noscript", "template", "nav", "svg", "footer"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = _Text()
        self.buffer: list[str] = []
        self.kind, self.level = "text", 0
        self.skipping = 0
        self.lists: list[tuple[str, list[int]]] = []
        """Open lists, innermost last: the numbering of an ``ol`` ("1", "a", "A", "i", "I"; "" for a ``ul``)
        and the number its next item shows."""
        self.label = ""
        self.tables: list[list[list[str]]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = (1, 1)
        """The open cell's rowspan and colspan."""
        self.carried: dict[int, tuple[str, int]] = {}
        """Column → (text, rows still to fill) of cells that span the rows below theirs."""
        self.title: str | None = None
        self.table_closed = True

    def _flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if text:
            if self.kind == "doc-title":
                self.title = self.title or text
            else:
                self.out.add(_labelled(self.label, text), self.kind, self.level)
        self.kind, self.level, self.label = "text", 0, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
            return
        if self.skipping:
            return
        if tag == "br":
            (self.cell if self.cell is not None else self.buffer).append(" ")
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
            found = dict(attrs)
            self.span = (_span(found.get("rowspan"), 10_000, zero=10_000), _span(found.get("colspan"), 100))
        elif tag in self.BLOCKS and self.cell is None:
            self._flush()
            if tag in ("ul", "ol"):
                found = dict(attrs)
                start = (found.get("start") or "").strip()
                kind = (found.get("type") or "1") if tag == "ol" else ""
                self.lists.append((kind, [int(start) if start.isdigit() else 1]))
            elif tag == "title":
                self.kind = "doc-title"
            elif tag == "h1":
                self.kind, self.level = "heading", 1
            elif re.fullmatch(r"h[2-6]", tag):
                self.kind, self.level = "heading", int(tag[1])
            elif tag == "li":
                self.kind, self.level = "item", max(len(self.lists), 1)
                if self.lists and self.lists[-1][0]:  # an item of a numbered list shows its number
                    kind, following = self.lists[-1]
                    value = dict(attrs).get("value") or ""
                    number = int(value) if value.strip().isdigit() else following[0]
                    following[0] = number + 1
                    self.label = _html_label(kind, number)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(self.skipping - 1, 0)
            return
        if self.skipping:
            return
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self._carry()
            text = " ".join("".join(self.cell).split())
            rows, columns = self.span
            for _ in range(columns):  # a cell spanning columns or rows stands in each of them
                if rows > 1:
                    self.carried[len(self.row)] = (text, rows - 1)
                self.row.append(text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._carry(end=True)
            if any(self.row):
                if self.table_closed:
                    self.tables.append([])
                    self.table_closed = False
                self.tables[-1].append(self.row)
                self.out.add("\t".join(self.row), "row", table=len(self.tables) - 1)
            self.row = None
        elif tag in ("table", "thead", "tbody", "tfoot"):  # no cell spans beyond its row group
            self.table_closed = self.table_closed or tag == "table"
            self.carried = {}
        elif tag in self.BLOCKS and self.cell is None:
            self._flush()
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()

    def _carry(self, *, end: bool = False) -> None:
        """Put into the row the cells of rows above that span it, at the row's next column (or all, at its end)."""
        assert self.row is not None  # noqa: S101  (called inside a row)
        while len(self.row) in self.carried or (end and any(c >= len(self.row) for c in self.carried)):
            column = len(self.row)
            if column not in self.carried:
                self.row.append("")
                continue
            text, left = self.carried.pop(column)
            if left > 1:
                self.carried[column] = (text, left - 1)
            self.row.append(text)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        (self.cell if self.cell is not None else self.buffer).append(data)


def _read_html(path: Path, data: bytes) -> Extracted:
    declared = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", data[:2048], re.IGNORECASE)
    text, note = None, None
    if declared is not None:
        try:
            text = data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, note = decode_text(path, data)
    reader = _HTMLReader()
    reader.feed(text)
    reader.close()
    reader._flush()
    if not reader.out.blocks:
        raise BadInputError(f"{path}: empty file: the page has no text")
    title = reader.title
    first = reader.out.blocks[0]
    if first.kind == "heading" and first.level == 1:
        first.kind = "title"
        title = first.text
    warnings: list[tuple[str | None, str]] = [(None, note)] if note else []
    return Extracted(reader.out.value(), reader.out.blocks, reader.tables, title=title, warnings=warnings)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$|^\s*\|?\s*:?-{2,}")


def _read_text(path: Path, data: bytes, *, markdown: bool) -> Extracted:
    text, note = decode_text(path, data)
    out = _Text()
    tables: list[list[list[str]]] = []
    paragraph: list[str] = []
    in_table = False

    def flush() -> None:
        if paragraph:
            out.add("\n".join(paragraph))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            in_table = False
            continue
        heading = _MD_HEADING.match(stripped) if markdown else None
        if heading:
            flush()
            level = len(heading.group(1))
            out.add(heading.group(2), "title" if level == 1 and not out.blocks else "heading", level)
            continue
        if markdown and stripped.startswith("|"):
            flush()
            if _MD_RULE.match(stripped):
                continue
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not in_table:
                tables.append([])
                in_table = True
            tables[-1].append(cells)
            out.add("\t".join(cells), "row", table=len(tables) - 1)
            continue
        if markdown and _MD_RULE.match(stripped) and not stripped.startswith("|"):
            flush()
            continue
        item = _MD_ITEM.match(line) if markdown else None
        if item and stripped[0] in "-*+•":
            flush()
            out.add(stripped[1:].strip() if stripped[0] in "*+•" else stripped, "item", len(item.group(1)) // 2 + 1)
            continue
        if _BLOCK_START.match(stripped):
            flush()
        paragraph.append(stripped)
    flush()
    if not out.blocks:
        raise BadInputError(f"{path}: empty file")
    title = next((b.text for b in out.blocks if b.kind == "title"), None)
    if title is None and not markdown:
        first = out.blocks[0]
        if len(first.text) <= 150 and first.text.count("\n") < 3 and not _BLOCK_START.match(first.text):
            first.kind, title = "title", " ".join(first.text.split())
    warnings: list[tuple[str | None, str]] = [(None, note)] if note else []
    return Extracted(out.value(), out.blocks, tables, title=title, warnings=warnings)


# --- the D.C. Code (dc-library XML) ------------------------------------------------------------------

_CONTAINER_PREFIX = {
    "title": "title",
    "subtitle": "subtitle",
    "chapter": "chp",
    "subchapter": "subchap",
    "unit": "unit",
    "part": "part",
    "subpart": "subpart",
    "division": "dvs",
    "article": "art",
}


def _eid_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


class _DCReader:
    """Walks D.C. Code containers, sections and paragraphs, resolving ``xi:include`` inside the folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path.parent.resolve()
        self.out = _Text()
        self.provisions: list[Provision] = []
        self.included: list[Path] = []
        self.used: set[str] = set()
        self.reading = [path.resolve()]
        """The file being read and the files that include it, to refuse an include cycle."""

    def child_text(self, element: Element, name: str) -> str:
        found = element.find(DC_LIBRARY + name)
        return "" if found is None else " ".join("".join(found.itertext()).split())

    def open(self, eid: str, kind: str, number: str | None, heading: str | None, parent: str | None) -> Provision:
        unique, n = eid, 1
        while unique in self.used:
            n += 1
            unique = f"{eid}-{n}"
        self.used.add(unique)
        provision = Provision(unique, kind, number, heading or None, self.out.length, self.out.length, parent)
        self.provisions.append(provision)
        return provision

    def close(self, provision: Provision) -> None:
        provision.end = max(self.out.length - 1, provision.start)

    def include(self, element: Element, parent: str | None, container_eid: str) -> None:
        href = element.get("href") or ""
        target = (self.folder / href).resolve()
        if re.match(r"^[a-z][a-z0-9+.-]*:", href) or not target.is_relative_to(self.folder):
            raise BadInputError(f"{self.path}: xi:include of {href!r} is outside the folder of the file: refused")
        if not target.is_file():
            raise BadInputError(f"{self.path}: xi:include of {href!r}: no such file")
        if target in self.reading:
            cycle = " → ".join(p.name for p in [*self.reading[self.reading.index(target) :], target])
            raise BadInputError(f"{self.path}: xi:include of {href!r} makes a cycle: {cycle}")
        self.included.append(target)
        root = _parse_xml(target, read_file(target))
        self.reading.append(target)
        self.element(root, parent, container_eid)
        self.reading.pop()

    def element(self, element: Element, parent: str | None, container_eid: str) -> None:
        if element.tag == DC_LIBRARY + "container":
            self.container(element, parent, container_eid)
        elif element.tag == DC_LIBRARY + "section":
            self.section(element, parent)
        elif element.tag == XINCLUDE:
            self.include(element, parent, container_eid)

    def container(self, element: Element, parent: str | None, container_eid: str) -> None:
        prefix = self.child_text(element, "prefix")
        number = self.child_text(element, "num")
        heading = self.child_text(element, "heading")
        name = _CONTAINER_PREFIX.get(prefix.lower(), _eid_part(prefix.lower()) or "hcontainer")
        eid = f"{name}_{_eid_part(number)}"
        eid = f"{container_eid}__{eid}" if container_eid else eid
        provision = self.open(eid, prefix.lower() or "container", number or None, heading, parent)
        self.out.add(f"{prefix} {number}. {heading}".strip(), "heading")
        for child in element:
            self.element(child, provision.eid, provision.eid)
        self.close(provision)

    def section(self, element: Element, parent: str | None) -> None:
        number = self.child_text(element, "num")
        heading = self.child_text(element, "heading")
        provision = self.open(f"sec_{_eid_part(number)}", "section", number, heading, parent)
        self.out.add(f"§ {number}. {heading}".strip(), "heading")
        self.body(element, provision.eid)
        self.close(provision)

    def body(self, element: Element, eid: str) -> None:
        for child in element:
            if child.tag == DC_LIBRARY + "text":
                self.out.add(" ".join("".join(child.itertext()).split()))
            elif child.tag == DC_LIBRARY + "para":
                self.para(child, eid)
            elif child.tag in (DC_LIBRARY + "section", DC_LIBRARY + "container", XINCLUDE):
                self.element(child, eid, eid)

    def para(self, element: Element, parent: str) -> None:
        marker = self.child_text(element, "num")
        number = marker.strip("()[]. ") or None
        heading = self.child_text(element, "heading").rstrip(" —–-").strip() or None
        provision = self.open(f"{parent}__para_{_eid_part(number or 'x')}", "paragraph", number, heading, parent)
        first = element.find(DC_LIBRARY + "text")
        lead = " ".join(p for p in (marker, self.child_text(element, "heading")) if p)
        if first is not None and list(element).index(first) <= 2:
            lead = f"{lead} {' '.join(''.join(first.itertext()).split())}".strip()
        self.out.add(lead)
        for child in element:
            if child is first and lead:
                continue
            if child.tag == DC_LIBRARY + "text":
                self.out.add(" ".join("".join(child.itertext()).split()))
            elif child.tag == DC_LIBRARY + "para":
                self.para(child, provision.eid)
        self.close(provision)


def _read_dc_xml(path: Path, data: bytes) -> Extracted:
    root = _parse_xml(path, data)
    if root.tag not in (DC_LIBRARY + "section", DC_LIBRARY + "container"):
        namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else "(none)"
        raise BadInputError(
            f"{path}: unknown XML vocabulary: root element {root.tag.split('}')[-1]!r} in namespace "
            f"{namespace}; hrgraph reads D.C. Code (dc-library) XML"
        )
    reader = _DCReader(path)
    reader.element(root, None, "")
    if not reader.provisions:
        raise BadInputError(f"{path}: empty file: no sections")
    chain, node = [], root
    while node.tag == DC_LIBRARY + "container":
        chain.append(node)
        inner = [c for c in node if c.tag == DC_LIBRARY + "container"]
        if len(inner) != 1 or any(c.tag in (DC_LIBRARY + "section", XINCLUDE) for c in node):
            break
        node = inner[0]
    if chain:
        names = ", ".join(f"{reader.child_text(c, 'prefix')} {reader.child_text(c, 'num')}" for c in chain)
        title = f"{names} — {reader.child_text(chain[-1], 'heading')}"
    else:
        title = reader.out.blocks[0].text
    return Extracted(
        reader.out.value(), reader.out.blocks, title=title, provisions=reader.provisions, included=reader.included
    )


# --- spreadsheets ------------------------------------------------------------------------------------


def read_spreadsheet(path: Path, data: bytes, *, sheet: str | None = None) -> list[Sheet]:
    """Read the rows of a CSV, TSV or XLSX file (every sheet of a workbook, or the one named).

    >>> [s.rows for s in read_spreadsheet(Path("plan.csv"), b"ID;Action\\nH-1;Open a shelter\\n")]
    [[(1, ['ID', 'Action']), (2, ['H-1', 'Open a shelter'])]]
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        text, note = decode_text(path, data)
        first = text.split("\n", 1)[0]
        delimiter = "\t" if suffix == ".tsv" else max(",;\t", key=first.count)
        rows: list[tuple[int, list[Any]]] = []
        number = 0
        try:
            for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
                if any(cell.strip() for cell in row):
                    rows.append((number, row))
        except csv.Error as err:
            # The row that failed is the one after the last row read.
            if "field larger than field limit" in str(err):
                raise BadInputError(
                    f"{path}: row {number + 1}: a cell longer than {csv.field_size_limit():,} characters "
                    '(a quote " left open?)'
                ) from err
            raise BadInputError(f"{path}: row {number + 1}: malformed CSV: {err}") from err
        if not rows:
            raise BadInputError(f"{path}: empty file")
        return [Sheet(rows, None, [(None, note)] if note else [])]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, data, sheet)
    raise BadInputError(f"{path}: not a spreadsheet: use CSV, TSV or XLSX")


def _read_xlsx(path: Path, data: bytes, sheet: str | None) -> list[Sheet]:
    _check_zip(path, data, "XLSX", "xl/workbook.xml")
    try:
        sheets = _quick_xlsx(path, data, sheet)
    except _UnusualError:
        sheets = _openpyxl_xlsx(path, data, sheet)
    if not any(s.rows for s in sheets):
        raise BadInputError(f"{path}: empty file: no cell has a value")
    return sheets


def _openpyxl_xlsx(path: Path, data: bytes, sheet: str | None) -> list[Sheet]:
    """Read what the quick reader leaves aside; openpyxl's read-only mode does not say which cells are merged."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ZIP_ERRORS as err:
        raise BadInputError(f"{path}: corrupt XLSX file: {err}") from err
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise BadInputError(f"{path}: no sheet named {sheet!r}: the sheets are {', '.join(names)}")
        sheets = []
        for name in [sheet] if sheet is not None else names:
            rows: list[tuple[int, list[Any]]] = []
            try:
                for number, values in enumerate(workbook[name].iter_rows(values_only=True), start=1):
                    if any(v is not None and str(v).strip() for v in values):
                        rows.append((number, [_cell(v) for v in values]))
            except ZIP_ERRORS as err:
                raise BadInputError(f"{path}: sheet {name!r}: corrupt XLSX file: {err}") from err
            sheets.append(Sheet(rows, name))
    finally:
        workbook.close()
    return sheets


# The quick reader: the worksheets' XML read straight with the standard library's parser, giving the
# rows that openpyxl's read-only mode gives (the same values, padding and row numbers) several times
# faster. Whatever it does not expect (a DTD, another encoding, a chart sheet, a value it cannot read) is
# left to openpyxl, which then reads the file or says what is wrong with it.
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
_ROW, _CELL, _VALUE, _INLINE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
_TEXT, _RUN, _DIMENSION, _MERGE = f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}dimension", f"{_MAIN}mergeCell"


_WHOLE_SHEET = 32 * 2**20
"""Worksheet XML up to this size is parsed whole, which is faster than piece by piece."""


class _UnusualError(Exception):
    """Something in a workbook that the quick reader leaves to openpyxl."""


def _xml_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """Return a part of the archive if it is UTF-8 (or ASCII) XML without a DTD: no entity can then expand."""
    try:
        content = archive.read(name)
    except (KeyError, *_MEMBER_ERRORS) as err:
        raise _UnusualError(name) from err
    if not content.startswith((b"<", b"\xef\xbb\xbf<")) or content[1:2] == b"\x00" or b"<!DOCTYPE" in content:
        raise _UnusualError(name)
    return content


def _parse(content: bytes) -> Element:
    try:
        return ElementTree.fromstring(content)  # noqa: S314 (no DTD: see _xml_part)
    except ElementTree.ParseError as err:
        raise _UnusualError(str(err)) from err


def _text_of(element: Element) -> str:
    """Return the text of a shared or inline string: its ``t``, then the ``t`` of its runs (not phonetic hints)."""
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        if child.tag == _TEXT:
            plain = child.text
        elif child.tag == _RUN:
            text = child.findtext(_TEXT)
            if text is not None:
                runs.append(text)
    return "".join(runs) if plain is None else plain + "".join(runs)


def _elements(content: bytes) -> Iterator[Element]:
    """Yield the dimension, the rows and the merged cells of a worksheet; a large one is parsed a piece at a time."""
    if len(content) <= _WHOLE_SHEET:
        root = ElementTree.fromstring(content)  # noqa: S314 (no DTD: see _xml_part)
        dimension = root.find(_DIMENSION)
        if dimension is not None:
            yield dimension
        yield from root.iter(_ROW)
        yield from root.iter(_MERGE)
        return
    for _, element in ElementTree.iterparse(io.BytesIO(content)):  # noqa: S314 (no DTD: see _xml_part)
        if element.tag in (_ROW, _DIMENSION, _MERGE):
            yield element


@functools.cache
def _column(letters: str) -> int:
    from openpyxl.utils.cell import column_index_from_string

    return column_index_from_string(letters)


def _quick_xlsx(path: Path, data: bytes, sheet: str | None) -> list[Sheet]:
    """Read the rows of every sheet, or of the one named; raise :class:`_UnusualError` for what openpyxl must read."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    archive = zipfile.ZipFile(io.BytesIO(data))
    files = set(archive.namelist())
    workbook = _parse(_xml_part(archive, "xl/workbook.xml"))
    properties = workbook.find(f"{_MAIN}workbookPr")
    date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    rels = {}
    if "xl/_rels/workbook.xml.rels" in files:
        for rel in _parse(_xml_part(archive, "xl/_rels/workbook.xml.rels")).iter(_PACKAGE_RELS):
            target = rel.get("Target", "")
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            rels[rel.get("Id")] = (rel.get("Type"), target)
    strings: list[str] = []
    types = _parse(_xml_part(archive, "[Content_Types].xml"))
    for part in types.iter(_CONTENT_TYPES):
        if part.get("ContentType") == _SHARED_STRINGS:
            table = _parse(_xml_part(archive, part.get("PartName", "")[1:]))
            strings = [_text_of(si).replace("x005F_", "") for si in table.iterfind(f"{_MAIN}si")]
            break
    dates: set[int] = set()
    spans: set[int] = set()
    if "xl/styles.xml" in files:
        styles = _parse(_xml_part(archive, "xl/styles.xml"))
        custom = {int(f.get("numFmtId", -1)): f.get("formatCode") for f in styles.iter(f"{_MAIN}numFmt")}
        cell_xfs = styles.find(f"{_MAIN}cellXfs")
        for index, xf in enumerate([] if cell_xfs is None else cell_xfs.iterfind(f"{_MAIN}xf")):
            number = int(xf.get("numFmtId", 0))
            code = custom[number] if number in custom else BUILTIN_FORMATS.get(number)
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                spans.add(index)
    parts: dict[str, str] = {}
    found = workbook.find(f"{_MAIN}sheets")
    for entry in [] if found is None else found.iterfind(f"{_MAIN}sheet"):
        kind, target = rels.get(entry.get(_REL_ID), (None, ""))
        if target not in files:
            continue
        if kind != _WORKSHEET_REL:
            raise _UnusualError(f"{target} is not a worksheet")
        parts[entry.get("name", "")] = target
    if not parts:
        raise _UnusualError("no worksheets")
    if sheet is not None and sheet not in parts:
        raise BadInputError(f"{path}: no sheet named {sheet!r}: the sheets are {', '.join(parts)}")
    return [
        _quick_sheet(_xml_part(archive, parts[name]), name, strings, dates, spans, epoch)
        for name in ([sheet] if sheet is not None else parts)
    ]


def _quick_sheet(
    content: bytes, name: str, strings: list[str], dates: set[int], spans: set[int], epoch: dt.datetime
) -> Sheet:
    """Return a worksheet: its non-empty rows as openpyxl's read-only ``iter_rows`` gives them, and its merges.

    Rows are numbered and padded as openpyxl numbers and pads them; of the merged cells, those that span
    several rows are kept.
    """
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    rows: list[tuple[int, list[Any]]] = []
    merged: list[tuple[int, int, int, int]] = []
    max_column: int | None = None
    max_row: int | None = None
    number = 0
    expected = 1
    try:
        for element in _elements(content):
            if element.tag == _DIMENSION:
                _, _, max_column, max_row = range_boundaries(element.get("ref", ""))
                continue
            if element.tag == _MERGE:
                first_column, first_row, last_column, last_row = range_boundaries(element.get("ref", ""))
                if first_row is not None and last_row is not None and last_row > first_row:
                    merged.append((first_column or 1, first_row, last_column or first_column or 1, last_row))
                continue
            number = int(element.get("r", number + 1))
            if max_row is not None and number > max_row:  # openpyxl stops at the dimension; merges come after
                element.clear()
                continue
            column = 0
            cells: list[tuple[int, Any]] = []
            for cell in element:
                if cell.tag != _CELL:
                    raise _UnusualError(f"row {number}: {cell.tag}")
                reference = cell.get("r")
                column = _column(reference.rstrip("0123456789")) if reference else column + 1
                kind = cell.get("t", "n")
                value: Any = None
                if kind == "inlineStr":
                    inline = cell.find(_INLINE)
                    value = None if inline is None else _text_of(inline)
                else:
                    value = cell.findtext(_VALUE) or None
                    if value is None:
                        pass
                    elif kind == "n":
                        value = float(value) if "." in value or "E" in value or "e" in value else int(value)
                        style = int(cell.get("s") or 0)
                        if style in dates:
                            try:
                                value = from_excel(value, epoch, timedelta=style in spans)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                    elif kind == "s":
                        value = strings[int(value)]
                    elif kind == "b":
                        value = bool(int(value))
                    elif kind == "d":
                        value = from_ISO8601(value)  # type: ignore[no-untyped-call]
                    value = _cell(value)
                cells.append((column, value))
            element.clear()
            if number < expected:
                continue
            expected = number + 1
            width = max_column or (cells[-1][0] if cells else 0)
            values: list[Any] = [None] * width
            for column, value in cells:
                if 1 <= column <= width:
                    values[column - 1] = value
            if any(v is not None and str(v).strip() for v in values):
                rows.append((number, values))
    except (ElementTree.ParseError, ValueError, TypeError, IndexError, KeyError) as err:
        raise _UnusualError(str(err)) from err
    return Sheet(rows, name, merged=merged)


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    return value
