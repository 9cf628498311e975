"""Reasoning over a city's graph: what its links imply, and whether its data fits the ontology.

Two kinds of inference, both written to the ``inferred`` graph:

- **the closure of links over the standards** (SPARQL): a local resource that realises, contributes
  to, addresses or responds to a standard also serves that standard and every provision, instrument
  or goal above it (``eli:is_part_of``, ``skos:broader``): an item that realises ICESCR art. 11
  para. 1 serves ICESCR art. 11 and the ICESCR;
- **classification with HermiT** (owlready2, Java): the ontology and the city's data are checked for
  consistency; the individuals get the classes they are inferred to belong to, among them
  ``hrg:CompleteActionItem``, the defined class of action items with an action text, a responsible
  body, a target, a deadline or a dated timetable, an indicator with a baseline, a status and a link.

An inconsistency is reported by name: the individuals that belong to disjoint classes, or that have
a value outside the range of a property, as the ontology's own axioms say.

>>> from hrgraph.store import open_store, RdfFormat
>>> prefixes = b"@prefix id: <https://w3id.org/hrgraph/id/> . @prefix eli: <http://data.europa.eu/eli/ontology#> ."
>>> with open_store(memory=True) as store:
...     _ = store.load(prefixes + b"<https://w3id.org/hrgraph/id/icescr/art_11> eli:is_part_of id:icescr .",
...                    format=RdfFormat.TURTLE, graph="standards")
...     _ = store.load(b"<urn:x:item> <https://w3id.org/hrgraph/ontology#realises> "
...                    b"<https://w3id.org/hrgraph/id/icescr/art_11> .", format=RdfFormat.NTRIPLES, graph="city/x")
...     sorted(str(o) for o in closure(store, "x").objects())
['https://w3id.org/hrgraph/id/icescr', 'https://w3id.org/hrgraph/id/icescr/art_11']
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from hrgraph.errors import HrgraphError, UnknownNameError
from hrgraph.namespace import HRG, compact
from hrgraph.resources import ontology_file
from hrgraph.store import GRAPH_BASE, Store, city_slug, graph_iri

__all__ = [
    "DEFINITIONS",
    "Inconsistency",
    "ReasonerUnavailableError",
    "ReasoningReport",
    "closure",
    "java_runtime",
    "reason",
]

_HRG = str(HRG)
COMPLETE_ACTION_ITEM = URIRef(_HRG + "CompleteActionItem")

# An instant with a date: a timetable may be open at one end, as the completeness shapes allow.
_DATED = "[ a owl:Restriction ; owl:onProperty time:inXSDDate ; owl:someValuesFrom rdfs:Literal ]"
DEFINITIONS = f"""
@prefix hrg: <{_HRG}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .

hrg:CompleteActionItem a owl:Class ;
    rdfs:subClassOf hrg:ActionItem ;
    rdfs:label "complete action item"@en ;
    skos:definition '''An action item with an action text, a responsible body, a target, a deadline or a
        timetable with a beginning or an end date, an indicator with a baseline and a status, that serves at
        least one standard.'''@en ;
    owl:equivalentClass [
        a owl:Class ;
        owl:intersectionOf (
            hrg:ActionItem
            [ a owl:Restriction ; owl:onProperty hrg:actionText ; owl:someValuesFrom rdfs:Literal ]
            [ a owl:Restriction ; owl:onProperty hrg:responsibleBody ; owl:someValuesFrom owl:Thing ]
            [ a owl:Restriction ; owl:onProperty hrg:targetStatement ; owl:someValuesFrom rdfs:Literal ]
            [ a owl:Class ; owl:unionOf (
                [ a owl:Restriction ; owl:onProperty hrg:deadline ; owl:someValuesFrom rdfs:Literal ]
                [ a owl:Restriction ; owl:onProperty hrg:timetable ; owl:someValuesFrom [ a owl:Class ; owl:unionOf (
                    [ a owl:Restriction ; owl:onProperty time:hasBeginning ; owl:someValuesFrom {_DATED} ]
                    [ a owl:Restriction ; owl:onProperty time:hasEnd ; owl:someValuesFrom {_DATED} ] ) ] ] ) ]
            [ a owl:Restriction ; owl:onProperty hrg:indicator ;
              owl:someValuesFrom [ a owl:Restriction ; owl:onProperty hrg:baseline ; owl:someValuesFrom owl:Thing ] ]
            [ a owl:Restriction ; owl:onProperty hrg:status ; owl:someValuesFrom owl:Thing ]
            [ a owl:Restriction ; owl:onProperty hrg:serves ; owl:someValuesFrom owl:Thing ]
        )
    ] .
"""
"""The defined class the reasoner classifies action items into, until the ontology carries it."""

_PREFIXES = f"""
PREFIX hrg: <{_HRG}>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_CLOSURE = (
    _PREFIXES
    + """
CONSTRUCT { ?local hrg:serves ?served }
%(dataset)s
WHERE {
    GRAPH ?g { ?local hrg:realises|hrg:contributesTo|hrg:addresses|hrg:respondsTo ?standard }
    ?standard (eli:is_part_of|skos:broader)* ?served .
}
"""
)
# What the reasoner needs to know of the standards a city points to: their classes and their parents.
_STANDARDS = (
    _PREFIXES
    + """
CONSTRUCT { ?standard a ?class . ?standard eli:is_part_of ?parent . ?standard skos:broader ?broader . }
%(dataset)s
WHERE {
    { SELECT DISTINCT ?pointed WHERE { GRAPH ?g { ?local ?p ?pointed } FILTER (isIRI(?pointed)) } }
    ?pointed (eli:is_part_of|skos:broader)* ?standard .
    ?standard a ?class .
    OPTIONAL { ?standard eli:is_part_of ?parent }
    OPTIONAL { ?standard skos:broader ?broader }
}
"""
)
# OWL cannot compare two dates: the items whose timetable ends before it begins, which the completeness
# shapes reject, are not complete either.
_BACKWARDS = (
    _PREFIXES
    + """
PREFIX time: <http://www.w3.org/2006/time#>
SELECT DISTINCT ?item
%(dataset)s
WHERE {
    ?item hrg:timetable ?interval .
    ?interval time:hasBeginning/time:inXSDDate ?begin ; time:hasEnd/time:inXSDDate ?end .
    FILTER (STR(?end) < STR(?begin))
}
"""
)
# The subjects of the inferred graph that no other graph describes.
_ORPHANS = """
SELECT DISTINCT ?s WHERE {
    GRAPH <%(inferred)s> { ?s ?p ?o }
    FILTER NOT EXISTS { GRAPH ?g { ?s ?q ?v } FILTER (?g != <%(inferred)s>) }
}
"""
# Datatypes of the OWL 2 datatype map that HermiT checks, and the literals that fit each.
_INTEGERS = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long, XSD.short}
_DECIMALS = {XSD.decimal, *_INTEGERS}


class ReasonerUnavailableError(HrgraphError):
    """HermiT cannot run: there is no Java runtime."""


@dataclass(frozen=True)
class Inconsistency:
    """An individual that makes a city's data inconsistent with the ontology, and why."""

    city: str
    individual: str
    reason: str


_YES_NO = {True: "yes", False: "no", None: "not checked"}


@dataclass(frozen=True)
class ReasoningReport:
    """What reasoning found for each city, and what it wrote to the ``inferred`` graph."""

    cities: tuple[str, ...]
    consistent: bool | None  # None: not checked (no OWL reasoning)
    unsatisfiable: tuple[str, ...] = ()
    inconsistencies: tuple[Inconsistency, ...] = ()
    served: int = 0
    types: int = 0
    complete_items: tuple[str, ...] = ()
    written: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no city is found inconsistent and no class is unsatisfiable."""
        return self.consistent is not False and not self.unsatisfiable

    def render_text(self) -> str:
        """Write the report as readable text."""
        lines = [f"cities: {', '.join(self.cities) or 'none'}", f"consistent: {_YES_NO.get(self.consistent)}"]
        for cls in self.unsatisfiable:
            lines.append(f"unsatisfiable class: {compact(cls)}")
        for problem in self.inconsistencies:
            who = f" {problem.individual}" if problem.individual else ""
            lines.append(f"inconsistent ({problem.city}){who}: {problem.reason}")
        lines.append(
            f"inferred: {self.served} 'serves' links, {self.types} classes "
            f"({len(self.complete_items)} complete action items)"
        )
        lines.extend(self.notes)
        if self.written:
            lines.append(f"wrote {self.written} triples to the inferred graph")
        return "\n".join(lines) + "\n"

    def render_json(self) -> str:
        """Write the report as JSON."""
        data = {
            "cities": list(self.cities),
            "consistent": self.consistent,
            "unsatisfiable": list(self.unsatisfiable),
            "inconsistencies": [p.__dict__ for p in self.inconsistencies],
            "served": self.served,
            "types": self.types,
            "complete_items": list(self.complete_items),
            "written": self.written,
            "notes": list(self.notes),
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def java_runtime() -> str:
    """Return the Java command HermiT will use, or raise :class:`ReasonerUnavailableError`."""
    import owlready2

    command = str(owlready2.JAVA_EXE)
    found = shutil.which(command) or (command if os.path.isfile(command) else None)
    if found is None and os.environ.get("JAVA_HOME"):
        candidate = Path(os.environ["JAVA_HOME"], "bin", "java")
        found = str(candidate) if candidate.is_file() else None
    if found is None:
        raise ReasonerUnavailableError(
            "HermiT needs a Java runtime and none was found (no 'java' on PATH, no JAVA_HOME): install one, "
            "e.g. 'apt-get install default-jre-headless', or run 'hrgraph reason --no-owl' for the SPARQL "
            "inferences only"
        )
    owlready2.JAVA_EXE = found
    return found


def _city_graphs(store: Store, slug: str) -> tuple[str, ...]:
    names = store.graphs()
    return tuple(graph_iri(f"{k}/{slug}") for k in ("city", "curated") if graph_iri(f"{k}/{slug}") in names)


def _dataset(store: Store, graphs: Sequence[str]) -> str:
    standards = graph_iri("standards")
    shared = f"FROM <{standards}> " if standards in store.graphs() else ""
    return shared + "".join(f"FROM <{g}> FROM NAMED <{g}> " for g in graphs)


def closure(store: Store, city: str) -> rdflib.Graph:
    """Return the ``hrg:serves`` links that a city's stated and curated links imply, up the standards."""
    graphs = _city_graphs(store, city_slug(city))
    if not graphs:
        return rdflib.Graph()
    return store.construct(_CLOSURE % {"dataset": _dataset(store, graphs)})


def reason(store: Store, *, city: str | None = None, owl: bool = True, write: bool = True) -> ReasoningReport:
    """Infer what a city's graph implies (all cities when ``city`` is None) and check it with HermiT.

    With ``owl`` false only the SPARQL closure runs (no Java needed). With ``write``, the inferences
    replace the city's earlier ones in the ``inferred`` graph.

    >>> from hrgraph.store import open_store, RdfFormat
    >>> item = b"<urn:x:item> <https://w3id.org/hrgraph/ontology#realises> <https://w3id.org/hrgraph/id/udhr/art_1> ."
    >>> with open_store(memory=True) as store:
    ...     _ = store.load(item, format=RdfFormat.NTRIPLES, graph="city/x")
    ...     report = reason(store, owl=False)
    ...     report.served, store.graphs()["https://w3id.org/hrgraph/graph/inferred"]
    (1, 1)
    """
    if owl:
        java_runtime()
    slugs = _cities(store, city)
    ontology = _ontology(store)
    inferred = rdflib.Graph()
    inconsistencies: list[Inconsistency] = []
    unsatisfiable: set[str] = set()
    complete: list[str] = []
    served = types = 0
    subjects: set[Node] = set()
    for slug in slugs:
        graphs = _city_graphs(store, slug)
        data = rdflib.Graph()
        for graph in graphs:
            data += store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        subjects |= set(data.subjects())
        links = closure(store, slug)
        served += len(links)
        inferred += links
        if not owl:
            continue
        data += links
        data += store.construct(_STANDARDS % {"dataset": _dataset(store, graphs)})
        found = _classify(ontology + data, set(data.subjects()))
        if found.inconsistent:
            inconsistencies.extend(
                Inconsistency(slug, who, why)
                for who, why in _diagnose(ontology, data)
                or [("", "HermiT finds the data inconsistent with the ontology; no single cause was located")]
            )
            continue
        unsatisfiable |= found.unsatisfiable
        backwards = {row[0] for row in store.select(_BACKWARDS % {"dataset": _dataset(store, graphs)}).rows}
        classes = [(s, p, o) for s, p, o in found.types if not (o == COMPLETE_ACTION_ITEM and s in backwards)]
        for triple in classes:
            inferred.add(triple)
        types += len(classes)
        complete.extend(str(s) for s, _, o in classes if o == COMPLETE_ACTION_ITEM)
    written = 0
    if write:
        written = _write(store, inferred, subjects)
    return ReasoningReport(
        cities=tuple(slugs),
        consistent=not inconsistencies if owl else None,
        unsatisfiable=tuple(sorted(unsatisfiable)),
        inconsistencies=tuple(inconsistencies),
        served=served,
        types=types,
        complete_items=tuple(sorted(complete)),
        written=written,
        notes=() if owl else ("OWL reasoning skipped (--no-owl): consistency was not checked",),
    )


def _cities(store: Store, city: str | None) -> list[str]:
    prefix = GRAPH_BASE + "city/"
    slugs = sorted(name[len(prefix) :] for name in store.graphs() if name.startswith(prefix))
    if city is None:
        return slugs
    slug = city_slug(city)
    if slug not in slugs:
        raise UnknownNameError(f"no city {city!r} in the store (cities: {', '.join(slugs) or 'none'})")
    return [slug]


def _ontology(store: Store) -> rdflib.Graph:
    """Return the ontology of the store (or the packaged one), with the definitions it does not carry yet."""
    graph = rdflib.Graph()
    if graph_iri("ontology") in store.graphs():
        graph += store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri('ontology')}> {{ ?s ?p ?o }} }}")
    else:
        graph.parse(data=ontology_file().read_bytes(), format="turtle")
    if (COMPLETE_ACTION_ITEM, RDF.type, OWL.Class) not in graph:
        graph.parse(data=DEFINITIONS, format="turtle")
    # Texts are tagged with their language (@en) all through hrgraph, and OWL 2's xsd:string has no
    # language tag: read a range xsd:string as rdf:PlainLiteral, the strings with or without a tag.
    for prop in list(graph.subjects(RDFS.range, XSD.string)):
        graph.remove((prop, RDFS.range, XSD.string))
        graph.add((prop, RDFS.range, RDF.PlainLiteral))
    return graph


@dataclass(frozen=True)
class _Classification:
    inconsistent: bool
    unsatisfiable: frozenset[str] = frozenset()
    types: tuple[tuple[Node, Node, Node], ...] = ()


def _classify(graph: rdflib.Graph, individuals: set[Node]) -> _Classification:
    """Run HermiT on a graph; return the classes it infers for the given individuals."""
    import owlready2

    with tempfile.TemporaryDirectory(prefix="hrgraph-reason-") as folder:
        path = Path(folder, "data.nt")
        path.write_bytes(_one_line(graph).serialize(format="nt", encoding="utf-8"))
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            return _Classification(True)
        except owlready2.OwlReadyJavaError as err:
            lines = [line for line in str(err).splitlines() if "Exception" in line or "Error" in line]
            raise ReasonerUnavailableError(f"HermiT failed: {(lines or [str(err)])[-1].strip()[:500]}") from err
        unsatisfiable = frozenset(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        inferences = world.get_ontology("http://inferrences/")
        type_id = world._abbreviate(str(RDF.type))
        found = []
        wanted = {str(i) for i in individuals if isinstance(i, URIRef)}
        for s, _, o in inferences.get_triples(None, type_id, None):
            subject, cls = world._unabbreviate(s), world._unabbreviate(o)
            if subject in wanted and cls.startswith(_HRG):
                found.append((URIRef(subject), RDF.type, URIRef(cls)))
        world.close()
    return _Classification(False, unsatisfiable, tuple(sorted(found)))


def _one_line(graph: rdflib.Graph) -> rdflib.Graph:
    """Put every literal on one line: owlready2 garbles line breaks in the literals it hands HermiT.

    The words of a text do not matter to the reasoner; its datatype and language tag are kept.
    """
    flat = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and ("\n" in o or "\r" in o):
            o = Literal(" ".join(str(o).split()), lang=o.language, datatype=o.datatype)
        flat.add((s, p, o))
    return flat


def _diagnose(ontology: rdflib.Graph, data: rdflib.Graph) -> list[tuple[str, str]]:
    """Find the individuals that make the data inconsistent, from the ontology's own axioms.

    Covers the axioms an hrgraph city can break: disjoint classes (asserted, or implied by the
    domain and range of a property) and values outside the range of a datatype property.
    """
    supers: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sup, URIRef):
            supers[sub].add(sup)

    def lineage(cls: Node) -> set[Node]:
        seen, todo = {cls}, [cls]
        while todo:
            for sup in supers.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    disjoint: set[frozenset[Node]] = {frozenset(p) for p in ontology.subject_objects(OWL.disjointWith)}
    for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        head = ontology.value(axiom, OWL.members)
        members = list(Collection(ontology, head)) if head is not None else []
        disjoint |= {frozenset((a, b)) for a in members for b in members if a != b}
    reasons: dict[Node, dict[Node, str]] = defaultdict(dict)
    for s, cls in data.subject_objects(RDF.type):
        reasons[s].setdefault(cls, "asserted")
    for s, p, o in data:
        for domain in ontology.objects(p, RDFS.domain):
            if isinstance(domain, URIRef):
                reasons[s].setdefault(domain, f"subject of {compact(str(p))}")
        for range_ in ontology.objects(p, RDFS.range):
            if isinstance(range_, URIRef) and not isinstance(o, Literal) and not str(range_).startswith(str(XSD)):
                reasons[o].setdefault(range_, f"object of {compact(str(p))}")
    problems: list[tuple[str, str]] = []
    for node, classes in reasons.items():
        closure_of = {cls: lineage(cls) for cls in classes}
        for a, b in _pairs(classes):
            if any(
                x in closure_of[a] and y in closure_of[b] or y in closure_of[a] and x in closure_of[b]
                for x, y in (tuple(pair) for pair in disjoint)
            ):
                problems.append(
                    (
                        _name(node),
                        f"is a {compact(str(a))} ({classes[a]}) and a {compact(str(b))} "
                        f"({classes[b]}), which are disjoint",
                    )
                )
    for s, p, o in data:
        if isinstance(o, Literal):
            for range_ in ontology.objects(p, RDFS.range):
                if not _fits(o, range_):
                    shown = o if len(o) <= 60 else Literal(o[:57] + "…", lang=o.language, datatype=o.datatype)
                    problems.append(
                        (
                            _name(s),
                            f"{compact(str(p))} {shown.n3()} is not a {compact(str(range_))}, "
                            f"the range of {compact(str(p))}",
                        )
                    )
    return sorted(set(problems))


def _pairs(classes: Iterable[Node]) -> Iterable[tuple[Node, Node]]:
    items = sorted(classes, key=str)
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            yield a, b


def _name(node: Node) -> str:
    return "a blank node" if isinstance(node, BNode) else str(node)


def _fits(value: Literal, range_: Node) -> bool:
    """Whether a literal is in the value space of a datatype HermiT checks (others are let through)."""
    datatype = value.datatype
    if range_ in (XSD.string, RDF.PlainLiteral):
        return datatype in (None, XSD.string)
    if range_ in _DECIMALS:
        if datatype not in _DECIMALS or value.ill_typed:
            return False
        number = value.toPython()
        if range_ in _INTEGERS and (datatype not in _INTEGERS or int(number) != number):
            return False
        return not (range_ == XSD.nonNegativeInteger and number < 0 or range_ == XSD.positiveInteger and number <= 0)
    if range_ in (XSD.boolean, XSD.anyURI, XSD.double):
        return datatype == range_ and not value.ill_typed
    return True


def _write(store: Store, inferred: rdflib.Graph, subjects: set[Node]) -> int:
    """Replace the inferences about these cities' nodes in the ``inferred`` graph; keep the others.

    Inferences about nodes that no other graph describes any more (an item that a re-ingest deleted)
    are dropped as well: they are what was inferred for a city before.
    """
    target = graph_iri("inferred")
    kept = rdflib.Graph()
    if target in store.graphs():
        gone = {row[0] for row in store.select(_ORPHANS % {"inferred": target}).rows}
        old = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}")
        for triple in old:
            if triple[0] not in subjects and triple[0] not in gone:
                kept.add(triple)
    kept += inferred
    store.add_graph(kept, graph="inferred", replace=True)
    return len(inferred)
