"""Review proposed links in a spreadsheet: export them, let people decide, import the decisions.

:func:`export_review` writes one row per proposed link of a city (the passage with its evidence
highlighted, the standard, the confidence, the method and why) with a ``decision`` column to fill
with ``accept`` or ``reject``. :func:`import_review` turns accepted rows into ``hrg:CuratedLink``
and rejected rows into ``hrg:RejectedLink`` in graph ``curated/NAME``
(``semapv:ManualMappingCuration``, reviewer, date, ``hrg:reviewOf`` the proposal); ``hrgraph
link`` never proposes a decided pair again and never touches that graph. The curated graph is
rewritten in one transaction, so a failing import changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import rdflib
from rdflib import URIRef

from hrgraph.errors import BadInputError, UnknownNameError
from hrgraph.link.mappings import Mapping, city_base, link_iri, mappings_graph, read_mappings
from hrgraph.namespace import HRG, SEMAPV
from hrgraph.report import write_atomic, xml_safe
from hrgraph.store import Store, graph_iri

__all__ = ["COLUMNS", "ReviewResult", "export_review", "import_review"]

COLUMNS = (
    "link",
    "provision",
    "provision text",
    "standard",
    "standard label",
    "level",
    "confidence",
    "method",
    "why",
    "decision",
    "reviewer",
    "note",
)
ACCEPT = {"accept", "accepted", "yes", "y", "ok", "x", "✓", "true", "1"}
REJECT = {"reject", "rejected", "no", "n", "✗", "false", "0"}
_TEXTS = """
PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
SELECT ?p ?text WHERE { GRAPH ?g { ?p ?prop ?text . VALUES ?prop { hrg:actionText hrg:text } } }
"""
_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class ReviewResult:
    """What an import did."""

    graph: str
    accepted: int
    rejected: int
    undecided: int


LONG_PASSAGE = 6000
"""A passage longer than this (a whole title of a code) is shown as the evidence and ``CONTEXT`` around it:
a spreadsheet cell holds at most 32,767 characters, and a reviewer reads the words around the evidence."""
CONTEXT = 2000


def export_review(store: Store, city: str, path: Path) -> int:
    """Write the proposed links of a city that nobody decided yet to an ``.xlsx`` workbook; return the rows."""
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Alignment, Font
    from openpyxl.styles.colors import Color
    from openpyxl.worksheet.datavalidation import DataValidation

    if path.suffix.lower() != ".xlsx":
        raise BadInputError(f"{path}: the review workbook must be an .xlsx file")
    proposed = read_mappings(store, f"proposed/{city}")
    decided = {(m.subject_id, m.object_id) for m in read_mappings(store, f"curated/{city}")}
    texts: dict[str, str] = {}
    for p, wording in store.select(_TEXTS, {"g": URIRef(graph_iri(f"city/{city}"))}):
        texts.setdefault(str(p), str(wording))
    if not texts:
        raise UnknownNameError(f"no city {city!r} with provisions or action items in the store: ingest it first")
    gone = {m.subject_id for m in proposed} - texts.keys()
    if gone:
        raise BadInputError(
            f"{len(gone)} provisions or items with proposed links are no longer in {city!r} (a file was "
            f"ingested again): run `hrgraph link --city {city!r}` first"
        )
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  (a new workbook always has one sheet)
    sheet.title = "review"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    evidence_font = InlineFont(b=True, color=Color(rgb="00C00000"))
    rows = 0
    for m in proposed:
        if (m.subject_id, m.object_id) in decided:
            continue
        text = xml_safe(texts.get(m.subject_id, m.evidence_text))  # a PDF's page breaks are form feeds
        evidence = xml_safe(m.evidence_text)
        start, end = m.evidence_start, m.evidence_end
        if not (0 <= start < end <= len(text)) or text[start:end] != evidence:
            start = text.find(evidence) if evidence else -1
            end = start + len(evidence)
        if len(text) > LONG_PASSAGE:  # a whole title or chapter: the words around the evidence
            first = max(0, start - CONTEXT) if start >= 0 else 0
            last = min(len(text), max(end, first) + CONTEXT)
            head, tail = ("… " if first else ""), (" …" if last < len(text) else "")
            text = head + text[first:last] + tail
            start, end = (start - first + len(head), end - first + len(head)) if start >= 0 else (-1, -1)
        passage: Any = text
        if start >= 0 and end > start:
            parts: list[str | TextBlock] = [text[:start], TextBlock(evidence_font, text[start:end]), text[end:]]
            passage = CellRichText(*[p for p in parts if p])
        sheet.append(
            [
                m.iri,
                m.subject_id,
                passage,
                m.object_id,
                xml_safe(m.object_label),
                m.level,
                round(m.confidence, 3),
                m.method,
                xml_safe(m.comment),
                "",
                "",
                "",
            ]
        )
        rows += 1
    validation = DataValidation(type="list", formula1='"accept,reject"', allow_blank=True)
    sheet.add_data_validation(validation)
    validation.add(f"J2:J{max(rows + 1, 2)}")
    for column, width in zip("ABCDEFGHIJKL", (18, 30, 70, 30, 40, 12, 11, 12, 50, 10, 16, 24), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    info = book.create_sheet("about")
    info.append(["city", city])
    info.append(["graph", graph_iri(f"proposed/{city}")])
    info.append(["decision", "write accept or reject in the decision column; leave it empty to decide later"])
    info.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return rows


def import_review(
    store: Store, path: Path, *, reviewer: str | None = None, date: str | None = None, city: str | None = None
) -> ReviewResult:
    """Read a review workbook and record its decisions in ``curated/NAME``; all rows or none."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    try:
        book = load_workbook(path, read_only=False, rich_text=False)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as err:
        raise BadInputError(f"{path}: not a readable .xlsx workbook: {err}") from err
    if "review" not in book.sheetnames:
        raise BadInputError(f"{path}: no sheet named 'review' (export one with `hrgraph review export`)")
    if city is None and "about" in book.sheetnames:
        for key, setting, *_ in book["about"].iter_rows(values_only=True):
            if key == "city" and setting:
                city = str(setting)
    if not city:
        raise BadInputError(f"{path}: the workbook does not say which city it reviews")
    sheet = book["review"]
    header = [str(c.value or "").strip().lower() for c in sheet[1]]
    missing = [c for c in ("link", "provision", "standard", "decision") if c not in header]
    if missing:
        raise BadInputError(f"{path}: the review sheet has no column {missing[0]!r}")
    col = {name: header.index(name) for name in header if name}
    proposed = {m.iri: m for m in read_mappings(store, f"proposed/{city}")}
    base = city_base(store, city)
    day = date or dt.date.today().isoformat()
    decisions: list[Mapping] = []
    undecided = 0
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not any(v not in (None, "") for v in row):
            continue

        def value(name: str, cells: tuple[Any, ...] = row) -> str:
            index = col.get(name)
            return "" if index is None or index >= len(cells) or cells[index] is None else str(cells[index]).strip()

        decision = value("decision").lower()
        if not decision:
            undecided += 1
            continue
        if decision not in ACCEPT | REJECT:
            raise BadInputError(f"{path}: row {number}: decision {decision!r} is neither accept nor reject")
        who = value("reviewer") or reviewer
        if not who:
            raise BadInputError(f"{path}: row {number}: say who reviewed (the reviewer column or --reviewer)")
        link = value("link")
        source = proposed.get(link) or _from_row(value, path, number)
        kind = "curated" if decision in ACCEPT else "rejected"
        decisions.append(
            replace(
                source,
                iri=link_iri(base, source.subject_id, source.object_id, " review"),
                kind=kind,
                mapping_justification=str(SEMAPV.ManualMappingCuration),
                reviewer=who,
                review_date=day,
                derived_from=(source.iri,) if source.iri else (),
                comment=" — ".join(x for x in (source.comment, value("note")) if x),
            )
        )
    target = f"curated/{city}"
    current = store.construct(_GRAPH, {"g": URIRef(graph_iri(target))})
    updated = _merge(current, decisions)
    store.add_graph(updated, graph=target, replace=True)
    accepted = sum(d.kind == "curated" for d in decisions)
    return ReviewResult(graph_iri(target), accepted, len(decisions) - accepted, undecided)


def _from_row(value: Any, path: Path, number: int) -> Mapping:
    """Rebuild a decided link that is no longer in the proposed graph from its row."""
    subject, obj, level = value("provision"), value("standard"), value("level")
    if not subject or not obj:
        raise BadInputError(f"{path}: row {number}: the provision and the standard must be filled in")
    from hrgraph.link.mappings import PREDICATES

    try:
        confidence = float(value("confidence") or 0.0)
    except ValueError as err:
        raise BadInputError(f"{path}: row {number}: confidence {value('confidence')!r} is not a number") from err
    return Mapping(
        iri=value("link"),
        subject_id=subject,
        subject_label="",
        predicate_id=str(PREDICATES.get(level, HRG.serves)),
        object_id=obj,
        object_label=value("standard label"),
        level=level,
        confidence=confidence,
        method=value("method") or "manual",
        mapping_justification=str(SEMAPV.ManualMappingCuration),
        comment=value("why"),
        evidence_start=0,
        evidence_end=0,
        evidence_text="",
        mapping_date="",
        tool_version="",
    )


def _merge(current: rdflib.Graph, decisions: list[Mapping]) -> rdflib.Graph:
    """Return the curated graph with these decisions replacing earlier ones on the same pairs."""
    merged = rdflib.Graph()
    replaced = {URIRef(d.iri) for d in decisions}
    pairs = {(URIRef(d.subject_id), URIRef(d.object_id)) for d in decisions}
    for s, p, o in current:
        if s in replaced or (s, o) in pairs:
            continue
        merged.add((s, p, o))
    for triple in mappings_graph(decisions):
        merged.add(triple)
    return merged
