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
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import rdflib
from rdflib import URIRef

from hrgraph.errors import BadInputError, UnknownNameError
from hrgraph.link.knowledge import Concept, Knowledge, load_knowledge
from hrgraph.link.linker import JUSTIFICATIONS
from hrgraph.link.mappings import PREDICATES, Mapping, city_base, link_iri, mappings_graph, read_mappings
from hrgraph.namespace import SEMAPV
from hrgraph.report import write_atomic, xml_safe
from hrgraph.store import Store, check_iri, graph_iri

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
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?p ?text ?doc ?order WHERE { GRAPH ?g {
  ?p ?prop ?text . VALUES ?prop { hrg:actionText hrg:text }
  OPTIONAL { ?p eli:is_part_of ?doc } OPTIONAL { ?p hrg:order ?order }
} }
"""
_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_STANDARD = "ASK { GRAPH ?g { ?o a ?type } }"


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


def export_review(
    store: Store, city: str, path: Path, *, levels: Collection[str] | None = None, min_confidence: float = 0.0
) -> int:
    """Write the proposed links of a city that nobody decided yet to an ``.xlsx`` workbook; return the rows.

    ``levels`` and ``min_confidence`` keep to the links of those levels and from that confidence on; the
    others stay proposed, for a later review.
    """
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
    places: dict[str, tuple[str, int]] = {}
    """Passage → (document, order): the sheet follows each document from its first passage to its last."""
    for p, wording, doc, order in store.select(_TEXTS, {"g": URIRef(graph_iri(f"city/{city}"))}):
        texts.setdefault(str(p), str(wording))
        places[str(p)] = (str(doc or ""), int(str(order)) if order is not None else 0)
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
    proposed.sort(key=lambda m: (places.get(m.subject_id, ("", 0)), m.subject_id, -m.confidence, m.object_id))
    for m in proposed:
        if (m.subject_id, m.object_id) in decided or m.confidence < min_confidence:
            continue
        if levels is not None and m.level not in levels:
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
    """Read a review workbook and record its decisions in ``curated/NAME``; all rows or none.

    Every decided row is checked before anything is written: its provision must be one of the city's,
    its standard one the store holds, its level and confidence valid. A row whose standard the reviewer
    changed records the correction: the new standard accepted, the proposed one rejected. Two rows that
    decide the same link alike count once; decided differently, they are an error.
    """
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError as err:
        raise BadInputError(f"review date {day!r} is not a date (YYYY-MM-DD)") from err
    book = _open_workbook(path)
    where = str(path)
    if city is None:
        city, where = _city_of(book, path)
    subjects = {str(row[0]) for row in store.select(_TEXTS, {"g": URIRef(graph_iri(f"city/{city}"))})}
    if not subjects:
        raise UnknownNameError(f"{where}: no city {city!r} with provisions or action items in the store")
    sheet, col = _review_sheet(book, path)
    proposed = {m.iri: m for m in read_mappings(store, f"proposed/{city}")}
    by_pair = {(m.subject_id, m.object_id): m for m in proposed.values()}
    rows = _Rows(store, city, city_base(store, city), subjects, proposed, by_pair, load_knowledge(), day)
    decisions: dict[tuple[str, str], tuple[int, Mapping]] = {}
    undecided = 0
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not any(v not in (None, "") for v in row):
            continue

        def value(name: str, cells: tuple[Any, ...] = row) -> str:
            index = col.get(name)
            return "" if index is None or index >= len(cells) or cells[index] is None else str(cells[index]).strip()

        place = f"{path}: sheet 'review', row {number}"
        decision = value("decision").lower()
        if not decision:
            undecided += 1
            continue
        if decision not in ACCEPT | REJECT:
            raise BadInputError(f"{place}: decision {decision!r} is neither accept nor reject")
        who = " ".join(value("reviewer").split()) or reviewer
        if not who:
            raise BadInputError(f"{place}: say who reviewed (the reviewer column or --reviewer)")
        for kind, source, origin in rows.decide(value, place, accept=decision in ACCEPT):
            mapping = replace(
                source,
                iri=link_iri(rows.base, source.subject_id, source.object_id, " review"),
                kind=kind,
                mapping_justification=str(SEMAPV.ManualMappingCuration),
                reviewer=who,
                review_date=day,
                derived_from=(origin,) if origin else (),
                comment=" — ".join(x for x in (source.comment, value("note")) if x),
            )
            pair = (mapping.subject_id, mapping.object_id)
            earlier, decided = decisions.get(pair, (number, mapping))
            if decided.kind != kind:
                raise BadInputError(
                    f"{place}: decides the link from {pair[0]} to {pair[1]} otherwise than row {earlier} does"
                )
            decisions.setdefault(pair, (number, mapping))
    target = f"curated/{city}"
    chosen = [mapping for _, mapping in decisions.values()]
    if chosen:
        current = store.construct(_GRAPH, {"g": URIRef(graph_iri(target))})
        store.add_graph(_merge(current, chosen), graph=target, replace=True)
    accepted = sum(d.kind == "curated" for d in chosen)
    return ReviewResult(graph_iri(target), accepted, len(chosen) - accepted, undecided)


def _open_workbook(path: Path) -> Any:
    """Open a workbook; a damaged one (a corrupt zip member, another format renamed) is a one-line error."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from hrgraph.ingest.read import ZIP_ERRORS

    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    try:
        return load_workbook(path, read_only=False, rich_text=False)
    except (InvalidFileException, *ZIP_ERRORS) as err:
        raise BadInputError(f"{path}: not a readable .xlsx workbook: {' '.join(str(err).split())}") from err


def _city_of(book: Any, path: Path) -> tuple[str, str]:
    """Return the city the hidden ``about`` sheet names, and where it says so."""
    if "about" in book.sheetnames:
        for number, row in enumerate(book["about"].iter_rows(values_only=True), start=1):
            if len(row) >= 2 and row[0] == "city" and row[1] not in (None, ""):
                return str(row[1]).strip(), f"{path}: sheet 'about', row {number}"
    raise BadInputError(f"{path}: the workbook does not say which city it reviews")


def _review_sheet(book: Any, path: Path) -> tuple[Any, dict[str, int]]:
    """Return the ``review`` sheet and the index of each column its header row names."""
    from openpyxl.worksheet.worksheet import Worksheet

    if "review" not in book.sheetnames or not isinstance(book["review"], Worksheet):
        raise BadInputError(f"{path}: no sheet named 'review' (export one with `hrgraph review export`)")
    sheet = book["review"]
    header = [str(c.value or "").strip().lower() for c in sheet[1]]
    missing = [c for c in ("link", "provision", "standard", "decision") if c not in header]
    if missing:
        raise BadInputError(
            f"{path}: sheet 'review', row 1: no column {missing[0]!r} (the first row must be the header row "
            "`hrgraph review export` writes)"
        )
    return sheet, {name: header.index(name) for name in header if name}


@dataclass(frozen=True)
class _Rows:
    """What the rows of a review are checked against: the city, its proposals, the standards."""

    store: Store
    city: str
    base: str
    subjects: set[str]
    proposed: dict[str, Mapping]
    by_pair: dict[tuple[str, str], Mapping]
    knowledge: Knowledge
    day: str

    def decide(self, value: Callable[[str], str], place: str, *, accept: bool) -> list[tuple[str, Mapping, str]]:
        """Return the decisions of one row: (kind, link, the proposal it reviews or "")."""
        link, subject, obj = value("link"), value("provision"), value("standard")
        if not subject or not obj:
            raise BadInputError(f"{place}: the provision and the standard must be filled in")
        if link:
            try:
                check_iri(link)
            except BadInputError as err:
                raise BadInputError(f"{place}: link {link!r} is not an IRI") from err
        source = self.proposed.get(link) or self.by_pair.get((subject, obj))
        if source is not None and source.subject_id != subject:
            raise BadInputError(
                f"{place}: provision {subject} is not the one of the proposed link {link} ({source.subject_id});"
                " to link another provision, add a row with an empty link cell"
            )
        if subject not in self.subjects:
            raise BadInputError(f"{place}: provision {subject!r} is not a provision or action item of {self.city!r}")
        level = value("level")
        if level and level not in PREDICATES:
            raise BadInputError(f"{place}: level {level!r} is not one of {', '.join(PREDICATES)}")
        confidence = _confidence(value("confidence"), place)
        kind = "curated" if accept else "rejected"
        if source is not None and obj == source.object_id:  # as proposed; the reviewer may correct the confidence
            if level and level != source.level:
                raise BadInputError(f"{place}: level {level!r} does not fit {obj}, of level {source.level!r}")
            if confidence is not None and confidence != round(source.confidence, 3):
                source = replace(source, confidence=confidence)
            return [(kind, source, source.iri)]
        standard = self._standard(obj, place)
        exported = source.level if source is not None else ""  # the level cell still shows the proposed standard's
        if level and level not in (standard.level, exported):
            raise BadInputError(f"{place}: level {level!r} does not fit {obj}, of level {standard.level!r}")
        if source is not None:  # the reviewer replaced the proposed standard
            if not accept:
                raise BadInputError(
                    f"{place}: the standard differs from the proposed {source.object_id}; reject a row as proposed,"
                    " or accept it with the standard it should have"
                )
            also = self.by_pair.get((subject, obj))  # the corrected standard was proposed too: keep its evidence
            if also is not None:
                return [("curated", also, also.iri), ("rejected", source, source.iri)]
            if confidence is None or confidence == round(source.confidence, 3):
                confidence = 1.0  # the linker's confidence was for the standard it proposed
            corrected = replace(
                self._manual(subject, standard, confidence, "manual", ""),
                comment=f"the reviewer replaced the proposed {source.object_id}",
            )
            return [("curated", corrected, source.iri), ("rejected", source, source.iri)]
        method = value("method") or "manual"
        if method not in JUSTIFICATIONS and method != "manual":
            raise BadInputError(f"{place}: method {method!r} is not one of {', '.join([*JUSTIFICATIONS, 'manual'])}")
        mapping = self._manual(subject, standard, 1.0 if confidence is None else confidence, method, value("why"))
        # a proposal no longer in the store (the city was linked again) keeps its IRI: it is the pair's
        return [(kind, mapping, link if link == link_iri(self.base, subject, obj) else "")]

    def _standard(self, iri: str, place: str) -> Concept:
        """Return a standard a link may point to; it must be in the store."""
        concept = self.knowledge.concepts.get(iri)
        if concept is None or concept.level not in PREDICATES:
            raise BadInputError(f"{place}: standard {iri!r} is not an SDG goal or target, article, theme or instrument")
        if not self.store.ask(_STANDARD, {"o": URIRef(iri)}):
            raise BadInputError(f"{place}: standard {iri} is not in the store (load the standards: `hrgraph init`)")
        return concept

    def _manual(self, subject: str, standard: Concept, confidence: float, method: str, why: str) -> Mapping:
        """Return a link a reviewer made: no proposal (still) stands behind it."""
        from hrgraph import __version__

        return Mapping(
            iri="",
            subject_id=subject,
            subject_label="",
            predicate_id=str(PREDICATES[standard.level]),
            object_id=standard.iri,
            object_label=standard.label,
            level=standard.level,
            confidence=confidence,
            method=method,
            mapping_justification=str(SEMAPV.ManualMappingCuration),
            comment=why,
            evidence_start=0,
            evidence_end=0,
            evidence_text="",
            mapping_date=self.day,  # SSSOM: the date the mapping was asserted, here by the reviewer
            tool_version=__version__,
        )


def _confidence(text: str, place: str) -> float | None:
    """Return the confidence of a cell (None when empty); it must be a number from 0 to 1."""
    if not text:
        return None
    try:
        confidence = float(text)
    except ValueError as err:
        raise BadInputError(f"{place}: confidence {text!r} is not a number") from err
    if not 0.0 <= confidence <= 1.0:
        raise BadInputError(f"{place}: confidence {text} is not between 0 and 1")
    return confidence


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
