"""Links as SSSOM-style mappings: proposed for a city's provisions in the store, or for any text.

:func:`link_city` links every provision and action item of a city (the ``city/NAME`` graph, as
written by ``hrgraph ingest``; see ``docs/local-graph.md``) and writes the proposals to their own
graph ``proposed/NAME`` as ``hrg:ProposedLink`` resources with every SSSOM field (subject,
predicate, object, ``semapv`` justification, confidence, tool and version, date, evidence offsets
into the provision's text, and ``hrg:derivedFrom`` for inferred links). The graph is replaced in
one transaction, so a failure never leaves half of it. Pairs a reviewer already accepted or
rejected (graph ``curated/NAME``) and pairs the city's own documents state are not proposed again.

:func:`sssom_tsv` writes mappings as an SSSOM TSV file that ``sssom validate`` accepts, and
:func:`mappings_graph` as RDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from hrgraph.errors import BadInputError
from hrgraph.link.linker import JUSTIFICATIONS, Link, Linker
from hrgraph.namespace import HRG, PREFIXES, SEMAPV, SSSOM
from hrgraph.store import Store, city_slug, graph_iri

__all__ = [
    "LinkRun",
    "Mapping",
    "city_base",
    "link_city",
    "link_iri",
    "mappings_graph",
    "read_mappings",
    "sssom_tsv",
    "text_mappings",
]

TOOL = "hrgraph"
PREDICATES = {
    "sdg-goal": HRG.contributesTo,
    "sdg-target": HRG.contributesTo,
    "article": HRG.realises,
    "paragraph": HRG.realises,
    "theme": HRG.addresses,
    "instrument": HRG.serves,
}
_KINDS = {"proposed": HRG.ProposedLink, "curated": HRG.CuratedLink, "rejected": HRG.RejectedLink}

_PROVISIONS = """
PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
SELECT DISTINCT ?p ?prop ?text ?number ?heading WHERE {
  GRAPH ?g {
    ?p a ?type .
    VALUES ?type { hrg:LocalProvision hrg:ActionItem }
    ?p ?prop ?text .
    VALUES ?prop { hrg:text hrg:actionText }
    OPTIONAL { ?p hrg:number ?number }
    OPTIONAL { ?p hrg:heading ?heading }
  }
}
"""
_BASE = """
PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
SELECT ?base WHERE { GRAPH ?g { ?city a hrg:LocalGovernment ; hrg:baseIRI ?base } } LIMIT 1
"""
_PAIRS = """
PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
SELECT DISTINCT ?s ?o WHERE {
  GRAPH ?g {
    ?link a ?kind ; hrg:linkSubject ?s ; hrg:linkObject ?o .
    VALUES ?kind { hrg:CuratedLink hrg:RejectedLink hrg:StatedLink }
  }
}
"""
_MAPPINGS = """
PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX sssom: <https://w3id.org/sssom/>
SELECT ?link ?kind ?s ?p ?o ?level ?conf ?method ?just ?comment ?start ?end ?evidence ?date ?version ?reviewer ?reviewed
WHERE {
  GRAPH ?g {
    ?link a ?kind ; hrg:linkSubject ?s ; hrg:linkObject ?o ; hrg:linkPredicate ?p .
    VALUES ?kind { hrg:ProposedLink hrg:CuratedLink hrg:RejectedLink }
    OPTIONAL { ?link hrg:level ?level } OPTIONAL { ?link sssom:confidence ?conf }
    OPTIONAL { ?link hrg:method ?method } OPTIONAL { ?link sssom:mapping_justification ?just }
    OPTIONAL { ?link sssom:comment ?comment } OPTIONAL { ?link hrg:evidenceStart ?start }
    OPTIONAL { ?link hrg:evidenceEnd ?end } OPTIONAL { ?link hrg:evidenceText ?evidence }
    OPTIONAL { ?link sssom:mapping_date ?date } OPTIONAL { ?link sssom:mapping_tool_version ?version }
    OPTIONAL { ?link sssom:reviewer_id ?reviewer } OPTIONAL { ?link hrg:reviewDate ?reviewed }
  }
}
"""
_DERIVED = """
PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
SELECT ?link ?from WHERE { GRAPH ?g { ?link hrg:derivedFrom|hrg:reviewOf ?from } }
"""


@dataclass(frozen=True)
class Mapping:
    """One link from a local resource (or a text) to a standard, with its SSSOM fields."""

    iri: str
    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    level: str
    confidence: float
    method: str
    mapping_justification: str
    comment: str
    evidence_start: int
    evidence_end: int
    evidence_text: str
    mapping_date: str
    tool_version: str
    derived_from: tuple[str, ...] = ()
    kind: str = "proposed"
    reviewer: str = ""
    review_date: str = ""


@dataclass(frozen=True)
class LinkRun:
    """What :func:`link_city` did: the provisions read, the links written, the pairs skipped."""

    city: str
    graph: str
    provisions: int
    mappings: tuple[Mapping, ...]
    skipped: int


def _version() -> str:
    from hrgraph import __version__

    return __version__


def link_iri(base: str, subject: str, obj: str, salt: str = "") -> str:
    """Return the IRI of the link from ``subject`` to ``obj`` under a city's base IRI (stable).

    >>> link_iri("https://w3id.org/hrgraph/city/x/", "urn:a", "urn:b")
    'https://w3id.org/hrgraph/city/x/link/93cab333ad933245'
    """
    digest = hashlib.sha256(f"{subject} {obj}{salt}".encode()).hexdigest()[:16]
    return f"{base}link/{digest}"


def city_base(store: Store, city: str) -> str:
    """Return the base IRI of a city: its ``hrg:baseIRI``, or the default ``…/city/{slug}/``."""
    table = store.select(_BASE, {"g": URIRef(graph_iri(f"city/{city}"))})
    for (base,) in table:
        if base is not None:
            return str(base)
    return f"https://w3id.org/hrgraph/city/{city_slug(city)}/"


def text_mappings(
    subject: str, subject_label: str, links: Iterable[Link], *, base: str, date: str | None = None
) -> list[Mapping]:
    """Turn the links of one text into mappings: the best link per standard, chains kept as link IRIs."""
    best: dict[str, Link] = {}
    for link in links:
        if link.object_id not in best or link.confidence > best[link.object_id].confidence:
            best[link.object_id] = link
    day = date or dt.date.today().isoformat()
    version = _version()
    mappings = []
    for obj, link in sorted(best.items()):
        derived = tuple(link_iri(base, subject, source) for source in link.derived_from[-1:] if source in best)
        mappings.append(
            Mapping(
                iri=link_iri(base, subject, obj),
                subject_id=subject,
                subject_label=subject_label,
                predicate_id=str(PREDICATES.get(link.level, HRG.serves)),
                object_id=obj,
                object_label=link.object_label,
                level=link.level,
                confidence=link.confidence,
                method=link.method,
                mapping_justification=JUSTIFICATIONS.get(link.method, str(SEMAPV.UnspecifiedMatching)),
                comment=link.justification,
                evidence_start=link.start,
                evidence_end=link.end,
                evidence_text=link.evidence,
                mapping_date=day,
                tool_version=version,
                derived_from=derived,
            )
        )
    return mappings


def link_city(
    store: Store,
    city: str,
    *,
    linker: Linker | None = None,
    date: str | None = None,
    on_item: Callable[[int, int], None] | None = None,
) -> LinkRun:
    """Link every provision and action item of a city and replace its ``proposed/NAME`` graph.

    ``on_item(done, total)`` is called after each provision or action item is linked.
    """
    from hrgraph.link.knowledge import load_knowledge

    city_graph = URIRef(graph_iri(f"city/{city}"))
    rows = store.select(_PROVISIONS, {"g": city_graph})
    if not rows and not store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": city_graph}):
        raise BadInputError(f"no graph for the city {city!r} in the store: ingest its documents first")
    linker = linker or Linker(load_knowledge())
    base = city_base(store, city)
    decided = {
        (str(s), str(o))
        for graph in (f"curated/{city}", f"city/{city}")
        for s, o in store.select(_PAIRS, {"g": URIRef(graph_iri(graph))})
    }
    texts: dict[str, list[tuple[str, str]]] = {}
    for p, _prop, wording, number, heading in rows:
        label = " ".join(str(x) for x in (number, heading) if x is not None) or str(p).rsplit("/", 1)[-1]
        texts.setdefault(str(p), []).append((str(wording), label))
    mappings: list[Mapping] = []
    skipped = 0
    for done, subject in enumerate(sorted(texts), start=1):
        for text, label in texts[subject]:
            found = text_mappings(subject, label, linker.link(text), base=base, date=date)
            for mapping in found:
                if (subject, mapping.object_id) in decided:
                    skipped += 1
                    continue
                mappings.append(mapping)
        if on_item is not None:
            on_item(done, len(texts))
    unique: dict[str, Mapping] = {}
    for mapping in mappings:
        if mapping.iri not in unique or mapping.confidence > unique[mapping.iri].confidence:
            unique[mapping.iri] = mapping
    kept = tuple(_keep_chains(unique).values())
    target = f"proposed/{city}"
    store.add_graph(mappings_graph(kept), graph=target, replace=True)
    return LinkRun(city, graph_iri(target), len(texts), kept, skipped)


def _keep_chains(mappings: dict[str, Mapping]) -> dict[str, Mapping]:
    """Drop ``derivedFrom`` references to links that are not written."""
    return {
        iri: m if all(d in mappings for d in m.derived_from) else _replace(m, derived_from=())
        for iri, m in mappings.items()
    }


def _replace(mapping: Mapping, **changes: object) -> Mapping:
    from dataclasses import replace

    return replace(mapping, **changes)  # type: ignore[arg-type]


def mappings_graph(mappings: Iterable[Mapping]) -> rdflib.Graph:
    """Return the RDF of mappings, as ``docs/local-graph.md`` describes links."""
    g = rdflib.Graph()
    for prefix in ("hrg", "sssom", "semapv", "sdg", "id", "xsd"):
        g.bind(prefix, PREFIXES[prefix])
    for m in mappings:
        link = URIRef(m.iri)
        g.add((link, RDF.type, _KINDS[m.kind]))
        g.add((link, HRG.linkSubject, URIRef(m.subject_id)))
        g.add((link, HRG.linkObject, URIRef(m.object_id)))
        g.add((link, HRG.linkPredicate, URIRef(m.predicate_id)))
        g.add((link, SSSOM.mapping_justification, URIRef(m.mapping_justification)))
        g.add((link, SSSOM.confidence, Literal(m.confidence, datatype=XSD.double)))
        g.add((link, HRG.method, Literal(m.method)))
        g.add((link, HRG.level, Literal(m.level)))
        g.add((link, HRG.evidenceStart, Literal(m.evidence_start, datatype=XSD.integer)))
        g.add((link, HRG.evidenceEnd, Literal(m.evidence_end, datatype=XSD.integer)))
        g.add((link, HRG.evidenceText, Literal(m.evidence_text)))
        g.add((link, SSSOM.comment, Literal(m.comment)))
        g.add((link, SSSOM.mapping_tool, Literal(TOOL)))
        g.add((link, SSSOM.mapping_tool_version, Literal(m.tool_version)))
        if m.mapping_date:  # SSSOM leaves an unknown date out; an empty xsd:date is ill-typed
            g.add((link, SSSOM.mapping_date, Literal(m.mapping_date, datatype=XSD.date)))
        for source in m.derived_from:
            g.add((link, HRG.derivedFrom if m.kind == "proposed" else HRG.reviewOf, URIRef(source)))
        if m.kind != "proposed":
            g.add((link, SSSOM.reviewer_id, Literal(m.reviewer)))
            if m.review_date:
                g.add((link, HRG.reviewDate, Literal(m.review_date, datatype=XSD.date)))
        if m.kind == "curated":
            g.add((URIRef(m.subject_id), URIRef(m.predicate_id), URIRef(m.object_id)))
    return g


def read_mappings(store: Store, graph: str) -> list[Mapping]:
    """Read the links of a graph (``proposed/NAME`` or ``curated/NAME``) back as mappings."""
    from hrgraph.link.knowledge import load_knowledge

    knowledge = load_knowledge()
    g = URIRef(graph_iri(graph))
    derived: dict[str, list[str]] = {}
    for link, source in store.select(_DERIVED, {"g": g}):
        derived.setdefault(str(link), []).append(str(source))
    kinds = {str(v): k for k, v in _KINDS.items()}
    found = []
    for row in store.select(_MAPPINGS, {"g": g}).records():
        found.append(
            Mapping(
                iri=row["link"] or "",
                subject_id=row["s"] or "",
                subject_label="",
                predicate_id=row["p"] or "",
                object_id=row["o"] or "",
                object_label=knowledge.label(row["o"] or ""),
                level=row["level"] or "",
                confidence=float(row["conf"] or 0.0),
                method=row["method"] or "",
                mapping_justification=row["just"] or str(SEMAPV.UnspecifiedMatching),
                comment=row["comment"] or "",
                evidence_start=int(row["start"] or 0),
                evidence_end=int(row["end"] or 0),
                evidence_text=row["evidence"] or "",
                mapping_date=row["date"] or "",
                tool_version=row["version"] or "",
                derived_from=tuple(sorted(derived.get(row["link"] or "", ()))),
                kind=kinds.get(row["kind"] or "", "proposed"),
                reviewer=row["reviewer"] or "",
                review_date=row["reviewed"] or "",
            )
        )
    return sorted(found, key=lambda m: (m.subject_id, -m.confidence, m.object_id))


# --- SSSOM TSV -----------------------------------------------------------------------------------------

_SSSOM_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_modifier",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "mapping_tool",
    "mapping_tool_version",
    "mapping_date",
    "match_string",
    "reviewer_id",
    "comment",
)


def _curie(iri: str, prefixes: Sequence[tuple[str, str]]) -> str:
    """Return an IRI as a CURIE; its local part may be percent-encoded (``text:Action%20Plan``)."""
    for prefix, namespace in prefixes:
        if iri.startswith(namespace) and re.fullmatch(r"(?:[\w.\-/#~]|%[0-9A-Fa-f]{2})*", iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    raise BadInputError(f"no prefix declared for the IRI {iri}")


def sssom_tsv(mappings: Sequence[Mapping], *, mapping_set_id: str, local_prefixes: dict[str, str]) -> bytes:
    """Write mappings as SSSOM TSV with its YAML metadata block (``sssom validate`` accepts it).

    ``local_prefixes`` declare the namespaces of the subjects (e.g. ``{"city": BASE}``).
    """
    prefixes = {
        "hrg": PREFIXES["hrg"],
        "sdg": PREFIXES["sdg"],
        "hrgid": PREFIXES["id"],
        "semapv": PREFIXES["semapv"],
        "sssom": PREFIXES["sssom"],
        **local_prefixes,
    }
    ordered = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    out = io.StringIO()
    out.write("# curie_map:\n")
    for prefix, namespace in sorted(prefixes.items()):
        out.write(f"#   {prefix}: {namespace}\n")
    out.write(f"# mapping_set_id: {mapping_set_id}\n")
    out.write("# license: https://creativecommons.org/licenses/by/4.0/\n")
    out.write(f"# mapping_tool: {TOOL}\n")
    out.write(f"# mapping_tool_version: {_version()}\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_SSSOM_COLUMNS)
    for m in mappings:
        justification = (
            str(SEMAPV.ManualMappingCuration) if m.kind in ("curated", "rejected") else m.mapping_justification
        )
        writer.writerow(
            [
                _curie(m.subject_id, ordered),
                _clean(m.subject_label),
                "Not" if m.kind == "rejected" else "",
                _curie(m.predicate_id, ordered),
                _curie(m.object_id, ordered),
                _clean(m.object_label),
                _curie(justification, ordered),
                f"{m.confidence:.4f}",
                TOOL,
                m.tool_version,
                m.mapping_date,
                _clean(m.evidence_text).replace("|", "¦"),  # "|" separates the values of multivalued slots
                m.reviewer,
                _clean(m.comment),
            ]
        )
    return out.getvalue().encode()


def _clean(value: str) -> str:
    """One line, no tabs: SSSOM TSV cells."""
    return re.sub(r"\s+", " ", value).strip()
