"""The triples a city's documents become, and how they are written into the city graph all at once.

Triples are written as N-Triples text rather than through rdflib: a 10,000-row plan is more than half a
million triples, which rdflib's in-memory graph adds at about 15 µs each. The text is loaded by the
store's own parser, all or nothing. Re-ingesting a document rebuilds the city graph without the
document's old triples, then writes only the triples that differ from what the store holds, in one
update (see :func:`write_city`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef

from hrgraph.ingest.plan import Standards
from hrgraph.link.citations import EXTRA_NAMES
from hrgraph.namespace import ELI, HRG, ID, PROV, SKOS
from hrgraph.store import EmbeddedStore, RdfFormat, Store, graph_iri, state_slug

__all__ = [
    "CityState",
    "Triples",
    "existing_values",
    "iri",
    "link_iri",
    "lit",
    "load_standards",
    "read_city",
    "typed",
    "write_city",
]

_ESCAPE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r'["\\\n\r]')


def iri(value: str) -> str:
    """Write an IRI in N-Triples syntax."""
    return f"<{value}>"


def lit(value: str, lang: str | None = None) -> str:
    """Write a string literal in N-Triples syntax, with a language tag if given.

    >>> lit('say "hi"', "en")
    '"say \\\\"hi\\\\""@en'
    """
    text = value.translate(_ESCAPE) if _NEEDS_ESCAPE.search(value) else value
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def typed(value: object, datatype: str) -> str:
    """Write a typed literal in N-Triples syntax."""
    return f'"{str(value).translate(_ESCAPE)}"^^<{datatype}>'


def link_iri(base: str, subject: str, obj: str) -> str:
    """Return the IRI of a link: the city's base, ``link/`` and a hash of its subject and object."""
    return f"{base}link/{hashlib.sha256(f'{subject} {obj}'.encode()).hexdigest()[:16]}"


class Triples:
    """N-Triples lines, added one triple (or one block of lines) at a time.

    Lines with a blank node are kept apart and come first in :meth:`data`, so that a store may load the
    rest in parts, side by side.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        """Blocks of whole lines without blank nodes."""
        self.blank: list[str] = []
        """Blocks of whole lines with blank nodes."""

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """Add one triple; each term is already in N-Triples syntax."""
        line = f"{subject} {predicate} {obj} .\n"
        (self.blank if subject[0] == "_" or obj[0] == "_" else self.lines).append(line)

    def __len__(self) -> int:
        return sum(block.count("\n") for block in (*self.blank, *self.lines))

    def data(self) -> bytes:
        """Return the triples as an N-Triples document."""
        # Block by block: one non-ASCII character would otherwise make the whole text wide, and slow.
        return b"".join([block.encode("utf-8") for block in (*self.blank, *self.lines)])


# --- the standards a plan may cite ------------------------------------------------------------------

_INSTRUMENTS = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?instrument ?code ?name WHERE { GRAPH ?g {
  ?instrument hrg:abbreviation ?code .
  OPTIONAL { ?instrument skos:prefLabel|skos:altLabel|dcterms:title ?name }
} }"""
_PROVISIONS = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?provision ?kind ?number ?parent WHERE { GRAPH ?g {
  VALUES ?kind { hrg:Article hrg:Principle hrg:Paragraph hrg:Part }
  ?provision a ?kind ; eli:is_part_of ?parent .
  OPTIONAL { ?provision hrg:number ?number }
} }"""
_SDG = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?kind ?notation ?broader WHERE { GRAPH ?g {
  VALUES ?kind { hrg:SDGGoal hrg:SDGTarget hrg:SDGIndicator }
  ?node a ?kind ; skos:notation ?notation .
  OPTIONAL { ?node skos:broader ?broader }
} }"""
_STATES = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?state ?label ?iso WHERE { GRAPH ?g {
  ?state a hrg:State ; skos:prefLabel|skos:altLabel ?label .
  OPTIONAL { ?state hrg:isoCode ?iso }
} }"""


def _standards_from(store: Store) -> Standards:
    bindings = {"g": URIRef(graph_iri("standards"))}
    instruments: dict[str, str] = {}
    codes: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for instrument, code, name in store.select(_INSTRUMENTS, bindings):
        key = str(instrument)
        codes[str(code)] = key
        names.setdefault(key, [str(code)])
        if name is not None:
            instruments[str(name).casefold()] = key
            names[key].append(str(name))
    for slug, extra in EXTRA_NAMES.items():  # the abbreviations people use besides the corpus's own (CERD)
        if str(ID[slug]) in names:
            for alias in (a for a in extra if a.replace("-", "").isalnum() and a.isupper()):
                codes.setdefault(alias, str(ID[slug]))
    parents: dict[str, str] = {}
    rows = []
    for provision, kind, number, parent in store.select(_PROVISIONS, bindings):
        parents[str(provision)] = str(parent)
        rows.append((str(provision), str(kind), None if number is None else str(number), str(parent)))

    def instrument_of(node: str) -> str:
        seen = 0
        while node in parents and seen < 5:
            node, seen = parents[node], seen + 1
        return node

    numbers = {p: n for p, _, n, _ in rows}
    provisions: dict[tuple[str, str, str | None], str] = {}
    for node_iri, kind_iri, node_number, parent_iri in rows:
        if node_number is None or kind_iri == str(HRG.Part):
            continue
        if kind_iri == str(HRG.Paragraph):
            article_number = numbers.get(parent_iri)
            if article_number is not None:
                provisions[(instrument_of(parent_iri), article_number, node_number)] = node_iri
        else:
            provisions[(instrument_of(node_iri), node_number, None)] = node_iri
    sdg: dict[str, str] = {}
    indicators: dict[str, tuple[str, str]] = {}
    for node, kind, notation, broader in store.select(_SDG, bindings):
        if str(kind) == str(HRG.SDGIndicator):
            indicators[str(notation).lower()] = (str(node), str(broader))
        else:
            sdg[str(notation).lower()] = str(node)
    states: dict[str, str] = {}
    for state, label, iso in store.select(_STATES, bindings):
        states[state_slug(str(label))] = str(state)
        if iso is not None:
            states[str(iso).upper()] = str(state)
    return Standards(instruments, codes, provisions, sdg, indicators, {k: tuple(v) for k, v in names.items()}, states)


@functools.cache
def _packaged_standards() -> Standards:
    from hrgraph.resources import corpus_files

    with EmbeddedStore() as store:
        for file in corpus_files():
            store.load(file.read_bytes(), format=RdfFormat.for_path(file.name), graph="standards")
        return _standards_from(store)


def load_standards(store: Store) -> Standards:
    """Read the standards of the store's ``standards`` graph, or of the packaged corpus if it has none."""
    has = store.ask(
        "ASK { GRAPH ?g { ?i <https://w3id.org/hrgraph/ontology#abbreviation> ?c } }",
        {"g": URIRef(graph_iri("standards"))},
    )
    return _standards_from(store) if has else _packaged_standards()


# --- what the city graph holds already -------------------------------------------------------------


@dataclass(frozen=True)
class CityState:
    """What the store's city graph holds before an ingest."""

    base: str | None
    files: dict[str, dict[str, str]]
    """Document IRI → {source file IRI: SHA-256} of its current source files."""
    empty: bool
    bodies: dict[str, str]
    """Names (labels) of the city's bodies → their IRIs."""
    name: str | None = None
    """The city's name as the graph has it."""
    paths: dict[str, set[str]] = field(default_factory=dict)
    """Document IRI → the paths of its current source files."""
    described: frozenset[str] = frozenset()
    """Documents with a date, legal status, owner or period (from a city profile)."""


_STATE = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
SELECT ?doc ?file ?sha ?path WHERE { GRAPH ?g {
  ?doc hrg:sourceFile ?file ; hrg:issuedBy ?city . ?file hrg:sha256 ?sha OPTIONAL { ?file hrg:filePath ?path }
} }"""
_DESCRIBED = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?doc WHERE { GRAPH ?g {
  ?doc hrg:sourceFile ?file ; dcterms:date|hrg:legalStatus|hrg:owner|hrg:period ?x
} }"""
_BODIES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?body ?label WHERE { GRAPH ?g {
  ?body org:unitOf|org:subOrganizationOf ?city ; skos:prefLabel|skos:altLabel ?label
} }"""
_BASE = """PREFIX hrg: <https://w3id.org/hrgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?base ?name WHERE { GRAPH ?g {
  ?city a hrg:LocalGovernment ; hrg:baseIRI ?base OPTIONAL { ?city skos:prefLabel ?name }
} } LIMIT 1"""


def read_city(store: Store, graph: str) -> CityState:
    """Read the base IRI and the documents (with their source files) that a city graph holds."""
    bindings = {"g": URIRef(graph_iri(graph))}
    empty = not store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", bindings)
    if empty:
        return CityState(None, {}, True, {})
    files: dict[str, dict[str, str]] = {}
    paths: dict[str, set[str]] = {}
    for doc, file, sha, path in store.select(_STATE, bindings):
        files.setdefault(str(doc), {})[str(file)] = str(sha)
        paths.setdefault(str(doc), set()).update([] if path is None else [str(path)])
    base = store.select(_BASE, bindings).rows
    bodies = {str(label): str(body) for body, label in store.select(_BODIES, bindings)}
    name = str(base[0][1]) if base and base[0][1] is not None else None
    described = frozenset(str(doc) for (doc,) in store.select(_DESCRIBED, bindings))
    return CityState(str(base[0][0]) if base else None, files, False, bodies, name, paths, described)


def existing_values(store: Store, graph: str) -> tuple[dict[str, set[str]], dict[str, tuple[str, str | None]]]:
    """Read the indicators of a city graph and its observations, with the documents they derive from."""
    bindings = {"g": URIRef(graph_iri(graph))}
    hrg = "PREFIX hrg: <https://w3id.org/hrgraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
    indicators: dict[str, set[str]] = {}
    for indicator, file in store.select(
        hrg + "SELECT ?i ?d WHERE { GRAPH ?g { ?i a hrg:LocalIndicator OPTIONAL { ?i prov:wasDerivedFrom ?d } } }",
        bindings,
    ):
        indicators.setdefault(str(indicator), set()).update([] if file is None else [str(file)])
    values = {
        str(obs): (str(value), None if file is None else str(file))
        for obs, value, file in store.select(
            hrg + "SELECT ?o ?v ?d WHERE { GRAPH ?g { ?o a hrg:Observation ; hrg:value ?v "
            "OPTIONAL { ?o prov:wasDerivedFrom ?d } } }",
            bindings,
        )
    }
    return indicators, values


# --- writing -----------------------------------------------------------------------------------------


def _node(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _remove_document(mem: ox.Store, doc: str, keep_files: set[str]) -> None:
    """Remove what one document contributed: its node, its provisions and the nodes derived from it.

    Nodes derived from another document keep the triples that tie them to this document's nodes (a
    report's observation of a plan's indicator); source files stay, as provenance, except that a file
    ingested again (``keep_files``) is written afresh.
    """
    derived, observation = _node(str(PROV.wasDerivedFrom)), _node(str(HRG.observation))
    revision, doc_node = _node(str(PROV.wasRevisionOf)), _node(doc)
    owned: set[ox.NamedNode | ox.BlankNode] = {doc_node}
    owned.update(
        q.subject
        for q in mem.quads_for_pattern(None, derived, doc_node, None)
        if isinstance(q.subject, ox.NamedNode | ox.BlankNode)
    )

    def derived_elsewhere(node: object) -> bool:
        return isinstance(node, ox.NamedNode) and any(
            q.object != doc_node for q in mem.quads_for_pattern(node, derived, None, None)
        )

    found = mem.query(
        "SELECT DISTINCT ?s ?prefix WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), ?prefix)) }",
        substitutions={ox.Variable("prefix"): ox.Literal(doc + "/")},
    )
    if isinstance(found, ox.QuerySolutions):
        # What lies under the document's IRI is its own, except a report's observation of its indicator.
        owned.update(
            solution["s"]
            for solution in found
            if isinstance(solution["s"], ox.NamedNode) and not derived_elsewhere(solution["s"])
        )

    removals: set[ox.Quad] = set()
    blanks: list[ox.BlankNode] = []
    for subject in owned:
        for quad in mem.quads_for_pattern(subject, None, None, None):
            if quad.predicate == observation and derived_elsewhere(quad.object):
                continue
            if isinstance(quad.object, ox.BlankNode):
                blanks.append(quad.object)
            removals.add(quad)
        removals.update(mem.quads_for_pattern(None, None, subject, None))
    while blanks:
        for quad in mem.quads_for_pattern(blanks.pop(), None, None, None):
            if isinstance(quad.object, ox.BlankNode):
                blanks.append(quad.object)
            removals.add(quad)
    for kept in keep_files:
        removals.update(q for q in mem.quads_for_pattern(_node(kept), None, None, None) if q.predicate != revision)
    for quad in removals:
        mem.remove(quad)


def _commitments(mem: ox.Store, city: str) -> None:
    """Derive ``CITY hrg:commitsTo INSTRUMENT`` again from the commitments that remain."""
    city_node, commits = _node(city), _node(str(HRG.commitsTo))
    for quad in list(mem.quads_for_pattern(city_node, commits, None, None)):
        mem.remove(quad)
    for quad in list(mem.quads_for_pattern(None, _node(str(HRG.committedBy)), city_node, None)):
        for target in mem.quads_for_pattern(quad.subject, _node(str(HRG.committedTo)), None, None):
            mem.add(ox.Quad(city_node, commits, target.object, ox.DefaultGraph()))


def write_city(
    store: Store,
    graph: str,
    triples: Triples,
    *,
    city: str,
    replaced: dict[str, set[str]],
    same_files: set[str],
    empty: bool = False,
) -> int:
    """Write an ingest into the city graph as one all-or-nothing load; return the graph's triple count.

    ``replaced`` maps each document that the graph holds already to its old source files: the graph is
    then rebuilt without what those documents contributed before, and only the triples that differ from
    what the store holds are deleted and inserted, in one update. Otherwise the new triples are added in
    one load (``empty`` says that the graph had none before).
    """
    if not replaced:
        loaded = store.load(triples.data(), format=RdfFormat.NTRIPLES, graph=graph, trusted=True)
        if empty:
            return loaded
        counted = store.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph_iri(graph))}
        )
        return int(str(counted.rows[0][0]))
    old = store.export(RdfFormat.NTRIPLES, graph=graph)
    mem = ox.Store()
    mem.load(old, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    for doc in replaced:
        _remove_document(mem, doc, same_files)
    mem.load(triples.data(), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    _commitments(mem, city)
    data = mem.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    changes = _changes(graph_iri(graph), old, data)
    if changes is None:
        store.load(data, format=RdfFormat.NTRIPLES, graph=graph, replace=True, trusted=True)
    elif changes:
        store.update(changes)
    return len(mem)


def _split(data: bytes) -> tuple[set[bytes], dict[bytes, list[tuple[bytes, bytes]]]]:
    """Return the lines of N-Triples without blank nodes, and each blank node's (predicate, object) pairs.

    The anchoring triple of a blank node (``<s> <p> _:b``) is listed under the key ``b"<s> <p>"``.
    """
    plain: set[bytes] = set()
    blank: dict[bytes, list[tuple[bytes, bytes]]] = {}
    for line in data.splitlines():
        if b"_:" not in line:
            plain.add(line)
            continue
        subject, predicate, obj = line.rstrip().removesuffix(b" .").split(b" ", 2)
        if subject.startswith(b"_:"):
            blank.setdefault(subject, []).append((predicate, obj))
        elif obj.startswith(b"_:"):
            blank.setdefault(subject + b" " + predicate, []).append((b"", obj))
        else:
            plain.add(line)
    return plain, blank


def _trees(blank: dict[bytes, list[tuple[bytes, bytes]]]) -> dict[bytes, tuple[list[bytes], list[bytes]]] | None:
    """Describe the blank nodes under each anchor (``<s> <p>``): a form that ignores their names, and their lines.

    Returns None unless the blank nodes form trees of at most two levels (an interval and its instants),
    each hanging from one named node.
    """
    anchors = [key for key in blank if not key.startswith(b"_:")]
    reached: set[bytes] = set()

    def tree(node: bytes, depth: int, lines: list[bytes]) -> bytes | None:
        if node in reached or depth > 2:
            return None
        reached.add(node)
        parts = []
        for predicate, obj in blank.get(node, []):
            lines.append(b"%s %s %s ." % (node, predicate, obj))
            if obj.startswith(b"_:"):
                inner = tree(obj, depth + 1, lines)
                if inner is None:
                    return None
                obj = b"[" + inner + b"]"
            parts.append(predicate + b" " + obj)
        return b"; ".join(sorted(parts))

    out: dict[bytes, tuple[list[bytes], list[bytes]]] = {}
    for anchor in anchors:
        forms: list[bytes] = []
        lines: list[bytes] = []
        for _, node in blank[anchor]:
            lines.append(b"%s %s ." % (anchor, node))
            form = tree(node, 1, lines)
            if form is None:
                return None
            forms.append(form)
        out[anchor] = (sorted(forms), lines)
    if not {key for key in blank if key.startswith(b"_:")} <= reached:
        return None  # a blank node that hangs from none of the named nodes
    return out


def _changes(graph: str, old: bytes, new: bytes) -> str | None:
    """Return the SPARQL update that turns the graph ``old`` into ``new`` ("" if they are the same).

    Triples without blank nodes are deleted and inserted as they are. The blank nodes under a subject
    and predicate (a timetable and its instants) are replaced together when they differ; None when
    the blank nodes are not such small trees.
    """
    old_plain, old_blank = _split(old)
    new_plain, new_blank = _split(new)
    old_trees, new_trees = _trees(old_blank), _trees(new_blank)
    if old_trees is None or new_trees is None:
        return None
    changed = [a for a in old_trees.keys() | new_trees.keys() if a not in old_trees or a not in new_trees
               or old_trees[a][0] != new_trees[a][0]]  # fmt: skip
    deleted = old_plain - new_plain
    inserted = [*(new_plain - old_plain), *(line for a in changed if a in new_trees for line in new_trees[a][1])]
    updates = []
    if deleted:
        updates.append(f"DELETE DATA {{ GRAPH <{graph}> {{\n{_text(deleted)}\n}} }}")
    gone = [a.decode() for a in changed if a in old_trees]
    if gone:
        values = "\n".join(f"({anchor})" for anchor in gone)
        updates.append(
            f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?b . ?b ?p1 ?o1 . ?o1 ?p2 ?o2 }} }}\n"
            f"WHERE {{ GRAPH <{graph}> {{ VALUES (?s ?p) {{\n{values}\n}} ?s ?p ?b FILTER(isBlank(?b))\n"
            "OPTIONAL { ?b ?p1 ?o1 OPTIONAL { ?o1 ?p2 ?o2 FILTER(isBlank(?o1)) } } } }"
        )
    if inserted:
        updates.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_text(inserted)}\n}} }}")
    return " ;\n".join(updates)


def _text(lines: Iterable[bytes]) -> str:
    return b"\n".join(lines).decode("utf-8")


# Predicates used often enough to name once.
A = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PART_OF = iri(str(ELI.is_part_of))
LABEL = iri(str(SKOS.prefLabel))
SOURCE = iri(str(HRG.sourceFile))
DERIVED = iri(str(PROV.wasDerivedFrom))
